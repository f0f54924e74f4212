/**
 * The worker side of the pool. Piscina clones `workerData` into each thread;
 * its typed arrays live in SharedArrayBuffers, so the data, theta, outputs and
 * draw cache are the same memory in every thread. The kernel and its scratch
 * buffers are built once per thread, on the first task.
 */
import { workerData } from 'node:worker_threads';
import { createKernel, type NodeSource, type UnitKernel } from '@mxl/core';
import { createRule } from '@mxl/integration';
import type { ShardResult, ShardTask, WorkerSetup } from './protocol.js';

const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

let kernel: UnitKernel | null = null;

function setup(): UnitKernel {
  const s = workerData as WorkerSetup;
  const nodes = s.rule ? createRule(s.rule as Parameters<typeof createRule>[0], s.plan.D) : NO_NODES;
  return createKernel(s.data, s.plan, nodes, { cacheDraws: s.drawStore !== null, drawStore: s.drawStore ?? undefined });
}

/** Evaluates one shard: writes its units' LL and scores into shared memory. */
export default function evaluateShard(task: ShardTask): ShardResult {
  const s = workerData as WorkerSetup;
  if (s.inject && s.inject.shard === task.shard && task.call >= (s.inject.after ?? 0)) {
    if (s.inject.kind === 'throw') throw new Error(`injected fault in shard ${task.shard}`);
    if (s.inject.kind === 'exit') process.exit(3);
  }
  kernel ??= setup();
  if (task.situationOut) {
    kernel.situationScores(s.theta, task.u0, task.u1, task.situationOut);
    return { shard: task.shard, fault: kernel.fault };
  }
  kernel.evaluate(s.theta, task.u0, task.u1, s.unitLL, s.unitScores);
  if (s.inject?.kind === 'nan' && s.inject.shard === task.shard && task.call >= (s.inject.after ?? 0)) {
    s.unitLL[task.u0] = NaN;
    return { shard: task.shard, fault: { unit: task.u0, reason: 'non-finite' } };
  }
  return { shard: task.shard, fault: kernel.fault };
}
