/**
 * `mxl bench estimators`: how the simulation estimators fare for few draws, the seed's
 * question ("how bad is the simulation error?"). Maximum simulated likelihood (biased for a
 * fixed R: the log of a simulated probability), the method of simulated moments with optimal
 * instruments, and the method of simulated scores with each posterior sampler
 * (Metropolis-Hastings, exact accept-reject, importance sampling; Hajivassiliou and McFadden
 * 1998; Train 2009, ch. 10), each over seeded replications at R ∈ {5, 20, 100} pseudo-random
 * draws, on a cross-section and on a panel of the built-in data-generating process (truth
 * known): bias, RMSE, standard deviation of the estimates and seconds per estimation. Every
 * replication draws a new data set and a new draw seed; every estimator sees the same ones.
 *
 * @packageDocumentation
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { estimate, prepare, simulate, TRUTH, type EstimationResult } from '@mxl/estimation';
import { mean, rms, sd } from './table.js';

/** One estimator of the study. */
export interface EstimatorVariant {
  label: string;
  /** The spec keys that select it. */
  spec: Record<string, unknown>;
}

/** The estimators compared, in the tables' order. */
export const ESTIMATOR_VARIANTS: readonly EstimatorVariant[] = [
  { label: 'MSL', spec: { estimator: 'msl' } },
  { label: 'MSM', spec: { estimator: 'msm' } },
  { label: 'MSS-mh', spec: { estimator: 'mss', mss: { sampler: 'mh' } } },
  { label: 'MSS-accept-reject', spec: { estimator: 'mss', mss: { sampler: 'accept-reject' } } },
  { label: 'MSS-importance', spec: { estimator: 'mss', mss: { sampler: 'importance' } } },
];

/** A data design: individuals × choice situations (1: a cross-section) × alternatives. */
export interface EstimatorDesign {
  name: string;
  individuals: number;
  situations: number;
  alternatives: number;
}

/** Settings of the study. */
export interface EstimatorsConfig {
  designs: EstimatorDesign[];
  draws: number[];
  replications: number;
  /** Estimator labels to run (default: all of {@link ESTIMATOR_VARIANTS}). */
  estimators?: string[];
}

/** The full study (README): 20 replications; about 25 minutes on 2 shared cores. */
export const ESTIMATORS_FULL: EstimatorsConfig = {
  designs: [
    { name: 'cross-section', individuals: 1000, situations: 1, alternatives: 4 },
    { name: 'panel', individuals: 300, situations: 5, alternatives: 4 },
  ],
  draws: [5, 20, 100],
  replications: 20,
};

/** The smoke test (CI): small data, 2 replications, R ∈ {5, 20}; seconds. */
export const ESTIMATORS_QUICK: EstimatorsConfig = {
  designs: [
    { name: 'cross-section', individuals: 300, situations: 1, alternatives: 4 },
    { name: 'panel', individuals: 60, situations: 4, alternatives: 4 },
  ],
  draws: [5, 20],
  replications: 2,
};

/** One row of the study's table: an estimator at R draws on a design, one parameter or `(all)`. */
export interface EstimatorRow {
  design: string;
  estimator: string;
  draws: number;
  param: string;
  truth: number | null;
  /** Mean estimate over the replications that ran. */
  mean: number | null;
  /** Mean (estimate − truth); for (all): the root mean square over parameters of the biases. */
  bias: number | null;
  /** Standard deviation of the estimates; for (all): root mean square over parameters. */
  sd: number | null;
  /** Root mean squared error against the truth; for (all): root mean square over parameters. */
  rmse: number | null;
  /** Mean seconds per estimation (first step included). */
  seconds: number | null;
  replications: number;
  /** Estimations that failed (an error, e.g. accept-reject refused as impractical, or non-finite estimates). */
  failed: number;
  /** Estimations that ran but did not converge (kept in the statistics). */
  unconverged: number;
  note: string;
}

/** What one estimation gave. */
interface Outcome {
  estimates: Record<string, number> | null;
  seconds: number;
  converged: boolean;
  error: string | null;
}

