/**
 * The pool engine: a piscina pool with a fixed number of threads shards the
 * integration units over workers. Per evaluation the main thread writes theta
 * into shared memory, resets the shared shard counter and runs one task per
 * worker; each task claims shards (contiguous unit ranges, fixed for the whole
 * estimation) until none is left. After every task has answered, the main
 * thread sums the per-unit results in unit order, so the totals are identical
 * for any number of workers and any assignment of shards to workers.
 *
 * Failure policy: a shard that throws, or a worker that dies, rejects the
 * evaluation with an {@link EngineError} naming the shard, and the pool is
 * destroyed (never a hang). An AbortSignal cancels the evaluation.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { allocateDrawStore, isLatentClass, reduceUnits, toShared, type ChoiceData, type ModelPlan, type KernelFault } from '@mxl/core';
import { AbortError, EngineError, type Engine, type Evaluation, type NodeSpread, type PosteriorScores, type RowProbabilities } from './engine.js';
import { allocateSampler, type SamplerOptions, type SamplerState } from './sampler-state.js';
import type { WorkerJob, WorkerResult, WorkerSetup, WorkerTask } from './protocol.js';
import { balancedShards, guidedShards } from './shards.js';
import { stackThetas, sumRows } from './log-likelihoods.js';

/** Options of the {@link PoolEngine}. */
export interface PoolOptions {
  workers: number;
  /**
   * Equal shards per worker instead of the default guided shards
   * ({@link guidedShards}: large first, shrinking towards the end). Workers
   * claim shards from a shared counter either way, so a worker on a slower or
   * busier CPU takes fewer of them.
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
  /** Unit u reads the rule's points of unit u + unitOffset (independent draws). */
  unitOffset?: number;
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
  /** Nodes per unit (the rule's size). */
  readonly nodeCount: number;
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
    this.nodeCount = o.nodes;
    this.shards = o.shardsPerWorker ? balancedShards(data, o.workers * o.shardsPerWorker) : guidedShards(data, o.workers);
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
      shards: this.shards,
      control: new Int32Array(new SharedArrayBuffer(4 * (1 + o.workers))),
      shardSeconds: sharedF64(this.shards.length - 1),
      inject: o.inject ?? null,
      unitOffset: o.unitOffset ?? 0,
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

  /** Seconds each shard took in the last evaluation (a copy; for load-balance diagnostics). */
  shardSeconds(): Float64Array {
    return this.setup.shardSeconds.slice();
  }

  /** Runs one task per worker; rejects (and shuts the pool down) if any shard fails. */
  private async runShards(theta: Float64Array, signal: AbortSignal | undefined, job: WorkerJob = { kind: 'evaluate' }): Promise<WorkerResult[]> {
    const pool = this.pool;
    if (!pool) throw new EngineError(this.failed ? `the worker pool has failed: ${this.failed.message}` : 'the engine is closed');
    if (signal?.aborted) throw new AbortError();
    this.setup.theta.set(theta);
    const control = this.setup.control;
    Atomics.store(control, 0, 0);
    for (let w = 0; w < this.workers; w++) Atomics.store(control, 1 + w, -1);
    const call = this.calls++;
    const tasks: Promise<WorkerResult>[] = [];
    for (let slot = 0; slot < this.workers; slot++) {
      const task: WorkerTask = { ...job, slot, call };
      tasks.push(pool.run(task, signal ? { signal } : {}) as Promise<WorkerResult>);
    }
    const settled = await Promise.allSettled(tasks);
    const describe = (shard: number) => `shard ${shard} (units ${this.shards[shard]}..${this.shards[shard + 1] - 1})`;
    const dead = settled.findIndex((r) => r.status === 'rejected');
    if (dead >= 0) {
      const reason = (settled[dead] as PromiseRejectedResult).reason as Error;
      if (signal?.aborted || reason?.name === 'AbortError') {
        // a cancelled task may leave shards unclaimed or half-written; the next evaluation starts over
        throw new AbortError();
      }
      const shard = Atomics.load(control, 1 + dead);
      await this.destroy();
      const where = shard >= 0 ? `${describe(shard)} failed` : 'a worker failed';
      throw new EngineError(`${where}: ${reason?.message ?? String(reason)}; the worker pool was shut down`);
    }
    const results = settled.map((r) => (r as PromiseFulfilledResult<WorkerResult>).value);
    const failed = results.filter((r) => r.error).sort((x, y) => x.error!.shard - y.error!.shard)[0];
    if (failed) {
      await this.destroy();
      throw new EngineError(`${describe(failed.error!.shard)} failed: ${failed.error!.message}; the worker pool was shut down`);
    }
    return results;
  }

