/**
 * Maximum simulated likelihood estimation, from a spec to an
 * {@link EstimationResult}: spec → checked configuration → data layout
 * (./prepare.ts) → engine → optimizer → inference → results. The stages:
 * {@link freeParameters} (model.fix), {@link optimize} (main run, multistart,
 * reflections), the second step of MSM and MSS, {@link inferenceAt}
 * (covariance and parameter table) and {@link resultNotes}.
 */
import { createEngine, type Engine } from '@mxl/engine';
import { minimizeWithFallback, type Attempt, type IterationInfo, type MinimizeOptions, type MinimizeResult, type Problem } from '@mxl/optim';
import { AbortError, EstimationError, SpecError, show } from './errors.js';
import { covariance } from './inference.js';
import { simulatedMoments, type MsmResult } from './msm.js';
import { simulatedScores, type SamplerSummary } from './mss.js';
import { simulationError, simulationWarning, type SimulationError } from './simulation-error.js';
import { signNormalization, type ModelDesign } from './model.js';
import { classShares, correlationQuantities } from './derived.js';
import { distinctOptima, pValue, type EstimationResult, type IterationRecord, type ParameterResult } from './results.js';
import { Checkpoint, checkpointKey } from './checkpoint.js';
import { impliedDistributions } from './implied.js';
import { checkReflections, judgeReflections, reflect, reflectionsOf, type ReflectionCheck } from './reflections.js';
import { isPrepared, prepare, splitArgs, type Prepared, type SpecLocation } from './prepare.js';
import { engineFor, negLogLik, nullLogLik, restrictProblem, scoreColumns } from './problem.js';
import { defaultStart, perturbedStarts } from './starts.js';
import { checkOptimizer, minimizeOptions } from './spec/optimizer.js';
import type { CheckedSpec } from './spec.js';
import { estimateHb } from './hb/estimate.js';
import { defaultStarts, reportScaleParameters, scaleNotes } from './scale-model.js';
import type { EstimateOptions } from './estimate-options.js';

import { VERSION } from './version.js';

export { VERSION } from './version.js';

export type { EstimateOptions } from './estimate-options.js';

/** The parameters held by model.fix and the free ones (indices into θ). */
interface FreeParameters {
  isFixed: boolean[];
  free: number[];
  /** Writes the held values into t. */
  holdFixed(t: Float64Array): Float64Array;
}

/** Checks start and model.fix against the model's parameters and splits them into held and free. */
function freeParameters(spec: CheckedSpec, design: ModelDesign): FreeParameters {
  const P = design.params.length;
  for (const name of Object.keys(spec.start)) {
    if (!design.params.some((q) => q.name === name)) {
      throw new SpecError(`start.${name} is not a parameter of the model; parameters are ${design.params.map((q) => q.name).join(', ')}`, `start.${name}`);
    }
  }
  const fix = spec.model.fix ?? {};
  for (const name of Object.keys(fix)) {
    if (!design.params.some((q) => q.name === name)) {
      throw new SpecError(`model.fix.${name} is not a parameter of the model; parameters are ${design.params.map((q) => q.name).join(', ')}`, `model.fix.${name}`);
    }
  }
  const isFixed = design.params.map((q) => q.name in fix);
  const free = design.params.flatMap((_, i) => (isFixed[i] ? [] : [i]));
  if (free.length < P && spec.estimator !== 'msl') throw new SpecError(`model.fix works with the msl estimator; received estimator "${spec.estimator}"`, 'model.fix');
  if (free.length === 0) throw new SpecError('model.fix holds every parameter: nothing is left to estimate', 'model.fix');
  const holdFixed = (t: Float64Array): Float64Array => {
    design.params.forEach((q, i) => { if (isFixed[i]) t[i] = fix[q.name]; });
    return t;
  };
  return { isFixed, free, holdFixed };
}

/** What the optimizer stage hands on. */
interface Optimized {
  opt: MinimizeResult;
  attempts: Attempt[];
  runs: { start: number; loglik: number; converged: boolean }[];
  reflections: ReflectionCheck[];
  /** Seconds spent in the reflection checks. */
  reflectionSeconds: number;
  searched: { parameter: string; loglik: number }[];
  /** Every optimizer run's iterations, for the result's convergence trace. */
  history: IterationRecord[];
}

/** The run's fixed pieces the optimizer stage works with. */
interface OptimizeContext {
  p: Prepared;
  engine: Engine;
  problem: Problem;
  theta0: Float64Array;
  fp: FreeParameters;
  options: EstimateOptions;
  /** When the estimation started (performance.now()). */
  t0: number;
}

