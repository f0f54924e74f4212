/**
 * The distributions the estimates imply for each random coefficient, as
 * mlogit's `rpar` summary and Apollo report them: the mean, median, standard
 * deviation and quantiles of β = sign·g(b + s·e), not only the parameters b and
 * s of the underlying draw (for a lognormal, exp(b) is the median, the mean is
 * exp(b + s²/2)). Exact: closed forms, quantiles from each distribution's
 * quantile function, and the Johnson SB's mean and sd by a quadrature that
 * checks its own convergence (see {@link drawStatistics}). Standard errors by
 * the delta method (Greene 2018, sec. 4.6) with the analytic derivatives
 * of each statistic in (b, s), chained to the parameters: for correlated
 * coefficients s is the marginal standard deviation, the norm of the Cholesky
 * row (∂s/∂L_kl = L_kl/s); mean shifts are taken at characteristics 0 (their
 * parameters do not enter). Latent class models are left out (a coefficient
 * per class). The exponential's one parameter is its scale (β = sign·m·e).
 */
import { drawStatistics, type Stat } from './implied-moments.js';
import type { ModelDesign } from './model.js';

/** One coefficient's implied distribution. */
export interface ImpliedDistribution {
  coefficient: string;
  dist: string;
  mean: number;
  median: number;
  sd: number;
  quantiles: { q05: number; q25: number; q75: number; q95: number };
  /** Delta-method standard errors (analytic derivatives), or null when the estimation had none. */
  se: { mean: number; median: number; sd: number } | null;
  /**
   * β = sign·g(location + scale·e) with e the standardized draw (the sign is the `-` of `dist`):
   * the location b and spread s (for correlated coefficients the norm of the Cholesky row), or
   * for the exponential location 0 and scale m. Enough to draw the density.
   */
  location: number;
  scale: number;
}

/**
 * The implied distribution of every random coefficient.
 * @param theta - The estimates (as estimated, before sign normalization).
 * @param cov - Their covariance (P × P, row-major), or null for no standard errors.
 */
export function impliedDistributions(design: ModelDesign, theta: Float64Array, cov: Float64Array | null): ImpliedDistribution[] {
  if (design.classes > 1) return [];
  const P = design.params.length;
  const out: ImpliedDistribution[] = [];
  for (const r of design.random) {
    const meanIdx = design.params.findIndex((q) => q.kind === 'mean' && q.coefficient === r.column);
    const sdIdx = design.params.findIndex((q) => q.kind === 'sd' && q.coefficient === r.column);
    const cholIdx = design.params.flatMap((q, i) => (q.kind === 'chol' && q.row === r.column ? [i] : []));
    const exponential = r.dist === 'exponential';
    if (!exponential && sdIdx < 0 && cholIdx.length === 0) continue; // an error component or a coefficient without a spread
    // the exponential's one parameter (kind 'mean') is its scale m: β = sign·m·e
    const b = exponential || meanIdx < 0 ? 0 : theta[meanIdx];
    const s = exponential ? theta[meanIdx] : sdIdx >= 0 ? theta[sdIdx] : Math.hypot(...cholIdx.map((i) => theta[i]));
    const st = drawStatistics(r.dist, r.sign, b, s);
    const median = st.quantile(0.5);
    let se: ImpliedDistribution['se'] = null;
    if (cov) {
      // delta method: the gradient of each statistic in θ is ∂/∂b at b's parameter, ∂/∂s at s's
      // (for a Cholesky row, chained through s = ‖L_k·‖), zero elsewhere
      const grad: [number, (x: Stat) => number][] = [];
      if (exponential) grad.push([meanIdx, (x) => x.ds]);
      else {
        if (meanIdx >= 0) grad.push([meanIdx, (x) => x.db]);
        if (sdIdx >= 0) grad.push([sdIdx, (x) => x.ds]);
        for (const i of cholIdx) grad.push([i, (x) => (s > 0 ? (x.ds * theta[i]) / s : 0)]);
      }
      const seOf = (x: Stat) => {
        const g = grad.map(([, d]) => d(x));
        let v = 0;
        grad.forEach(([i], a) => grad.forEach(([j], c) => { v += g[a] * g[c] * cov[i * P + j]; }));
        return Math.sqrt(v);
      };
      se = { mean: seOf(st.mean), median: seOf(median), sd: seOf(st.sd) };
    }
    const q = (p: number) => st.quantile(p).value;
    out.push({
      // WTP space: the price column's random coefficient is the scale lambda (its utility coefficient is -lambda)
      coefficient: design.coupling === 'wtp' && r.column === design.columns[design.columns.length - 1].name ? 'lambda' : r.column,
      dist: (r.sign < 0 ? '-' : '') + r.dist,
      mean: st.mean.value,
      median: median.value,
      sd: st.sd.value,
      quantiles: { q05: q(0.05), q25: q(0.25), q75: q(0.75), q95: q(0.95) },
      se,
      location: b,
      scale: exponential ? s : Math.abs(s),
    });
  }
  return out;
}
