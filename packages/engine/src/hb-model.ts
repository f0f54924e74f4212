/**
 * What the hierarchical Bayes sampler shares between the main thread and the
 * workers: the model's coefficient layout ({@link HbModel}) and the chains'
 * state ({@link HbState}), every array in a SharedArrayBuffer on the pool.
 *
 * The model (Allenby and Rossi 1998; Train 2009, ch. 12): individual n's
 * coefficient k is c_nk = alpha_f for a fixed coefficient, else
 * c_nk = sign_k · g_k(beta_nk) with the latent beta_n ~ N(B' w_n, W)
 * (w_n = (1, characteristics of n), g the identity, exp, max(0, ·) or the
 * logistic: Train and Sonnier 2005). The workers run the Metropolis step of
 * every beta_n given (alpha, B, W); the main thread draws alpha, B and W.
 *
 * A uniform, triangular or exponential coefficient (link codes 4, 5, 6) is the
 * same transformation of a standard normal latent z_nk ~ N(0, 1) that MSL
 * applies to its draws, with u = Phi(z_nk) uniform on (0, 1):
 *
 *     uniform      c_nk = sign_k (a + |h| (2u - 1))       a = alpha[t_k], h = alpha[t_k + 1]
 *     triangular   c_nk = sign_k (a + |h| T^-1(u))        T^-1 the quantile of the symmetric triangular on [-1, 1]
 *     exponential  c_nk = sign_k m (-log(1 - u))          m = alpha[t_k]
 *
 * (t_k = {@link HbModel.transformAlpha}). No fixed transformation of a latent
 * N(mu, sigma²) has every uniform (or triangular, or exponential) distribution
 * as its image (a monotone g with g(mu + sigma z) = a + h(2 Phi(z) - 1) for two
 * different (mu, sigma) does not exist), so the population parameters of these
 * coefficients are not the latent normal's mean and variance but entries of
 * alpha, drawn by the Metropolis step of the fixed coefficients, and the
 * latent's prior is N(0, 1) whatever B and W hold (their entries for it are
 * not used). The population distribution of c_nk is then exactly MSL's.
 */
import type { ChoiceData } from '@mxl/core';
import type { HbRecords } from './hb-loglik.js';

/** The coefficient layout. */
export interface HbModel {
  /** Number of columns of X (coefficients). */
  K: number;
  /** Number of fixed coefficients (alpha). */
  Kf: number;
  /** Number of random coefficients (latent beta_n). */
  Kr: number;
  /** Length K: r >= 0 for random coefficient r, -(f + 1) for fixed coefficient f. */
  role: Int32Array;
  /**
   * Length Kr: link code of each random coefficient (0 identity, 1 exp, 2 censored at 0, 3 logistic;
   * 4 uniform, 5 triangular, 6 exponential of a standard normal latent: see the file comment).
   */
  link: Int32Array;
  /**
   * Length Kr: for links 4-6, the index in alpha of the coefficient's location a (uniform,
   * triangular; its half-span h follows at +1) or mean m (exponential); -1 otherwise.
   * Required when some link is 4-6.
   */
  transformAlpha?: Int32Array;
  /** Length Kr: +1 or -1. */
  sign: Float64Array;
  /** Regressors of the mean: 1 (the intercept) + characteristics. */
  M: number;
  /** Length M - 1: column of data.unitChars of each characteristic. */
  chars: Int32Array;
  /** Number of chains run together. */
  chains: number;
  /** The seed of the chains' streams. */
  seed: number;
  /**
   * The index of the first chain run here among all the chains of the seed (default 0): local
   * chain c draws from the streams of chain chain0 + c, so one chain run on its own (a batch job)
   * draws exactly what it draws among the others.
   */
  chain0?: number;
}

/**
 * The chains' state; chain c's block of each array starts at c times its
 * per-chain length. `params` holds per chain: alpha (Kf), the alpha proposal
 * (Kf), B (M × Kr, row m = regressor), L (Kr × Kr, the lower Cholesky factor
 * of W), Winv (Kr × Kr, W^-1), shift (Kr, the proposed common shift of
 * every beta_n in the location move), rho (1, the random-walk scale).
 */
export interface HbState {
  /** chains × N × Kr latent coefficients. */
  beta: Float64Array;
  /** chains × N: log L_n at (alpha, beta_n). */
  ll: Float64Array;
  /** chains × N: log L_n at (alpha proposal, beta_n + shift), when asked for. */
  llAlt: Float64Array;
  /** chains × N: 1 when the last step of beta_n was accepted. */
  accepted: Float64Array;
  /** chains × N × Kr: sums of the coefficients c_nk over kept sweeps (random ones). */
  sum: Float64Array;
  /** chains × N × Kr: sums of squares. */
  sumSq: Float64Array;
  /**
   * N × Kr × Kr: each individual's Fisher information of the latent
   * coefficients at the start values (chain 1's), which shapes its proposals.
   */
  hess: Float64Array;
  /** chains × paramsLength: see above. */
  params: Float64Array;
}

