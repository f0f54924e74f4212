/**
 * A mixed logit's coefficients as an affine map of the unit's standardized
 * draws e_lm (dimension l, node m), when every link is the identity and no
 * coupling maps them on (the general form is @mxl/core's coefficients.ts):
 *
 *     beta_ukm = c_uk + sum_{t: k_t = k} s_t e_{l_t, m},
 *     c_uk = sign_k (theta[mean_k] + sum_c theta[shift_kc] d_uc),   s_t = sign_k theta[spread_t],
 *
 * over the plan's spread terms t (coefficient k_t, dimension l_t). A random
 * coefficient with another link (lognormal, censored normal, Johnson SB) is
 * a row of its own per unit, beta_ukm = sign_k g(eta0_uk + sum_t s_t e_{l_t,m})
 * (its `linkRows`: M link values, not the K×M coefficients of the whole
 * unit), and a fixed one a constant sign_k g(eta0_uk). A
 * utility is then affine in the draws and those rows, V_jm = sum_k x_jk c_uk + sum_l
 * (sum_t x_{j,k_t} s_t [l_t = l]) e_lm, so the shares pass reads the draws
 * themselves and builds no coefficients per node: the per-unit work at a
 * parameter vector is K intercepts, and the draws are made once per thread.
 */
import { exp, Link, linkValue, type ChoiceData, type CoefficientPlan, type DrawStore } from '@mxl/core';

/** The coefficients of a population as an affine map of its draws; see the file comment. */
export interface AffineCoefficients {
  /** Draw dimensions (rows of a unit's draws). */
  readonly D: number;
  /** Coefficient k_t of each spread term. */
  readonly termK: Int32Array;
  /** Draw dimension l_t of each spread term. */
  readonly termDim: Int32Array;
  /** The M prior weights of every unit's nodes. */
  readonly weights: Float64Array;
  /** Every unit's draws (D×M each, dim-major); unit u's start at {@link AffineCoefficients.drawsAt}(u). */
  readonly draws: Float64Array;
  /** The random coefficients with a link other than the identity: each a row of values per unit ({@link AffineCoefficients.linkRows}). */
  readonly linkK: Int32Array;
  /** Unit u's intercepts c (K; 0 for the coefficients of {@link linkK}) and the slopes s (one per term) at the population's current theta. */
  at(u: number, c: Float64Array, s: Float64Array): void;
  /** Unit u's values of the coefficients of {@link linkK} at its M nodes into out (row i at at + i × stride), at the current theta. */
  linkRows(u: number, out: Float64Array, at: number, stride: number): void;
  /** Offset of unit u's draws in {@link AffineCoefficients.draws} (made on first use). */
  drawsAt(u: number): number;
}

/** Where the draws come from: the kernel's cache, and a call that fills unit u's block of it. */
export interface DrawCache {
  readonly store: DrawStore;
  fill(u: number): void;
}

/**
 * The affine form of a plan's coefficients at theta (read at every call), or
 * null when a coupling maps them on (WTP space, G-MNL) or the draws are not
 * cached (`cache` null while the plan has random dimensions).
 * @param weights - the M prior weights (the rule's, or 1/M)
 */
export function affineCoefficients(data: ChoiceData, plan: CoefficientPlan, theta: Float64Array, weights: Float64Array, cache: DrawCache | null): AffineCoefficients | null {
  if (plan.coupling || (plan.D > 0 && !cache)) return null;
  const termK: number[] = [], termDim: number[] = [], termParam: number[] = [], linkK: number[] = [];
  for (let k = 0; k < plan.K; k++) {
    if (!plan.random[k]) continue;
    if (plan.link[k] !== Link.identity) {
      linkK.push(k);
      continue;
    }
    for (let h = plan.spreadStart[k]; h < plan.spreadStart[k + 1]; h++) {
      termK.push(k);
      termDim.push(plan.spreadDim[h]);
      termParam.push(plan.spreadParam[h]);
    }
  }
  const chars = data.unitChars, nc = data.charNames.length, M = weights.length, n = plan.D * M;
  const tk = Int32Array.from(termK), param = Int32Array.from(termParam), lk = Int32Array.from(linkK);
  /** eta0 of coefficient k for unit u (as @mxl/core's makeCoefficients sums it: location, then the shifts in order). */
  const eta0 = (u: number, k: number): number => {
    const mp = plan.meanParam[k];
    let e = mp >= 0 ? theta[mp] : 0;
    for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) e += theta[plan.shiftParam[h]] * chars![u * nc + plan.shiftChar[h]];
    return e;
  };
  const drawsAt = (u: number): number => {
    if (!cache) return 0;
    if (!cache.store.filled[u]) cache.fill(u);
    return u * n;
  };
  return {
    D: plan.D, termK: tk, termDim: Int32Array.from(termDim), linkK: lk, weights,
    draws: cache ? cache.store.values : new Float64Array(0),
    at(u, c, s) {
      for (let k = 0; k < plan.K; k++) {
        const link = plan.link[k];
        if (link === Link.identity) c[k] = plan.sign[k] * eta0(u, k);
        else c[k] = plan.random[k] ? 0 : plan.sign[k] * linkValue(link, eta0(u, k)); // a random one is a row of its own
      }
      for (let t = 0; t < param.length; t++) s[t] = plan.sign[tk[t]] * theta[param[t]];
    },
    linkRows(u, out, at, stride) {
      if (lk.length === 0) return;
      const e = cache!.store.values, eo = drawsAt(u);
      for (let i = 0; i < lk.length; i++) {
        const k = lk[i], o = at + i * stride, link = plan.link[k], sgn = plan.sign[k];
        const e0 = eta0(u, k);
        for (let m = 0; m < M; m++) out[o + m] = e0;
        for (let h = plan.spreadStart[k]; h < plan.spreadStart[k + 1]; h++) {
          const sh = theta[plan.spreadParam[h]], so = eo + plan.spreadDim[h] * M;
          for (let m = 0; m < M; m++) out[o + m] += sh * e[so + m];
        }
        if (link === Link.exp) for (let m = 0; m < M; m++) out[o + m] = sgn * exp(out[o + m]); // the kernel's exp (1 ulp), half Math.exp's time
        else for (let m = 0; m < M; m++) out[o + m] = sgn * linkValue(link, out[o + m]);
      }
    },
    drawsAt,
  };
}
