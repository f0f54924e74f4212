/**
 * The pool engine: a piscina pool with a fixed number of threads shards the
 * integration units over workers. Per evaluation the main thread writes theta
 * into shared memory, runs one task per shard (a few integers each), and —
 * after every shard has answered — sums the per-unit results in unit order,
 * so the totals are identical for any number of workers.
 *
 * Failure policy: a shard that throws, or a worker that dies, rejects the
 * evaluation with an {@link EngineError} naming the shard, and the pool is
 * destroyed (never a hang). An AbortSignal cancels the evaluation.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { allocateDrawStore, reduceUnits, toShared, type ChoiceData, type ModelPlan, type KernelFault } from '@mxl/core';
import { AbortError, EngineError, type Engine, type Evaluation } from './engine.js';
import type { ShardResult, ShardTask, WorkerSetup } from './protocol.js';
import { balancedShards } from './shards.js';

/** Options of the {@link PoolEngine}. */
export interface PoolOptions {
  workers: number;
  /**
   * Shards per worker (default 4): the pool hands shards to whichever worker is free,
   * so a worker on a slower or busier CPU takes fewer of them.
   */
  shardsPerWorker?: number;
  /** The rule's configuration (IntegrationRule.toJSON()), or null. */
  rule: Record<string, unknown> | null;
  /** Nodes per unit (the rule's size), to size the draw cache. */
  nodes: number;
  /** Cache draws in shared memory (default true). */
  cacheDraws?: boolean;
  /** Test hook: inject a fault into a shard. */
  inject?: WorkerSetup['inject'];
}

function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8));
}

/** Shards units across a piscina pool over SharedArrayBuffer. */
export class PoolEngine implements Engine {
  readonly nUnits: number;
  readonly nSituations: number;
  readonly P: number;
  readonly workers: number;
  readonly shards: Int32Array;
  private pool: Piscina | null;
  private readonly setup: WorkerSetup;
  private readonly out: Evaluation;
  private calls = 0;
  private failed: Error | null = null;

  constructor(data: ChoiceData, plan: ModelPlan, o: PoolOptions) {
    this.nUnits = data.nUnits;
    this.nSituations = data.nSituations;
    this.P = plan.P;
    this.workers = o.workers;
    this.shards = balancedShards(data, o.workers * (o.shardsPerWorker ?? 4));
    const shared = toShared(data);
    const cache = plan.D > 0 && (o.cacheDraws ?? true);
    this.setup = {
      data: shared,
      plan,
      rule: o.rule,
      theta: sharedF64(plan.P),
      unitLL: sharedF64(data.nUnits),
      unitScores: sharedF64(data.nUnits * plan.P),
      drawStore: cache ? allocateDrawStore(data.nUnits, plan.D, o.nodes, true) : null,
      inject: o.inject ?? null,
    };
    this.out = { ll: 0, grad: new Float64Array(plan.P), unitLL: this.setup.unitLL, unitScores: this.setup.unitScores, fault: null };
    this.pool = new Piscina({
      filename: fileURLToPath(new URL('./worker.js', import.meta.url)),
      minThreads: o.workers,
      maxThreads: o.workers,
      idleTimeout: 2 ** 31 - 1,
      workerData: this.setup,
      concurrentTasksPerWorker: 1,
    });
    // a worker that dies between tasks must not crash the process
    this.pool.on('error', (e: Error) => { this.failed ??= e; });
  }

  /** Runs one task per shard; rejects (and shuts the pool down) if any shard fails. */
  private async runShards(theta: Float64Array, signal: AbortSignal | undefined, situationOut?: Float64Array): Promise<PromiseSettledResult<ShardResult>[]> {
    const pool = this.pool;
    if (!pool) throw new EngineError(this.failed ? `the worker pool has failed: ${this.failed.message}` : 'the engine is closed');
    if (signal?.aborted) throw new AbortError();
    this.setup.theta.set(theta);
    const call = this.calls++;
    const S = this.shards.length - 1;
    const tasks: Promise<ShardResult>[] = [];
    for (let s = 0; s < S; s++) {
      const task: ShardTask = { shard: s, u0: this.shards[s], u1: this.shards[s + 1], call, situationOut };
      tasks.push(pool.run(task, signal ? { signal } : {}) as Promise<ShardResult>);
    }
    const settled = await Promise.allSettled(tasks);
    const bad = settled.findIndex((r) => r.status === 'rejected');
    if (bad >= 0) {
      const reason = (settled[bad] as PromiseRejectedResult).reason as Error;
      if (signal?.aborted || reason?.name === 'AbortError') throw new AbortError();
      await this.destroy();
      throw new EngineError(`shard ${bad} (units ${this.shards[bad]}..${this.shards[bad + 1] - 1}) failed: ${reason?.message ?? String(reason)}; the worker pool was shut down`);
    }
    return settled;
  }

  async situationScores(theta: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
    const out = new Float64Array(new SharedArrayBuffer(Math.max(1, this.nSituations * this.P) * 8));
    await this.runShards(theta, signal, out);
    return out;
  }

  async evaluate(theta: Float64Array, signal?: AbortSignal): Promise<Evaluation> {
    const settled = await this.runShards(theta, signal);
    let fault: (KernelFault & { shard?: number }) | null = null;
    for (const r of settled) {
      const v = (r as PromiseFulfilledResult<ShardResult>).value;
      if (v.fault && (!fault || v.fault.unit < fault.unit)) fault = { ...v.fault, shard: v.shard };
    }
    const o = this.out;
    o.fault = fault;
    o.ll = reduceUnits(o.unitLL, o.unitScores, this.P, o.grad);
    return o;
  }

  private async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }

  async close(): Promise<void> {
    await this.destroy();
  }
}