/**
 * The main run from theta0 (a method that fails hands over to the next:
 * BFGS -> trust region -> BHHH), the further runs of a multistart (the best
 * kept: latent class likelihoods are multimodal), and the sign reflections of
 * the spreads (a symmetry of the model, not of the simulated LL).
 */
async function optimize(c: OptimizeContext): Promise<Optimized> {
  const { p, engine, problem, theta0, fp, options } = c;
  const { spec, design } = p;
  const o = spec.optimizer;
  const fallback = o.fallback ?? true;
  const starts = o.starts ?? defaultStarts(design);
  const optOptions = minimizeOptions(o);
  const reduce = (t: Float64Array) => Float64Array.from(fp.free, (i) => t[i]);
  const expand = (x: Float64Array) => {
    const t = Float64Array.from(theta0);
    fp.free.forEach((i, k) => (t[i] = x[k]));
    return t;
  };
  const history: IterationRecord[] = [];
  let runs0 = 0;
  const run = async (x: Float64Array, extra: Partial<MinimizeOptions> = {}) => {
    const onIteration = recordHistory(history, runs0++, c.t0, extra.onIteration);
    const r = await minimizeWithFallback(problem, reduce(x), { ...optOptions, signal: options.signal, ...extra, onIteration }, fallback);
    return { attempts: r.attempts, result: { ...r.result, x: expand(r.result.x) } };
  };
  const main = await run(theta0, { onIteration: options.onIteration });
  let opt: MinimizeResult = main.result;
  let attempts = main.attempts;
  const runs: Optimized['runs'] = [{ start: 0, loglik: -opt.f, converged: opt.converged }];
  const extra = perturbedStarts(design, theta0, starts - 1, o.seed ?? 20261128).map(fp.holdFixed);
  for (let s = 0; s < extra.length && opt.termination !== 'aborted'; s++) {
    const ev0 = await engine.evaluate(extra[s], options.signal);
    if (!Number.isFinite(ev0.ll)) { runs.push({ start: s + 1, loglik: NaN, converged: false }); continue; }
    const { result: r, attempts: a } = await run(extra[s]);
    runs.push({ start: s + 1, loglik: -r.f, converged: r.converged });
    if (r.termination === 'aborted') { opt = r; break; }
    if (r.f < opt.f - 1e-9 && (r.converged || !opt.converged)) { opt = r; attempts = a; }
  }
  if (opt.termination === 'aborted') throw new AbortError();
  const reflectionMode = o.reflections ?? 'check';
  let reflections: ReflectionCheck[] = [];
  const searched: Optimized['searched'] = [];
  let reflectionSeconds = 0;
  const check = async (x: Float64Array, ll: number) => {
    const t = performance.now();
    reflections = await checkReflections(engine, design, x, ll, options.signal, fp.isFixed);
    reflectionSeconds += (performance.now() - t) / 1000;
  };
  if (reflectionMode !== 'off' && spec.estimator === 'msl') {
    await check(opt.x, -opt.f);
    // "search": climb to the best reflection, and again from there, until none improves
    for (let round = 0; reflectionMode === 'search' && round < 20; round++) {
      const best = reflections.reduce<ReflectionCheck | null>((a, b) => (b.llChange > (a?.llChange ?? 1e-9) ? b : a), null);
      if (!best) break;
      const r = reflectionsOf(design).find((x) => x.parameter === best.parameter)!;
      const { result: next } = await run(reflect(opt.x, r));
      if (next.termination === 'aborted') throw new AbortError();
      if (!(next.f < opt.f - 1e-9)) break;
      searched.push({ parameter: best.parameter, loglik: -next.f });
      opt = { ...next, iterations: opt.iterations + next.iterations, fEvals: opt.fEvals + next.fEvals };
      await check(opt.x, -opt.f);
    }
  }
  return { opt, attempts, runs, reflections, reflectionSeconds, searched, history };
}

/** Standard errors and the parameter table at the estimate. */
interface Inference {
  ll: number;
  grad: Float64Array;
  /** P × P, zero rows and columns for held parameters (before the sign normalization). */
  cov: { warning: string | null; matrix: Float64Array };
  parameters: ParameterResult[];
  derived: EstimationResult['derived'];
  covariance: number[][];
}

