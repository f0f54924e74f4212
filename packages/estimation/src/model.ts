/**
 * From a checked spec to the model's design: the columns of X, the parameter
 * vector (names and roles), and the coefficient plan the kernel runs.
 *
 * Parameter order (as mlogit): locations of the fixed then the random
 * coefficients in spec order, then mean shifts (`col:char`), then spreads
 * (`sd.col`, or `chol.a:b` for correlated blocks, row by row of L).
 * Random dimension d is the d-th random coefficient in spec order, so the
 * standard Halton recipe gives it the d-th prime.
 */
import { compilePlan, DrawKind, Link, type CoefficientPlan, type CoefficientSpec, type DrawKindCode, type LinkCode } from '@mxl/core';
import type { CheckedSpec, DistName, RandomSpec } from './spec.js';

/** The role of a parameter. */
export interface ParamInfo {
  name: string;
  kind: 'mean' | 'shift' | 'sd' | 'chol';
  /** The coefficient (column) it belongs to. */
  coefficient: string;
  /** 'fixed' or the mixing distribution. */
  dist: DistName | 'fixed';
  /** For chol: row and column coefficient of L. */
  row?: string;
  col?: string;
}

/** Everything the engine and the reporting need to know about the model. */
export interface ModelDesign {
  /** Columns of X, in order (all are plain data columns here). */
  columns: string[];
  /** Individual characteristics used by mean shifts. */
  characteristics: string[];
  params: ParamInfo[];
  coefs: CoefficientSpec[];
  drawKinds: DrawKindCode[];
  plan: CoefficientPlan;
  /** Random coefficients in spec (= dimension) order. */
  random: RandomSpec[];
}

const LINK: Record<DistName, LinkCode> = {
  normal: Link.identity, uniform: Link.identity, triangular: Link.identity, exponential: Link.identity,
  lognormal: Link.exp, cn: Link.censored, sb: Link.logistic,
};
const DRAW: Record<DistName, DrawKindCode> = {
  normal: DrawKind.normal, lognormal: DrawKind.normal, cn: DrawKind.normal, sb: DrawKind.normal,
  uniform: DrawKind.uniform, triangular: DrawKind.triangular, exponential: DrawKind.exponential,
};

/** Builds the design of the model described by a checked spec. */
export function buildModel(spec: CheckedSpec): ModelDesign {
  const { fixed, random, correlated } = spec.model;
  const columns = [...fixed, ...random.map((r) => r.column)];
  const params: ParamInfo[] = [];
  const coefs: CoefficientSpec[] = [];
  for (const c of fixed) {
    coefs.push({ mean: params.length, link: Link.identity });
    params.push({ name: c, kind: 'mean', coefficient: c, dist: 'fixed' });
  }
  for (const r of random) {
    const spec: CoefficientSpec = { mean: -1, link: LINK[r.dist], sign: r.sign, spreads: [], shifts: [] };
    if (r.dist !== 'exponential') {
      spec.mean = params.length;
      params.push({ name: r.column, kind: 'mean', coefficient: r.column, dist: r.dist });
    }
    coefs.push(spec);
  }
  // exponential: its one parameter (the mean) is named by the column and sits among the locations
  const expParam = new Map<string, number>();
  for (const r of random) {
    if (r.dist === 'exponential') {
      expParam.set(r.column, params.length);
      params.push({ name: r.column, kind: 'mean', coefficient: r.column, dist: r.dist });
    }
  }
  const characteristics: string[] = [];
  random.forEach((r, i) => {
    for (const ch of r.means) {
      if (!characteristics.includes(ch)) characteristics.push(ch);
      coefs[fixed.length + i].shifts!.push({ param: params.length, char: characteristics.indexOf(ch) });
      params.push({ name: `${r.column}:${ch}`, kind: 'shift', coefficient: r.column, dist: r.dist });
    }
  });
  const dimOf = new Map(random.map((r, i) => [r.column, i] as const));
  random.forEach((r, i) => {
    const coef = coefs[fixed.length + i];
    if (correlated.includes(r.column)) return;
    if (r.dist === 'exponential') {
      coef.spreads!.push({ param: expParam.get(r.column)!, dim: i });
      return;
    }
    coef.spreads!.push({ param: params.length, dim: i });
    params.push({ name: `sd.${r.column}`, kind: 'sd', coefficient: r.column, dist: r.dist });
  });
  // Cholesky factor of the correlated block, row b, columns a <= b (mlogit's chol.a:b = L[b, a])
  correlated.forEach((b, ib) => {
    const rb = random[dimOf.get(b)!];
    const coef = coefs[fixed.length + dimOf.get(b)!];
    for (let ia = 0; ia <= ib; ia++) {
      const a = correlated[ia];
      coef.spreads!.push({ param: params.length, dim: dimOf.get(a)! });
      params.push({ name: `chol.${a}:${b}`, kind: 'chol', coefficient: b, dist: rb.dist, row: b, col: a });
    }
  });
  const drawKinds = random.map((r) => DRAW[r.dist]);
  const plan = compilePlan(coefs, params.length, drawKinds);
  return { columns, characteristics, params, coefs, drawKinds, plan, random };
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
      design.params.forEach((q, j) => { if (q.kind === 'chol' && q.col === p.col) flip[j] = -1; });
    }
  });
  return flip;
}
