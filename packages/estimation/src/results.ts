/**
 * The result of an estimation (what `--out` writes as JSON) and its table.
 */
import { fmt, pValue } from './format-number.js';
import type { ImpliedDistribution } from './implied.js';
import type { HbSummary } from './hb/result-types.js';
import { formatHb } from './hb/format.js';
import { formatSimulationError, type SimulationError } from './simulation-error.js';
import type { SamplerSummary } from './mss.js';

/** One estimated parameter. */
export interface ParameterResult {
  name: string;
  estimate: number;
  /** Null for a parameter held fixed (model.fix). */
  se: number | null;
  z: number | null;
  p: number | null;
  /** True for a parameter held at its value (model.fix). */
  fixed?: true;
  kind: 'mean' | 'shift' | 'sd' | 'chol' | 'membership';
  coefficient: string;
  dist: string;
}

/** One iteration of an optimizer run (the result's convergence trace). */
export interface IterationRecord {
  /** 0: the first run from the start values; 1, 2, ...: further starts (multistart) and re-estimations (reflection search). */
  run: number;
  /** 0 at the run's start point, then one per accepted step (continued across fallback methods). */
  iteration: number;
  /** −LL at the iterate. */
  negLogLik: number;
  /** max_i |g_i| at the iterate. */
  gradNorm: number;
  /** Seconds since the estimation started (after the data were loaded). */
  seconds: number;
}

/** The result JSON. */
export interface EstimationResult {
  mxl: string;
  loglik: number;
  nullLoglik: number;
  rho2: number;
  aic: number;
  bic: number;
  converged: boolean;
  termination: string;
  message: string;
  iterations: number;
  functionEvaluations: number;
  /** Seconds of the estimation itself (from the prepared data to the result). */
  seconds: number;
  /**
   * Where the time went: reading the data, estimating, both; and, of the
   * estimating, the sign-reflection checks (`reflectionSeconds`: every check,
   * not the re-estimations of optimizer.reflections "search"; 0 when they are
   * off; absent for estimators without them).
   */
  timings: { loadSeconds: number; estimateSeconds: number; totalSeconds: number; reflectionSeconds?: number };
  se: string;
  seWarning: string | null;
  /**
   * The LL change at each sign reflection of a spread (a symmetry of the model;
   * large changes mean simulation error dominates), unless optimizer.reflections is "off".
   */
  reflections: { parameter: string; llChange: number }[];
  /**
   * The simulation error of the simulated LL at the estimate (see ./simulation-error.ts):
   * its standard error, its bias, the units whose P̂ is off by more than 10%, the draws at
   * which the bias would fall below 1. Null without simulation (no random coefficients,
   * latent classes, quadrature rules); absent from results of older versions.
   */
  simulation?: SimulationError | null;
  /** Estimator "mss": its posterior sampler, acceptance rate and draws per individual (accepted draws, or the effective sample size). */
  sampler?: SamplerSummary;
  parameters: ParameterResult[];
  /** Gradient of LL at the estimates (in the estimated, not sign-normalized, parameters). */
  gradient: number[];
  covariance: number[][];
  startValues: Record<string, number>;
  /** Estimates as the optimizer left them, before sign normalization. */
  raw: Record<string, number>;
  sample: { file: string; individuals: number; situations: number; rows: number; units: number; panel: boolean };
  integration: { rule: string; nodes: number; description: string };
  workers: number;
  /** Notes on how the numbers are reported. */
  notes: string[];
  /** Derived quantities with delta-method standard errors (implied covariances and correlations, class shares). */
  derived: { name: string; estimate: number; se: number }[];
  /** Every optimizer run (multistart): start index, final log-likelihood, converged. */
  starts: { start: number; loglik: number; converged: boolean }[];
  /** The optimizer runs of the estimate: the method, then each fallback method after a failure (optimizer.fallback). */
  attempts: { method: string; termination: string; loglik: number; iterations: number }[];
  /**
   * The distribution each random coefficient's estimates imply (mean, median, sd, quantiles of
   * β itself, with delta-method SEs; mean shifts at characteristics 0; none for latent classes).
   */
  distributions: ImpliedDistribution[];
  /** The distinct optima the starts reached (LL, how many starts, how many of them converged), best first. */
  optima: { loglik: number; starts: number; converged: number }[];
  /** Every iteration of every optimizer run, in order (absent from results of older versions). */
  history?: IterationRecord[];
  /** "wtp" for a model in willingness-to-pay space (absent: preference space). */
  space?: 'wtp';
  /** Estimator "hb": the sampler's settings and diagnostics (credible intervals, split R-hat, ESS). */
  hb?: HbSummary;
}

export { fmt, pValue } from './format-number.js';

/**
 * Formats the results table. `truth` adds a column of true values (the
 * built-in example prints the estimates beside the data-generating values).
 */
