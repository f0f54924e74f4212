/** The coefficient links g of ./plan.ts: values and derivatives, one node or a row of nodes. */
import { Link } from './plan.js';

/**
 * Applies a coefficient's link in place over nodes: beta[o..o+R-1] holds eta
 * on entry and sign·g(eta) on exit; dbeta receives sign·g'(eta).
 */
export function applyLink(link: number, sgn: number, beta: Float64Array, dbeta: Float64Array, o: number, R: number): void {
  switch (link) {
    case Link.identity:
      for (let r = 0; r < R; r++) { beta[o + r] *= sgn; dbeta[o + r] = sgn; }
      break;
    case Link.exp:
      for (let r = 0; r < R; r++) { const b = sgn * Math.exp(beta[o + r]); beta[o + r] = b; dbeta[o + r] = b; }
      break;
    default:
      for (let r = 0; r < R; r++) {
        const eta = beta[o + r];
        beta[o + r] = sgn * linkValue(link, eta);
        dbeta[o + r] = sgn * linkDerivative(link, eta);
      }
  }
}

/** g(eta) for a link code. */
export function linkValue(link: number, eta: number): number {
  switch (link) {
    case Link.exp: return Math.exp(eta);
    case Link.censored: return eta > 0 ? eta : 0;
    case Link.logistic: return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
    default: return eta;
  }
}

/** g'(eta) for a link code. */
export function linkDerivative(link: number, eta: number): number {
  switch (link) {
    case Link.exp: return Math.exp(eta);
    case Link.censored: return eta > 0 ? 1 : 0;
    case Link.logistic: { const p = linkValue(Link.logistic, eta); return p * (1 - p); }
    default: return 1;
  }
}
