/**
 * What the posterior samplers of the method of simulated scores share: their
 * kinds and options, their arrays (SharedArrayBuffers on the pool; units are
 * disjoint between threads), their output, and the counter-based random
 * numbers that make every sampler's output a deterministic function of theta
 * that does not depend on how units are split among threads.
 */

/** The samplers: random-walk Metropolis-Hastings, exact accept-reject, importance sampling. */
export const SAMPLERS = ['mh', 'accept-reject', 'importance'] as const;
export type SamplerKind = (typeof SAMPLERS)[number];

/** Options of a sampler (see {@link allocateSampler}). */
export interface SamplerOptions {
  kind: SamplerKind;
  /** Metropolis-Hastings: sweeps before the draws are used. */
  burnIn: number;
  /** Accept-reject: proposals at most per draw wanted (a unit gets up to budget·R proposals). */
  budget: number;
}

/** The sampler's arrays. */
export interface SamplerState extends SamplerOptions {
  /** N × D × R: MH's starting points (the resampled rule draws); importance: the rule's standardized draws e. */
  z0: Float64Array;
  /** N × D × R current points: MH's chains, accept-reject's accepted draws, importance's proposal draws μ + C e. */
  state: Float64Array;
  /** N random-walk step sizes (MH, tuned per unit). */
  tau: Float64Array;
  /** Importance: N × D proposal means. */
  mu: Float64Array;
  /** Importance: N × D × D lower Cholesky factors of the proposal covariances. */
  chol: Float64Array;
}

/** What a sampler run writes per unit. */
export interface SamplerOutput {
  /** N × P: each unit's simulated score (unweighted). */
  scores: Float64Array;
  /** N: MH's mean acceptance rate; accept-reject's accepted draws over proposals; importance: 1. */
  acceptance: Float64Array;
  /** N: the draws behind the score: R for MH; accept-reject's accepted draws; importance's effective sample size. */
  draws: Float64Array;
}

/** Allocates a sampler's arrays for N units, D dimensions, R draws. */
export function allocateSampler(N: number, D: number, R: number, o: SamplerOptions, shared: boolean): SamplerState {
  const f64 = (n: number) => new Float64Array(shared ? new SharedArrayBuffer(Math.max(1, n) * 8) : new ArrayBuffer(Math.max(1, n) * 8));
  const tau = f64(o.kind === 'mh' ? N : 0).fill(2.38 / Math.sqrt(Math.max(1, D)) / 2);
  const importance = o.kind === 'importance';
  return {
    kind: o.kind, burnIn: o.burnIn, budget: o.budget,
    z0: f64(o.kind === 'accept-reject' ? 0 : N * D * R), state: f64(N * D * R), tau,
    mu: f64(importance ? N * D : 0), chol: f64(importance ? N * D * D : 0),
  };
}

/** A counter-based uniform in (0, 1) from four integers (mulberry32 over a hash). */
export function counterUniform(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f) ^ Math.imul(c + 0x165667b1, 0x9e3779b1) ^ Math.imul(d + 0x27220a95, 0x85ebca77);
  h = (h + 0x6d2b79f5) | 0;
  let t = Math.imul(h ^ (h >>> 15), h | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
}

/** A standard normal from the same counters (Box-Muller on two uniforms). */
export function counterGauss(a: number, b: number, c: number, d: number): number {
  return Math.sqrt(-2 * Math.log(counterUniform(a, b, c, 2 * d))) * Math.cos(2 * Math.PI * counterUniform(a, b, c, 2 * d + 1));
}