/** Offsets into one chain's block of {@link HbState.params}. */
export interface ParamsLayout {
  alpha: number;
  alphaProp: number;
  B: number;
  L: number;
  Winv: number;
  shift: number;
  rho: number;
  length: number;
}

/** The layout of a chain's parameter block. */
export function paramsLayout(m: Pick<HbModel, 'Kf' | 'Kr' | 'M'>): ParamsLayout {
  const alpha = 0, alphaProp = m.Kf, B = 2 * m.Kf, L = B + m.M * m.Kr, Winv = L + m.Kr * m.Kr, shift = Winv + m.Kr * m.Kr, rho = shift + m.Kr;
  return { alpha, alphaProp, B, L, Winv, shift, rho, length: rho + 1 };
}

/** Allocates the state (in shared memory when `shared`). */
export function allocateHbState(m: HbModel, N: number, shared: boolean): HbState {
  const f64 = (n: number) => new Float64Array(shared ? new SharedArrayBuffer(Math.max(1, n) * 8) : new ArrayBuffer(Math.max(1, n) * 8));
  const C = m.chains;
  return {
    beta: f64(C * N * m.Kr), ll: f64(C * N), llAlt: f64(C * N), accepted: f64(C * N),
    sum: f64(C * N * m.Kr), sumSq: f64(C * N * m.Kr), hess: f64(N * m.Kr * m.Kr), params: f64(C * paramsLayout(m).length),
  };
}

/** One pass of the workers over every (chain, individual). */
export interface HbPass {
  /** 'init': log L_n at the current (alpha, beta_n), and with `info` (from local chain 1's parameters) the information `hess`; 'step': the Metropolis step. */
  kind: 'init' | 'step';
  /** With 'init': also compute `hess` (default: true). */
  info?: boolean;
  /** The sweep (it addresses the individuals' random streams). */
  sweep: number;
  /** Also log L_n at the location move's proposal (llAlt): the alpha proposal and beta_n + shift. */
  alt: boolean;
  /** Add the coefficients after the step to sum and sumSq. */
  keep: boolean;
}

/** What the pool's workers are sent once. */
export interface HbSetup {
  data: ChoiceData;
  /** The utility-difference records of ./hb-loglik.ts, staged once on the main thread (shared memory). */
  records: HbRecords;
  model: HbModel;
  state: HbState;
  /** Shard boundaries (S + 1 unit indices). */
  shards: Int32Array;
  /** Number of helper threads (each serves every pass, alongside the main thread). */
  helpers: number;
  /** The control block (Ctl.length words): see {@link Ctl}. */
  control: Int32Array;
}

/** Word offsets of the control block shared by the pool's main thread and workers. */
export const Ctl = {
  /** The next unclaimed (chain, shard) item of the pass, claimed with Atomics.add. */
  next: 0,
  /** Incremented by the main thread to start a pass (or to stop); the helpers wait on it. */
  generation: 1,
  /** Helper threads done with the current pass; the last one notifies. */
  done: 2,
  /** 1: the pool is closing. */
  stop: 3,
  /** The pass: 0 init, 1 step. */
  kind: 4,
  /** The pass's sweep. */
  sweep: 5,
  /** The pass's flags: 1 alt, 2 keep, 4 no information in 'init'. */
  flags: 6,
  length: 8,
} as const;

/** Writes `pass` into the control block. */
export function encodePass(ctl: Int32Array, pass: HbPass): void {
  Atomics.store(ctl, Ctl.kind, pass.kind === 'init' ? 0 : 1);
  Atomics.store(ctl, Ctl.sweep, pass.sweep);
  Atomics.store(ctl, Ctl.flags, (pass.alt ? 1 : 0) | (pass.keep ? 2 : 0) | (pass.info === false ? 4 : 0));
}

/** Reads the pass from the control block. */
export function decodePass(ctl: Int32Array): HbPass {
  const flags = Atomics.load(ctl, Ctl.flags);
  return { kind: Atomics.load(ctl, Ctl.kind) === 0 ? 'init' : 'step', sweep: Atomics.load(ctl, Ctl.sweep), alt: (flags & 1) !== 0, keep: (flags & 2) !== 0, info: (flags & 4) === 0 };
}
