/**
 * A situation's integrated probabilities in one WebAssembly call (the fused
 * kernel of @mxl/core, ./situation-shares there): utilities, softmax and the
 * prior-weighted sum over the unit's support points without the J×M
 * probabilities ever reaching memory,
 *
 *     Pbar_j = sum_m a_m P_jm,   Pbar_0 = sum_m a_m P0_m (the outside option).
 *
 * The unit's weights and varying coefficients (./coefficient-split.ts) are
 * copied into the kernel's memory once per unit, each situation's constant
 * parts f_j and covariates x_jv once per situation; the utilities, the
 * softmax and the sums are those of ./probabilities.ts and ./passes.ts
 * term for term, the sum over m taken over even and odd support points apart
 * (equal to about 1e-15). Situations of more than MAX_FUSED_J rows, or with
 * an exp argument below -708, are left to the caller (`situation` returns
 * false).
 */
import { buildWasmSituationShares, MAX_FUSED_J, wasmSimdAvailable, type ChoiceData, type WasmSituationShares } from '@mxl/core';
import type { CoefficientSplit } from './coefficient-split.js';

/** The fused shares kernel over one population's data; see the file comment. */
export class FusedShares {
  private readonly k: WasmSituationShares;
  private readonly maxJ: number;
  private nv = 0;
  /** Pbar of the last situation's rows (maxJ), then the outside option's (0 without one) at `pbar[maxJ]`. */
  readonly pbar: Float64Array;

  private constructor(data: ChoiceData, maxJ: number, M: number) {
    this.maxJ = maxJ;
    this.k = buildWasmSituationShares(maxJ, data.nVars, M, data.outside);
    this.pbar = new Float64Array(maxJ + 1);
  }

  /** The kernel for data whose situations have up to maxJ rows, at M support points; null where WebAssembly SIMD is missing. */
  static create(data: ChoiceData, maxJ: number, M: number, useWasm = true): FusedShares | null {
    if (!useWasm || !wasmSimdAvailable()) return null;
    return new FusedShares(data, maxJ, M);
  }

  /** Loads a unit: its prior weights a (M) and its varying coefficients (beta K×M, k-major, as split). */
  unit(beta: Float64Array, a: Float64Array, M: number, split: CoefficientSplit): void {
    const { A, beta: kb, stride } = this.k;
    for (let m = 0; m < M; m++) A[m] = a[m];
    if (stride > M) A[M] = 0;
    const nv = (this.nv = split.nVarying);
    for (let v = 0; v < nv; v++) {
      const bo = split.varying[v] * M, o = v * stride;
      for (let m = 0; m < M; m++) kb[o + m] = beta[bo + m];
      if (stride > M) kb[o + M] = beta[bo + M - 1];
    }
  }

  /**
   * Pbar of situation s of the loaded unit into {@link pbar}; false (nothing
   * computed) when the kernel does not take the situation.
   */
  situation(data: ChoiceData, s: number, split: CoefficientSplit): boolean {
    const r0 = data.sitRow[s], J = data.sitRow[s + 1] - r0;
    if (J > MAX_FUSED_J) return false;
    const K = data.nVars, X = data.X, maxJ = this.maxJ;
    const { F, X: XV, sum, runs } = this.k;
    const { varying, constant, value, nConstant } = split;
    const nv = this.nv;
    for (let j = 0; j < J; j++) {
      const xo = (r0 + j) * K;
      let f = 0;
      for (let i = 0; i < nConstant; i++) {
        const k = constant[i], x = X[xo + k];
        if (x !== 0) f += x * value[k];
      }
      F[j] = f;
      for (let v = 0; v < nv; v++) XV[v * maxJ + j] = X[xo + varying[v]];
    }
    if (runs[J][nv](nv) !== 0) return false;
    const pbar = this.pbar;
    for (let j = 0; j < J; j++) pbar[j] = sum[2 * j] + sum[2 * j + 1];
    pbar[maxJ] = data.outside ? sum[2 * maxJ] + sum[2 * maxJ + 1] : 0;
    return true;
  }
}
