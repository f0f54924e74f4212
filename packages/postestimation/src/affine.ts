/**
 * A mixed logit's coefficients as an affine map of the unit's standardized
 * draws e_lm (dimension l, node m), when every link is the identity and no
 * coupling maps them on (the general form is @mxl/core's coefficients.ts):
 *
 *     beta_ukm = c_uk + sum_{t: k_t = k} s_t e_{l_t, m},
 *     c_uk = sign_k (theta[mean_k] + sum_c theta[shift_kc] d_uc),   s_t = sign_k theta[spread_t],
 *
 * over the plan's spread terms t (coefficient k_t, dimension l_t). A
 * utility is then affine in the draws too, V_jm = sum_k x_jk c_uk + sum_l
 * (sum_t x_{j,k_t} s_t [l_t = l]) e_lm, so the shares pass reads the draws
 * themselves and builds no coefficients per node: the per-unit work at a
 * parameter vector is K intercepts, and the draws are made once per thread.
 */
import { Link, type ChoiceData, type CoefficientPlan, type DrawStore } from '@mxl/core';

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
  /** Unit u's intercepts c (K) and the slopes s (one per term) at the population's current theta. */
  at(u: number, c: Float64Array, s: Float64Array): void;
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
 * null when some coefficient is not affine in the draws (a link other than
 * the identity, a coupling) or the draws are not cached (`cache` null while
 * the plan has random dimensions).
 * @param weights - the M prior weights (the rule's, or 1/M)
 */
export function affineCoefficients(data: ChoiceData, plan: CoefficientPlan, theta: Float64Array, weights: Float64Array, cache: DrawCache | null): AffineCoefficients | null {
  if (plan.coupling || (plan.D > 0 && !cache)) return null;
  for (let k = 0; k < plan.K; k++) if (plan.link[k] !== Link.identity) return null;
  const termK: number[] = [], termDim: number[] = [], termParam: number[] = [];
  for (let k = 0; k < plan.K; k++) {
    if (!plan.random[k]) continue;
    for (let h = plan.spreadStart[k]; h < plan.spreadStart[k + 1]; h++) {
      termK.push(k);
      termDim.push(plan.spreadDim[h]);
      termParam.push(plan.spreadParam[h]);
    }
  }
  const chars = data.unitChars, nc = data.charNames.length, n = plan.D * weights.length;
  const tk = Int32Array.from(termK), param = Int32Array.from(termParam);
  return {
    D: plan.D, termK: tk, termDim: Int32Array.from(termDim), weights,
    draws: cache ? cache.store.values : new Float64Array(0),
    at(u, c, s) {
      // the intercepts as @mxl/core's makeCoefficients sums eta0 (location, then the shifts in order)
      for (let k = 0; k < plan.K; k++) {
        const mp = plan.meanParam[k];
        let eta0 = mp >= 0 ? theta[mp] : 0;
        for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) eta0 += theta[plan.shiftParam[h]] * chars![u * nc + plan.shiftChar[h]];
        c[k] = plan.sign[k] * eta0;
      }
      for (let t = 0; t < param.length; t++) s[t] = plan.sign[tk[t]] * theta[param[t]];
    },
    drawsAt(u) {
      if (!cache) return 0;
      if (!cache.store.filled[u]) cache.fill(u);
      return u * n;
    },
  };
}