async function runOne(raw: Record<string, unknown>, specFile: string): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const r: EstimationResult = await estimate(raw, specFile, { workers: 1 });
    const estimates = Object.fromEntries(r.parameters.map((p) => [p.name, p.estimate]));
    const finite = Object.values(estimates).every(Number.isFinite);
    return { estimates: finite ? estimates : null, seconds: r.seconds, converged: r.converged, error: finite ? null : 'non-finite estimates' };
  } catch (e) {
    return { estimates: null, seconds: (performance.now() - t0) / 1000, converged: false, error: (e as Error).message };
  }
}

/** The first words of an error, for the table's note. */
function shortError(m: string): string {
  return m.includes('is impractical here') ? 'impractical (refused upfront: choice probabilities too small)' : m.slice(0, 100);
}

/**
 * Runs the study; `work` holds the simulated data sets (removed as it goes).
 * @returns one row per design, estimator, draws and parameter, and one `(all)` row each
 */
export async function estimatorsStudy(cfg: EstimatorsConfig, work: string, log: (s: string) => void): Promise<EstimatorRow[]> {
  const variants = ESTIMATOR_VARIANTS.filter((v) => !cfg.estimators || cfg.estimators.includes(v.label));
  const names = Object.keys(TRUTH);
  const rows: EstimatorRow[] = [];
  for (const design of cfg.designs) {
    const outcomes = new Map<string, Outcome[]>();
    for (let rep = 0; rep < cfg.replications; rep++) {
      const t0 = performance.now();
      const dir = path.join(work, `estimators-${design.name}-${rep}`);
      mkdirSync(dir, { recursive: true });
      const files = simulate(dir, { individuals: design.individuals, situations: design.situations, alternatives: design.alternatives, seed: 70_000 + 100 * design.situations + rep });
      const base = JSON.parse(readFileSync(files.spec, 'utf8')) as Record<string, unknown>;
      await prepare(base, files.spec); // the data are read once before timing anything
      for (const R of cfg.draws) {
        for (const v of variants) {
          const raw = { ...base, ...v.spec, integration: { rule: 'pseudo', draws: R, seed: 1000 + rep }, se: 'none', optimizer: { reflections: 'off' } };
          const key = `${v.label}:${R}`;
          if (!outcomes.has(key)) outcomes.set(key, []);
          outcomes.get(key)!.push(await runOne(raw, files.spec));
        }
      }
      rmSync(dir, { recursive: true, force: true });
      log(`  estimators ${design.name} replication ${rep + 1}/${cfg.replications} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    for (const R of cfg.draws) {
      for (const v of variants) {
        const oc = outcomes.get(`${v.label}:${R}`) ?? [];
        const ok = oc.filter((o) => o.estimates !== null);
        const failed = oc.length - ok.length;
        const errors = [...new Set(oc.filter((o) => o.error).map((o) => shortError(o.error!)))].join('; ');
        const base = {
          design: design.name, estimator: v.label, draws: R, replications: oc.length, failed,
          unconverged: ok.filter((o) => !o.converged).length,
          seconds: oc.length ? mean(oc.map((o) => o.seconds)) : null,
          note: errors,
        };
        const biases: number[] = [], sds: number[] = [], rmses: number[] = [];
        for (const name of names) {
          const truth = TRUTH[name] as number;
          const est = ok.map((o) => o.estimates![name] as number);
          const dev = est.map((x) => x - truth);
          const row: EstimatorRow = {
            ...base, param: name, truth,
            mean: est.length ? mean(est) : null,
            bias: est.length ? mean(dev) : null,
            sd: est.length > 1 ? sd(est) : null,
            rmse: est.length ? rms(dev) : null,
          };
          rows.push(row);
          if (row.bias !== null) biases.push(row.bias);
          if (row.sd !== null) sds.push(row.sd);
          if (row.rmse !== null) rmses.push(row.rmse);
        }
        rows.push({
          ...base, param: '(all)', truth: null, mean: null,
          bias: biases.length ? rms(biases) : null,
          sd: sds.length ? rms(sds) : null,
          rmse: rmses.length ? rms(rmses) : null,
        });
      }
    }
  }
  return rows;
}
