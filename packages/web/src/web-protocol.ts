/**
 * What crosses between the estimation worker and its shard workers (Web
 * Workers). Bulk data are SharedArrayBuffers in {@link ShardSetup}, sent once;
 * each evaluation sends one small {@link ShardTask} per worker, which claims
 * shards from a shared atomic counter, as the Node pool's workers do.
 */
import type { ChoiceData, DrawStore, KernelFault, ModelPlan } from '@mxl/core';

/** Sent once to every shard worker. */
export interface ShardSetup {
  data: ChoiceData;
  plan: ModelPlan;
  /** IntegrationRule.toJSON() of the rule, or null without random coefficients. */
  rule: Record<string, unknown> | null;
  /** Shared theta, written before each evaluation. */
  theta: Float64Array;
  /** Shared per-unit outputs. */
  unitLL: Float64Array;
  unitScores: Float64Array;
  /** Shared draw cache, or null. */
  drawStore: DrawStore | null;
  /** Shard boundaries (S+1 unit indices). */
  shards: Int32Array;
  /** [0]: next unclaimed shard (Atomics.add). */
  control: Int32Array;
  /** Unit u reads the rule's points of unit u + unitOffset. */
  unitOffset: number;
}

/** One worker's part of one evaluation. */
export type ShardTask =
  | { kind: 'evaluate' }
  | { kind: 'situations'; out: Float64Array }
  | { kind: 'rows'; prob: Float64Array; dprob: Float64Array | null };

/** What a task returns (the values are in shared memory). */
export interface ShardResult {
  faults: (KernelFault & { shard: number })[];
  error: { shard: number; message: string } | null;
}

/** The shard worker's API (comlink). */
export interface ShardWorkerApi {
  init(setup: ShardSetup): void;
  run(task: ShardTask): ShardResult;
}
