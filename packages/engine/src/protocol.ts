/**
 * What crosses the thread boundary. Bulk data is in SharedArrayBuffers in
 * `WorkerSetup` (sent once as piscina's workerData, shared not copied); each
 * evaluation sends one small {@link WorkerTask} per worker, theta is read from
 * shared memory, and the workers claim shards from a shared atomic counter.
 */
import type { ChoiceData, ModelPlan, DrawStore, KernelFault } from '@mxl/core';
import type { SamplerState } from './sampler-state.js';

/** Sent once to every worker. */
export interface WorkerSetup {
  data: ChoiceData;
  plan: ModelPlan;
  /** IntegrationRule.toJSON() of the rule, or null without random coefficients. */
  rule: Record<string, unknown> | null;
  /** Shared theta (length P), written by the main thread before each evaluation. */
  theta: Float64Array;
  /** Shared outputs: per-unit log-likelihood and scores. */
  unitLL: Float64Array;
  unitScores: Float64Array;
  /** Shared draw cache, or null to regenerate draws each evaluation (memory flat in R). */
  drawStore: DrawStore | null;
  /** Shard boundaries (S+1 unit indices), fixed for the whole estimation. */
  shards: Int32Array;
  /**
   * Shared control block: [0] = next unclaimed shard (reset to 0 by the main
   * thread before each evaluation, claimed with Atomics.add); [1 + slot] = the
   * shard the worker in `slot` is evaluating (for error messages if it dies).
   */
  control: Int32Array;
  /** Shared seconds spent on each shard in the last evaluation (diagnostics). */
  shardSeconds: Float64Array;
  /** Test hook: make a shard throw or kill its worker. */
  inject?: { shard: number; kind: 'throw' | 'exit' | 'nan'; after?: number } | null;
  /** Unit u reads the rule's points of unit u + unitOffset (independent draws, e.g. for MSM's instruments). */
  unitOffset?: number;
}

/** What a task computes over the shards it claims. */
export type WorkerJob =
  /** Per-unit log-likelihoods and scores into the shared outputs of {@link WorkerSetup}. */
  | { kind: 'evaluate' }
  /** Per-situation scores into this shared nSituations × P array. */
  | { kind: 'situations'; out: Float64Array }
  /** Row probabilities, and their derivatives when dprob is set. */
  | { kind: 'rows'; prob: Float64Array; dprob: Float64Array | null }
  /** Each unit's log P̂ and the relative spread of its node likelihoods, under the engine's rule (null) or another rule's configuration. */
  /** The log-likelihood alone at M parameter vectors (thetas, M × P): out[m × nUnits + u] = LL_u(theta_m). */
  | { kind: 'logliks'; thetas: Float64Array; out: Float64Array }
  | { kind: 'spread'; rule: Record<string, unknown> | null; logP: Float64Array; relVar: Float64Array }
  /** Start or run the posterior samplers of the shard's units (method of simulated scores). */
  | { kind: 'sampler'; id: number; phase: 'start' | 'tune' | 'run'; st: SamplerState; scores: Float64Array; acceptance: Float64Array; draws: Float64Array };

/** One worker's part of one evaluation: claim shards and run the job on them until none is left. */
export type WorkerTask = WorkerJob & {
  /** Which of the W concurrent tasks this is (its progress slot in `control`). */
  slot: number;
  /** Evaluation counter (for fault injection). */
  call: number;
};

/** What a worker's task returns (its values are in shared memory). */
export interface WorkerResult {
  /** Non-finite values found, one per shard that had any. */
  faults: (KernelFault & { shard: number })[];
  /** A shard whose evaluation threw, and the message (the worker stays usable). */
  error: { shard: number; message: string } | null;
}
