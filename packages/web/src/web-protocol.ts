/**
 * What crosses between the estimation worker and its shard workers (Web
 * Workers). Bulk data are SharedArrayBuffers in {@link ShardSetup}, sent once;
 * each evaluation sends one small {@link ShardTask} per worker, which claims
 * shards from a shared atomic counter, as the Node pool's workers do.
 */
import type { KernelFault } from '@mxl/core';
import type { WorkerSetup } from '@mxl/engine';

/**
 * Sent once to every shard worker: the Node pool's setup without its
 * diagnostics and fault injection (the same shared arrays, the same meaning).
 */
export type ShardSetup = Omit<WorkerSetup, 'shardSeconds' | 'inject' | 'unitOffset'> & { unitOffset: number };

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
