/**
 * Maximum simulated likelihood estimation, from a spec to an
 * {@link EstimationResult}: spec → checked configuration → data layout →
 * engine → optimizer → inference → results.
 */
import { readFileSync } from 'node:fs';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { compilePlan, Link, toCrossSection, type ChoiceData, type CoefficientSpec, type NodeSource } from '@mxl/core';
import { loadChoiceData, type LoadProgress } from '@mxl/data';
import { createEngine, type Engine } from '@mxl/engine';
import { createRule, type IntegrationRule } from '@mxl/integration';
import { checkOptions, minimize, minimizeWithFallback, type MinimizeOptions, type MinimizeResult, type IterationInfo, type Problem } from '@mxl/optim';
import normalFactory from '@stdlib/random-base-normal';
import mt19937 from '@stdlib/random-base-mt19937';
import { AbortError, EstimationError, SpecError, show } from './errors.js';
import { covariance } from './inference.js';
import { simulatedMoments, type MsmResult } from './msm.js';
import { simulatedScores } from './mss.js';
import { buildModel, dataColumns, modelCharacteristics, signNormalization, type ModelDesign } from './model.js';
import { assembleColumns } from './columns.js';
import { classShares, correlationQuantities } from './derived.js';
import { distinctOptima, pValue, type EstimationResult, type ParameterResult } from './results.js';
import { checkSpec, type CheckedSpec } from './spec.js';
import { Checkpoint, checkpointKey } from './checkpoint.js';
import { impliedDistributions } from './implied.js';
import { checkReflections, reflect, reflectionsOf, reflectionWarning, type ReflectionCheck } from './reflections.js';

/** Package version reported in results. */
export const VERSION = '0.1.0';

/** A prepared estimation problem: data, model and integration rule, before any engine exists. */
export interface Prepared {
  spec: CheckedSpec;
  /** Data in integration-unit layout (individuals for panels, situations otherwise). */
  data: ChoiceData;
  /** Number of individuals (clusters) in the file. */
  individuals: number;
  design: ModelDesign;
  rule: IntegrationRule | null;
  /** Seconds spent reading the data and building the layout. */
  loadSeconds: number;
}

/** Where a spec's relative paths start: its file's folder, or a folder given. */
export interface SpecLocation {
  /** The spec's file (relative data paths start in its folder). */
  specFile?: string | null;
  /** Where relative data paths start (wins over specFile). */
  baseDir?: string;
}

/** The second argument of {@link prepare} and {@link estimate}: the spec's file (old form), or options. */
function splitArgs<O extends object>(second: string | null | undefined | (O & SpecLocation), third: O | undefined): { specFile: string | null; baseDir?: string; options: O } {
  if (second === null || second === undefined || typeof second === 'string') return { specFile: second ?? null, options: (third ?? {}) as O };
  const { specFile, baseDir, ...rest } = second;
  return { specFile: specFile ?? null, baseDir, options: { ...(third ?? {}), ...rest } as O };
}

/** Options of {@link prepare}. */
export interface PrepareOptions {
  /** Called as the data are read. */
  onProgress?: (p: LoadProgress) => void;
  /** Worker threads for parsing a large delimited file (default: all cores for files over 64 MiB). */
  workers?: number;
}

/**
 * Where a text stops being JSON: the first syntax error (found by
 * jsonc-parser, in strict JSON mode), as its line, column and the line itself
 * with a caret (V8's own message gives no position).
 */
export function jsonErrorWhere(text: string, message: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return message;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const col = first.offset - before.lastIndexOf('\n');
  const src = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  const from = Math.max(0, col - 61);
  const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${what} at line ${line}, column ${col}\n    ${src.slice(from, from + 120)}\n    ${' '.repeat(col - 1 - from)}^`;
}

/** Reads and parses a spec file, with clear errors. */
export function readSpec(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError(`cannot read the spec file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpecError(`the spec file ${file} is not valid JSON: ${jsonErrorWhere(text, (e as Error).message)}`);
  }
}

/**
 * Validates the spec, loads the data and builds the model and rule.
 * X is allocated once, in shared memory, so the worker pool uses it without a copy.
 *
 * `prepare(spec)`, `prepare(spec, { baseDir, onProgress, workers })`, or (older form)
 * `prepare(spec, specFile, options)`. Relative data paths start at `baseDir`, else the
 * spec file's folder, else the working directory.
 */
