/**
 * The nonparametric bootstrap of an estimation (Efron and Tibshirani 1993):
 * B replicates, each the sample's individuals drawn with replacement (seeded
 * by the spec key `bootstrap: { seed, replicate }`, so a replicate is the same
 * wherever it runs), each estimated from the full-sample estimate. The
 * replicates are batch jobs: they run here, as a job array (`shard`), or over
 * the Redis queue, and resume like any batch. The summary gives the standard
 * deviation of each parameter over the replicates and the percentile 95%
 * interval.
 */
import type { EstimationResult } from '@mxl/estimation';
import type { Job } from './jobs.js';

/** The name of replicate b's job (and result file). */
export function replicateName(b: number, reps: number): string {
  return `rep-${String(b).padStart(Math.max(4, String(reps).length), '0')}`;
}

/**
 * The replicates as batch jobs.
 * @param spec - The spec, with an absolute data path.
 * @param full - The full-sample result (its raw estimates start every replicate).
 */
export function bootstrapJobs(spec: Record<string, unknown>, full: Pick<EstimationResult, 'raw'>, reps: number, seed: number): Job[] {
  const optimizer = { ...((spec.optimizer as Record<string, unknown> | undefined) ?? {}), reflections: 'off', starts: 1 };
  return Array.from({ length: reps }, (_, i) => ({
    name: replicateName(i + 1, reps),
    // no standard errors per replicate: the replicates are the standard errors
    spec: { ...spec, bootstrap: { seed, replicate: i + 1 }, start: { ...full.raw }, optimizer, se: 'none' },
  }));
}

/** The summary written to `bootstrap.json`. */
export interface BootstrapSummary {
  reps: number;
  seed: number;
  /** Replicates that did not converge (kept in the summary; listed by name). */
  notConverged: string[];
  parameters: { name: string; estimate: number; se: number; ciLower: number; ciUpper: number }[];
}

/** The q-quantile of sorted values (linear interpolation between order statistics, type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Bootstrap standard errors and percentile 95% intervals of the full-sample estimates. */
export function summarizeBootstrap(full: EstimationResult, replicates: readonly { name: string; result: EstimationResult }[], seed: number): BootstrapSummary {
  const parameters = full.parameters.map((p) => {
    const values = replicates.map((r) => r.result.parameters.find((q) => q.name === p.name)!.estimate).sort((a, b) => a - b);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const se = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
    return { name: p.name, estimate: p.estimate, se, ciLower: quantile(values, 0.025), ciUpper: quantile(values, 0.975) };
  });
  return { reps: replicates.length, seed, notConverged: replicates.filter((r) => !r.result.converged).map((r) => r.name), parameters };
}
