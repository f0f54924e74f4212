/** Numbers for tables and tests of parameters: two-sided p-values and fixed-width columns. */
import cdf from '@stdlib/stats-base-dists-normal-cdf';

/** Two-sided p-value of a z statistic. */
export function pValue(z: number): number {
  return Number.isFinite(z) ? 2 * (1 - cdf(Math.abs(z), 0, 1)) : NaN;
}

/**
 * A number in a column of width w (d decimals), never touching its neighbour:
 * too wide or too small for fixed notation, it is written in scientific notation.
 */
export function fmt(x: number, w: number, d: number): string {
  if (!Number.isFinite(x)) return (Number.isNaN(x) ? 'NA' : x > 0 ? 'Inf' : '-Inf').padStart(w);
  let s = x.toFixed(d);
  const a = Math.abs(x);
  if (s.length > w - 1 || (a !== 0 && a < 10 ** -(d - 2))) s = x.toExponential(Math.max(1, Math.min(d, w - 8)));
  return s.padStart(w);
}
