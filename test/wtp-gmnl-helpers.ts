/**
 * What the WTP-space and G-MNL tests share (test/wtp-gmnl.test.ts,
 * test/wtp-gmnl-more.test.ts): their data-generating processes (through
 * test/simulate-dgp.ts), the check of recovery within 3 standard errors, and
 * the check that a plain likelihood (test/plain-loglik.ts) equals mxl's at its
 * estimate and is flat there.
 */
import { expect } from 'vitest';
import type { EstimationResult } from '@mxl/estimation';
import { numericalGradient } from './plain-loglik.js';
import { simulateChoices, type Rng, type Simulated } from './simulate-dgp.js';

/** One row of a result's parameter table. */
export type Parameter = EstimationResult['parameters'][number];

/** A result's parameters by name. */
export function byName(r: EstimationResult): Record<string, Parameter> {
  return Object.fromEntries(r.parameters.map((p) => [p.name, p]));
}

/** The logistic function, 1 / (1 + exp(-t)) (γ from its logit). */
export const logistic = (t: number): number => 1 / (1 + Math.exp(-t));

/** The fit converged, every parameter has a true value, and lies within 3 (informative) standard errors of it. */
export function expectRecovered(r: EstimationResult, truth: Record<string, number>): void {
  expect(r.converged, `${r.termination}: ${r.message}`).toBe(true);
  expect(r.parameters.map((p) => p.name).sort()).toEqual(Object.keys(truth).sort());
  for (const p of r.parameters) {
    expect(Number.isFinite(p.se) && p.se! > 0, `${p.name}: se ${p.se}`).toBe(true);
    expect(p.se!, `${p.name}: se ${p.se} is not informative about ${truth[p.name]}`).toBeLessThan(0.3 * Math.max(Math.abs(truth[p.name]), 0.4));
    expect(Math.abs(p.estimate - truth[p.name]) / p.se!, `${p.name}: ${p.estimate} ± ${p.se} vs true ${truth[p.name]}`).toBeLessThan(3);
  }
}

/**
 * At mxl's estimate `r`, the plain likelihood `ll` of the same model equals
 * mxl's LL (to 1e-9 relative) and its numerical gradient is zero (every
 * component below 2e-3). With `away`: the check can fail, as moving that
 * parameter by 0.1 gives a derivative above 1.
 */
export function expectPlainLikelihoodFlat(r: EstimationResult, ll: (theta: Record<string, number>) => number, away?: string): void {
  expect(Math.abs(ll(r.raw) - r.loglik)).toBeLessThan(1e-9 * Math.abs(r.loglik));
  const g = numericalGradient(ll, r.raw);
  for (const [k, v] of Object.entries(g)) expect(Math.abs(v), `dLL/d${k} = ${v}`).toBeLessThan(2e-3);
  if (away !== undefined) expect(Math.abs(numericalGradient(ll, { ...r.raw, [away]: r.raw[away] + 0.1 })[away])).toBeGreaterThan(1);
}

const N01 = (rng: Rng) => rng.z();
const PRICE = (rng: Rng) => 0.5 + 2 * rng.u();

/** The true values of {@link wtpData}, by the names of the parameters that estimate them. */
export interface WtpTruth {
  /** Location of log λ. */
  lambda: number;
  /** Scale of log λ. */
  'sd.lambda': number;
  /** Mean of ω1. */
  x1: number;
  /** Standard deviation of ω1. */
  'sd.x1': number;
  /** Mean of ω2 (its value when it is fixed). */
  x2: number;
  /** Standard deviation of ω2: absent, ω2 is fixed (no draw is taken; with 0 one is). */
  'sd.x2'?: number;
}

/**
 * A WTP-space process: U = λ (ω1 x1 + ω2 x2 − price) + ε with λ lognormal, ω1
 * normal, ω2 normal or fixed; x1 and x2 standard normal, the price uniform on
 * (0.5, 2.5); three alternatives. Writes `<dir>/<name>.csv`.
 */
export function wtpData(dir: string, name: string, individuals: number, situations: number, seed: number, t: WtpTruth): Simulated<{ lambda: number; w1: number; w2: number }> {
  const sd2 = t['sd.x2'];
  return simulateChoices(dir, name, {
    individuals, situations, alternatives: 3, seed,
    attributes: { x1: N01, x2: N01, price: PRICE },
    individual: (rng) => ({
      lambda: Math.exp(t.lambda + t['sd.lambda'] * rng.z()),
      w1: t.x1 + t['sd.x1'] * rng.z(),
      w2: sd2 === undefined ? t.x2 : t.x2 + sd2 * rng.z(),
    }),
    utility: (s, x) => s.lambda * (s.w1 * x.x1 + s.w2 * x.x2 - x.price),
  });
}

/** The true values of {@link gmnlData}, by the names of the parameters that estimate them. */
export interface GmnlTruth {
  /** β1's mean (normal), or the location of its log (lognormal). */
  x1: number;
  /** β1's standard deviation (normal), or the scale of its log (lognormal). */
  'sd.x1': number;
  /** β2's mean. */
  x2: number;
  /** β2's standard deviation. */
  'sd.x2': number;
  /** β3 (fixed). */
  x3: number;
  /** τ, the scale's standard deviation. */
  tau: number;
  /** γ, in [0, 1]. */
  gamma: number;
}

/**
 * A G-MNL process: β_i = σ_i β + [γ + σ_i (1 − γ)] η_i, σ_i = exp(−τ²/2 + τ z_i),
 * with β1, β2 normal and β3 fixed; with `x1: 'lognormal'`, β1 = σ_i exp(μ1 + s1 η_i1)
 * instead (scaled after the transform). x1, x2, x3 standard normal; three
 * alternatives. Writes `<dir>/<name>.csv`.
 */
export function gmnlData(
  dir: string,
  name: string,
  individuals: number,
  situations: number,
  seed: number,
  t: GmnlTruth,
  x1: 'normal' | 'lognormal' = 'normal',
): Simulated<{ b: number[] }> {
  return simulateChoices(dir, name, {
    individuals, situations, alternatives: 3, seed,
    attributes: { x1: N01, x2: N01, x3: N01 },
    individual: (rng) => {
      const sigma = Math.exp(-t.tau * t.tau / 2 + t.tau * rng.z());
      const a = t.gamma + sigma * (1 - t.gamma);
      const b1 = x1 === 'lognormal' ? sigma * Math.exp(t.x1 + t['sd.x1'] * rng.z()) : sigma * t.x1 + a * t['sd.x1'] * rng.z();
      return { b: [b1, sigma * t.x2 + a * t['sd.x2'] * rng.z(), sigma * t.x3] };
    },
    utility: (s, x) => s.b[0] * x.x1 + s.b[1] * x.x2 + s.b[2] * x.x3,
  });
}
