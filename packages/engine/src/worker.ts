/**
 * The worker side of the pool. Piscina clones `workerData` into each thread;
 * its typed arrays live in SharedArrayBuffers, so the data, theta, outputs and
 * draw cache are the same memory in every thread. The kernel and its scratch
 * buffers are built once per thread, on the first task.
 *
 * Each evaluation runs one task per worker; a task claims shards from the
 * shared counter (`Atomics.add`) until none is left, so a worker on a slower
 * or busier CPU simply takes fewer shards, without a round trip through the
 * main thread per shard. Which worker evaluates a shard does not change what
 * is written: every shard owns its units' output slots.
 */
import { workerData } from 'node:worker_threads';
import { createKernel, isLatentClass, type MixedKernel, type NodeSource, type UnitKernel } from '@mxl/core';
import { PosteriorSampler } from './posterior-sampler.js';
import { offsetNodes } from './offset-nodes.js';
import { nodeSpreadOf } from './node-spread.js';
import { logLikelihoodsOf } from './log-likelihoods.js';
import { createRule } from '@mxl/integration';
import type { WorkerJob, WorkerResult, WorkerSetup, WorkerTask } from './protocol.js';

const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

let kernel: UnitKernel | null = null;
let sampler: { id: number; s: PosteriorSampler } | null = null;

type SamplerJob = Extract<WorkerJob, { kind: 'sampler' }>;

/** The kernel of another rule (nodeSpread), kept while the same rule is asked for, and its scratch row. */
let other: { key: string; kernel: MixedKernel; scratch: Float64Array } | null = null;

/** The kernel whose nodes a spread job reads: the engine's own, or one over the rule of the job (no draw cache). */
function spreadKernel(k: UnitKernel, rule: Record<string, unknown> | null): { kernel: MixedKernel; scratch: Float64Array } {
  const s = workerData as WorkerSetup;
  if (rule === null) {
    const m = mixed(k);
    if (other?.key !== '') other = { key: '', kernel: m, scratch: new Float64Array(m.nodeCount) };
    return other;
  }
  const key = JSON.stringify(rule);
  if (other?.key !== key) {
    const kernel = mixed(createKernel(s.data, s.plan, createRule(rule as Parameters<typeof createRule>[0], s.plan.D), { cacheDraws: false }));
    other = { key, kernel, scratch: new Float64Array(kernel.nodeCount) };
  }
  return other;
}

function samplerFor(job: SamplerJob): PosteriorSampler {
  if (sampler?.id !== job.id) {
    const s = workerData as WorkerSetup;
    if (isLatentClass(s.plan)) throw new Error('the posterior sampler is for mixed logit models');
    const rule = createRule(s.rule as Parameters<typeof createRule>[0], s.plan.D);
    sampler = { id: job.id, s: new PosteriorSampler(s.data, s.plan, rule, job.st) };
  }
  return sampler.s;
}

function setup(): UnitKernel {
  const s = workerData as WorkerSetup;
  const rule: NodeSource = s.rule ? createRule(s.rule as Parameters<typeof createRule>[0], s.plan.D) : NO_NODES;
  const nodes = offsetNodes(rule, s.unitOffset ?? 0);
  return createKernel(s.data, s.plan, nodes, { cacheDraws: s.drawStore !== null, drawStore: s.drawStore ?? undefined });
}

function mixed(k: UnitKernel): MixedKernel {
  if (k.kind !== 'mixed') throw new Error('row probabilities are for mixed logit models, not latent class models');
  return k;
}

/** Runs a task's job on units u0..u1-1 (everything but evaluations' fault injection). */
function runJob(task: WorkerTask, k: UnitKernel, u0: number, u1: number): void {
  const s = workerData as WorkerSetup;
  switch (task.kind) {
    case 'evaluate':
      k.evaluate(s.theta, u0, u1, s.unitLL, s.unitScores);
      return;
    case 'situations':
      k.situationScores(s.theta, u0, u1, task.out);
      return;
    case 'rows':
      mixed(k).rowProbabilities(s.theta, u0, u1, task.prob, task.dprob);
      return;
    case 'logliks':
      logLikelihoodsOf(k, task.thetas, s.plan.P, s.data.nUnits, u0, u1, task.out);
      return;
    case 'spread': {
      const { kernel: m, scratch } = spreadKernel(k, task.rule);
      nodeSpreadOf(m, s.theta, u0, u1, task, scratch);
      return;
    }
    case 'sampler':
      if (task.phase === 'start') samplerFor(task).start(s.theta, u0, u1);
      else samplerFor(task).run(s.theta, u0, u1, task.phase === 'tune', task);
      return;
    default: {
      const unknown: never = task;
      throw new Error(`unknown worker task ${JSON.stringify(unknown)}`);
    }
  }
}

/** Evaluates shards claimed from the shared counter until none is left. */
export default function evaluateShards(task: WorkerTask): WorkerResult {
  const s = workerData as WorkerSetup;
  const S = s.shards.length - 1;
  const result: WorkerResult = { faults: [], error: null };
  const k = (kernel ??= setup());
  for (;;) {
    const shard = Atomics.add(s.control, 0, 1);
    if (shard >= S) return result;
    Atomics.store(s.control, 1 + task.slot, shard);
    const u0 = s.shards[shard];
    const u1 = s.shards[shard + 1];
    const t0 = performance.now();
    try {
      const inject = s.inject && s.inject.shard === shard && task.call >= (s.inject.after ?? 0) ? s.inject.kind : null;
      if (inject === 'throw') throw new Error(`injected fault in shard ${shard}`);
      if (inject === 'exit') process.exit(3);
      runJob(task, k, u0, u1);
      if (task.kind === 'evaluate' && inject === 'nan') {
        s.unitLL[u0] = NaN;
        result.faults.push({ shard, unit: u0, reason: 'non-finite' });
        continue;
      }
      if (k.fault) result.faults.push({ ...k.fault, shard });
    } catch (e) {
      // stop claiming: the evaluation is going to be rejected anyway
      result.error = { shard, message: (e as Error)?.message ?? String(e) };
      return result;
    } finally {
      s.shardSeconds[shard] = (performance.now() - t0) / 1000;
    }
  }
}
