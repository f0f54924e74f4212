/**
 * From the model's design (the same parameters MSL estimates) to the
 * hierarchical Bayes layout: which columns are fixed (alpha) and which random
 * (latent beta_n), their links (Train and Sonnier 2005: a lognormal, censored
 * normal or Johnson SB coefficient is a transformation of a normal latent
 * one), the regressors of the mean (intercept and characteristics of the mean
 * shifts), the free entries of B, the covariance blocks (the correlated block
 * full, every other random coefficient its own variance), and the map from
 * (alpha, B, W) to the MSL parameter vector, so the result names the same
 * parameters as an MSL fit (`x1`, `x1:income`, `sd.x1`, `chol.x1:x2`).
 *
 * A uniform, triangular or exponential coefficient is MSL's transformation of
 * a standard normal latent z_n ~ N(0, 1) (u = Phi(z_n); see @mxl/engine's
 * hb-model.ts): beta_n = a + h (2u - 1), a + h T^-1(u) or m (-log(1 - u)).
 * No fixed transformation of a latent N(mu, sigma²) spans these families, so
 * their parameters are not the latent's mean and variance: `x` (a, or m) and
 * `sd.x` (h) join the fixed coefficients in alpha (the Metropolis step of
 * Train 2009, sec. 12.7, under the same N(0, meanVariance) prior), the latent's
 * B and W entries are unused, and the population of beta_n is exactly the MSL
 * family with MSL's parameter names and meanings: `x` the center and `sd.x`
 * the half-span (uniform: support a ± h; triangular: support a ± h, mode a),
 * `x` the mean of the exponential. h enters as |h| (h and -h give the same
 * population), so `sd.x` is reported as |h|, as MSL reports spreads.
 */
import { isLatentClass, type ChoiceData } from '@mxl/core';
import type { HbModel } from '@mxl/engine';
import { SpecError } from '../errors.js';
import type { ModelDesign } from '../model.js';
import type { CheckedSpec } from '../spec.js';
import { cholesky } from './wishart.js';

/** How one MSL parameter is read off (alpha, B, W). */
export type ParamSource =
  | { kind: 'alpha'; f: number }
  /** |alpha[f]|: the half-span of a uniform or triangular coefficient. */
  | { kind: 'absAlpha'; f: number }
  | { kind: 'B'; m: number; r: number }
  | { kind: 'sd'; r: number }
  | { kind: 'chol'; row: number; col: number };

/** The hierarchical Bayes layout of a model. */
export interface HbDesign {
  model: Omit<HbModel, 'chains' | 'seed'>;
  /** Column index of each fixed coefficient. */
  fixedColumns: number[];
  /** Column index of each random coefficient. */
  randomColumns: number[];
  /** Names of the random coefficients (the columns). */
  randomNames: string[];
  /** M × Kr: 1 where B[m, r] is estimated (0: held at 0, e.g. the mean of an error component). */
  free: Uint8Array;
  /** Covariance blocks: random indices; the correlated block in model.correlated order, then singletons. */
  blocks: number[][];
  /** Index into `blocks` of the correlated block, or -1. */
  correlatedBlock: number;
  /** Per MSL parameter (design.params order). */
  sources: ParamSource[];
}

const LINKS: Record<string, number> = { normal: 0, lognormal: 1, cn: 2, sb: 3, uniform: 4, triangular: 5, exponential: 6 };
/** Links of a standard normal latent whose parameters are in alpha (see the file comment). */
const STANDARD_LATENT = new Set(['uniform', 'triangular', 'exponential']);