  private rows: RowProbabilities | null = null;
  private sampler: { id: number; st: SamplerState; out: PosteriorScores } | null = null;
  private samplers = 0;

  async startSampler(theta: Float64Array, options: SamplerOptions, signal?: AbortSignal): Promise<void> {
    const plan = this.setup.plan;
    if (isLatentClass(plan) || plan.D === 0 || !this.setup.rule) throw new EngineError('the posterior sampler is for mixed logit models with random coefficients');
    const R = this.nodeCount;
    const st = allocateSampler(this.nUnits, plan.D, R, options, true);
    this.sampler = { id: ++this.samplers, st, out: { scores: sharedF64(this.nUnits * this.P), acceptance: sharedF64(this.nUnits), draws: sharedF64(this.nUnits) } };
    const { id, out } = this.sampler;
    await this.runShards(theta, signal, { kind: 'sampler', id, phase: 'start', st, ...out });
  }

  async posteriorScores(theta: Float64Array, tune: boolean, signal?: AbortSignal): Promise<PosteriorScores> {
    if (!this.sampler) throw new EngineError('startSampler first');
    const { id, st, out } = this.sampler;
    await this.runShards(theta, signal, { kind: 'sampler', id, phase: tune ? 'tune' : 'run', st, ...out });
    return out;
  }

  async rowProbabilities(theta: Float64Array, derivatives: boolean, signal?: AbortSignal): Promise<RowProbabilities> {
    if (isLatentClass(this.setup.plan)) throw new EngineError('row probabilities are for mixed logit models, not latent class models');
    const nRows = this.setup.data.nRows;
    this.rows ??= { prob: sharedF64(nRows), dprob: null };
    if (derivatives) this.rows.dprob ??= sharedF64(nRows * this.P);
    const rows = { prob: this.rows.prob, dprob: derivatives ? this.rows.dprob : null };
    await this.runShards(theta, signal, { kind: 'rows', ...rows });
    return rows;
  }

  private spread: NodeSpread | null = null;

  async nodeSpread(theta: Float64Array, rule: Record<string, unknown> | null, signal?: AbortSignal): Promise<NodeSpread> {
    const plan = this.setup.plan;
    if (isLatentClass(plan) || plan.D === 0 || !this.setup.rule) throw new EngineError('the spread of the simulated probabilities is for mixed logit models with random coefficients');
    this.spread ??= { logP: sharedF64(this.nUnits), relVar: sharedF64(this.nUnits) };
    await this.runShards(theta, signal, { kind: 'spread', rule, ...this.spread });
    return this.spread;
  }

  async logLikelihoods(thetas: readonly Float64Array[], signal?: AbortSignal): Promise<Float64Array> {
    const M = thetas.length, N = this.nUnits;
    if (M === 0) return new Float64Array(0);
    const flat = stackThetas(thetas, this.P, sharedF64(M * this.P));
    const out = sharedF64(M * N);
    await this.runShards(thetas[0], signal, { kind: 'logliks', thetas: flat, out });
    return sumRows(out, M, N);
  }

  async situationScores(theta: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
    const out = new Float64Array(new SharedArrayBuffer(Math.max(1, this.nSituations * this.P) * 8));
    await this.runShards(theta, signal, { kind: 'situations', out });
    return out;
  }

  async evaluate(theta: Float64Array, signal?: AbortSignal): Promise<Evaluation> {
    const results = await this.runShards(theta, signal);
    // the first non-finite unit, whichever worker found it (deterministic)
    let fault: (KernelFault & { shard?: number }) | null = null;
    for (const r of results) for (const f of r.faults) if (!fault || f.unit < fault.unit) fault = f;
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
