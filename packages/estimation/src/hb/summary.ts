/**
 * Posterior summaries of the kept draws: per parameter the mean, sd, 95%
 * equal-tailed credible interval, split R-hat and ESS (./diagnostics.ts), the
 * posterior covariance, and the implied covariances, sds and correlations of a
 * correlated block (named as MSL's derived quantities: `cov.a:b`, `sd.a`,
 * `cor.a:b`), summarized over the draws rather than by the delta method.
 */
import type { ModelDesign } from '../model.js';
import { effectiveSampleSize, splitRhat } from './diagnostics.js';

/** One parameter's posterior summary. */
export interface PosteriorSummary {
  name: string;
  mean: number;
  sd: number;
  /** 2.5% and 97.5% quantiles. */
  lower: number;
  upper: number;
  /** Two-sided posterior tail probability 2 min(Pr(theta > 0), Pr(theta < 0)). */
  tail: number;
  rhat: number;
  ess: number;
}

/** The q-quantile of sorted values (linear interpolation, R's type 7). */
export function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q, lo = Math.floor(h), hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Summaries of scalar draws given per chain. */
export function summarize(name: string, chains: readonly Float64Array[]): PosteriorSummary {
  const n = chains.reduce((a, c) => a + c.length, 0);
  const all = new Float64Array(n);
  let o = 0;
  for (const c of chains) { all.set(c, o); o += c.length; }
  let mean = 0;
  for (const x of all) mean += x / n;
  let v = 0, pos = 0, neg = 0;
  for (const x of all) { v += (x - mean) ** 2; if (x > 0) pos++; else if (x < 0) neg++; }
  const sorted = all.slice().sort();
  return {
    name, mean, sd: Math.sqrt(v / Math.max(1, n - 1)),
    lower: quantile(sorted, 0.025), upper: quantile(sorted, 0.975),
    tail: (2 * Math.min(pos, neg)) / n,
    rhat: splitRhat(chains), ess: effectiveSampleSize(chains),
  };
}

/** Column i of every chain's row-major draws (kept × P). */
export function column(draws: readonly Float64Array[], P: number, i: number): Float64Array[] {
  return draws.map((d) => { const n = d.length / P, c = new Float64Array(n); for (let r = 0; r < n; r++) c[r] = d[r * P + i]; return c; });
}

/** The posterior covariance of the parameters (P × P, over every chain's draws). */
export function posteriorCovariance(draws: readonly Float64Array[], P: number, means: readonly number[]): Float64Array {
  const cov = new Float64Array(P * P);
  let n = 0;
  for (const d of draws) {
    for (let r = 0; r < d.length / P; r++, n++) for (let i = 0; i < P; i++) {
      const a = d[r * P + i] - means[i];
      for (let j = 0; j <= i; j++) cov[i * P + j] += a * (d[r * P + j] - means[j]);
    }
  }
  for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) { cov[i * P + j] /= Math.max(1, n - 1); cov[j * P + i] = cov[i * P + j]; }
  return cov;
}

/** Draws of cov.a:b, sd.a and cor.a:b of the correlated block, per chain (kept × Q) with their names. */
export function blockDraws(design: ModelDesign, block: readonly string[], draws: readonly Float64Array[], P: number): { names: string[]; draws: Float64Array[] } {
  const n = block.length;
  if (n < 2) return { names: [], draws: [] };
  const idx = (a: string, b: string) => design.params.findIndex((q) => q.kind === 'chol' && q.col === a && q.row === b);
  const at: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) at.push(idx(block[j], block[i]));
  const names: string[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) names.push(`cov.${block[j]}:${block[i]}`);
  for (let i = 0; i < n; i++) names.push(`sd.${block[i]}`);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) names.push(`cor.${block[j]}:${block[i]}`);
  const Q = names.length, L = new Float64Array(n * n), O = new Float64Array(n * n);
  const out = draws.map((d) => {
    const rows = d.length / P, res = new Float64Array(rows * Q);
    for (let r = 0; r < rows; r++) {
      let a = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = d[r * P + at[a++]];
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k]; O[i * n + j] = s; }
      let q = r * Q;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) res[q++] = O[i * n + j];
      for (let i = 0; i < n; i++) res[q++] = Math.sqrt(O[i * n + i]);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) res[q++] = O[i * n + j] / Math.sqrt(O[i * n + i] * O[j * n + j]);
    }
    return res;
  });
  return { names, draws: out };
}
