/**
 * From node-level derivatives to parameters: with G[k*stride + r] =
 * dlog L_r / dbeta_k and node weights q_r,
 *
 *     dLL/dtheta = sum_k sum_r q_r G_kr dbeta_kr/dtheta,
 *
 * dbeta_k/dtheta being dbeta_k (location), dbeta_k d_uc (mean shift) and
 * dbeta_k e_l (spread). With a coupling (./coupling.ts) G is first mapped,
 * in place, to the derivatives with respect to the base coefficients.
 */
import type { MixedParts } from './coefficients.js';
import { Link } from './plan.js';
import { coupleScores } from './coupling.js';

/**
 * Takes coefficient k's node sum itself (adding its spread terms to
 * out[o + ...] times wu) and returns sum_r q_r G_kr dbeta_kr, or undefined to
 * leave it to {@link mapScores}.
 */
export type CoefficientSums = (k: number, go: number, out: Float64Array, o: number, wu: number) => number | undefined;

/**
 * Maps G (K rows of `stride`, nodes r < R) through the node weights q_r
 * (`weights`: posterior, prior or equal) and dbeta/dtheta into
 * out[o .. o+P-1], times wu. e holds the unit's draws at eOff.
 */
export function mapScores(p: MixedParts, u: number, e: Float64Array, eOff: number, G: Float64Array, weights: Float64Array,
  wu: number, out: Float64Array, o: number, sums?: CoefficientSums | null): void {
  const { data, plan, stride } = p;
  const P = plan.P;
  for (let i = 0; i < P; i++) out[o + i] = 0;
  const chars = data.unitChars;
  const nc = data.charNames.length;
  // a coupling maps G to the base coefficients' derivatives first (in place) and adds its own terms
  if (p.coupling) coupleScores(p.coupling, plan, G, weights, p.R, stride, wu, out, o, chars, u * nc);
  for (let k = 0; k < plan.K; k++) {
    const go = k * stride;
    const hsum = (sums ? sums(k, go, out, o, wu) : undefined) ?? coefficientSum(p, k, e, eOff, G, go, weights, wu, out, o);
    const mp = plan.meanParam[k];
    if (mp >= 0) out[o + mp] += wu * hsum;
    for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) out[o + plan.shiftParam[h]] += wu * hsum * chars![u * nc + plan.shiftChar[h]];
  }
}

/** sum_r q_r G_kr dbeta_kr of coefficient k; adds its spread terms to out. */
function coefficientSum(p: MixedParts, k: number, e: Float64Array, eOff: number, G: Float64Array, go: number,
  weights: Float64Array, wu: number, out: Float64Array, o: number): number {
  const { plan, R } = p;
  const { dbeta, dbetaConst } = p.rows;
  let hsum = 0;
  if (!plan.random[k]) {
    let t = 0;
    for (let r = 0; r < R; r++) t += weights[r] * G[go + r];
    return t * dbetaConst[k];
  }
  const h0 = plan.spreadStart[k], h1 = plan.spreadStart[k + 1];
  const ident = plan.link[k] === Link.identity;
  const sgn = plan.sign[k];
  if (h1 - h0 === 1) {
    const eo = eOff + plan.spreadDim[h0] * R;
    let t = 0;
    if (ident) for (let r = 0; r < R; r++) { const a = weights[r] * G[go + r] * sgn; hsum += a; t += a * e[eo + r]; }
    else for (let r = 0; r < R; r++) { const a = weights[r] * G[go + r] * dbeta[go + r]; hsum += a; t += a * e[eo + r]; }
    out[o + plan.spreadParam[h0]] += wu * t;
    return hsum;
  }
  if (ident) for (let r = 0; r < R; r++) hsum += weights[r] * G[go + r] * sgn;
  else for (let r = 0; r < R; r++) hsum += weights[r] * G[go + r] * dbeta[go + r];
  for (let h = h0; h < h1; h++) {
    const eo = eOff + plan.spreadDim[h] * R;
    let t = 0;
    if (ident) for (let r = 0; r < R; r++) t += weights[r] * G[go + r] * sgn * e[eo + r];
    else for (let r = 0; r < R; r++) t += weights[r] * G[go + r] * dbeta[go + r] * e[eo + r];
    out[o + plan.spreadParam[h]] += wu * t;
  }
  return hsum;
}
