/**
 * The estimation spec (the JSON a user writes) and its validation into a
 * fully defaulted {@link CheckedSpec}. Validation follows stdlib's and
 * piscina's habit: every message names the option and the value received.
 */
import * as path from 'node:path';
import { didYouMean, SpecError, show } from './errors.js';
import type { DataSpec } from '@mxl/data';

/** Mixing distributions, by their canonical names. */
export const DISTRIBUTIONS = ['normal', 'lognormal', 'uniform', 'triangular', 'cn', 'sb', 'exponential'] as const;
export type DistName = (typeof DISTRIBUTIONS)[number];

/** Accepted aliases (mlogit's one-letter codes among them). */
const DIST_ALIASES: Record<string, { dist: DistName; sign?: 1 | -1 }> = {
  normal: { dist: 'normal' }, n: { dist: 'normal' },
  lognormal: { dist: 'lognormal' }, ln: { dist: 'lognormal' },
  '-lognormal': { dist: 'lognormal', sign: -1 }, neglognormal: { dist: 'lognormal', sign: -1 },
  uniform: { dist: 'uniform' }, u: { dist: 'uniform' },
  triangular: { dist: 'triangular' }, t: { dist: 'triangular' },
  cn: { dist: 'cn' }, 'censored-normal': { dist: 'cn' },
  sb: { dist: 'sb' }, 'johnson-sb': { dist: 'sb' },
  exponential: { dist: 'exponential' }, exp: { dist: 'exponential' },
};

/** One random coefficient after checking. */
export interface RandomSpec {
  column: string;
  dist: DistName;
  sign: 1 | -1;
  /** Individual characteristics shifting the location (observed heterogeneity). */
  means: string[];
}

/** Standard-error methods. */
export const SE_METHODS = ['bhhh', 'bhhh-situations', 'hessian', 'robust', 'cluster', 'none'] as const;
export type SeMethod = (typeof SE_METHODS)[number];

/**
 * Estimators: maximum simulated likelihood; the method of simulated moments
 * with optimal instruments (McFadden 1989); the method of simulated scores
 * (Hajivassiliou and McFadden 1998). See ./msm.ts and ./mss.ts.
 */
export const ESTIMATORS = ['msl', 'msm', 'mss'] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];

/** The spec after validation, with every default filled in. */
export interface CheckedSpec {
  /** Folder the relative paths were resolved against. */
  baseDir: string;
  /** The data spec (`path` resolved against `baseDir`, or in-memory `columns`). */
  data: DataSpec;
  model: {
    fixed: string[];
    random: RandomSpec[];
    /** Columns whose random coefficients are jointly correlated (Cholesky). */
    correlated: string[];
    panel: boolean;
    /** Alternative-specific constants: the reference alternative (no constant), or null for none. */
    asc: { reference: string | null } | null;
    /** Alternative-specific coefficients: column → alternatives; each makes a variable `column.alt`. */
    altSpecific: Record<string, string[]>;
    /** Error components: name → alternatives sharing the component. */
    errorComponents: Record<string, string[]>;
    /** Latent classes, or null. */
    classes: { count: number; membership: string[] } | null;
    /** Parameters held at values (out of the optimization and the covariance), by name. */
    fix: Record<string, number>;
  };
  integration: Record<string, unknown> & { rule: string };
  optimizer: Record<string, unknown>;
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

/** Keys of `data` (see DataSpec in @mxl/data). */
const DATA_KEYS = ['path', 'columns', 'fileType', 'format', 'id', 'situation', 'alt', 'choice', 'availability', 'weight', 'outside', 'derive', 'filter', 'delimiter', 'alternatives', 'choiceCodes'];
const TOP_KEYS = ['data', 'model', 'integration', 'optimizer', 'estimator', 'se', 'start', 'workers', 'drawCache', 'bootstrap', 'name', 'description', '$schema'];
const MODEL_KEYS = ['fixed', 'random', 'correlated', 'panel', 'asc', 'altSpecific', 'errorComponents', 'classes', 'fix'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, option: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0)) {
    throw new SpecError(`${option} must be a list of column names; received ${show(v)}`, option);
  }
  return v as string[];
}