export function formatTable(r: EstimationResult, truth?: Record<string, number>): string {
  const nameW = Math.max(12, ...r.parameters.map((p) => p.name.length)) + 2;
  const head = 'parameter'.padEnd(nameW) + 'estimate'.padStart(13) + 'std.err'.padStart(12) + 'z'.padStart(9) + 'p'.padStart(9) + (truth ? 'true'.padStart(10) : '');
  const lines = [head, '-'.repeat(head.length)];
  for (const p of r.parameters) {
    let line = p.name.padEnd(nameW) + fmt(p.estimate, 13, 6) + (p.fixed ? '(fixed)'.padStart(12) + ''.padStart(18) : fmt(p.se ?? NaN, 12, 6) + fmt(p.z ?? NaN, 9, 2) + fmt(p.p ?? NaN, 9, 4));
    if (truth) line += p.name in truth ? fmt(truth[p.name], 10, 3) : ''.padStart(10);
    lines.push(line);
  }
  lines.push('-'.repeat(head.length));
  if (r.derived.length) {
    lines.push('derived (delta method)'.padEnd(nameW) + 'estimate'.padStart(13) + 'std.err'.padStart(12));
    for (const d of r.derived) lines.push(d.name.padEnd(nameW) + fmt(d.estimate, 13, 6) + fmt(d.se, 12, 6));
    lines.push('-'.repeat(head.length));
  }
  if (r.distributions && r.distributions.some((d) => d.dist !== 'normal')) {
    // the normals' mean and sd are their parameters; the others' are worth a table
    const dw = Math.max(nameW, 'implied distributions'.length + 1, ...r.distributions.map((d) => `${d.coefficient} (${d.dist})`.length + 1));
    lines.push('implied distributions'.padEnd(dw) + 'mean'.padStart(13) + 'median'.padStart(13) + 'sd'.padStart(13) + 'q05'.padStart(13) + 'q95'.padStart(13));
    for (const d of r.distributions) {
      lines.push(`${d.coefficient} (${d.dist})`.padEnd(dw) + fmt(d.mean, 13, 6) + fmt(d.median, 13, 6) + fmt(d.sd, 13, 6) + fmt(d.quantiles.q05, 13, 6) + fmt(d.quantiles.q95, 13, 6));
      if (d.se) lines.push(''.padEnd(dw) + [d.se.mean, d.se.median, d.se.sd].map((v) => `(${fmt(v, 12, 6).trim()})`.padStart(13)).join(''));
    }
    lines.push('-'.repeat(head.length));
  }
  const s = r.sample;
  lines.push(`log-likelihood ${r.loglik.toFixed(4)}   null ${r.nullLoglik.toFixed(4)}   rho2 ${r.rho2.toFixed(4)}   AIC ${r.aic.toFixed(2)}   BIC ${r.bic.toFixed(2)}`);
  lines.push(`${s.individuals} individuals, ${s.situations} situations, ${s.rows} rows; ${s.panel ? 'panel' : 'cross-section'}; ${r.integration.description}`);
  lines.push(`${r.converged ? 'converged' : 'NOT CONVERGED'} (${r.termination}: ${r.message}) after ${r.iterations} iteration${r.iterations === 1 ? '' : 's'}, ${r.functionEvaluations} evaluation${r.functionEvaluations === 1 ? '' : 's'}, ${r.seconds.toFixed(2)} s on ${r.workers} worker${r.workers === 1 ? '' : 's'}${r.timings ? ` (data loaded in ${r.timings.loadSeconds.toFixed(2)} s)` : ''}; standard errors: ${r.se}`);
  if (r.simulation) lines.push(formatSimulationError(r.simulation));
  if (r.attempts && r.attempts.length > 1) {
    lines.push(`optimizer: ${r.attempts.map((a) => `${a.method} (${a.termination}, LL ${a.loglik.toFixed(4)}, ${a.iterations} iterations)`).join(' -> ')}`);
  }
  if (r.starts && r.starts.length > 1) lines.push(formatStarts(r.starts));
  if (r.hb) lines.push(formatHb(r.hb, nameW));
  if (r.seWarning) lines.push(`warning: ${r.seWarning}`);
  for (const n of r.notes ?? []) if (n.startsWith('Warning: ')) lines.push(`warning: ${n.slice(9)}`);
  return lines.join('\n');
}

/**
 * The distinct optima of a multistart run: LLs equal within 1e-4 (absolute) or
 * 1e-8 (relative) count as one optimum; best first, with how many starts
 * reached each and how many of those converged.
 */
export function distinctOptima(starts: readonly { loglik: number; converged: boolean }[]): { loglik: number; starts: number; converged: number }[] {
  const finite = starts.filter((s) => Number.isFinite(s.loglik)).sort((a, b) => b.loglik - a.loglik);
  const out: { loglik: number; starts: number; converged: number }[] = [];
  for (const s of finite) {
    const last = out[out.length - 1];
    if (last && Math.abs(last.loglik - s.loglik) <= Math.max(1e-4, 1e-8 * Math.abs(s.loglik))) {
      last.starts++;
      if (s.converged) last.converged++;
    } else out.push({ loglik: s.loglik, starts: 1, converged: s.converged ? 1 : 0 });
  }
  return out;
}

/** The multistart line of the table: the distinct optima found. */
function formatStarts(starts: readonly { loglik: number; converged: boolean }[]): string {
  const optima = distinctOptima(starts);
  const failed = starts.length - optima.reduce((a, o) => a + o.starts, 0);
  const rows = optima.map((o) => `  LL ${o.loglik.toFixed(4)}: ${o.starts} start${o.starts === 1 ? '' : 's'}${o.converged < o.starts ? ` (${o.converged} converged)` : ''}`);
  return [`${starts.length} starts, ${optima.length} distinct optim${optima.length === 1 ? 'um' : 'a'}${failed ? ` (${failed} start${failed === 1 ? '' : 's'} with a non-finite LL)` : ''}:`, ...rows].join('\n');
}
