/**
 * From a checked spec to the model's design: the columns of X (and where
 * each comes from), the parameter vector (names and roles), and the plan the
 * kernel runs.
 *
 * Parameter order (as mlogit): locations of the fixed then the random
 * coefficients in spec order (alternative-specific constants first among the
 * fixed), then mean shifts (`col:char`), then spreads (`sd.col`, or
 * `chol.a:b` for correlated blocks, row by row of L), then error components
 * (`sd.ec.name`). Random dimension d is the d-th random coefficient in spec
 * order (error components after them), so the standard Halton recipe gives it
 * the d-th prime. A latent class model repeats the coefficient parameters per
 * class (`class1.pf`, `class2.pf`, ...) and appends the membership logit
 * (`class2:(intercept)`, `class2:income`, ...).
 *
 * In WTP space (model.space "wtp") the price column is the last column of X;
 * its base coefficient is the scale λ (`lambda` first among the parameters,
 * `sd.lambda` last, its random dimension after every other) and every other
 * coefficient is a WTP ω; the plan's coupling makes β_k = λ ω_k and
 * β_price = −λ. G-MNL (model.scaleHeterogeneity) appends `tau` and (γ free)
 * `gamma` (estimated as logit γ; ./scale-model.ts reports γ), and the scale's
 * draw z as the last random dimension.
 */
import { compilePlan, DrawKind, Link, type CoefficientPlan, type CoefficientSpec, type Coupling, type DrawKindCode, type LatentClassPlan, type LinkCode, type ModelPlan } from '@mxl/core';
import { SpecError } from './errors.js';
import type { CheckedSpec, DistName, RandomSpec } from './spec.js';

/** Where a column of X comes from. */
export type ColumnSource =
  | { kind: 'column'; column: string }
  | { kind: 'asc'; alt: string }
  | { kind: 'alt-specific'; column: string; alt: string }
  | { kind: 'ec'; alts: string[] };

/** The role of a parameter. */
export interface ParamInfo {
  name: string;
  kind: 'mean' | 'shift' | 'sd' | 'chol' | 'membership';
  /** The coefficient (column of X) it belongs to ('' for membership). */
  coefficient: string;
  /** 'fixed' or the mixing distribution. */
  dist: DistName | 'fixed' | 'membership';
  /** For chol: row and column coefficient of L. */
  row?: string;
  col?: string;
  /** Latent class (1-based) or 0. */
  cls: number;
}

/** Everything the engine and the reporting need to know about the model. */
export interface ModelDesign {
  /** Columns of X, in order. */
  columns: { name: string; source: ColumnSource }[];
  /** Individual characteristics used by mean shifts and class membership. */
  characteristics: string[];
  params: ParamInfo[];
  plan: ModelPlan;
  /** Random coefficients in dimension order (error components included, as normals). */
  random: RandomSpec[];
  /** Number of latent classes (1: none). */
  classes: number;
  /** How the coefficients are coupled: WTP space, G-MNL, or null (preference space). */
  coupling?: 'wtp' | 'gmnl' | null;
}

const LINK: Record<DistName, LinkCode> = {
  normal: Link.identity, uniform: Link.identity, triangular: Link.identity, exponential: Link.identity,
  lognormal: Link.exp, cn: Link.censored, sb: Link.logistic,
};
const DRAW: Record<DistName, DrawKindCode> = {
  normal: DrawKind.normal, lognormal: DrawKind.normal, cn: DrawKind.normal, sb: DrawKind.normal,
  uniform: DrawKind.uniform, triangular: DrawKind.triangular, exponential: DrawKind.exponential,
};

/** Individual characteristics the model uses (mean shifts, then class membership), in order. */
export function modelCharacteristics(spec: CheckedSpec): string[] {
  const out: string[] = [];
  for (const c of [...spec.model.random.flatMap((r) => r.means), ...(spec.model.classes?.membership ?? [])]) if (!out.includes(c)) out.push(c);
  return out;
}

/** The plain data columns the model reads (before alternative labels are known). */
export function dataColumns(spec: CheckedSpec): string[] {
  const generated = generatedNames(spec, null);
  const out: string[] = [];
  const add = (c: string) => { if (!out.includes(c)) out.push(c); };
  for (const c of [...spec.model.fixed, ...spec.model.random.map((r) => r.column)]) {
    if (!generated.has(c) && !(spec.model.asc && c.startsWith('asc.'))) add(c);
  }
  for (const c of Object.keys(spec.model.altSpecific)) add(c);
  if (spec.model.scale) add(spec.model.scale.column);
  return out;
}

