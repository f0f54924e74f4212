/**
 * The spec's keys for the scale of utility: `model.space` ("preference" or
 * "wtp"), `model.scale` (WTP space: the price column and the scale's mixing
 * distribution) and `model.scaleHeterogeneity` (G-MNL in preference space).
 *
 * WTP space (Train and Weeks 2005; Scarpa, Thiene and Train 2008; Helveston
 * 2023): U_ij = lambda_i (omega_i'x_ij - p_ij) + e_ij. G-MNL (Fiebig, Keane,
 * Louviere and Wasi 2010): beta_i = sigma_i beta + [gamma + sigma_i (1 - gamma)] eta_i,
 * sigma_i = exp(-tau^2/2 + tau z_i). The model is built in ../model.ts and
 * ../scale-model.ts; the kernel's coupling is @mxl/core's coupling.ts.
 */
import { didYouMean, SpecError, show } from '../errors.js';
import { checkKeys, isObject, optionalOneOf } from './check.js';

/** Parameterizations of utility. */
export const SPACES = ['preference', 'wtp'] as const;
export type Space = (typeof SPACES)[number];

/** Mixing distributions of the WTP-space scale lambda ("fixed": one lambda for everyone). */
export const SCALE_DISTRIBUTIONS = ['fixed', 'lognormal', 'normal', 'cn'] as const;
export type ScaleDist = (typeof SCALE_DISTRIBUTIONS)[number];

/** The WTP-space scale after checking. */
export interface ScaleSpec {
  /** The price column: it takes no coefficient of its own (its coefficient is -lambda). */
  column: string;
  dist: ScaleDist;
}

/** G-MNL after checking: gamma estimated, or held at 0 (GMNL-II) or 1 (GMNL-I). */
export interface ScaleHeterogeneitySpec {
  gamma: 'free' | 0 | 1;
}

/**
 * The scale part of the model section: present only when set (a checked
 * preference-space spec has none of these keys, so its JSON, a checkpoint's
 * key, is what it was before they existed).
 */
export interface ScaleSection {
  /** "wtp", or absent for preference space. */
  space?: Space;
  /** WTP space only. */
  scale?: ScaleSpec;
  /** Preference space only (G-MNL). */
  scaleHeterogeneity?: ScaleHeterogeneitySpec;
}

/** What the scale checks need of the rest of the model section. */
export interface ScaleContext {
  fixed: readonly string[];
  random: readonly { column: string; dist: string; sign: number }[];
  altSpecific: Record<string, string[]>;
  classes: unknown;
}

/** Distributions G-MNL scales: a location plus a random part (identity links), or lognormal (scaled after the transform, β = σ b). */
const GMNL_DISTRIBUTIONS = ['normal', 'uniform', 'triangular', 'exponential', 'lognormal'];

function scaleSpec(v: unknown): ScaleSpec {
  if (!isObject(v)) throw new SpecError(`model.scale must be { "column": price column, "dist": ${SCALE_DISTRIBUTIONS.map((d) => `"${d}"`).join(' | ')} }; received ${show(v)}`, 'model.scale');
  checkKeys(v, ['column', 'dist'], 'model.scale.');
  if (typeof v.column !== 'string' || v.column.length === 0) throw new SpecError(`model.scale.column must name the price column; received ${show(v.column)}`, 'model.scale.column');
  const dist = optionalOneOf(v.dist, 'model.scale.dist', SCALE_DISTRIBUTIONS) ?? 'fixed';
  return { column: v.column, dist };
}

function heterogeneitySpec(v: unknown): ScaleHeterogeneitySpec {
  if (!isObject(v)) throw new SpecError(`model.scaleHeterogeneity must be { "gamma": "free" | 0 | 1 }; received ${show(v)}`, 'model.scaleHeterogeneity');
  checkKeys(v, ['gamma'], 'model.scaleHeterogeneity.');
  const g = v.gamma ?? 'free';
  if (g !== 'free' && g !== 0 && g !== 1) {
    throw new SpecError(`model.scaleHeterogeneity.gamma must be "free", 0 (GMNL-II) or 1 (GMNL-I); received ${show(g)}${typeof g === 'string' ? didYouMean(g, ['free']) : ''}`, 'model.scaleHeterogeneity.gamma');
  }
  return { gamma: g };
}

/** Checks model.space, model.scale and model.scaleHeterogeneity against the rest of the model section. */
export function checkScale(m: Record<string, unknown>, ctx: ScaleContext): ScaleSection {
  const space = optionalOneOf(m.space, 'model.space', SPACES) ?? 'preference';
  let scale: ScaleSpec | null = null;
  let scaleHeterogeneity: ScaleHeterogeneitySpec | null = null;
  if (m.scale !== undefined) {
    if (space !== 'wtp') throw new SpecError('model.scale is the price column and scale of willingness-to-pay space: set model.space to "wtp" (for scale heterogeneity in preference space use model.scaleHeterogeneity)', 'model.scale');
    scale = scaleSpec(m.scale);
  } else if (space === 'wtp') {
    throw new SpecError('model.space "wtp" needs model.scale: { "column": the price column, "dist": "fixed" | "lognormal" | "normal" | "cn" }', 'model.scale');
  }
  if (m.scaleHeterogeneity !== undefined) {
    if (space === 'wtp') throw new SpecError('model.scaleHeterogeneity (G-MNL) is for preference space; in WTP space model.scale.dist gives the scale\'s heterogeneity', 'model.scaleHeterogeneity');
    scaleHeterogeneity = heterogeneitySpec(m.scaleHeterogeneity);
  }
  if (scale) {
    const p = scale.column;
    const where = ctx.fixed.includes(p) ? 'model.fixed' : ctx.random.some((r) => r.column === p) ? 'model.random' : ctx.altSpecific[p] ? 'model.altSpecific' : null;
    if (where) throw new SpecError(`model.scale.column: "${p}" is also in ${where}; in WTP space the price column takes no coefficient of its own (its coefficient is -lambda): remove it from ${where}`, 'model.scale.column');
    if (ctx.classes !== undefined) throw new SpecError('model.space "wtp" cannot be combined with model.classes: latent class models in WTP space are not supported', 'model.space');
  }
  if (scaleHeterogeneity) {
    if (ctx.classes !== undefined) throw new SpecError('model.scaleHeterogeneity cannot be combined with model.classes: latent class G-MNL is not supported', 'model.scaleHeterogeneity');
    for (const r of ctx.random) {
      if (!GMNL_DISTRIBUTIONS.includes(r.dist)) {
        throw new SpecError(`model.random.${r.column} is ${r.sign < 0 ? '-' : ''}${r.dist}; G-MNL (model.scaleHeterogeneity) scales a location and a random part, or a lognormal coefficient as a whole, so its random coefficients must be ${GMNL_DISTRIBUTIONS.join(', ')} (or fixed)`, `model.random.${r.column}`);
      }
    }
  }
  return { ...(space === 'wtp' ? { space } : {}), ...(scale ? { scale } : {}), ...(scaleHeterogeneity ? { scaleHeterogeneity } : {}) };
}
