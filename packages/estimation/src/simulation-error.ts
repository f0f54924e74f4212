/**
 * The simulation error of a fit: how far the simulated log-likelihood at the
 * estimate may be from the one the draws approximate, and how much it falls
 * short of it on average.
 *
 * Unit n's simulated probability P̂_n is an average over R nodes; its error
 * has variance Var(P̂_n), and by the delta method (Train 2009, sec. 10.5.1;
 * Lee 1995, "Asymptotic bias in simulated maximum likelihood estimation of
 * discrete choice models", Econometric Theory 11(3))
 *
 *     log P̂_n ≈ log P_n + (P̂_n − P_n)/P_n − (P̂_n − P_n)²/(2 P_n²),
 *
 * so with v_n = Var(P̂_n)/P_n² and w_n the unit weights (units simulated
 * independently of one another):
 *
 *     logLikSe   = sqrt(Σ w_n² v_n)      the standard error of the simulated LL,
 *     logLikBias = −Σ w_n v_n / 2        its expected shortfall (always ≤ 0),
 *
 * unitsOver10Percent counts the units with sqrt(v_n) > 0.1 (where the delta
 * method itself grows rough), and drawsForBiasBelow1 is the R at which the
 * bias, falling as 1/R, would be below 1 in absolute value (for quasi-random
 * rules, whose error falls faster, an upper bound).
 *
 * v_n is estimated from the nodes. Independent pseudo-random draws: the
 * sample variance of L_n(β_r) over the R draws, divided by R (one pass).
 * Every other simulation rule (Halton, Sobol', MLHS, antithetic pairs): its
 * draws are not independent, so the sample variance over them says little
 * (it overstates the error: measured on 500 individuals × 8 situations at
 * R = 100, 2.4 times for scrambled Sobol', 3.3 for scrambled Halton, 2.0 for
 * MLHS points);
 * instead P̂_n is recomputed under {@link SCRAMBLES} independent
 * randomizations of the same rule family and size (Owen-scrambled Halton or
 * Sobol' points, or the rule itself with other seeds), and v_n is the sample
 * variance of those P̂_n over their mean squared (randomized quasi-Monte
 * Carlo; Owen 1997, "Scrambled net variance for integrals of smooth
 * functions", Annals of Statistics 25(4)). For an unscrambled sequence this
 * is the error of its scrambled twin: the size of the error, not its value.
 * Quadrature rules have no simulation error (their integration error is
 * deterministic) and get none. Every pass runs on the engine (the worker
 * pool), and the sums are taken in unit order: the same numbers for any
 * number of workers.
 */
import { isLatentClass } from '@mxl/core';
import type { Engine } from '@mxl/engine';
import type { Prepared } from './prepare.js';

/** Independent randomizations behind v_n for rules whose draws are not independent. */
export const SCRAMBLES = 8;

/** The simulation error of a fit (`simulation` in the result). */
export interface SimulationError {
  /** How Var(P̂_n) was estimated: "draws" (sample variance over independent draws) or "scrambles" (independent randomizations of the rule). */
  method: 'draws' | 'scrambles';
  /** The randomizations behind "scrambles" (e.g. `sobol(scramble=owen) × 8 seeds`), or the rule itself. */
  source: string;
  /** Draws per unit R. */
  draws: number;
  /** The standard error of the simulated log-likelihood. */
  logLikSe: number;
  /** The expected shortfall of the simulated log-likelihood, −Σ w_n Var(P̂_n)/(2 P_n²) (≤ 0). */
  logLikBias: number;
  /** Units whose P̂_n has a relative standard error above 10%. */
  unitsOver10Percent: number;
  /** Units with a simulated probability (all of them unless some P̂_n is 0). */
  units: number;
  /** The draws at which |logLikBias| would fall below 1 (bias ∝ 1/R). */
  drawsForBiasBelow1: number;
}

/** A seed for the k-th randomization, distinct from the rule's own seed (a hash of both). */
function scrambleSeed(seed: number, k: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  const s = (h ^ (h >>> 16)) >>> 0;
  return s === seed >>> 0 ? (s + 1) >>> 0 : s;
}

/**
 * The rule configurations of the randomizations of a rule (null: its own draws are independent,
 * and there are at least two of them).
 * Halton and Sobol' are Owen-scrambled (a scrambled Halton keeps its scramble), MLHS and
 * antithetic pseudo-random draws take other seeds.
 */
export function randomizations(rule: Record<string, unknown>, count = SCRAMBLES): Record<string, unknown>[] | null {
  const seed = typeof rule.seed === 'number' ? rule.seed : 123456789;
  const name = rule.rule;
  // independent draws, two or more: their own sample variance
  if (name === 'pseudo' && rule.antithetic !== true && Number(rule.draws) >= 2) return null;
  const scramble = name === 'halton' ? (rule.scramble === 'shuffle' ? 'shuffle' : 'owen') : name === 'sobol' ? 'owen' : undefined;
  return Array.from({ length: count }, (_, k) => ({ ...rule, ...(scramble ? { scramble } : {}), seed: scrambleSeed(seed, k) }));
}

