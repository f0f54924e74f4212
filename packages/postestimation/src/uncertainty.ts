/**
 * Uncertainty of a statistic g(theta) computed by prediction passes, from
 * the covariance V of the estimates:
 *
 * - the delta method (Greene 2018, "Econometric Analysis", sec. 4.6):
 *   se_i = sqrt(diag(J V J')), J by central differences at the 2P points
 *   theta +- h e_p (the draws are fixed, so g is smooth in theta);
 * - Krinsky and Robb (1986, "On approximating the statistical properties of
 *   elasticities", REStat 68(4)): g at R draws theta_r = theta + L z_r
 *   (V = L L', z_r standard normal, seeded), the sd of the draws and their
 *   2.5% and 97.5% quantiles; for ratios such as WTP, whose delta-method
 *   interval is symmetric when the distribution is not;
 * - a hierarchical Bayes posterior (Train 2009, sec. 12.4; Rossi, Allenby and
 *   McCulloch 2005, sec. 3.3): g at the kept draws theta_r of the posterior
 *   (a thinned subset), their sd and 2.5% and 97.5% quantiles: the posterior
 *   sd and 95% credible interval of g, integrated over the posterior of the
 *   parameters rather than a normal approximation of it.
 *
 * The parameter vectors are built here and evaluated together by the caller
 * (all of them at once on the worker pool).
 */
import normalFactory from '@stdlib/random-base-normal';

/** How uncertainty is reported. */
export type Interval =
  /** The delta method; `jacobian: "numeric"` forces central differences where an analytic Jacobian exists (shares, elasticities, marginal diversion). */
  | { method: 'delta'; jacobian?: 'analytic' | 'numeric' }
  | { method: 'krinsky-robb'; reps: number; seed?: number }
  /** The draws of a hierarchical Bayes posterior (raw parameter vectors). */
  | { method: 'posterior'; draws: readonly Float64Array[] };

/** Standard errors, and with Krinsky-Robb the 95% interval, of a statistic's components. */
export interface Uncertainty {
  method: Interval['method'];
  se: Float64Array;
  lower?: Float64Array;
  upper?: Float64Array;
}

/** Step of the central difference for parameter value x (about eps^(1/3) relative). */
export function deltaStep(x: number): number {
  return 6e-6 * Math.max(1, Math.abs(x));
}

/** The parameter vectors at which the statistic is needed (theta itself first). */
export function uncertaintyPoints(theta: Float64Array, cov: Float64Array, how: Interval): Float64Array[] {
  const P = theta.length;
  const out = [Float64Array.from(theta)];
  if (how.method === 'delta') {
    for (let p = 0; p < P; p++) {
      const up = Float64Array.from(theta), down = Float64Array.from(theta);
      up[p] += deltaStep(theta[p]);
      down[p] -= deltaStep(theta[p]);
      out.push(up, down);
    }
    return out;
  }
  if (how.method === 'posterior') {
    for (const d of how.draws) out.push(Float64Array.from(d));
    return out;
  }
  const L = choleskyPsd(cov, P);
  const normal = normalFactory.factory({ seed: how.seed ?? 20261202 });
  const z = new Float64Array(P);
  for (let r = 0; r < how.reps; r++) {
    for (let p = 0; p < P; p++) z[p] = normal(0, 1);
    const t = Float64Array.from(theta);
    for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) t[i] += L[i * P + j] * z[j];
    out.push(t);
  }
  return out;
}

/** The uncertainty from the statistic at the points of {@link uncertaintyPoints} (values[0] at theta). */
export function uncertaintyOf(values: readonly Float64Array[], theta: Float64Array, cov: Float64Array, how: Interval): Uncertainty {
  const P = theta.length, n = values[0].length;
  if (how.method === 'delta') {
    const J = new Float64Array(n * P);
    for (let p = 0; p < P; p++) {
      const h = deltaStep(theta[p]);
      for (let i = 0; i < n; i++) J[i * P + p] = (values[1 + 2 * p][i] - values[2 + 2 * p][i]) / (2 * h);
    }
    return { method: 'delta', se: seFromJacobian(J, n, cov) };
  }
  const R = values.length - 1;
  const se = new Float64Array(n);
  const lower = new Float64Array(n), upper = new Float64Array(n);
  const col = new Float64Array(R);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let r = 0; r < R; r++) { col[r] = values[1 + r][i]; m += col[r]; }
    m /= R;
    let v = 0;
    for (let r = 0; r < R; r++) v += (col[r] - m) ** 2;
    se[i] = R > 1 ? Math.sqrt(v / (R - 1)) : NaN;
    const sorted = col.slice().sort();
    lower[i] = quantileSorted(sorted, 0.025);
    upper[i] = quantileSorted(sorted, 0.975);
  }
  return { method: how.method, se, lower, upper };
}

/** Linear-interpolated quantile of sorted values (NaN when any is NaN). */
function quantileSorted(s: Float64Array, p: number): number {
  if (s.length === 0 || s.some((x) => x !== x)) return NaN;
  const h = (s.length - 1) * p, i = Math.floor(h);
  return i + 1 < s.length ? s[i] + (h - i) * (s[i + 1] - s[i]) : s[i];
}

/**
 * Lower-triangular L with L L' = V for a positive semi-definite V (a
 * parameter without variance, e.g. one held fixed, gives a zero column).
 */
export function choleskyPsd(V: Float64Array, P: number): Float64Array {
  const L = new Float64Array(P * P);
  for (let j = 0; j < P; j++) {
    let d = V[j * P + j];
    for (let k = 0; k < j; k++) d -= L[j * P + k] ** 2;
    const tol = 1e-12 * Math.max(1, Math.abs(V[j * P + j]));
    if (!(d > tol)) continue; // zero (or numerically zero) variance left: no direction here
    const ljj = Math.sqrt(d);
    L[j * P + j] = ljj;
    for (let i = j + 1; i < P; i++) {
      let s = V[i * P + j];
      for (let k = 0; k < j; k++) s -= L[i * P + k] * L[j * P + k];
      L[i * P + j] = s / ljj;
    }
  }
  return L;
}

/** Delta-method standard errors from a Jacobian (n×P, row-major) and the covariance. */
export function seFromJacobian(J: Float64Array, n: number, cov: Float64Array): Float64Array {
  const P = J.length / Math.max(1, n);
  const se = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let p = 0; p < P; p++) {
      const jp = J[i * P + p];
      if (jp === 0) continue;
      for (let q = 0; q < P; q++) v += jp * cov[p * P + q] * J[i * P + q];
    }
    se[i] = v >= 0 ? Math.sqrt(v) : NaN;
  }
  return se;
}
