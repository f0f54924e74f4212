/**
 * Integrated (unconditional) probabilities of every row,
 *
 *     Pbar_row = sum_r w_r P_row(beta_ur),
 *     dPbar_row/dtheta = sum_r w_r P_row,r (x_row,k - xbar_k,r) dbeta_kr/dtheta,
 *
 * with xbar_k,r = sum_i P_ir x_ik over the situation's rows (Train 2009,
 * sec. 10.2.3: what the method of simulated moments needs). The choices do
 * not enter. Both mixed logit kernels compute them with the plain kernel's
 * situation terms.
 */
import type { MixedParts } from './coefficients.js';
import { situationTerms, type SituationScratch } from './situation.js';
import { mapScores } from './scores.js';
import { nodeWeights } from './unit-sums.js';

/** Scratch of {@link rowProbabilities}. */
export interface RowScratch {
  /** R prior node weights. */
  readonly prior: Float64Array;
  /** K×stride: a situation's G, then one row's derivative terms. */
  readonly G: Float64Array;
  readonly Grow: Float64Array;
  readonly logL: Float64Array;
}

export function rowScratch(p: MixedParts): RowScratch {
  const n = p.plan.K * p.stride;
  return { prior: new Float64Array(p.R), G: new Float64Array(n), Grow: new Float64Array(n), logL: new Float64Array(p.R) };
}

/** Makes unit u's coefficients (see ./coefficients.ts). */
export type CoefficientMaker = (theta: Float64Array, u: number, e: Float64Array, eOff: number) => void;

/**
 * Row probabilities of units u0..u1-1 into prob (nRows) and, when dprob
 * (nRows × P, row-major) is given, their derivatives.
 */
export function rowProbabilities(p: MixedParts, sc: SituationScratch, rs: RowScratch, make: CoefficientMaker,
  theta: Float64Array, u0: number, u1: number, prob: Float64Array, dprob: Float64Array | null): void {
  const { data, plan, R, stride } = p;
  const K = plan.K, P = plan.P, X = data.X;
  const { prior, G, Grow, logL } = rs;
  const V = sc.V;
  const w = nodeWeights(p);
  for (let r = 0; r < R; r++) prior[r] = w ? w[r] : 1 / R;
  for (let u = u0; u < u1; u++) {
    const e = p.draws.of(u);
    const eOff = p.draws.offset;
    make(theta, u, e, eOff);
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
      G.fill(0);
      logL.fill(0);
      situationTerms(p, sc, s, G, logL); // V <- P_jr; G <- x_c - xbar (x_c = 0 for the outside option)
      const j0 = data.sitRow[s], J = data.sitRow[s + 1] - j0, c = data.sitChosen[s];
      for (let j = 0; j < J; j++) {
        const vo = j * R;
        let t = 0;
        for (let r = 0; r < R; r++) t += prior[r] * V[vo + r];
        prob[j0 + j] = t;
        if (!dprob) continue;
        for (let k = 0; k < K; k++) {
          const d = X[(j0 + j) * K + k] - (c >= 0 ? X[c * K + k] : 0), go = k * stride;
          for (let r = 0; r < R; r++) Grow[go + r] = V[vo + r] * (d + G[go + r]);
        }
        mapScores(p, u, e, eOff, Grow, prior, 1, dprob, (j0 + j) * P);
      }
    }
  }
}
