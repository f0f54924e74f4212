/**
 * A unit's coefficients split by whether they vary over its support points.
 * Post-estimation passes compute every situation's utilities at every
 * support point, V_jm = sum_k x_jk beta_km; a coefficient that takes one
 * value at all of a unit's points (a fixed coefficient of a mixed logit, or
 * every coefficient without random ones) contributes the same term at every
 * point, so it is added once per row instead of once per point:
 *
 *     V_jm = f_j + sum_{k varying} x_jk beta_km,   f_j = sum_{k constant} x_jk beta_k.
 *
 * The split is found from the coefficients themselves (once per unit, K×M
 * comparisons), so it holds for any population: latent classes (whose
 * "fixed" coefficients differ between classes) simply vary.
 */

/** Which of a unit's K coefficients vary over its M support points, and the values of the others. */
export class CoefficientSplit {
  /** The varying coefficients' indices (the first `nVarying` entries). */
  readonly varying: Int32Array;
  /** The constant coefficients' indices (the first `nConstant` entries). */
  readonly constant: Int32Array;
  /** Length K: a constant coefficient's value (0 for varying ones). */
  readonly value: Float64Array;
  nVarying = 0;
  nConstant = 0;

  constructor(readonly K: number) {
    this.varying = new Int32Array(K);
    this.constant = new Int32Array(K);
    this.value = new Float64Array(K);
  }

  /** Splits a unit's coefficients (K×M, k-major: beta[k*M + m]). */
  scan(beta: Float64Array, M: number): void {
    let nv = 0, nc = 0;
    for (let k = 0; k < this.K; k++) {
      const o = k * M, b0 = beta[o];
      let same = b0 === b0; // NaN varies (it then reaches every point's utility as before)
      for (let m = 1; m < M && same; m++) same = beta[o + m] === b0;
      if (same) { this.constant[nc++] = k; this.value[k] = b0; }
      else { this.varying[nv++] = k; this.value[k] = 0; }
    }
    this.nVarying = nv;
    this.nConstant = nc;
  }
}