/** v_n from K replicate log P̂_n (K × N, row k): the sample variance of P̂ over its mean squared. */
function replicateVariance(logP: Float64Array[], N: number): Float64Array {
  const K = logP.length, v = new Float64Array(N);
  for (let u = 0; u < N; u++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, logP[k][u]);
    if (!Number.isFinite(m)) { v[u] = NaN; continue; }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(logP[k][u] - m);
    const mean = s / K;
    let q = 0;
    for (let k = 0; k < K; k++) { const d = Math.exp(logP[k][u] - m) - mean; q += d * d; }
    v[u] = q / (K - 1) / (mean * mean);
  }
  return v;
}

/** The summary of per-unit relative variances v_n (Var(P̂_n)/P_n²). */
export function summarize(v: Float64Array, weight: Float64Array | null, draws: number, method: SimulationError['method'], source: string): SimulationError {
  let varLL = 0, bias = 0, over = 0, units = 0;
  for (let u = 0; u < v.length; u++) {
    if (!Number.isFinite(v[u])) continue;
    const w = weight ? weight[u] : 1;
    if (w === 0) continue; // not in the sample (a bootstrap replicate)
    units++;
    varLL += w * w * v[u];
    bias -= (w * v[u]) / 2;
    if (Math.sqrt(v[u]) > 0.1) over++;
  }
  return {
    method, source, draws,
    logLikSe: Math.sqrt(varLL),
    logLikBias: bias,
    unitsOver10Percent: over,
    units,
    drawsForBiasBelow1: Math.max(1, Math.floor(draws * Math.abs(bias)) + 1),
  };
}

/**
 * The simulation error of the simulated LL at theta, or null when there is none
 * to measure (no random coefficients, a latent class model, a quadrature rule).
 */
export async function simulationError(p: Prepared, engine: Engine, theta: Float64Array, signal?: AbortSignal): Promise<SimulationError | null> {
  const rule = p.rule;
  if (!rule || rule.shared || isLatentClass(p.design.plan) || p.design.plan.D === 0) return null;
  const config = rule.toJSON() as Record<string, unknown>;
  const N = p.data.nUnits, R = rule.size;
  const weight = p.data.unitWeight ?? null;
  const configs = randomizations(config);
  if (!configs) {
    const s = await engine.nodeSpread(theta, null, signal);
    const v = Float64Array.from(s.relVar, (x) => x / R);
    return summarize(v, weight, R, 'draws', rule.toString());
  }
  const logP: Float64Array[] = [];
  for (const c of configs) logP.push(Float64Array.from((await engine.nodeSpread(theta, c, signal)).logP));
  const scramble = typeof configs[0].scramble === 'string' ? `, scramble=${configs[0].scramble}` : '';
  return summarize(replicateVariance(logP, N), weight, R, 'scrambles', `${String(config.rule)}(draws=${R}${scramble}) × ${configs.length} seeds`);
}

/** The line under the fit. */
export function formatSimulationError(s: SimulationError): string {
  const pct = s.units > 0 ? ` (${((100 * s.unitsOver10Percent) / s.units).toFixed(1)}%)` : '';
  return (
    `simulation error: LL s.e. ${s.logLikSe.toFixed(3)}, bias ${s.logLikBias.toFixed(3)}; ` +
    `${s.unitsOver10Percent} of ${s.units} units${pct} with P̂ off by more than 10%; ` +
    `|bias| < 1 from ${s.drawsForBiasBelow1} draws (${s.method === 'draws' ? 'from the draws' : `from ${s.source}`})`
  );
}

/** Share of units whose P̂ may be off by more than 10% above which the fit is dominated by simulation error. */
export const DOMINATED_SHARE = 0.1;

/**
 * The warning for a fit dominated by simulation error (more than {@link DOMINATED_SHARE} of the
 * units with a relative error of P̂ above 10%), or null.
 */
export function simulationWarning(s: SimulationError): string | null {
  if (!(s.unitsOver10Percent > DOMINATED_SHARE * s.units)) return null;
  return (
    `the fit is dominated by simulation error: ${s.unitsOver10Percent} of ${s.units} units have a simulated probability off by more than 10% ` +
    `(LL s.e. ${s.logLikSe.toFixed(2)}, bias ${s.logLikBias.toFixed(2)}). Use more draws (the bias of the LL falls below 1 from about ${s.drawsForBiasBelow1} ` +
    `draws at the rate of independent draws) or scrambled sequences (e.g. integration: { rule: "sobol", scramble: "owen" }).`
  );
}