export async function prepare(raw: unknown, second?: string | null | (PrepareOptions & SpecLocation), third?: PrepareOptions): Promise<Prepared> {
  const { specFile, baseDir, options } = splitArgs<PrepareOptions>(second, third);
  const spec = checkSpec(raw, specFile, baseDir);
  const baseNames = dataColumns(spec);
  const t0 = performance.now();
  const loaded = await loadChoiceData(spec.data, {
    variables: baseNames.map((c) => ({ name: c, source: { kind: 'column' as const, column: c } })),
    characteristics: modelCharacteristics(spec),
    shared: true,
    onProgress: options.onProgress,
    workers: options.workers ?? spec.workers ?? undefined,
  });
  const design = buildModel(spec, loaded.altLabels, loaded.charNames);
  const sample = assembleColumns(loaded, baseNames, design.columns);
  const panelData = spec.bootstrap ? resample(sample, spec.bootstrap.seed, spec.bootstrap.replicate) : sample;
  const data = spec.model.panel ? panelData : toCrossSection(panelData);
  let rule: IntegrationRule | null = null;
  try {
    // without random coefficients the rule is still checked, so a typo is never silently ignored
    const r = createRule(spec.integration as Parameters<typeof createRule>[0], Math.max(1, design.plan.D));
    if (design.plan.D > 0) rule = r;
  } catch (e) {
    throw new SpecError((e as Error).message, 'integration');
  }
  return { spec, data, individuals: panelData.nUnits, design, rule, loadSeconds: (performance.now() - t0) / 1000 };
}

/**
 * A bootstrap replicate of panel data: N individuals drawn with replacement
 * (Efron and Tibshirani 1993; the individual, not the choice, is the unit of
 * a panel), kept as frequency weights on the units (times any weight the data
 * have), so the data are not copied. Seeded by (seed, replicate): the same
 * replicate whatever machine or order runs it.
 */
export function resample(d: ChoiceData, seed: number, replicate: number): ChoiceData {
  const rand = mt19937.factory({ seed: ((seed >>> 0) * 1_000_003 + replicate) % 4294967295 || 1 });
  const n = d.nClusters;
  const count = new Float64Array(n);
  for (let i = 0; i < n; i++) count[Math.min(n - 1, Math.floor(rand.normalized() * n))]++;
  const w = new Float64Array(new SharedArrayBuffer(8 * d.nUnits));
  for (let u = 0; u < d.nUnits; u++) w[u] = count[d.unitCluster[u]] * (d.unitWeight ? d.unitWeight[u] : 1);
  return { ...d, unitWeight: w };
}

/** The node source for a model without random coefficients. */
const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

/** Options of {@link estimate}. */
export interface EstimateOptions {
  /** Overrides spec.workers. */
  workers?: number;
  onIteration?: (info: IterationInfo) => void;
  signal?: AbortSignal;
  /** Engine construction (tests inject faults through it). */
  engineFactory?: typeof createEngine;
  /**
   * Checkpoint file (see ./checkpoint.ts): every answer of the objective is
   * logged there, and a run of the same spec and data replays it and goes on.
   */
  checkpoint?: string;
  /** Told how many logged evaluations a resumed run will replay. */
  onResume?: (logged: number) => void;
}

/** The columns `free` of a row-major n × P score matrix. */
export function scoreColumns(scores: Float64Array, P: number, free: readonly number[]): Float64Array {
  if (free.length === P) return scores;
  const n = scores.length / P;
  const out = new Float64Array(n * free.length);
  for (let r = 0; r < n; r++) for (let k = 0; k < free.length; k++) out[r * free.length + k] = scores[r * P + free[k]];
  return out;
}

/**
 * The problem over the free parameters `free` (indices into θ), the others
 * held at their values in `base` (model.fix).
 */
export function restrictProblem(problem: Problem, free: readonly number[], base: Float64Array): Problem {
  const P = base.length;
  const full = (x: Float64Array) => {
    const t = Float64Array.from(base);
    free.forEach((i, k) => (t[i] = x[k]));
    return t;
  };
  return {
    n: free.length,
    async fg(x, g) {
      const gFull = new Float64Array(P);
      const f = await problem.fg(full(x), gFull);
      free.forEach((i, k) => (g[k] = gFull[i]));
      return f;
    },
    scores: problem.scores
      ? async (x) => {
          const r = await problem.scores!(full(x));
          return { ...r, g: Float64Array.from(free, (i) => r.g[i]), scores: scoreColumns(r.scores, P, free) };
        }
      : undefined,
  };
}

