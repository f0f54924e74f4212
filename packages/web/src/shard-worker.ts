/**
 * A shard worker: builds the kernel once over the shared data, then per task
 * claims shards from the shared counter and evaluates them, writing each
 * unit's results into its own slots (so which worker took a shard changes no
 * number). The browser twin of the Node pool's worker (engine/src/worker.ts).
 */
import { expose } from 'comlink';
import { createKernel, type NodeSource, type UnitKernel } from '@mxl/core';
import { offsetNodes } from '@mxl/engine';
import { createRule } from '@mxl/integration';
import type { ShardResult, ShardSetup, ShardTask, ShardWorkerApi } from './web-protocol';

const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

let setup: ShardSetup | null = null;
let kernel: UnitKernel | null = null;

const api: ShardWorkerApi = {
  init(s) {
    setup = s;
    const rule: NodeSource = s.rule ? createRule(s.rule as Parameters<typeof createRule>[0], s.plan.D) : NO_NODES;
    kernel = createKernel(s.data, s.plan, offsetNodes(rule, s.unitOffset), { cacheDraws: s.drawStore !== null, drawStore: s.drawStore ?? undefined });
  },
  run(task: ShardTask): ShardResult {
    const s = setup!, k = kernel!;
    const S = s.shards.length - 1;
    const result: ShardResult = { faults: [], error: null };
    for (;;) {
      const shard = Atomics.add(s.control, 0, 1);
      if (shard >= S) return result;
      const u0 = s.shards[shard], u1 = s.shards[shard + 1];
      try {
        if (task.kind === 'rows') {
          // the engine asks only a mixed logit model for row probabilities
          if (k.kind !== 'mixed') throw new Error('row probabilities are for mixed logit models, not latent class models');
          k.rowProbabilities(s.theta, u0, u1, task.prob, task.dprob);
        } else if (task.kind === 'situations') k.situationScores(s.theta, u0, u1, task.out);
        else k.evaluate(s.theta, u0, u1, s.unitLL, s.unitScores);
        if (k.fault) result.faults.push({ ...k.fault, shard });
      } catch (e) {
        result.error = { shard, message: (e as Error)?.message ?? String(e) };
        return result;
      }
    }
  },
};

expose(api);
