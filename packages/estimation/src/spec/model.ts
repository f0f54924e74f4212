/**
 * The spec's `model` section: the coefficients (fixed, random with their
 * mixing distributions, correlated), constants, alternative-specific
 * coefficients, error components, latent classes and held parameters.
 */
import { SpecError, show } from '../errors.js';
import { checkKeys, isObject, numberMap, stringList } from './check.js';
import { checkScale, type ScaleSection } from './scale.js';

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

/** The model after checking (the scale of utility: WTP space, G-MNL, in ./scale.ts). */
export interface ModelSpec extends ScaleSection {
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
}

const MODEL_KEYS = ['fixed', 'random', 'correlated', 'panel', 'asc', 'altSpecific', 'errorComponents', 'classes', 'fix', 'space', 'scale', 'scaleHeterogeneity'];
const RANDOM_KEYS = ['dist', 'means', 'sign'];

/** What the model section needs to know of the rest of the spec. */
export interface ModelContext {
  /** data.id, the individual column (a panel needs one). */
  id: unknown;
  /** The spec's se, as written. */
  se: unknown;
}

/** One entry of model.random. */
function randomSpec(column: string, v: unknown): RandomSpec {
  const opt = `model.random.${column}`;
  let name: unknown = v, means: string[] = [], sign: 1 | -1 | undefined;
  if (isObject(v)) {
    checkKeys(v, RANDOM_KEYS, `${opt}.`);
    name = v.dist;
    means = stringList(v.means, `${opt}.means`);
    if (v.sign !== undefined) {
      if (v.sign !== 1 && v.sign !== -1) throw new SpecError(`${opt}.sign must be 1 or -1; received ${show(v.sign)}`, `${opt}.sign`);
      sign = v.sign;
    }
  }
  const alias = typeof name === 'string' ? DIST_ALIASES[name] : undefined;
  if (!alias) throw new SpecError(`${opt} must be one of ${DISTRIBUTIONS.join(', ')} (or -lognormal); received ${show(name)}`, opt);
  return { column, dist: alias.dist, sign: sign ?? alias.sign ?? 1, means };
}

function randomSpecs(v: unknown, fixed: readonly string[]): RandomSpec[] {
  if (v === undefined) return [];
  if (!isObject(v)) throw new SpecError(`model.random must map columns to distributions, e.g. { "price": "normal" }; received ${show(v)}`, 'model.random');
  return Object.entries(v).map(([column, x]) => {
    const r = randomSpec(column, x);
    if (fixed.includes(column)) throw new SpecError(`column "${column}" is listed both in model.fixed and model.random`, `model.random.${column}`);
    return r;
  });
}

function correlatedColumns(v: unknown, random: readonly RandomSpec[]): string[] {
  let correlated: string[] = [];
  if (v === true) correlated = random.map((r) => r.column);
  else if (Array.isArray(v)) {
    correlated = stringList(v, 'model.correlated');
    for (const c of correlated) if (!random.some((r) => r.column === c)) throw new SpecError(`model.correlated names "${c}", which is not a random coefficient`, 'model.correlated');
  } else if (v !== undefined && v !== false) {
    throw new SpecError(`model.correlated must be true, false or a list of random columns; received ${show(v)}`, 'model.correlated');
  }
  for (const c of correlated) {
    const r = random.find((x) => x.column === c)!;
    if (['uniform', 'triangular', 'exponential'].includes(r.dist)) {
      throw new SpecError(`model.correlated: "${c}" is ${r.dist}; only normal-based distributions (normal, lognormal, cn, sb) can be correlated`, 'model.correlated');
    }
  }
  return correlated.length === 1 ? [] : correlated;
}