/** Turns an engine into the optimizer's problem: minimize −LL. */
export function negLogLik(engine: Engine, signal?: AbortSignal): Problem {
  return {
    n: engine.P,
    async fg(x, g) {
      const ev = await engine.evaluate(x, signal);
      for (let p = 0; p < g.length; p++) g[p] = -ev.grad[p];
      return -ev.ll;
    },
    async scores(x) {
      const ev = await engine.evaluate(x, signal);
      const s = new Float64Array(ev.unitScores.length);
      for (let i = 0; i < s.length; i++) s[i] = -ev.unitScores[i];
      const g = new Float64Array(engine.P);
      for (let p = 0; p < g.length; p++) g[p] = -ev.grad[p];
      return { f: -ev.ll, g, scores: s, nObs: engine.nUnits };
    },
  };
}

/**
 * Multinomial logit estimates of every coefficient (all fixed), the default
 * start for the means of a mixed logit.
 */
export async function mnlEstimates(data: ChoiceData, K: number, signal?: AbortSignal): Promise<Float64Array> {
  const coefs: CoefficientSpec[] = Array.from({ length: K }, (_, k) => ({ mean: k, link: Link.identity }));
  const engine = createEngine(data, compilePlan(coefs, K, []), NO_NODES, { workers: 1 });
  try {
    const r = await minimize(negLogLik(engine, signal), new Float64Array(K), { method: 'bfgs', gtol: 1e-8, maxIter: 500 });
    return r.x;
  } finally {
    await engine.close();
  }
}

/**
 * Default start: MNL means (log of the magnitude for lognormals), 0.1 for
 * spreads and diagonal Cholesky elements, 0 otherwise. Latent classes start
 * spread around the MNL estimates (class c shifted by (c - (C+1)/2)/C times
 * the coefficient's magnitude), so that classes differ from the first step.
 */
export async function defaultStart(p: Prepared, signal?: AbortSignal): Promise<Float64Array> {
  const { design } = p;
  const K = design.columns.length;
  const mnl = await mnlEstimates(p.data, K, signal);
  const theta = new Float64Array(design.params.length);
  const C = design.classes;
  design.params.forEach((info, i) => {
    const k = design.columns.findIndex((c) => c.name === info.coefficient);
    let b = k >= 0 && Number.isFinite(mnl[k]) ? mnl[k] : 0;
    if (C > 1 && info.cls > 0) b += ((info.cls - (C + 1) / 2) / C) * Math.max(Math.abs(b), 0.1);
    if (info.kind === 'mean') {
      const sign = design.random.find((r) => r.column === info.coefficient)?.sign ?? 1;
      if (info.dist === 'lognormal') theta[i] = Math.log(Math.max(Math.abs(b), 1e-3));
      else if (info.dist === 'sb') { const q = Math.min(0.99, Math.max(0.01, sign * b)); theta[i] = Math.log(q / (1 - q)); }
      else theta[i] = b;
    } else if (info.kind === 'sd') theta[i] = 0.1;
    else if (info.kind === 'chol') theta[i] = info.row === info.col ? 0.1 : 0;
    else theta[i] = 0;
  });
  return theta;
}

/**
 * Further starting points for multistart: the default start with location
 * and membership parameters perturbed by seeded normal noise of scale
 * 0.5·max(|value|, 0.2) (spreads are kept positive).
 */
export function perturbedStarts(design: ModelDesign, theta0: Float64Array, count: number, seed: number): Float64Array[] {
  const rnd = normalFactory.factory({ seed });
  const out: Float64Array[] = [];
  for (let s = 0; s < count; s++) {
    const t = Float64Array.from(theta0);
    design.params.forEach((q, i) => {
      const scale = 0.5 * Math.max(Math.abs(t[i]), 0.2);
      if (q.kind === 'sd') t[i] = Math.abs(t[i] + 0.5 * t[i] * rnd(0, 1));
      else if (q.kind !== 'chol') t[i] += scale * rnd(0, 1);
    });
    out.push(t);
  }
  return out;
}

/** Null log-likelihood: every available alternative (and the outside option) equally likely. */
export function nullLogLik(data: ChoiceData): number {
  let ll = 0;
  for (let u = 0; u < data.nUnits; u++) {
    const w = data.unitWeight ? data.unitWeight[u] : 1;
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
      ll -= w * Math.log(data.sitRow[s + 1] - data.sitRow[s] + (data.outside ? 1 : 0));
    }
  }
  return ll;
}