/** The covariance of the free parameters (sandwich of the second step, else spec.se), the parameter table and derived quantities. */
async function inferenceAt(c: OptimizeContext, x: Float64Array, second: MsmResult | null): Promise<Inference> {
  const { p, engine, problem, fp, options } = c;
  const { spec, design, data } = p;
  const { free, isFixed } = fp;
  const P = design.params.length;
  const ev = await engine.evaluate(x, options.signal);
  const unitScores = Float64Array.from(ev.unitScores);
  const grad = Float64Array.from(ev.grad);
  const ll = ev.ll;
  const F = free.length;
  const freeCov = second ? { matrix: second.cov, warning: null } : await covariance(spec.se, {
    P: F, names: free.map((i) => design.params[i].name), theta: Float64Array.from(free, (i) => x[i]), unitScores: scoreColumns(unitScores, P, free), nUnits: data.nUnits, unitCluster: data.unitCluster, nClusters: data.nClusters,
    fg: problem.fg,
    situationScores: async () => ({ scores: scoreColumns(await engine.situationScores(x, options.signal), P, free), n: data.nSituations }),
  });
  // fixed parameters are known constants: zero rows and columns
  const cov = { warning: freeCov.warning, matrix: new Float64Array(P * P) };
  free.forEach((i, a) => free.forEach((j, b) => (cov.matrix[i * P + j] = freeCov.matrix[a * F + b])));
  const flip = signNormalization(design, x);
  const parameters: ParameterResult[] = design.params.map((q, i) => {
    const est = flip[i] * x[i];
    if (isFixed[i]) return { name: q.name, estimate: est, se: null, z: null, p: null, fixed: true, kind: q.kind, coefficient: q.coefficient, dist: q.dist };
    const se = Math.sqrt(cov.matrix[i * P + i]);
    const z = est / se;
    return { name: q.name, estimate: est, se, z, p: pValue(z), kind: q.kind, coefficient: q.coefficient, dist: q.dist };
  });
  reportScaleParameters(design, parameters);
  const flippedTheta = Float64Array.from(x, (v, i) => flip[i] * v);
  const flippedCov = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) flippedCov[i * P + j] = flip[i] * flip[j] * cov.matrix[i * P + j];
  const derived = [
    ...correlationQuantities(design, spec.model.correlated, flippedTheta, flippedCov),
    ...classShares(design, data, flippedTheta, flippedCov),
  ];
  const covariance2 = Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => flip[i] * flip[j] * cov.matrix[i * P + j]));
  return { ll, grad, cov, parameters, derived, covariance: covariance2 };
}

/** The notes of a result: identification of spreads, perfect prediction, the estimator, reflections. */
function resultNotes(p: Prepared, ll: number, o: Optimized, simulation: SimulationError | null): string[] {
  const { spec, design, data } = p;
  const nObs = data.nSituations;
  const notes: string[] = [...scaleNotes(design)];
  if (design.params.some((q) => q.kind === 'sd' || q.kind === 'chol')) {
    notes.push('Spreads of symmetric mixing distributions are not identified in sign; they are reported as |sd| (and each Cholesky column with a non-negative diagonal). Standard errors are unchanged by the sign.');
  }
  // every choice predicted with probability ~1: perfect prediction (separation); the estimates run off
  if (ll > -1e-6 * Math.max(1, nObs)) {
    notes.push('Warning: the log-likelihood is 0 to within 1e-6 per choice: the model predicts every choice (perfect prediction or separation by some variable); the estimates are not identified and run off, and their standard errors mean nothing.');
  }
  if (spec.estimator === 'msm') notes.push('Estimator: method of simulated moments with optimal instruments (McFadden 1989), first step MSL; instruments with independent draws; standard errors from the sandwich G^-1 S G^-T clustered by individual ("se" is not used). The log-likelihood is the simulated one at the MSM estimate.');
  if (spec.estimator === 'msm' && spec.model.panel) notes.push('MSM in a panel: the moments are per-situation probabilities and ignore the correlation of an individual\'s choices, which carries most of the information on the spreads; expect larger standard errors on them than MSL and MSS give.');
  const reflectionMode = spec.optimizer.reflections ?? 'check';
  const verdict = judgeReflections(o.reflections, simulation?.logLikSe ?? null, spec.optimizer.reflectionTolerance ?? 1, reflectionMode === 'search');
  if (verdict.warning) notes.push(`Warning: ${verdict.warning}`);
  if (verdict.note) notes.push(verdict.note);
  const simulationNote = simulation ? simulationWarning(simulation) : null;
  if (simulationNote) notes.push(`Warning: ${simulationNote}`);
  if (o.searched.length > 0) notes.push(`Reflection search: re-estimated from the reflection of ${o.searched.map((x) => `${x.parameter} (LL ${x.loglik.toFixed(4)})`).join(', then ')}.`);
  if (spec.estimator === 'mss') notes.push(`Estimator: method of simulated scores (Hajivassiliou and McFadden 1998), first step MSL; scores averaged over draws from the posterior of each individual (${MSS_SAMPLER_NOTE[spec.mss?.sampler ?? 'mh']}); standard errors from the inverse outer product of the simulated scores, clustered by individual ("se" is not used). The log-likelihood is the simulated one at the MSS estimate.`);
  return notes;
}

