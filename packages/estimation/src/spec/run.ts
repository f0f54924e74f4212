/**
 * The spec's top-level run options: standard errors, start values, workers,
 * the draw cache, a bootstrap replicate and the estimator.
 */
import { SpecError, show } from '../errors.js';
import { isObject, numberMap } from './check.js';

/** Standard-error methods. */
export const SE_METHODS = ['bhhh', 'bhhh-situations', 'hessian', 'robust', 'cluster', 'none'] as const;
export type SeMethod = (typeof SE_METHODS)[number];

/**
 * Estimators: maximum simulated likelihood; the method of simulated moments
 * with optimal instruments (McFadden 1989); the method of simulated scores
 * (Hajivassiliou and McFadden 1998); hierarchical Bayes (Allenby and Rossi
 * 1998; Train 2009, ch. 12). See ../msm.ts, ../mss.ts and ../hb/.
 */
export const ESTIMATORS = ['msl', 'msm', 'mss', 'hb'] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];

/** The run options after checking. */
export interface RunSpec {
  se: SeMethod;
  start: Record<string, number>;
  workers: number | null;
  estimator: EstimatorName;
  /**
   * Keep the draws in shared memory between evaluations: true, false, or a
   * limit in MiB (cache when the draws fit in it). Default 1024: draws that
   * fit in 1 GiB are cached, larger ones are regenerated per shard at every
   * evaluation (memory flat in the number of draws, slower).
   */
  drawCache: boolean | number;
  /** A bootstrap replicate: individuals resampled with replacement (seeded), as frequency weights; null for the sample itself. */
  bootstrap: { seed: number; replicate: number } | null;
}

function checkSe(v: unknown): SeMethod {
  const se = v === undefined ? 'bhhh' : v;
  if (typeof se !== 'string' || !(SE_METHODS as readonly string[]).includes(se)) throw new SpecError(`se must be one of ${SE_METHODS.join(', ')}; received ${show(v)}`, 'se');
  return se as SeMethod;
}

function checkWorkers(v: unknown): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SpecError(`workers must be a positive integer; received ${show(v)}`, 'workers');
  return v;
}

function checkDrawCache(v: unknown): boolean | number {
  const dc = v ?? 1024;
  if (typeof dc === 'boolean' || (typeof dc === 'number' && Number.isFinite(dc) && dc >= 0)) return dc;
  throw new SpecError(`drawCache must be true, false or a limit in MiB (a non-negative number); received ${show(v)}`, 'drawCache');
}

function checkBootstrap(b: unknown): RunSpec['bootstrap'] {
  if (b === undefined) return null;
  if (isObject(b) && typeof b.seed === 'number' && Number.isInteger(b.seed) && b.seed >= 0 && typeof b.replicate === 'number' && Number.isInteger(b.replicate) && b.replicate >= 1) {
    return { seed: b.seed, replicate: b.replicate };
  }
  throw new SpecError(`bootstrap must be { "seed": a non-negative integer, "replicate": a positive integer }; received ${show(b)}`, 'bootstrap');
}

function checkEstimator(v: unknown): EstimatorName {
  const estimator = v ?? 'msl';
  if (typeof estimator === 'string' && (ESTIMATORS as readonly string[]).includes(estimator)) return estimator as EstimatorName;
  throw new SpecError(`estimator must be one of ${ESTIMATORS.join(', ')}; received ${show(v)}`, 'estimator');
}

/** Checks the top-level run options of a spec. */
export function checkRun(raw: Record<string, unknown>): RunSpec {
  return {
    se: checkSe(raw.se),
    start: numberMap(raw.start, 'start', 'map parameter names to numbers'),
    workers: checkWorkers(raw.workers),
    drawCache: checkDrawCache(raw.drawCache),
    bootstrap: checkBootstrap(raw.bootstrap),
    estimator: checkEstimator(raw.estimator),
  };
}