/** Builds the engine of a prepared problem. */
export function engineFor(p: Prepared, workers: number | undefined, factory = createEngine): Engine {
  const dc = p.spec.drawCache;
  const cache = typeof dc === 'boolean' ? { cacheDraws: dc } : { cacheLimitBytes: dc * 2 ** 20 };
  return factory(p.data, p.design.plan, p.rule ?? NO_NODES, { workers: workers ?? p.spec.workers ?? undefined, rule: p.rule?.toJSON() ?? null, ...cache });
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
  const { spec, design, data } = p;
  const P = design.params.length;
  let optOptions: MinimizeOptions;
  const { starts: startsRaw, seed: startSeed, reflections: reflectionsRaw, reflectionTolerance: tolRaw, fallback: fallbackRaw, ...optimizerRest } = spec.optimizer;
  const fallback = fallbackRaw ?? true;
  if (typeof fallback !== 'boolean') throw new SpecError(`optimizer.fallback must be true or false; received ${show(fallbackRaw)}`, 'optimizer.fallback');
  const reflectionMode = reflectionsRaw ?? 'check';
  if (reflectionMode !== 'check' && reflectionMode !== 'search' && reflectionMode !== 'off') {
    throw new SpecError(`optimizer.reflections must be "check", "search" or "off"; received ${show(reflectionsRaw)}`, 'optimizer.reflections');
  }
  const reflectionTolerance = tolRaw ?? 1;
  if (typeof reflectionTolerance !== 'number' || !(reflectionTolerance > 0)) {
    throw new SpecError(`optimizer.reflectionTolerance must be a positive number (a log-likelihood change); received ${show(tolRaw)}`, 'optimizer.reflectionTolerance');
  }
  const starts = startsRaw === undefined ? (design.classes > 1 ? 5 : 1) : startsRaw;
  if (typeof starts !== 'number' || !Number.isInteger(starts) || starts < 1) throw new SpecError(`optimizer.starts must be a positive integer; received ${show(startsRaw)}`, 'optimizer.starts');
  if (startSeed !== undefined && (typeof startSeed !== 'number' || !Number.isInteger(startSeed) || startSeed < 0)) throw new SpecError(`optimizer.seed must be a non-negative integer; received ${show(startSeed)}`, 'optimizer.seed');
  try {
    optOptions = checkOptions(optimizerRest);
  } catch (e) {
    throw new SpecError((e as Error).message, 'optimizer');
  }
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
  const theta0 = await defaultStart(p, options.signal);
  design.params.forEach((q, i) => { if (q.name in spec.start) theta0[i] = spec.start[q.name]; });
  holdFixed(theta0);

  const engine = engineFor(p, options.workers, options.engineFactory);
  let checkpoint: Checkpoint | null = null;
  try {
    if (options.checkpoint !== undefined) {
      if (typeof spec.data.path !== 'string') throw new SpecError('a checkpoint needs a data file (data.path), not in-memory columns', 'data');
      // the worker count does not change any number, so it is not part of the key
      const { workers: _w, ...keyed } = spec;
      checkpoint = new Checkpoint(options.checkpoint, checkpointKey(keyed, spec.data.path), P);
      if (checkpoint.resumed) options.onResume?.(checkpoint.logged);
    }
    const fullProblem = checkpoint ? checkpoint.wrap(negLogLik(engine, options.signal)) : negLogLik(engine, options.signal);
    // the optimizer and the covariance see the free parameters only
    const problem = free.length === P ? fullProblem : restrictProblem(fullProblem, free, theta0);
    const reduce = (t: Float64Array) => Float64Array.from(free, (i) => t[i]);
    const expand = (x: Float64Array) => {
      const t = Float64Array.from(theta0);
      free.forEach((i, k) => (t[i] = x[k]));
      return t;
    };
    const first = await engine.evaluate(theta0, options.signal);
    if (!Number.isFinite(first.ll)) {
      const f = first.fault;
      throw new EstimationError(`the log-likelihood at the start values is not finite${f ? ` (unit ${f.unit}: ${f.reason})` : ''}; start: ${show(Object.fromEntries(design.params.map((q, i) => [q.name, theta0[i]])))}`);
    }
    // a method that fails (line search, non-finite) hands over to the next: BFGS -> trust region -> BHHH
    const run = async (x: Float64Array, extra: Partial<MinimizeOptions> = {}) => {
      const onIteration = extra.onIteration;
      const r = await minimizeWithFallback(problem, reduce(x), { ...optOptions, signal: options.signal, ...extra, onIteration }, fallback);
      return { attempts: r.attempts, result: { ...r.result, x: expand(r.result.x) } };
    };
    const main = await run(theta0, { onIteration: options.onIteration });
    let opt: MinimizeResult = main.result;
    let attempts = main.attempts;
    const runs: { start: number; loglik: number; converged: boolean }[] = [{ start: 0, loglik: -opt.f, converged: opt.converged }];
    // multistart: further runs from perturbed starts; keep the best (latent class likelihoods are multimodal)
    const extra = perturbedStarts(design, theta0, starts - 1, (startSeed as number | undefined) ?? 20261128).map(holdFixed);
    for (let s = 0; s < extra.length && opt.termination !== 'aborted'; s++) {
      const ev0 = await engine.evaluate(extra[s], options.signal);
      if (!Number.isFinite(ev0.ll)) { runs.push({ start: s + 1, loglik: NaN, converged: false }); continue; }
      const { result: r, attempts: a } = await run(extra[s]);
      runs.push({ start: s + 1, loglik: -r.f, converged: r.converged });
      if (r.termination === 'aborted') { opt = r; break; }
      if (r.f < opt.f - 1e-9 && (r.converged || !opt.converged)) { opt = r; attempts = a; }
    }
    if (opt.termination === 'aborted') throw new AbortError();
    // sign reflections of the spreads: a symmetry of the model, not of the simulated LL
    let reflections: ReflectionCheck[] = [];
    const searched: { parameter: string; loglik: number }[] = [];
    if (reflectionMode !== 'off' && spec.estimator === 'msl') {
      reflections = await checkReflections(engine, design, opt.x, -opt.f, options.signal, isFixed);
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
        reflections = await checkReflections(engine, design, opt.x, -opt.f, options.signal, isFixed);
      }
    }
    // a second step for the other estimators, from the MSL estimate (consistent, their first step)
    let second: MsmResult | null = null;
    if (spec.estimator === 'msm') second = await simulatedMoments(p, opt.x, engine, { signal: options.signal });
    if (spec.estimator === 'mss') second = await simulatedScores(p, opt.x, engine, { signal: options.signal });
    if (second) opt = { ...opt, x: second.theta, converged: opt.converged && second.converged, message: `${spec.estimator.toUpperCase()}: ${second.message}; first step (MSL): ${opt.message}`, iterations: opt.iterations + second.iterations };
    const ev = await engine.evaluate(opt.x, options.signal);
    const unitScores = Float64Array.from(ev.unitScores);
    const grad = Float64Array.from(ev.grad);
    const ll = ev.ll;
    const F = free.length;
    const freeCov = second ? { matrix: second.cov, warning: null } : await covariance(spec.se, {
      P: F, names: free.map((i) => design.params[i].name), theta: reduce(opt.x), unitScores: scoreColumns(unitScores, P, free), nUnits: data.nUnits, unitCluster: data.unitCluster, nClusters: data.nClusters,
      fg: problem.fg,
      situationScores: async () => ({ scores: scoreColumns(await engine.situationScores(opt.x, options.signal), P, free), n: data.nSituations }),
    });
    // fixed parameters are known constants: zero rows and columns
    const cov = { warning: freeCov.warning, matrix: new Float64Array(P * P) };
    free.forEach((i, a) => free.forEach((j, b) => (cov.matrix[i * P + j] = freeCov.matrix[a * F + b])));
    const flip = signNormalization(design, opt.x);
    const parameters: ParameterResult[] = design.params.map((q, i) => {
      const est = flip[i] * opt.x[i];
      if (isFixed[i]) return { name: q.name, estimate: est, se: null, z: null, p: null, fixed: true, kind: q.kind, coefficient: q.coefficient, dist: q.dist };
      const se = Math.sqrt(cov.matrix[i * P + i]);
      const z = est / se;
      return { name: q.name, estimate: est, se, z, p: pValue(z), kind: q.kind, coefficient: q.coefficient, dist: q.dist };
    });
    const flippedTheta = Float64Array.from(opt.x, (v, i) => flip[i] * v);
    const flippedCov = new Float64Array(P * P);
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) flippedCov[i * P + j] = flip[i] * flip[j] * cov.matrix[i * P + j];
    const derived = [
      ...correlationQuantities(design, spec.model.correlated, flippedTheta, flippedCov),
      ...classShares(design, data, flippedTheta, flippedCov),
    ];
    const covariance2 = Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => flip[i] * flip[j] * cov.matrix[i * P + j]));
    const null0 = nullLogLik(data);
    const seconds = (performance.now() - t0) / 1000;
    const nObs = data.nSituations;
    const notes: string[] = [];
    if (design.params.some((q) => q.kind === 'sd' || q.kind === 'chol')) {
      notes.push('Spreads of symmetric mixing distributions are not identified in sign; they are reported as |sd| (and each Cholesky column with a non-negative diagonal). Standard errors are unchanged by the sign.');
    }
    // every choice predicted with probability ~1: perfect prediction (separation); the estimates run off
    if (ll > -1e-6 * Math.max(1, nObs)) {
      notes.push('Warning: the log-likelihood is 0 to within 1e-6 per choice: the model predicts every choice (perfect prediction or separation by some variable); the estimates are not identified and run off, and their standard errors mean nothing.');
    }
    if (spec.estimator === 'msm') notes.push('Estimator: method of simulated moments with optimal instruments (McFadden 1989), first step MSL; instruments with independent draws; standard errors from the sandwich G^-1 S G^-T clustered by individual ("se" is not used). The log-likelihood is the simulated one at the MSM estimate.');
    if (spec.estimator === 'msm' && spec.model.panel) notes.push('MSM in a panel: the moments are per-situation probabilities and ignore the correlation of an individual\'s choices, which carries most of the information on the spreads; expect larger standard errors on them than MSL and MSS give.');
    const reflectionNote = reflectionWarning(reflections, reflectionTolerance, reflectionMode === 'search');
    if (reflectionNote) notes.push(`Warning: ${reflectionNote}`);
    if (searched.length > 0) notes.push(`Reflection search: re-estimated from the reflection of ${searched.map((x) => `${x.parameter} (LL ${x.loglik.toFixed(4)})`).join(', then ')}.`);
    if (spec.estimator === 'mss') notes.push('Estimator: method of simulated scores (Hajivassiliou and McFadden 1998), first step MSL; scores averaged over draws from the posterior of each individual (Metropolis-Hastings); standard errors from the inverse outer product of the simulated scores, clustered by individual ("se" is not used). The log-likelihood is the simulated one at the MSS estimate.');
    return {
      mxl: VERSION,
      loglik: ll,
      nullLoglik: null0,
      rho2: 1 - ll / null0,
      aic: -2 * ll + 2 * free.length,
      bic: -2 * ll + free.length * Math.log(nObs),
      converged: opt.converged,
      termination: opt.termination,
      message: opt.message,
      iterations: opt.iterations,
      functionEvaluations: opt.fEvals,
      seconds,
      timings: { loadSeconds: p.loadSeconds, estimateSeconds: seconds, totalSeconds: p.loadSeconds + seconds },
      se: second ? `${spec.estimator}-sandwich` : spec.se,
      seWarning: cov.warning,
      parameters,
      gradient: Array.from(grad),
      covariance: covariance2,
      startValues: Object.fromEntries(design.params.map((q, i) => [q.name, theta0[i]])),
      raw: Object.fromEntries(design.params.map((q, i) => [q.name, opt.x[i]])),
      sample: { file: spec.data.path ?? 'data.columns', individuals: p.individuals, situations: data.nSituations, rows: data.nRows, units: data.nUnits, panel: spec.model.panel },
      integration: { rule: p.rule?.name ?? 'none', nodes: p.rule?.size ?? 1, description: p.rule ? p.rule.toString() : 'no random coefficients' },
      workers: engine.workers,
      notes,
      derived,
      starts: runs,
      optima: distinctOptima(runs),
      distributions: impliedDistributions(design, opt.x, spec.se === 'none' && !second ? null : cov.matrix),
      attempts: attempts.map((a) => ({ method: a.method, termination: a.termination, loglik: -a.f, iterations: a.iterations })),
      reflections,
    };
  } finally {
    checkpoint?.close();
    await engine.close();
  }
}

function isPrepared(x: unknown): x is Prepared {
  return typeof x === 'object' && x !== null && 'design' in x && 'data' in x && 'spec' in x;
}
