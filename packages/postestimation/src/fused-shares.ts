/**
 * A situation's integrated probabilities in one WebAssembly call (the fused
 * kernel of @mxl/core, ./situation-shares there): exponents, softmax and the
 * prior-weighted sum over the unit's support points without the J×M
 * probabilities ever reaching memory,
 *
 *     Pbar_j = sum_m a_m P_jm,   Pbar_0 = sum_m a_m P0_m (the outside option).
 *
 * A unit is loaded as an affine map of node rows E_v: every row's utility is
 *
 *     U_jm = f_j + sum_v h_jv E_vm,   f_j = sum_i x_{j,k_i} c_i,   h_jv = sum_{t: row_t = v} x_{j,k_t} s_t
 *
 * (x = 0 terms left out), either from its coefficients (`unit`: E the
 * varying coefficients, c the constant ones, h_jv = x_jv; ./coefficient-split.ts)
 * or from its draws (`affineUnit`: E the draws, c the intercepts, s the
 * slopes; ./affine.ts), so that a shares pass at another parameter vector
 * needs no coefficients at every node. Each situation passes its exponents
 * relative to its first row, t_j = U_j - U_0 = (f_j - f_0) + sum_v (h_jv -
 * h_0v) E_v (and t = -U_0 for the outside option), to the kernel; the sums
 * are those of ./probabilities.ts and ./passes.ts to a few ulps, the sum
 * over m taken over even and odd support points apart (the multiply-adds
 * fused where the runtime has relaxed SIMD, as the LL loop's). Situations of more
 * than MAX_FUSED_J rows, or with an exponent outside [-708, 700], are left
 * to the caller (`situation` returns false).
 */
import { buildWasmSituationShares, MAX_FUSED_J, wasmRelaxedSimdAvailable, wasmSimdAvailable, type ChoiceData, type WasmSituationShares } from '@mxl/core';
import type { CoefficientSplit } from './coefficient-split.js';
import type { AffineCoefficients } from './affine.js';

/** The fused shares kernel over one population's data; see the file comment. */
export class FusedShares {
  private readonly k: WasmSituationShares;
  private readonly maxJ: number;
  /** Support points per unit. */
  private readonly M: number;
  /** Rows E_v the kernel holds (the larger of K and the draw dimensions). */
  private readonly maxV: number;
  /** The loaded unit's map: nc intercept terms (column ck, value cv), nt slope terms (column tk, row tr, value tv), nv rows. */
  private nc = 0;
  private nt = 0;
  private nv = 0;
  private readonly ck: Int32Array;
  private readonly cv: Float64Array;
  private readonly tk: Int32Array;
  private readonly tr: Int32Array;
  private readonly tv: Float64Array;
  /** h_0v and h_jv of the current situation. */
  private readonly h0: Float64Array;
  private readonly hj: Float64Array;
  /** The weights last copied into the kernel by `affineUnit` (null after `unit`). */
  private weights: Float64Array | null = null;
  /** Pbar of the last situation's rows (maxJ), then the outside option's (0 without one) at `pbar[maxJ]`. */
  readonly pbar: Float64Array;

  private constructor(data: ChoiceData, maxJ: number, M: number, D: number, terms: number) {
    const K = data.nVars;
    this.maxJ = maxJ;
    this.M = M;
    this.maxV = Math.max(K, D);
    const maxN = Math.min(maxJ - 1 + (data.outside ? 1 : 0), MAX_FUSED_J);
    this.k = buildWasmSituationShares(maxN, this.maxV, M, wasmRelaxedSimdAvailable()); // fused multiply-adds where the LL loop has them
    this.pbar = new Float64Array(maxJ + 1);
    this.ck = new Int32Array(K);
    this.cv = new Float64Array(K);
    const T = Math.max(K, terms);
    this.tk = new Int32Array(T);
    this.tr = new Int32Array(T);
    this.tv = new Float64Array(T);
    this.h0 = new Float64Array(this.maxV);
    this.hj = new Float64Array(this.maxV);
  }

  /**
   * The kernel for data whose situations have up to maxJ rows, at M support
   * points (and for `affine` units of that form); null where WebAssembly SIMD is missing.
   */
  static create(data: ChoiceData, maxJ: number, M: number, useWasm = true, affine: AffineCoefficients | null = null): FusedShares | null {
    if (!useWasm || !wasmSimdAvailable()) return null;
    // rows E_v: the draws, then one row per coefficient of another link; one term per slope and per such row
    const links = affine ? affine.linkK.length : 0;
    return new FusedShares(data, maxJ, M, affine ? affine.D + links : 0, affine ? affine.termK.length + links : 0);
  }