/**
 * Validates a parsed spec.
 * @param raw - the parsed JSON
 * @param specFile - path of the spec file (relative data paths are resolved against its folder), or null
 * @param baseDir - where relative data paths start, when given (default: the spec file's folder, else the working directory)
 */
export function checkSpec(raw: unknown, specFile: string | null, baseDir?: string): CheckedSpec {
  if (!isObject(raw)) throw new SpecError(`the spec must be a JSON object; received ${show(raw)}`);
  for (const k of Object.keys(raw)) {
    if (!TOP_KEYS.includes(k)) throw new SpecError(`unknown option "${k}" in the spec${didYouMean(k, TOP_KEYS)}; expected one of ${TOP_KEYS.filter((x) => !x.startsWith('$')).join(', ')}`, k);
  }
  baseDir = baseDir !== undefined ? path.resolve(baseDir) : specFile ? path.dirname(path.resolve(specFile)) : process.cwd();

  // data
  if (!isObject(raw.data)) throw new SpecError(`data must be an object with "path" (a file) or "columns" (in-memory data); received ${show(raw.data)}`, 'data');
  const data = { ...raw.data } as Record<string, unknown>;
  for (const k of Object.keys(data)) {
    if (!DATA_KEYS.includes(k)) throw new SpecError(`unknown option "data.${k}"${didYouMean(k, DATA_KEYS)}; expected one of ${DATA_KEYS.join(', ')}`, `data.${k}`);
  }
  if (data.columns !== undefined) {
    if (data.path !== undefined) throw new SpecError('data has both "path" and "columns"; give one: a file, or in-memory columns', 'data.columns');
  } else {
    if (typeof data.path !== 'string' || data.path.length === 0) throw new SpecError(`data.path must be a file path (or give data.columns for in-memory data); received ${show(data.path)}`, 'data.path');
    data.path = path.resolve(baseDir, data.path);
  }
  if (data.fileType !== undefined && !['csv', 'parquet', 'arrow'].includes(data.fileType as string)) {
    throw new SpecError(`data.fileType must be "csv", "parquet" or "arrow"; received ${show(data.fileType)}`, 'data.fileType');
  }

  // model
  const m = raw.model === undefined ? {} : raw.model;
  if (!isObject(m)) throw new SpecError(`model must be an object; received ${show(m)}`, 'model');
  for (const k of Object.keys(m)) {
    if (!MODEL_KEYS.includes(k)) throw new SpecError(`unknown option "model.${k}"${didYouMean(k, MODEL_KEYS)}; expected one of ${MODEL_KEYS.join(', ')}`, `model.${k}`);
  }
  const fixed = stringList(m.fixed, 'model.fixed');
  const fix: Record<string, number> = {};
  if (m.fix !== undefined) {
    if (!isObject(m.fix)) throw new SpecError(`model.fix must map parameter names to values, e.g. { "sd.time": 0.5 }; received ${show(m.fix)}`, 'model.fix');
    for (const [k, v] of Object.entries(m.fix)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(`model.fix.${k} must be a finite number; received ${show(v)}`, `model.fix.${k}`);
      fix[k] = v;
    }
  }
  const random: RandomSpec[] = [];
  if (m.random !== undefined) {
    if (!isObject(m.random)) throw new SpecError(`model.random must map columns to distributions, e.g. { "price": "normal" }; received ${show(m.random)}`, 'model.random');
    for (const [column, v] of Object.entries(m.random)) {
      const opt = `model.random.${column}`;
      let name: unknown = v, means: string[] = [], sign: 1 | -1 | undefined;
      if (isObject(v)) {
        for (const k of Object.keys(v)) if (!['dist', 'means', 'sign'].includes(k)) throw new SpecError(`unknown option "${opt}.${k}"; expected dist, means, sign`, `${opt}.${k}`);
        name = v.dist;
        means = stringList(v.means, `${opt}.means`);
        if (v.sign !== undefined) {
          if (v.sign !== 1 && v.sign !== -1) throw new SpecError(`${opt}.sign must be 1 or -1; received ${show(v.sign)}`, `${opt}.sign`);
          sign = v.sign;
        }
      }
      const alias = typeof name === 'string' ? DIST_ALIASES[name] : undefined;
      if (!alias) throw new SpecError(`${opt} must be one of ${DISTRIBUTIONS.join(', ')} (or -lognormal); received ${show(name)}`, opt);
      if (fixed.includes(column)) throw new SpecError(`column "${column}" is listed both in model.fixed and model.random`, opt);
      random.push({ column, dist: alias.dist, sign: sign ?? alias.sign ?? 1, means });
    }
  }
  const dupe = fixed.find((c, i) => fixed.indexOf(c) !== i);
  if (dupe) throw new SpecError(`model.fixed lists "${dupe}" twice`, 'model.fixed');
  if (fixed.length + random.length === 0 && m.asc === undefined && m.altSpecific === undefined && m.errorComponents === undefined) {
    throw new SpecError('the model has no coefficients: give model.fixed and/or model.random', 'model');
  }

  let correlated: string[] = [];
  if (m.correlated === true) correlated = random.map((r) => r.column);
  else if (Array.isArray(m.correlated)) {
    correlated = stringList(m.correlated, 'model.correlated');
    for (const c of correlated) if (!random.some((r) => r.column === c)) throw new SpecError(`model.correlated names "${c}", which is not a random coefficient`, 'model.correlated');
  } else if (m.correlated !== undefined && m.correlated !== false) {
    throw new SpecError(`model.correlated must be true, false or a list of random columns; received ${show(m.correlated)}`, 'model.correlated');
  }
  for (const c of correlated) {
    const r = random.find((x) => x.column === c)!;
    if (['uniform', 'triangular', 'exponential'].includes(r.dist)) {
      throw new SpecError(`model.correlated: "${c}" is ${r.dist}; only normal-based distributions (normal, lognormal, cn, sb) can be correlated`, 'model.correlated');
    }
  }
  if (correlated.length === 1) correlated = [];
  if (m.panel !== undefined && typeof m.panel !== 'boolean') throw new SpecError(`model.panel must be true or false; received ${show(m.panel)}`, 'model.panel');
  const panel = (m.panel as boolean | undefined) ?? typeof data.id === 'string';
  if (panel && typeof data.id !== 'string') throw new SpecError('model.panel is true but data.id (the individual column) is not given', 'model.panel');

  // integration
  const integ = raw.integration === undefined ? { rule: 'halton', draws: 100 } : raw.integration;
  if (!isObject(integ)) throw new SpecError(`integration must be an object like { "rule": "halton", "draws": 100 }; received ${show(integ)}`, 'integration');
  const integration = { rule: 'halton', ...integ } as Record<string, unknown> & { rule: string };
  if (typeof integration.rule !== 'string') throw new SpecError(`integration.rule must be a rule name; received ${show(integration.rule)}`, 'integration.rule');

  // optimizer
  const optimizer = raw.optimizer === undefined ? {} : raw.optimizer;
  if (!isObject(optimizer)) throw new SpecError(`optimizer must be an object like { "method": "bfgs" }; received ${show(optimizer)}`, 'optimizer');

  // se
  const se = raw.se === undefined ? 'bhhh' : raw.se;
  if (typeof se !== 'string' || !(SE_METHODS as readonly string[]).includes(se)) {
    throw new SpecError(`se must be one of ${SE_METHODS.join(', ')}; received ${show(raw.se)}`, 'se');
  }

  // start
  const start: Record<string, number> = {};
  if (raw.start !== undefined) {
    if (!isObject(raw.start)) throw new SpecError(`start must map parameter names to numbers; received ${show(raw.start)}`, 'start');
    for (const [k, v] of Object.entries(raw.start)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(`start.${k} must be a finite number; received ${show(v)}`, `start.${k}`);
      start[k] = v;
    }
  }

  // workers
  let workers: number | null = null;
  if (raw.workers !== undefined) {
    if (typeof raw.workers !== 'number' || !Number.isInteger(raw.workers) || raw.workers < 1) {
      throw new SpecError(`workers must be a positive integer; received ${show(raw.workers)}`, 'workers');
    }
    workers = raw.workers;
  }

  // draw cache
  const dc = raw.drawCache ?? 1024;
  if (!(typeof dc === 'boolean' || (typeof dc === 'number' && Number.isFinite(dc) && dc >= 0))) {
    throw new SpecError(`drawCache must be true, false or a limit in MiB (a non-negative number); received ${show(raw.drawCache)}`, 'drawCache');
  }
  const drawCache = dc as boolean | number;

  // bootstrap replicate
  let bootstrap: CheckedSpec['bootstrap'] = null;
  if (raw.bootstrap !== undefined) {
    const b = raw.bootstrap;
    const ok = isObject(b) && Number.isInteger(b.seed) && (b.seed as number) >= 0 && Number.isInteger(b.replicate) && (b.replicate as number) >= 1;
    if (!ok) throw new SpecError(`bootstrap must be { "seed": a non-negative integer, "replicate": a positive integer }; received ${show(b)}`, 'bootstrap');
    bootstrap = { seed: (b as { seed: number }).seed, replicate: (b as { replicate: number }).replicate };
  }

  // estimator
  const estimator = (raw.estimator ?? 'msl') as EstimatorName;
  if (!ESTIMATORS.includes(estimator)) throw new SpecError(`estimator must be one of ${ESTIMATORS.join(', ')}; received ${show(raw.estimator)}`, 'estimator');

  // alternative-specific constants
  let asc: CheckedSpec['model']['asc'] = null;
  if (m.asc === true) asc = { reference: null };
  else if (isObject(m.asc)) {
    for (const k of Object.keys(m.asc)) if (k !== 'reference') throw new SpecError(`unknown option "model.asc.${k}"; expected reference`, `model.asc.${k}`);
    const ref = m.asc.reference;
    if (ref !== undefined && typeof ref !== 'string' && typeof ref !== 'number') throw new SpecError(`model.asc.reference must be an alternative; received ${show(ref)}`, 'model.asc.reference');
    asc = { reference: ref === undefined ? null : String(ref) };
  } else if (m.asc !== undefined && m.asc !== false) {
    throw new SpecError(`model.asc must be true or { "reference": alternative }; received ${show(m.asc)}`, 'model.asc');
  }
  const altList = (v: unknown, option: string): string[] => {
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      throw new SpecError(`${option} must be a non-empty list of alternatives; received ${show(v)}`, option);
    }
    return v.map(String);
  };
  const altSpecific: Record<string, string[]> = {};
  if (m.altSpecific !== undefined) {
    if (!isObject(m.altSpecific)) throw new SpecError(`model.altSpecific must map columns to lists of alternatives; received ${show(m.altSpecific)}`, 'model.altSpecific');
    for (const [c, v] of Object.entries(m.altSpecific)) altSpecific[c] = altList(v, `model.altSpecific.${c}`);
  }
  const errorComponents: Record<string, string[]> = {};
  if (m.errorComponents !== undefined) {
    if (!isObject(m.errorComponents)) throw new SpecError(`model.errorComponents must map names to lists of alternatives; received ${show(m.errorComponents)}`, 'model.errorComponents');
    for (const [c, v] of Object.entries(m.errorComponents)) errorComponents[c] = altList(v, `model.errorComponents.${c}`);
  }
  let classes: CheckedSpec['model']['classes'] = null;
  if (m.classes !== undefined) {
    if (!isObject(m.classes)) throw new SpecError(`model.classes must be { "count": C, "membership": [characteristics] }; received ${show(m.classes)}`, 'model.classes');
    for (const k of Object.keys(m.classes)) if (!['count', 'membership'].includes(k)) throw new SpecError(`unknown option "model.classes.${k}"; expected count, membership`, `model.classes.${k}`);
    const count = m.classes.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 2) throw new SpecError(`model.classes.count must be an integer of at least 2; received ${show(count)}`, 'model.classes.count');
    classes = { count, membership: stringList(m.classes.membership, 'model.classes.membership') };
    if (correlated.length > 0) throw new SpecError('model.correlated cannot be combined with model.classes', 'model.correlated');
    if (raw.se === 'bhhh-situations') throw new SpecError('se "bhhh-situations" is not defined for latent class models (the membership part has no per-situation scores); use bhhh, robust, cluster or hessian', 'se');
  }

  return {
    baseDir,
    data: data as unknown as DataSpec,
    model: { fixed, random, correlated, panel, asc, altSpecific, errorComponents, classes, fix },
    integration,
    optimizer: optimizer as Record<string, unknown>,
    se: se as SeMethod,
    start,
    workers,
    estimator,
    drawCache,
    bootstrap,
  };
}
