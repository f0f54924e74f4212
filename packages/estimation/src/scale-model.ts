/**
 * What estimation does differently for models with a scale of utility (WTP
 * space and G-MNL, ../spec/scale.ts; the kernel's coupling is @mxl/core's
 * coupling.ts): the start (the preference-space MNL reparameterized into WTP
 * space, ω = β / −α, λ = −α with α the price coefficient; Train and Weeks
 * 2005), the default number of starts (these likelihoods are not concave in
 * the parameters), γ reported on its own scale, and the result's notes.
 */
import type { ModelDesign } from './model.js';
import type { ParameterResult } from './results.js';
import { pValue } from './format-number.js';

/** Default number of optimizer starts: 5 for latent classes, 3 for WTP space and G-MNL with random draws, else 1. */
export function defaultStarts(design: ModelDesign): number {
  if (design.classes > 1) return 5;
  return design.coupling && design.plan.D > 0 ? 3 : 1;
}

/**
 * The preference-space MNL estimates of every column (price last in WTP
 * space) as the values the start takes its locations from: in WTP space
 * ω_k = β_k / λ and λ = −α (α the price coefficient; when α is not negative,
 * λ = |α|, or 1, as a mere start). Other models: unchanged.
 */
export function startCoefficients(design: ModelDesign, mnl: Float64Array): Float64Array {
  if (design.coupling !== 'wtp') return mnl;
  const price = design.columns.length - 1;
  const alpha = mnl[price];
  const lambda = -alpha > 0 ? -alpha : Math.abs(alpha) > 0 ? Math.abs(alpha) : 1;
  return Float64Array.from(mnl, (b, k) => (k === price ? lambda : b / lambda));
}

/**
 * G-MNL starts away from the flat corners of its likelihood: with small
 * spreads and τ, γ hardly moves the likelihood and the optimizer can drift
 * to γ = 0 or 1, where the logit's gradient vanishes. So G-MNL starts with
 * τ = 0.5 and each spread at max(0.1, |location| / 2) (in place; other models
 * unchanged), and the further starts of a multistart alternate logit γ
 * between 1.5 and −1.5 ({@link perturbedGamma}).
 */
export function scaleStart(design: ModelDesign, theta: Float64Array): void {
  if (design.coupling !== 'gmnl') return;
  design.params.forEach((q, i) => {
    if (q.kind === 'sd' && q.coefficient === '') theta[i] = 0.5;
    else if (q.kind === 'sd') {
      const m = design.params.findIndex((x) => x.kind === 'mean' && x.coefficient === q.coefficient);
      theta[i] = Math.max(0.1, m >= 0 ? Math.abs(theta[m]) / 2 : 0.1);
    }
  });
}

/** The logit γ of further start s (0-based) of a G-MNL multistart, or null for other parameters and models. */
export function perturbedGamma(design: ModelDesign, name: string, s: number): number | null {
  return design.coupling === 'gmnl' && name === 'gamma' ? (s % 2 === 0 ? 1.5 : -1.5) : null;
}

/** logistic(x) without overflow. */
function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * G-MNL's γ is estimated as logit γ (so that it stays in [0, 1]); the table
 * reports γ itself, with the delta-method standard error γ(1 − γ)·se (the
 * result's `raw`, `covariance` and `start` keep logit γ). In place.
 */
export function reportScaleParameters(design: ModelDesign, parameters: ParameterResult[]): void {
  if (design.coupling !== 'gmnl') return;
  const p = parameters.find((q) => q.name === 'gamma' && q.coefficient === '');
  if (!p) return;
  const g = logistic(p.estimate);
  p.estimate = g;
  if (p.se !== null) {
    p.se *= g * (1 - g);
    p.z = g / p.se;
    p.p = pValue(p.z);
  }
}

/**
 * A parameter's value as the table reports it, from its sign-normalized raw
 * value: G-MNL's `gamma` as γ = logistic(logit γ); every other value
 * unchanged. For what is written beside raw values (simulated data's truth).
 */
export function reportedValue(design: ModelDesign, name: string, value: number): number {
  return design.coupling === 'gmnl' && name === 'gamma' && design.params.some((q) => q.name === 'gamma' && q.coefficient === '') ? logistic(value) : value;
}

/** The notes of a result of a model with a scale of utility. */
export function scaleNotes(design: ModelDesign): string[] {
  if (design.coupling === 'wtp') {
    const price = design.columns[design.columns.length - 1].name;
    return [`WTP space: U = λ (ω'x − ${price}) + ε; the coefficients are willingnesses to pay ω (in units of ${price}), \`lambda\` is the scale λ (for a lognormal scale, the location of log λ; \`sd.lambda\` its spread) and the coefficient of ${price} in utility is −λ.`];
  }
  if (design.coupling === 'gmnl') {
    return ['G-MNL: β_i = σ_i β + [γ + σ_i (1 − γ)] η_i with σ_i = exp(−τ²/2 + τ z_i); `tau` is reported as |τ| and `gamma` as γ (estimated as logit γ; `raw` and `covariance` hold logit γ).'];
  }
  return [];
}
