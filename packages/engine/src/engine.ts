/**
 * The engine seam: everything above (estimation, inference, benchmarks) asks
 * an {@link Engine} for the log-likelihood, gradient and per-unit scores at
 * theta, and never touches threads directly. The in-process engine runs the
 * kernel on the calling thread; the pool engine shards units over workers.
 * Both reduce per-unit results in unit order, so they agree to the last bit.
 */
import type { KernelFault } from '@mxl/core';
import { AbortError, UserError } from '@mxl/errors';
import type { NodeSpread } from './node-spread.js';
import type { SamplerOptions } from './sampler-state.js';

export type { NodeSpread, SamplerOptions };

/** One evaluation's output. The arrays are owned by the engine and overwritten by the next call. */
export interface Evaluation {
  /** Sum of the (weighted) per-unit log-likelihoods. */
  ll: number;
  /** dLL/dtheta (length P). */
  grad: Float64Array;
  /** Per-unit log-likelihoods (length nUnits). */
  unitLL: Float64Array;
  /** Per-unit scores, row-major nUnits × P. */
  unitScores: Float64Array;
  /** The first unit whose value was not finite, if any. */
  fault: KernelFault | null;
}

/** What {@link Engine.rowProbabilities} returns. */
export interface RowProbabilities {
  prob: Float64Array;
  dprob: Float64Array | null;
}

/** What {@link Engine.posteriorScores} returns (see `SamplerOutput`). */
export interface PosteriorScores {
  /** nUnits × P simulated scores (unweighted). */
  scores: Float64Array;
  /** Per unit: MH's mean acceptance rate, accept-reject's accepted over proposed draws, 1 for importance sampling. */
  acceptance: Float64Array;
  /** Per unit: the draws behind the score (R for MH, accept-reject's accepted draws, importance sampling's effective sample size). */
  draws: Float64Array;
}

/** Computes the simulated log-likelihood and its derivatives. */
export interface Engine {
  readonly nUnits: number;
  readonly P: number;
  /** Number of threads doing the work. */
  readonly workers: number;
  /** Evaluates at theta. Rejects only on infrastructure failures (a worker died, abort). */
  evaluate(theta: Float64Array, signal?: AbortSignal): Promise<Evaluation>;
  /**
   * Per-situation score contributions (nSituations × P) under each unit's
   * posterior node weights; for the mlogit/xlogit convention of BHHH standard
   * errors in panels.
   */
  situationScores(theta: Float64Array, signal?: AbortSignal): Promise<Float64Array>;
  /**
   * Integrated choice probabilities of every row at theta and, with
   * `derivatives`, their derivatives (nRows × P, row-major), for the method
   * of simulated moments. The arrays are owned by the engine and overwritten
   * by the next call. Mixed logit models only.
   */
  rowProbabilities(theta: Float64Array, derivatives: boolean, signal?: AbortSignal): Promise<RowProbabilities>;
  /**
   * Method of simulated scores: starts every unit's posterior sampler of the
   * kind asked for at theta, the first-step estimate (see `PosteriorSampler`).
   */
  startSampler(theta: Float64Array, options: SamplerOptions, signal?: AbortSignal): Promise<void>;
  /**
   * Method of simulated scores: each unit's score averaged over draws from
   * its posterior at theta (nUnits × P, unweighted), with the sampler's
   * acceptance and draws per unit. Owned by the engine; overwritten by the next call.
   */
  posteriorScores(theta: Float64Array, tune: boolean, signal?: AbortSignal): Promise<PosteriorScores>;
  /**
   * The spread of each unit's simulated probability over its nodes at theta
   * (see {@link NodeSpread}), under the engine's own nodes (`rule` null) or
   * under another simulation rule given by its configuration
   * (IntegrationRule.toJSON(); e.g. another scramble of the same sequence),
   * whose unit u reads its points of unit u. For the simulation error of a
   * fit. Mixed logit models only.
   */
  nodeSpread(theta: Float64Array, rule: Record<string, unknown> | null, signal?: AbortSignal): Promise<NodeSpread>;
  /**
   * The log-likelihood alone (no gradient) at each of several parameter
   * vectors, in one pass over the data: every unit is evaluated at all of
   * them while its data and draws are in cache. Each value equals
   * `evaluate(thetas[m]).ll` to the last bit. For checks at many points
   * (the sign reflections of the spreads).
   */
  logLikelihoods(thetas: readonly Float64Array[], signal?: AbortSignal): Promise<Float64Array>;
  /** Coefficients beta_k at every node of unit u, K×R (for post-estimation). */
  coefficients?(theta: Float64Array, u: number): Float64Array;
  /** Releases threads and memory. */
  close(): Promise<void>;
}

/** A failure of the engine itself (a worker crashed, a shard reported garbage). */
export class EngineError extends UserError {
  override name = 'EngineError';
}

/** Thrown when an evaluation was cancelled through its AbortSignal (the one AbortError of @mxl/errors). */
export { AbortError };