/** How each MSS sampler draws from the posteriors, for the estimator's note. */
const MSS_SAMPLER_NOTE = {
  mh: 'Metropolis-Hastings',
  'accept-reject': 'accept-reject: exact draws, prior proposals accepted with probability L_n',
  importance: 'importance sampling from a normal proposal tuned at the MSL estimate, self-normalized weights',
} as const;

/** The checkpoint of a run (null without one): keyed by the spec (workers left out: they change no number) and the data file. */
function openCheckpoint(spec: CheckedSpec, P: number, options: EstimateOptions): Checkpoint | null {
  if (options.checkpoint === undefined) return null;
  if (typeof spec.data.path !== 'string') throw new SpecError('a checkpoint needs a data file (data.path), not in-memory columns', 'data');
  const { workers: _w, ...keyed } = spec;
  const checkpoint = new Checkpoint(options.checkpoint, checkpointKey(keyed, spec.data.path), P);
  if (checkpoint.resumed) options.onResume?.(checkpoint.logged);
  return checkpoint;
}

/**
 * Estimates a mixed logit by maximum simulated likelihood.
 *
 * `estimate(specOrProblem)`, `estimate(specOrProblem, { workers, signal, onIteration, baseDir, ... })`,
 * or (older form) `estimate(spec, specFile, options)`.
 * @param raw - the spec (parsed JSON) or a {@link Prepared} problem
 */
export async function estimate(raw: unknown, second?: string | null | (EstimateOptions & SpecLocation), third?: EstimateOptions): Promise<EstimationResult> {
  const { specFile, baseDir, options } = splitArgs<EstimateOptions>(second, third);
  const t0 = performance.now();
  const p = isPrepared(raw) ? raw : await prepare(raw, { specFile, baseDir });
  const { spec, design } = p;
  if (spec.estimator === 'hb') {
    if (design.coupling) throw new SpecError(`estimator "hb" does not support ${design.coupling === 'wtp' ? 'model.space "wtp"' : 'model.scaleHeterogeneity (G-MNL)'} yet; use msl, msm or mss`, 'estimator');
    return estimateHb(p, options, t0);
  }
  const P = design.params.length;
  checkOptimizer(spec.optimizer); // a Prepared problem's spec may have been changed since prepare checked it
  const fp = freeParameters(spec, design);
  const theta0 = await defaultStart(p, options.signal);
  design.params.forEach((q, i) => { if (q.name in spec.start) theta0[i] = spec.start[q.name]; });
  fp.holdFixed(theta0);

  const engine = engineFor(p, options.workers, options.engineFactory);
  let checkpoint: Checkpoint | null = null;
  try {
    checkpoint = openCheckpoint(spec, P, options);
    const fullProblem = checkpoint ? checkpoint.wrap(negLogLik(engine, options.signal)) : negLogLik(engine, options.signal);
    // the optimizer and the covariance see the free parameters only
    const problem = fp.free.length === P ? fullProblem : restrictProblem(fullProblem, fp.free, theta0);
    const first = await engine.evaluate(theta0, options.signal);
    if (!Number.isFinite(first.ll)) {
      const f = first.fault;
      throw new EstimationError(`the log-likelihood at the start values is not finite${f ? ` (unit ${f.unit}: ${f.reason})` : ''}; start: ${show(Object.fromEntries(design.params.map((q, i) => [q.name, theta0[i]])))}`);
    }
    const ctx: OptimizeContext = { p, engine, problem, theta0, fp, options, t0 };
    const optimized = await optimize(ctx);
    let opt = optimized.opt;
    // a second step for the other estimators, from the MSL estimate (consistent, their first step)
    let second: MsmResult | null = null;
    let sampler: SamplerSummary | null = null;
    if (spec.estimator === 'msm') second = await simulatedMoments(p, opt.x, engine, { signal: options.signal });
    if (spec.estimator === 'mss') ({ sampler } = second = await simulatedScores(p, opt.x, engine, { signal: options.signal }));
    if (second) opt = { ...opt, x: second.theta, converged: opt.converged && second.converged, message: `${spec.estimator.toUpperCase()}: ${second.message}; first step (MSL): ${opt.message}`, iterations: opt.iterations + second.iterations };
    const inf = await inferenceAt(ctx, opt.x, second);
    const simulation = await simulationError(p, engine, opt.x, options.signal);
    return resultOf(p, { t0, engine, opt, optimized, second, inf, theta0, free: fp.free.length, simulation, sampler });
  } finally {
    checkpoint?.close();
    await engine.close();
  }
}

