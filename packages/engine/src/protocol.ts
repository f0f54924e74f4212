/**
 * What crosses the thread boundary. Bulk data is in SharedArrayBuffers in
 * `WorkerSetup` (sent once as piscina's workerData, shared not copied); each
 * evaluation sends only a {@link ShardTask} — three integers — and theta is
 * read from shared memory.
 */
import type { ChoiceData, ModelPlan, DrawStore, KernelFault } from '@mxl/core';

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
  /** Test hook: make a shard throw or kill its worker. */
  inject?: { shard: number; kind: 'throw' | 'exit' | 'nan'; after?: number } | null;
}

/** One shard of one evaluation. */
export interface ShardTask {
  shard: number;
  u0: number;
  u1: number;
  /** Evaluation counter (for fault injection). */
  call: number;
  /** When set, compute per-situation scores into this shared nSituations × P array instead. */
  situationOut?: Float64Array;
}

/** What a shard returns (its values are in shared memory). */
export interface ShardResult {
  shard: number;
  fault: KernelFault | null;
}
