/**
 * The distributions the estimates imply for each random coefficient, as
 * mlogit's `rpar` summary and Apollo report them: the mean, median, standard
 * deviation and quartiles of β = sign·g(b + s·e), not only the parameters b and
 * s of the underlying draw (for a lognormal, exp(b) is the median, the mean is
 * exp(b + s²/2)). Computed on a fine grid of the draw's quantiles (M points,
 * exact for every distribution without special cases), with delta-method
 * standard errors from central differences in b and s. For correlated
 * coefficients s is the marginal standard deviation (the norm of the
 * Cholesky row); mean shifts are taken at characteristics 0. Latent class
 * models are left out (a coefficient per class). The exponential's one
 * parameter is its scale (β = sign·m·e).
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { ModelDesign } from './model.js';

/** One coefficient's implied distribution. */
export interface ImpliedDistribution {
  coefficient: string;
  dist: string;
  mean: number;
  median: number;
  sd: number;
  quantiles: { q05: number; q25: number; q75: number; q95: number };
  se: { mean: number; median: number; sd: number } | null;
  /**
   * β = sign·g(location + scale·e) with e the standardized draw (the sign is the `-` of `dist`):
   * the location b and spread s (for correlated coefficients the norm of the Cholesky row), or
   * for the exponential location 0 and scale m. Enough to draw the density.
   */
  location: number;
  scale: number;
}

/** Points of the draw's quantile grid. */
const M = 4001;

/** The standardized draw at probability p, by distribution (see the README's mixing distributions table). */
function drawQuantile(dist: string, p: number): number {
  if (dist === 'uniform') return 2 * p - 1;
  if (dist === 'triangular') return p < 0.5 ? Math.sqrt(2 * p) - 1 : 1 - Math.sqrt(2 * (1 - p));
  if (dist === 'exponential') return -Math.log(1 - p);
  return normalQuantile(p, 0, 1);
}

function link(dist: string, eta: number): number {
  if (dist === 'lognormal') return Math.exp(eta);
  if (dist === 'cn') return Math.max(0, eta);
  if (dist === 'sb') return 1 / (1 + Math.exp(-eta));
  return eta;
}

/** mean, median, sd, q05, q25, q75, q95 of sign·g(b + s·e). */
function moments(dist: string, sign: number, b: number, s: number, grid: Float64Array): number[] {
  const v = Float64Array.from(grid, (e) => sign * link(dist, b + s * e)).sort();
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  const q = (p: number) => v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))];
  return [mean, q(0.5), Math.sqrt(ss / v.length), q(0.05), q(0.25), q(0.75), q(0.95)];
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
    const grid = Float64Array.from({ length: M }, (_, i) => drawQuantile(r.dist, (i + 0.5) / M));
    // the exponential's one parameter (kind 'mean') is its scale m: β = sign·m·e
    const locScale = (t: Float64Array): [number, number] => exponential
      ? [0, t[meanIdx]]
      : [meanIdx >= 0 ? t[meanIdx] : 0, sdIdx >= 0 ? t[sdIdx] : Math.hypot(...cholIdx.map((i) => t[i]))];
    const at = (t: Float64Array) => moments(r.dist, r.sign, ...locScale(t), grid);
    const m = at(theta);
    let se: ImpliedDistribution['se'] = null;
    if (cov) {
      // delta method: central differences in the parameters that enter
      const idx = [meanIdx, sdIdx, ...cholIdx].filter((i) => i >= 0);
      const grads = idx.map((i) => {
        const h = 1e-5 * Math.max(1, Math.abs(theta[i]));
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[i] += h;
        dn[i] -= h;
        const a = at(up);
        const c = at(dn);
        return a.slice(0, 3).map((x, k) => (x - c[k]) / (2 * h));
      });
      const v = [0, 0, 0];
      idx.forEach((i, a) => idx.forEach((j, c) => { for (let k = 0; k < 3; k++) v[k] += grads[a][k] * grads[c][k] * cov[i * P + j]; }));
      se = { mean: Math.sqrt(v[0]), median: Math.sqrt(v[1]), sd: Math.sqrt(v[2]) };
    }
    const [location, scale] = locScale(theta);
    out.push({ coefficient: r.column, dist: (r.sign < 0 ? '-' : '') + r.dist, mean: m[0], median: m[1], sd: m[2], quantiles: { q05: m[3], q25: m[4], q75: m[5], q95: m[6] }, se, location, scale: exponential ? scale : Math.abs(scale) });
  }
  return out;
}
