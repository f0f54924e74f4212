/**
 * What a coupling is (./coupling.ts: WTP space and G-MNL) and its check against a plan's
 * shape: the part ./plan.ts needs when it compiles a plan with a coupling, kept apart from
 * the per-node arithmetic so that the two modules do not import each other.
 */
import { Link } from './codes.js';

/** A coupling of a plan's coefficients (see the module comment). */
export type Coupling =
  | {
      readonly kind: 'wtp';
      /** The price column: its base coefficient is the scale lambda, its utility coefficient -lambda. */
      readonly price: number;
    }
  | {
      readonly kind: 'gmnl';
      /** theta index of tau. */
      readonly tauParam: number;
      /** theta index of logit(gamma), or -1 when gamma is held at `gamma`. */
      readonly gammaParam: number;
      /** The held gamma (used when gammaParam is -1). */
      readonly gamma: number;
      /** The draw dimension of z. */
      readonly scaleDim: number;
    };

/** Checks a coupling against its plan (throws a RangeError naming the problem). */
export function checkCoupling(c: Coupling, K: number, P: number, drawKind: Int32Array, link: Int32Array): void {
  if (c.kind === 'wtp') {
    if (!(c.price >= 0 && c.price < K && Number.isInteger(c.price))) throw new RangeError(`coupling: price column ${c.price} out of range 0..${K - 1}`);
    return;
  }
  if (!(c.tauParam >= 0 && c.tauParam < P)) throw new RangeError(`coupling: tau parameter ${c.tauParam} out of range`);
  if (!(c.gammaParam >= -1 && c.gammaParam < P)) throw new RangeError(`coupling: gamma parameter ${c.gammaParam} out of range`);
  if (c.gammaParam < 0 && !(c.gamma >= 0 && c.gamma <= 1)) throw new RangeError(`coupling: a held gamma must be in [0, 1]; received ${c.gamma}`);
  if (!(c.scaleDim >= 0 && c.scaleDim < drawKind.length) || drawKind[c.scaleDim] !== 0) throw new RangeError(`coupling: the scale's draw dimension ${c.scaleDim} must be a normal dimension of the plan`);
  for (let k = 0; k < K; k++) if (link[k] !== Link.identity && link[k] !== Link.exp) throw new RangeError(`coupling: G-MNL needs identity or exp (lognormal) links (coefficient ${k} has link ${link[k]})`);
}