/** Names of generated columns: alternative-specific `col.alt` (and `asc.alt` when labels are known). */
function generatedNames(spec: CheckedSpec, altLabels: readonly string[] | null): Map<string, ColumnSource> {
  const g = new Map<string, ColumnSource>();
  for (const [column, alts] of Object.entries(spec.model.altSpecific)) {
    for (const alt of alts) g.set(`${column}.${alt}`, { kind: 'alt-specific', column, alt });
  }
  if (spec.model.asc && altLabels) {
    const ref = spec.model.asc.reference ?? altLabels[0];
    if (!altLabels.includes(ref)) throw new SpecError(`model.asc.reference: ${JSON.stringify(ref)} is not an alternative of the data; alternatives are ${altLabels.join(', ')}`, 'model.asc.reference');
    for (const a of altLabels) if (a !== ref) g.set(`asc.${a}`, { kind: 'asc', alt: a });
  }
  return g;
}

/** Builds the design of the model described by a checked spec, given the data's alternatives. */
export function buildModel(spec: CheckedSpec, altLabels: readonly string[], charNames: readonly string[] = modelCharacteristics(spec)): ModelDesign {
  const m = spec.model;
  const check = (alts: string[], option: string) => {
    for (const a of alts) if (!altLabels.includes(a)) throw new SpecError(`${option}: ${JSON.stringify(a)} is not an alternative of the data; alternatives are ${altLabels.join(', ')}`, option);
  };
  for (const [c, alts] of Object.entries(m.altSpecific)) check(alts, `model.altSpecific.${c}`);
  for (const [c, alts] of Object.entries(m.errorComponents)) check(alts, `model.errorComponents.${c}`);
  const gen = generatedNames(spec, altLabels);
  const source = (c: string): ColumnSource => gen.get(c) ?? { kind: 'column', column: c };
  for (const c of [...m.fixed, ...m.random.map((r) => r.column)]) {
    if (c.startsWith('asc.') && m.asc && !gen.has(c)) throw new SpecError(`"${c}" is not an alternative-specific constant of the model; they are ${[...gen.keys()].filter((k) => k.startsWith('asc.')).join(', ')}`, 'model');
  }
  // generated columns not placed by the user are fixed; constants first
  const listed = new Set([...m.fixed, ...m.random.map((r) => r.column)]);
  const extraFixed = [...gen.keys()].filter((c) => !listed.has(c));
  const fixed = [...extraFixed.filter((c) => c.startsWith('asc.')), ...m.fixed, ...extraFixed.filter((c) => !c.startsWith('asc.'))];
  const ecs = Object.entries(m.errorComponents);
  const random: RandomSpec[] = [...m.random, ...ecs.map(([name]) => ({ column: `ec.${name}`, dist: 'normal' as const, sign: 1 as const, means: [] }))];
  const columns = [
    ...fixed.map((c) => ({ name: c, source: source(c) })),
    ...m.random.map((r) => ({ name: r.column, source: source(r.column) })),
    ...ecs.map(([name, alts]) => ({ name: `ec.${name}`, source: { kind: 'ec' as const, alts } })),
    ...(m.scale ? [{ name: m.scale.column, source: source(m.scale.column) }] : []),
  ];
  const isEc = (c: string) => c.startsWith('ec.') && m.errorComponents[c.slice(3)] !== undefined && !m.random.some((r) => r.column === c);

  const C = m.classes?.count ?? 1;
  const params: ParamInfo[] = [];
  const characteristics = [...charNames];
  const charIndex = (ch: string) => {
    const i = characteristics.indexOf(ch);
    if (i < 0) throw new RangeError(`characteristic ${ch} was not loaded`);
    return i;
  };
  const classCoefs: CoefficientSpec[][] = [];
  let coupling: Coupling | null = null;
  for (let cls = 1; cls <= C; cls++) {
    const pre = C > 1 ? `class${cls}.` : '';
    const coefs: CoefficientSpec[] = [];
    const add = (name: string, info: Omit<ParamInfo, 'name' | 'cls'>) => { params.push({ name: pre + name, ...info, cls: C > 1 ? cls : 0 }); return params.length - 1; };
    // WTP space: the price column's coefficient is the scale lambda (its column is the last of X)
    const priceCoef: CoefficientSpec | null = m.scale
      ? { mean: add('lambda', { kind: 'mean', coefficient: m.scale.column, dist: m.scale.dist }), link: LINK[m.scale.dist === 'fixed' ? 'normal' : m.scale.dist], spreads: [] }
      : null;
    for (const c of fixed) coefs.push({ mean: add(c, { kind: 'mean', coefficient: c, dist: 'fixed' }), link: Link.identity });
    for (const r of random) {
      const spec: CoefficientSpec = { mean: -1, link: LINK[r.dist], sign: r.sign, spreads: [], shifts: [] };
      if (r.dist !== 'exponential' && !isEc(r.column)) spec.mean = add(r.column, { kind: 'mean', coefficient: r.column, dist: r.dist });
      coefs.push(spec);
    }
    const nf = fixed.length;
    const expParam = new Map<string, number>();
    for (const r of random) if (r.dist === 'exponential') expParam.set(r.column, add(r.column, { kind: 'mean', coefficient: r.column, dist: r.dist }));
    random.forEach((r, i) => {
      for (const ch of r.means) coefs[nf + i].shifts!.push({ param: add(`${r.column}:${ch}`, { kind: 'shift', coefficient: r.column, dist: r.dist }), char: charIndex(ch) });
    });
    const dimOf = new Map(random.map((r, i) => [r.column, i] as const));
    random.forEach((r, i) => {
      if (m.correlated.includes(r.column) || isEc(r.column)) return;
      if (r.dist === 'exponential') { coefs[nf + i].spreads!.push({ param: expParam.get(r.column)!, dim: i }); return; }
      coefs[nf + i].spreads!.push({ param: add(`sd.${r.column}`, { kind: 'sd', coefficient: r.column, dist: r.dist }), dim: i });
    });
    // Cholesky factor of the correlated block, row b, columns a <= b (mlogit's chol.a:b = L[b, a])
    m.correlated.forEach((b, ib) => {
      const db = dimOf.get(b)!;
      for (let ia = 0; ia <= ib; ia++) {
        const a = m.correlated[ia];
        coefs[nf + db].spreads!.push({ param: add(`chol.${a}:${b}`, { kind: 'chol', coefficient: b, dist: random[db].dist, row: b, col: a }), dim: dimOf.get(a)! });
      }
    });
    random.forEach((r, i) => {
      if (isEc(r.column)) coefs[nf + i].spreads!.push({ param: add(`sd.${r.column}`, { kind: 'sd', coefficient: r.column, dist: 'normal' }), dim: i });
    });
    if (priceCoef) {
      if (m.scale!.dist !== 'fixed') priceCoef.spreads!.push({ param: add('sd.lambda', { kind: 'sd', coefficient: m.scale!.column, dist: m.scale!.dist }), dim: random.length });
      coefs.push(priceCoef);
    }
    if (m.scaleHeterogeneity) {
      const g = m.scaleHeterogeneity.gamma;
      coupling = {
        kind: 'gmnl', tauParam: add('tau', { kind: 'sd', coefficient: '', dist: 'normal' }),
        gammaParam: g === 'free' ? add('gamma', { kind: 'mean', coefficient: '', dist: 'fixed' }) : -1, gamma: g === 'free' ? 0 : g, scaleDim: random.length,
      };
    } else if (m.scale) coupling = { kind: 'wtp', price: columns.length - 1 };
    classCoefs.push(coefs);
  }
  // the scale's random dimension (WTP space: lambda; G-MNL: z) comes after every other
  const scaleDraw = m.scaleHeterogeneity || (m.scale && m.scale.dist !== 'fixed');
  const scaleRandom: RandomSpec[] = m.scale && m.scale.dist !== 'fixed' ? [{ column: m.scale.column, dist: m.scale.dist, sign: 1, means: [] }] : [];
  const drawKinds = [...random.map((r) => DRAW[r.dist]), ...(scaleDraw ? [DrawKind.normal] : [])];
  let plan: ModelPlan;
  if (C === 1) {
    plan = compilePlan(classCoefs[0], params.length, drawKinds, coupling);
  } else {
    const membership = m.classes!.membership;
    const mp: number[] = [];
    for (let cls = 2; cls <= C; cls++) {
      for (const v of ['(intercept)', ...membership]) {
        mp.push(params.length);
        params.push({ name: `class${cls}:${v}`, kind: 'membership', coefficient: '', dist: 'membership', cls });
      }
    }
    const mc = membership.map(charIndex);
    const P = params.length;
    const classes: CoefficientPlan[] = classCoefs.map((c) => compilePlan(c, P, drawKinds));
    const lc: LatentClassPlan = {
      kind: 'latent-class', P, D: drawKinds.length, K: columns.length, classes,
      membershipParam: Int32Array.from(mp), membershipChar: Int32Array.from(mc), uniformDims: classes[0].uniformDims,
    };
    plan = lc;
  }
  return { columns, characteristics, params, plan, random: [...random, ...scaleRandom], classes: C, coupling: coupling?.kind ?? null };
}

/**
 * Flips signs that the likelihood does not identify, so results are reported
 * in a canonical form: spreads of symmetric draws are made non-negative, and
 * each column of a Cholesky factor is flipped so its diagonal is non-negative.
 * Returns the +1/-1 multiplier of every parameter (apply to estimates; the
 * covariance becomes D C D).
 */
export function signNormalization(design: ModelDesign, theta: Float64Array): Float64Array {
  const flip = new Float64Array(theta.length).fill(1);
  design.params.forEach((p, i) => {
    if (p.kind === 'sd' && theta[i] < 0) flip[i] = -1;
    if (p.kind === 'chol' && p.row === p.col && theta[i] < 0) {
      design.params.forEach((q, j) => { if (q.kind === 'chol' && q.col === p.col && q.cls === p.cls) flip[j] = -1; });
    }
  });
  return flip;
}
