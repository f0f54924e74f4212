/**
 * One situation's terms at every node, in the max-shifted form of the plain
 * kernel:
 *
 *     log P_tr = V_t,c,r - m - log sum_j exp(V_t,j,r - m),   m = max_j V_t,j,r
 *     dlog P_tr / dbeta_k = x_t,c,k - sum_j P_t,j,r x_t,j,k
 *
 * (with an outside option its utility 0 takes part in m and the sum).
 */
import type { ChoiceData } from './layout.js';
import type { MixedParts } from './coefficients.js';

/** Scratch of {@link situationTerms}: utilities then probabilities (Jmax×R), the shift and the sum (R). */
export interface SituationScratch {
  readonly V: Float64Array;
  readonly mx: Float64Array;
  readonly den: Float64Array;
}

/** Scratch sized for the largest situation of the data. */
export function situationScratch(data: ChoiceData, R: number): SituationScratch {
  let jmax = 1;
  for (let s = 0; s < data.nSituations; s++) jmax = Math.max(jmax, data.sitRow[s + 1] - data.sitRow[s]);
  return { V: new Float64Array(jmax * R), mx: new Float64Array(R), den: new Float64Array(R) };
}

/**
 * Adds situation s's terms at every node: log P of the chosen alternative to
 * logL[r], and x_ck - sum_j P_jr x_jk to G[k*stride + r]. Needs the unit's
 * coefficients first; leaves P_jr in V[j*R + r].
 */
export function situationTerms(p: MixedParts, sc: SituationScratch, s: number, G: Float64Array, logL: Float64Array): void {
  const { data, plan, R, stride, randomK, fixedK } = p;
  const { beta, betaConst } = p.rows;
  const { V, mx, den } = sc;
  const K = plan.K;
  const X = data.X;
  const nR = randomK.length, nF = fixedK.length;
  const outside = data.outside;
  const j0 = data.sitRow[s], J = data.sitRow[s + 1] - j0;
  const c = data.sitChosen[s];
  // utilities V[j*R + r]
  for (let j = 0; j < J; j++) {
    const xo = (j0 + j) * K;
    let vf = 0;
    for (let i = 0; i < nF; i++) { const k = fixedK[i]; vf += X[xo + k] * betaConst[k]; }
    const vo = j * R;
    for (let r = 0; r < R; r++) V[vo + r] = vf;
    for (let i = 0; i < nR; i++) {
      const k = randomK[i];
      const x = X[xo + k];
      if (x === 0) continue;
      const bo = k * stride;
      for (let r = 0; r < R; r++) V[vo + r] += x * beta[bo + r];
    }
  }
  // max shift: with an outside option its utility 0 takes part
  for (let r = 0; r < R; r++) mx[r] = outside ? Math.max(0, V[r]) : V[r];
  for (let j = 1; j < J; j++) {
    const vo = j * R;
    for (let r = 0; r < R; r++) if (V[vo + r] > mx[r]) mx[r] = V[vo + r];
  }
  for (let r = 0; r < R; r++) den[r] = outside ? Math.exp(-mx[r]) : 0;
  const co = c >= 0 ? (c - j0) * R : -1;
  // log P of the chosen alternative, before V is overwritten by probabilities
  for (let r = 0; r < R; r++) logL[r] += co >= 0 ? V[co + r] - mx[r] : -mx[r];
  for (let j = 0; j < J; j++) {
    const vo = j * R;
    for (let r = 0; r < R; r++) { const e = Math.exp(V[vo + r] - mx[r]); V[vo + r] = e; den[r] += e; }
  }
  for (let r = 0; r < R; r++) { logL[r] -= Math.log(den[r]); den[r] = 1 / den[r]; }
  for (let j = 0; j < J; j++) {
    const vo = j * R;
    for (let r = 0; r < R; r++) V[vo + r] *= den[r];
  }
  // G[k*stride + r] += x_ck - sum_j P_jr x_jk
  for (let k = 0; k < K; k++) {
    const go = k * stride;
    if (c >= 0) {
      const xc = X[c * K + k];
      if (xc !== 0) for (let r = 0; r < R; r++) G[go + r] += xc;
    }
    for (let j = 0; j < J; j++) {
      const x = X[(j0 + j) * K + k];
      if (x === 0) continue;
      const vo = j * R;
      for (let r = 0; r < R; r++) G[go + r] -= x * V[vo + r];
    }
  }
}
