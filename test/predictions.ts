/**
 * What the post-estimation tests share: a result at given parameter values,
 * and predicted choice counts by alternative.
 */
import type { Prepared } from '@mxl/estimation';
import { population, predict, shares } from '@mxl/postestimation';

/**
 * A result-like object at given parameter values (0.3 for the ones not
 * given; post-estimation only needs theta), with a covariance (variances
 * 0.01, covariances 0.002) when asked.
 */
export function resultAt(p: Prepared, values: Record<string, number>, cov = false) {
  const names = p.design.params.map((q) => q.name);
  const covariance = cov ? names.map((_, i) => names.map((__, j) => (i === j ? 0.01 : 0.002))) : [];
  return { parameters: names.map((name) => ({ name })) as never, raw: Object.fromEntries(names.map((n) => [n, values[n] ?? 0.3])), covariance };
}

/** Unit-weighted sums of predicted probabilities by reported alternative. */
export function predictedSums(p: Prepared, theta: Float64Array): number[] {
  const s = shares(p.data, predict(population(p, theta)));
  return s.predicted.map((x) => x * p.data.nSituations);
}
