/**
 * The log-likelihood alone at several parameter vectors in one pass over the
 * units (see {@link Engine.logLikelihoods}): each unit is evaluated at every
 * vector in turn while its records and draws are in cache, without the scores.
 * The per-unit values are those of `evaluate` bit for bit (the kernel's
 * `unit` computes the log-likelihood before, and independently of, the score).
 */
import type { KernelEvaluation } from '@mxl/core';

/**
 * Writes out[m * nUnits + u] = LL_u(theta_m) for units u0..u1-1 and every m.
 * @param thetas - M vectors of P parameters, row-major (M × P)
 * @param out - M × nUnits, row m receives the per-unit log-likelihoods at theta_m
 */
export function logLikelihoodsOf(kernel: KernelEvaluation, thetas: Float64Array, P: number, nUnits: number, u0: number, u1: number, out: Float64Array): void {
  const M = P > 0 ? thetas.length / P : 0;
  const rows: Float64Array[] = [];
  for (let m = 0; m < M; m++) rows.push(thetas.subarray(m * P, (m + 1) * P));
  kernel.fault = null;
  for (let u = u0; u < u1; u++) for (let m = 0; m < M; m++) out[m * nUnits + u] = kernel.unit(rows[m], u, null, 0);
}

/** The M sums of {@link logLikelihoodsOf}'s rows, each in unit order (the reduction of `evaluate`). */
export function sumRows(out: Float64Array, M: number, nUnits: number): Float64Array {
  const ll = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    let s = 0;
    for (let u = 0; u < nUnits; u++) s += out[m * nUnits + u];
    ll[m] = s;
  }
  return ll;
}

/** The parameter vectors as one M × P array (each of length P). */
export function stackThetas(thetas: readonly Float64Array[], P: number, into?: Float64Array): Float64Array {
  const flat = into ?? new Float64Array(thetas.length * P);
  thetas.forEach((t, m) => {
    if (t.length !== P) throw new RangeError(`theta ${m} has ${t.length} values; the model has ${P} parameters`);
    flat.set(t, m * P);
  });
  return flat;
}
