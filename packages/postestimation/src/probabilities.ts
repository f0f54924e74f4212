/**
 * Logit probabilities of one choice situation at every support point, with
 * max-shifted exponentials (utilities of any size give finite values):
 *
 *     P_jm = exp(V_jm - c_m) / (exp(-c_m)·[outside] + sum_i exp(V_im - c_m)),
 *     V_jm = sum_k x_jk beta_km,   c_m = max(0 if outside, max_i V_im).
 *
 * The coefficients constant over the unit's support points enter each row's
 * utility once (./coefficient-split.ts); the softmax is ./softmax.ts (on
 * WebAssembly SIMD where it runs). The outside option's probability is zero
 * without one.
 */
import type { ChoiceData } from '@mxl/core';
import type { CoefficientSplit } from './coefficient-split.js';
import type { Softmax } from './softmax.js';

/**
 * @param beta - K×M coefficients (k-major), from {@link Population.unit}
 * @param split - the same coefficients split ({@link CoefficientSplit.scan} of beta)
 * @param sm - receives the utilities in `U`, the J×M probabilities of the situation's rows (j-major) in `P` and the outside option's in `P0`
 * @param V - receives the utilities too, when given
 */
export function situationProbabilities(data: ChoiceData, s: number, beta: Float64Array, M: number, split: CoefficientSplit, sm: Softmax, V?: Float64Array): void {
  const K = data.nVars, X = data.X, U = sm.U;
  const r0 = data.sitRow[s], J = data.sitRow[s + 1] - r0;
  const { varying, constant, value, nVarying, nConstant } = split;
  for (let j = 0; j < J; j++) {
    const o = j * M, xo = (r0 + j) * K;
    let f = 0;
    for (let i = 0; i < nConstant; i++) {
      const k = constant[i], x = X[xo + k];
      if (x !== 0) f += x * value[k];
    }
    let first = true;
    for (let i = 0; i < nVarying; i++) {
      const k = varying[i], x = X[xo + k];
      if (x === 0) continue;
      const bo = k * M;
      if (first) for (let m = 0; m < M; m++) U[o + m] = f + x * beta[bo + m];
      else for (let m = 0; m < M; m++) U[o + m] += x * beta[bo + m];
      first = false;
    }
    if (first) for (let m = 0; m < M; m++) U[o + m] = f;
  }
  if (V) V.set(U.subarray(0, J * M));
  sm.apply(J, data.outside);
}

/** Largest number of rows of a situation. */
export function maxAlternatives(data: ChoiceData): number {
  let J = 1;
  for (let s = 0; s < data.nSituations; s++) J = Math.max(J, data.sitRow[s + 1] - data.sitRow[s]);
  return J;
}