function ascSpec(v: unknown): ModelSpec['asc'] {
  if (v === true) return { reference: null };
  if (isObject(v)) {
    checkKeys(v, ['reference'], 'model.asc.');
    const ref = v.reference;
    if (ref !== undefined && typeof ref !== 'string' && typeof ref !== 'number') throw new SpecError(`model.asc.reference must be an alternative; received ${show(ref)}`, 'model.asc.reference');
    return { reference: ref === undefined ? null : String(ref) };
  }
  if (v !== undefined && v !== false) throw new SpecError(`model.asc must be true or { "reference": alternative }; received ${show(v)}`, 'model.asc');
  return null;
}

/** A map of names to non-empty lists of alternatives (absent: empty). */
function altLists(v: unknown, option: string, what: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (v === undefined) return out;
  if (!isObject(v)) throw new SpecError(`${option} must map ${what} to lists of alternatives; received ${show(v)}`, option);
  for (const [c, list] of Object.entries(v)) {
    if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      throw new SpecError(`${option}.${c} must be a non-empty list of alternatives; received ${show(list)}`, `${option}.${c}`);
    }
    out[c] = list.map(String);
  }
  return out;
}

function classesSpec(v: unknown, correlated: readonly string[], se: unknown): ModelSpec['classes'] {
  if (v === undefined) return null;
  if (!isObject(v)) throw new SpecError(`model.classes must be { "count": C, "membership": [characteristics] }; received ${show(v)}`, 'model.classes');
  checkKeys(v, ['count', 'membership'], 'model.classes.');
  const count = v.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 2) throw new SpecError(`model.classes.count must be an integer of at least 2; received ${show(count)}`, 'model.classes.count');
  const classes = { count, membership: stringList(v.membership, 'model.classes.membership') };
  if (correlated.length > 0) throw new SpecError('model.correlated cannot be combined with model.classes', 'model.correlated');
  if (se === 'bhhh-situations') throw new SpecError('se "bhhh-situations" is not defined for latent class models (the membership part has no per-situation scores); use bhhh, robust, cluster or hessian', 'se');
  return classes;
}

/** Checks the `model` section (absent: an empty model, which is an error). */
export function checkModel(raw: unknown, ctx: ModelContext): ModelSpec {
  const m = raw === undefined ? {} : raw;
  if (!isObject(m)) throw new SpecError(`model must be an object; received ${show(m)}`, 'model');
  checkKeys(m, MODEL_KEYS, 'model.');
  const fixed = stringList(m.fixed, 'model.fixed');
  const fix = numberMap(m.fix, 'model.fix', 'map parameter names to values, e.g. { "sd.time": 0.5 }');
  const random = randomSpecs(m.random, fixed);
  const dupe = fixed.find((c, i) => fixed.indexOf(c) !== i);
  if (dupe) throw new SpecError(`model.fixed lists "${dupe}" twice`, 'model.fixed');
  if (fixed.length + random.length === 0 && m.asc === undefined && m.altSpecific === undefined && m.errorComponents === undefined) {
    throw new SpecError('the model has no coefficients: give model.fixed and/or model.random', 'model');
  }
  const correlated = correlatedColumns(m.correlated, random);
  if (m.panel !== undefined && typeof m.panel !== 'boolean') throw new SpecError(`model.panel must be true or false; received ${show(m.panel)}`, 'model.panel');
  const panel = typeof m.panel === 'boolean' ? m.panel : typeof ctx.id === 'string';
  if (panel && typeof ctx.id !== 'string') throw new SpecError('model.panel is true but data.id (the individual column) is not given', 'model.panel');
  const asc = ascSpec(m.asc);
  const altSpecific = altLists(m.altSpecific, 'model.altSpecific', 'columns');
  const errorComponents = altLists(m.errorComponents, 'model.errorComponents', 'names');
  const classes = classesSpec(m.classes, correlated, ctx.se);
  const scale = checkScale(m, { fixed, random, altSpecific, classes: m.classes });
  return { fixed, random, correlated, panel, asc, altSpecific, errorComponents, classes, fix, ...scale };
}
