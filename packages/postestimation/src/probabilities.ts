/**
 * Logit probabilities of one choice situation at every support point, with
 * max-shifted exponentials (utilities of any size give finite values):
 *
 *     P_jm = exp(V_jm - c_m) / (exp(-c_m)·[outside] + sum_i exp(V_im - c_m)),
 *     V_jm = sum_k x_jk beta_km,   c_m = max(0 if outside, max_i V_im).
 *
 * `P0` receives the outside option's probability (zero without one); `V`,
 * when given, the utilities.
 */
import type { ChoiceData } from '@mxl/core';

/**
 * @param beta - K×M coefficients (k-major), from {@link Population.unit}
 * @param P - receives J×M probabilities of the situation's rows (j-major)
 * @param P0 - receives the M probabilities of the outside option
 */
export function situationProbabilities(data: ChoiceData, s: number, beta: Float64Array, M: number, P: Float64Array, P0: Float64Array, V?: Float64Array): void {
  const K = data.nVars, X = data.X;
  const r0 = data.sitRow[s], J = data.sitRow[s + 1] - r0;
  for (let j = 0; j < J; j++) {
    const o = j * M, xo = (r0 + j) * K;
    for (let m = 0; m < M; m++) P[o + m] = 0;
    for (let k = 0; k < K; k++) {
      const x = X[xo + k];
      if (x === 0) continue;
      const bo = k * M;
      for (let m = 0; m < M; m++) P[o + m] += x * beta[bo + m];
    }
  }
  if (V) V.set(P.subarray(0, J * M));
  for (let m = 0; m < M; m++) {
    let c = data.outside ? 0 : -Infinity;
    for (let j = 0; j < J; j++) if (P[j * M + m] > c) c = P[j * M + m];
    let S = data.outside ? Math.exp(-c) : 0;
    for (let j = 0; j < J; j++) { const e = Math.exp(P[j * M + m] - c); P[j * M + m] = e; S += e; }
    const inv = 1 / S;
    for (let j = 0; j < J; j++) P[j * M + m] *= inv;
    P0[m] = data.outside ? Math.exp(-c) * inv : 0;
  }
}

/** Largest number of rows of a situation. */
export function maxAlternatives(data: ChoiceData): number {
  let J = 1;
  for (let s = 0; s < data.nSituations; s++) J = Math.max(J, data.sitRow[s + 1] - data.sitRow[s]);
  return J;
}