/** Everything the result is assembled from. */
interface Outcome {
  t0: number;
  engine: Engine;
  opt: MinimizeResult;
  optimized: Optimized;
  second: MsmResult | null;
  inf: Inference;
  theta0: Float64Array;
  /** Number of free parameters. */
  free: number;
  /** The simulation error of the LL at the estimate (null without simulation). */
  simulation: SimulationError | null;
  /** Estimator "mss": what its posterior sampler did. */
  sampler: SamplerSummary | null;
}

function resultOf(p: Prepared, o: Outcome): EstimationResult {
  const { spec, design, data } = p;
  const { opt, inf, second, theta0 } = o;
  const ll = inf.ll;
  const null0 = nullLogLik(data);
  const seconds = (performance.now() - o.t0) / 1000;
  const nObs = data.nSituations;
  const notes = resultNotes(p, ll, o.optimized, o.simulation);
  return {
    mxl: VERSION,
    ...(design.coupling === 'wtp' ? { space: 'wtp' as const } : {}),
    loglik: ll,
    nullLoglik: null0,
    rho2: 1 - ll / null0,
    aic: -2 * ll + 2 * o.free,
    bic: -2 * ll + o.free * Math.log(nObs),
    converged: opt.converged,
    termination: opt.termination,
    message: opt.message,
    iterations: opt.iterations,
    functionEvaluations: opt.fEvals,
    seconds,
    timings: { loadSeconds: p.loadSeconds, estimateSeconds: seconds, totalSeconds: p.loadSeconds + seconds, reflectionSeconds: o.optimized.reflectionSeconds },
    se: second ? `${spec.estimator}-sandwich` : spec.se,
    seWarning: inf.cov.warning,
    parameters: inf.parameters,
    gradient: Array.from(inf.grad),
    covariance: inf.covariance,
    startValues: Object.fromEntries(design.params.map((q, i) => [q.name, theta0[i]])),
    raw: Object.fromEntries(design.params.map((q, i) => [q.name, opt.x[i]])),
    sample: { file: spec.data.path ?? 'data.columns', individuals: p.individuals, situations: data.nSituations, rows: data.nRows, units: data.nUnits, panel: spec.model.panel },
    integration: { rule: p.rule?.name ?? 'none', nodes: p.rule?.size ?? 1, description: p.rule ? p.rule.toString() : 'no random coefficients' },
    workers: o.engine.workers,
    notes,
    derived: inf.derived,
    starts: o.optimized.runs,
    optima: distinctOptima(o.optimized.runs),
    distributions: impliedDistributions(design, opt.x, spec.se === 'none' && !second ? null : inf.cov.matrix),
    attempts: o.optimized.attempts.map((a) => ({ method: a.method, termination: a.termination, loglik: -a.f, iterations: a.iterations })),
    reflections: o.optimized.reflections,
    simulation: o.simulation,
    ...(o.sampler ? { sampler: o.sampler } : {}),
    history: o.optimized.history,
  };
}

/**
 * An onIteration that appends each iteration of optimizer run `run` to `history` (then calls
 * `next`). A fallback method starts again at iteration 0 from the point where the failed one
 * stopped: that point is not repeated, and its iterations go on from the last number.
 */
export function recordHistory(history: IterationRecord[], run: number, t0: number, next?: (info: IterationInfo) => void): (info: IterationInfo) => void {
  let offset = 0;
  let last = -1;
  return (info) => {
    next?.(info);
    if (info.iteration === 0 && last >= 0) {
      offset = last;
      return;
    }
    last = info.iteration + offset;
    history.push({ run, iteration: last, negLogLik: info.f, gradNorm: info.gradNorm, seconds: Math.round(performance.now() - t0) / 1000 });
  };
}