/** The layout; throws a SpecError for what the hierarchical Bayes estimator does not do. */
export function hbDesign(spec: CheckedSpec, design: ModelDesign, data: ChoiceData): HbDesign {
  if (isLatentClass(design.plan) || design.classes > 1) throw new SpecError('estimator "hb" is for mixed logit models; model.classes (latent classes) is estimated by "msl"', 'model.classes');
  if (Object.keys(spec.model.fix).length > 0) throw new SpecError('model.fix works with the msl estimator; received estimator "hb"', 'model.fix');
  if (data.unitWeight) throw new SpecError(`estimator "hb" does not take weights (${spec.bootstrap ? 'bootstrap' : 'data.weight'}): a weighted likelihood has no posterior`, spec.bootstrap ? 'bootstrap' : 'data.weight');
  for (const r of design.random) {
    if (!(r.dist in LINKS)) throw new SpecError(`model.random.${r.column}: estimator "hb" takes normal, lognormal, cn, sb, uniform, triangular and exponential coefficients (transformations of a normal); received ${r.dist}`, `model.random.${r.column}`);
    if (STANDARD_LATENT.has(r.dist) && r.means.length > 0) throw new SpecError(`model.random.${r.column}: estimator "hb" takes mean shifts (${r.means.join(', ')}) only on normal, lognormal, cn and sb coefficients; received a ${r.dist} one (use estimator "msl")`, `model.random.${r.column}`);
  }
  const K = design.columns.length;
  const randomNames = design.random.map((r) => r.column);
  const role = new Int32Array(K);
  const fixedColumns: number[] = [], randomColumns: number[] = new Array(randomNames.length);
  // alpha: the fixed coefficients, and the parameters of a uniform or triangular (a, h) or exponential (m) one
  const transformAlpha = new Int32Array(randomNames.length).fill(-1);
  design.columns.forEach((c, k) => {
    const r = randomNames.indexOf(c.name);
    if (r >= 0) {
      role[k] = r; randomColumns[r] = k;
      const dist = design.random[r].dist;
      if (STANDARD_LATENT.has(dist)) {
        transformAlpha[r] = fixedColumns.length;
        fixedColumns.push(k); // start values (the MNL coefficient of the column) for a or m ...
        if (dist !== 'exponential') fixedColumns.push(k); // ... and for h
      }
    } else { role[k] = -(fixedColumns.length + 1); fixedColumns.push(k); }
  });
  const Kr = randomNames.length, Kf = fixedColumns.length;
  const chars = design.characteristics;
  const M = 1 + chars.length;
  const free = new Uint8Array(M * Kr);
  const sources: ParamSource[] = [];
  const correlated = spec.model.correlated;
  const blocks: number[][] = [];
  if (correlated.length > 1) blocks.push(correlated.map((c) => randomNames.indexOf(c)));
  for (let r = 0; r < Kr; r++) if (!correlated.includes(randomNames[r])) blocks.push([r]);
  for (const q of design.params) {
    const r = randomNames.indexOf(q.coefficient);
    if (r >= 0 && transformAlpha[r] >= 0) {
      if (q.kind === 'mean') sources.push({ kind: 'alpha', f: transformAlpha[r] });
      else if (q.kind === 'sd') sources.push({ kind: 'absAlpha', f: transformAlpha[r] + 1 });
      else throw new SpecError(`estimator "hb" cannot estimate parameter ${q.name} of a ${q.dist} coefficient`, 'estimator');
    } else if (q.kind === 'mean' && q.dist === 'fixed') sources.push({ kind: 'alpha', f: fixedColumns.indexOf(design.columns.findIndex((c) => c.name === q.coefficient)) });
    else if (q.kind === 'mean') { free[r] = 1; sources.push({ kind: 'B', m: 0, r }); }
    else if (q.kind === 'shift') {
      const m = 1 + chars.indexOf(q.name.slice(q.coefficient.length + 1));
      if (m < 1) throw new RangeError(`mean shift ${q.name}: characteristic not loaded`);
      free[m * Kr + r] = 1;
      sources.push({ kind: 'B', m, r });
    } else if (q.kind === 'sd') sources.push({ kind: 'sd', r });
    else if (q.kind === 'chol') sources.push({ kind: 'chol', row: correlated.indexOf(q.row!), col: correlated.indexOf(q.col!) });
    else throw new SpecError(`estimator "hb" cannot estimate parameter ${q.name}`, 'estimator');
  }
  const dmax = Math.max(1, ...blocks.map((b) => b.length));
  if (spec.hb?.prior.nu != null && !(spec.hb.prior.nu > dmax - 1)) throw new SpecError(`hb.prior.nu must exceed the covariance block's dimension minus 1 (${dmax - 1}); received ${spec.hb.prior.nu}`, 'hb.prior.nu');
  const link = Int32Array.from(design.random, (r) => LINKS[r.dist]);
  const sign = Float64Array.from(design.random, (r) => r.sign);
  const charIdx = Int32Array.from(chars, (c) => data.charNames.indexOf(c));
  return {
    model: { K, Kf, Kr, role, link, sign, M, chars: charIdx, transformAlpha },
    fixedColumns, randomColumns, randomNames, free, blocks, correlatedBlock: correlated.length > 1 ? 0 : -1, sources,
  };
}

/** The MSL parameter vector at (alpha, B, W) (W: Kr × Kr). */
export function mslParameters(h: HbDesign, alpha: Float64Array, B: Float64Array, W: Float64Array): Float64Array {
  const Kr = h.model.Kr;
  let Lc: Float64Array | null = null, nc = 0;
  if (h.correlatedBlock >= 0) {
    const b = h.blocks[h.correlatedBlock];
    nc = b.length;
    const S = new Float64Array(nc * nc);
    for (let i = 0; i < nc; i++) for (let j = 0; j < nc; j++) S[i * nc + j] = W[b[i] * Kr + b[j]];
    Lc = cholesky(nc, S, 'a draw of the covariance');
  }
  return Float64Array.from(h.sources, (s) => {
    switch (s.kind) {
      case 'alpha': return alpha[s.f];
      case 'absAlpha': return Math.abs(alpha[s.f]);
      case 'B': return B[s.m * Kr + s.r];
      case 'sd': return Math.sqrt(W[s.r * Kr + s.r]);
      case 'chol': return Lc![s.row * nc + s.col];
    }
  });
}