  /** Loads a unit: its prior weights a (M) and its varying coefficients (beta K×M, k-major, as split). */
  unit(beta: Float64Array, a: Float64Array, M: number, split: CoefficientSplit): void {
    const { A, E, stride } = this.k;
    for (let m = 0; m < M; m++) A[m] = a[m];
    if (stride > M) A[M] = 0;
    this.weights = null;
    const nv = (this.nv = this.nt = split.nVarying);
    for (let v = 0; v < nv; v++) {
      const k = split.varying[v], bo = k * M, o = v * stride;
      for (let m = 0; m < M; m++) E[o + m] = beta[bo + m];
      if (stride > M) E[o + M] = beta[bo + M - 1];
      this.tk[v] = k;
      this.tr[v] = v;
      this.tv[v] = 1;
    }
    this.nc = split.nConstant;
    for (let i = 0; i < split.nConstant; i++) {
      const k = split.constant[i];
      this.ck[i] = k;
      this.cv[i] = split.value[k];
    }
  }

  /** True when units of this affine form fit the kernel. */
  takes(affine: AffineCoefficients | null | undefined): affine is AffineCoefficients {
    const links = affine ? affine.linkK.length : 0;
    return !!affine && affine.D + links <= this.maxV && affine.termK.length + links <= this.tk.length && affine.weights.length === this.M;
  }

  /** Loads unit u of an affine form ({@link takes}): its intercepts and slopes at the current theta, and its draws. */
  affineUnit(f: AffineCoefficients, u: number): void {
    const { A, E, stride } = this.k;
    const M = f.weights.length, D = f.D, K = this.ck.length;
    if (this.weights !== f.weights) {
      for (let m = 0; m < M; m++) A[m] = f.weights[m];
      if (stride > M) A[M] = 0;
      this.weights = f.weights;
    }
    f.at(u, this.cv, this.tv);
    this.nc = K;
    for (let k = 0; k < K; k++) this.ck[k] = k;
    const T = (this.nt = f.termK.length);
    for (let t = 0; t < T; t++) {
      this.tk[t] = f.termK[t];
      this.tr[t] = f.termDim[t];
    }
    const e = f.draws, eo = f.drawsAt(u);
    for (let v = 0; v < D; v++) {
      const o = v * stride, so = eo + v * M;
      for (let m = 0; m < M; m++) E[o + m] = e[so + m];
      if (stride > M) E[o + M] = e[so + M - 1];
    }
    // a coefficient of another link: its values at the nodes as row D + i, x_jk times them in the utility
    const L = f.linkK.length;
    if (L > 0) {
      f.linkRows(u, E, D * stride, stride);
      for (let i = 0; i < L; i++) {
        const o = (D + i) * stride;
        if (stride > M) E[o + M] = E[o + M - 1];
        this.tk[T + i] = f.linkK[i];
        this.tr[T + i] = D + i;
        this.tv[T + i] = 1;
      }
    }
    this.nt = T + L;
    this.nv = D + L;
  }

  /**
   * Pbar of situation s of the loaded unit into {@link pbar}; false (nothing
   * computed) when the kernel does not take the situation.
   */
  situation(data: ChoiceData, s: number): boolean {
    const r0 = data.sitRow[s], J = data.sitRow[s + 1] - r0;
    const out = data.outside ? 1 : 0, n = J - 1 + out;
    const { G, H, sum, runs, maxN } = this.k;
    if (J > MAX_FUSED_J || n > maxN) return false;
    const K = data.nVars, nv = this.nv, h0 = this.h0, hj = this.hj;
    // exponents relative to row 0: the outside option's -U_0 first, then U_j - U_0
    const f0 = this.row(data.X, r0 * K, h0);
    if (out) {
      G[0] = -f0;
      for (let v = 0; v < nv; v++) H[v * maxN] = -h0[v];
    }
    for (let j = 1; j < J; j++) {
      const i = j - 1 + out;
      G[i] = this.row(data.X, (r0 + j) * K, hj) - f0;
      for (let v = 0; v < nv; v++) H[v * maxN + i] = hj[v] - h0[v];
    }
    if (runs[n][nv](nv) !== 0) return false;
    const pbar = this.pbar;
    pbar[0] = sum[0] + sum[1];
    for (let j = 1; j < J; j++) pbar[j] = sum[2 * (j + out)] + sum[2 * (j + out) + 1];
    pbar[this.maxJ] = out ? sum[2] + sum[3] : 0;
    return true;
  }

  /** f_j of the row of X at xo (returned) and its h_jv into h. */
  private row(X: Float64Array, xo: number, h: Float64Array): number {
    const { ck, cv, tk, tr, tv } = this;
    let f = 0;
    for (let i = 0; i < this.nc; i++) {
      const x = X[xo + ck[i]];
      if (x !== 0) f += x * cv[i];
    }
    for (let v = 0; v < this.nv; v++) h[v] = 0;
    for (let t = 0; t < this.nt; t++) {
      const x = X[xo + tk[t]];
      if (x !== 0) h[tr[t]] += x * tv[t];
    }
    return f;
  }
}
