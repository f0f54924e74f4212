/**
 * Runs prediction passes (./passes.ts) over fixed unit shards, on this thread
 * or on a piscina pool whose workers share the data (SharedArrayBuffers, sent
 * once). A request is one pass at one or more parameter vectors (the estimate,
 * and the 2P perturbed ones of the delta method or the draws of Krinsky and
 * Robb): every (vector, shard) pair is a task, and each vector's accumulator
 * is the sum of its shards' in shard order. The shards depend on the number of
 * units only, so the numbers are the same for any number of workers.
 */
import { availableParallelism } from 'node:os';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ChoiceData, ModelPlan, NodeSource } from '@mxl/core';
import { createRule, type IntegrationRule } from '@mxl/integration';
import type { Prepared } from '@mxl/estimation';
import { AbortError } from '@mxl/errors';
import { PostEstimationError } from './errors.js';
import { accumulatorLength, PassScratch, reportedCount, runPass, type Groups, type PassKind, type RowOutputs } from './passes.js';
import { runTangentPass, TangentScratch, tangentBlockLength, type TangentKind } from './tangent.js';
import { populationOf, type Population } from './population.js';
import { reduceWtpJacobian, wtpDistribution, wtpJacobianAt, wtpJacobianPart, wtpStatistics, type WtpDistribution, type WtpJacobians } from './wtp.js';
import { yieldToEventLoop } from '@mxl/core';

/** Most shards a pass is cut into (fewer with fewer units). */
const SHARDS = 64;

/** One pass to run. */
export interface PassRequest {
  pass: PassKind;
  groups: Groups | null;
  /** Per-row outputs (a `shares` pass at a single parameter vector); shared memory for the pool. */
  rows?: RowOutputs;
  /** X to use instead of the data's (a scenario); shared memory for the pool. */
  X?: Float64Array;
  /** Also accumulate the derivatives with respect to theta (./tangent.ts; shares and effects passes). */
  tangent?: boolean;
}

/** What a worker receives once. */
export interface PassWorkerSetup {
  data: ChoiceData;
  plan: ModelPlan;
  /** The rule's configuration (IntegrationRule.toJSON()), or null without random coefficients. */
  rule: ReturnType<IntegrationRule['toJSON']> | null;
}

/** One task: a pass at one parameter vector over consecutive shards (their boundaries). */
export interface PassTask {
  request: PassRequest;
  theta: Float64Array;
  bounds: Int32Array;
}

/** One task: the WTP distribution's statistics (relative to coefficient `cost`) at one parameter vector. */
export interface WtpTask {
  cost: number;
  theta: Float64Array;
}

/** One task: the sums of the WTP Jacobians (./wtp.ts) over consecutive shards, one part per shard. */
export interface WtpJacobianTask {
  jacobianCost: number;
  /** The distribution at theta, as {@link wtpJacobianAt} packs it. */
  at: Float64Array;
  theta: Float64Array;
  bounds: Int32Array;
}

/** The parts of a WTP-Jacobian task, side by side. */
export function evaluateWtpJacobian(setup: PassWorkerSetup, nodes: NodeSource | null, t: WtpJacobianTask, cache: PassCache): Float64Array {
  const pop = cachedPopulation(setup, nodes, t.theta, cache);
  const parts: Float64Array[] = [];
  for (let i = 0; i + 1 < t.bounds.length; i++) parts.push(wtpJacobianPart(pop, t.jacobianCost, t.at, t.bounds[i], t.bounds[i + 1]));
  const L = parts[0].length, out = new Float64Array(L * parts.length);
  parts.forEach((part, i) => out.set(part, i * L));
  return out;
}

/** The WTP distribution's statistics at a task's parameters ({@link wtpStatistics}: means, sds, q05s, medians, q95s). */
export function evaluateWtp(setup: PassWorkerSetup, nodes: NodeSource | null, t: WtpTask): Float64Array {
  return wtpStatistics(wtpDistribution(populationOf(setup.data, setup.plan, nodes, t.theta), t.cost));
}

/** Shard boundaries (S+1 unit indices), from the number of units alone. */
export function passShards(nUnits: number): Int32Array {
  const S = Math.max(1, Math.min(SHARDS, nUnits));
  return Int32Array.from({ length: S + 1 }, (_, s) => Math.round((s * nUnits) / S));
}

/** What a thread keeps between tasks: its population (draws cached) over the data, moved to each task's theta, and scratch arrays. */
export interface PassCache {
  pop?: Population;
  theta?: Float64Array;
  z?: PassScratch;
  tz?: TangentScratch;
}

/** The thread's population over the data, at theta. */
function cachedPopulation(setup: PassWorkerSetup, nodes: NodeSource | null, theta: Float64Array, cache: PassCache): Population {
  cache.theta ??= new Float64Array(theta.length);
  cache.pop ??= populationOf(setup.data, setup.plan, nodes, cache.theta);
  cache.theta.set(theta);
  return cache.pop;
}

/**
 * Evaluates one task against a population (shared by both runners): one
 * accumulator per shard, side by side, for the caller to add in shard order.
 */
export function evaluateTask(setup: PassWorkerSetup, nodes: NodeSource | null, t: PassTask, cache: PassCache): Float64Array {
  const data = t.request.X ? { ...setup.data, X: t.request.X } : setup.data;
  const G = t.request.groups ? t.request.groups.labels.length : 1;
  const L = requestLength(t.request, data, G, t.theta.length);
  const acc = new Float64Array(L * (t.bounds.length - 1));
  const pop = t.request.X ? populationOf(data, setup.plan, nodes, t.theta) : cachedPopulation(setup, nodes, t.theta, cache);
  const pass = t.request.pass;
  if (t.request.tangent) {
    if (pass.kind !== 'shares' && pass.kind !== 'effects') throw new RangeError(`no tangent pass of kind ${pass.kind}`);
    cache.tz ??= new TangentScratch(pop, t.theta.length);
    for (let i = 0; i + 1 < t.bounds.length; i++) runTangentPass(pop, pass, t.request.groups, t.bounds[i], t.bounds[i + 1], acc.subarray(i * L, (i + 1) * L), cache.tz);
    return acc;
  }
  cache.z ??= new PassScratch(pop);
  for (let i = 0; i + 1 < t.bounds.length; i++) {
    runPass(pop, pass, t.request.groups, t.bounds[i], t.bounds[i + 1], acc.subarray(i * L, (i + 1) * L), cache.z, t.request.rows);
  }
  return acc;
}

/** Length of a request's accumulator with G groups and P parameters. */
export function requestLength(r: PassRequest, data: ChoiceData, G: number, P: number): number {
  return r.tangent ? G * tangentBlockLength(r.pass.kind as TangentKind['kind'], reportedCount(data), P) : accumulatorLength(r.pass.kind, data, G);
}

/** Runs passes; see the file comment. */
export class PassRunner {
  private pool: Piscina | null = null;
  private readonly setup: PassWorkerSetup;
  private readonly shards: Int32Array;
  private readonly cache: PassCache = {};

  /**
   * @param workers - threads (default: the machine's cores); 1 runs on this thread
   */
  constructor(private readonly p: Prepared, readonly workers: number = availableParallelism()) {
    this.setup = { data: p.data, plan: p.design.plan, rule: p.rule ? p.rule.toJSON() : null };
    this.shards = passShards(p.data.nUnits);
  }

  /** The pass's accumulator at each parameter vector. */
  async run(request: PassRequest, thetas: readonly Float64Array[], signal?: AbortSignal): Promise<Float64Array[]> {
    if (request.rows && thetas.length !== 1) throw new RangeError('per-row outputs are for one parameter vector');
    const S = this.shards.length - 1;
    // many parameter vectors: a task per vector (all shards); few: a task per (vector, shard)
    const perShard = thetas.length < 2 * Math.max(1, this.workers);
    const tasks: PassTask[][] = thetas.map((theta) =>
      perShard
        ? Array.from({ length: S }, (_, s) => ({ request, theta, bounds: this.shards.subarray(s, s + 2) }))
        : [{ request, theta, bounds: this.shards }],
    );
    const flat = await this.runTasks(tasks.flat(), (t) => evaluateTask(this.setup, this.p.rule, t, this.cache), signal);
    let at = 0;
    const parts = tasks.map((ts) => flat.slice(at, (at += ts.length)));
    // fixed reduction order: shard 0, 1, ..., S-1, whichever thread ran them and however they were grouped into tasks
    const G = request.groups ? request.groups.labels.length : 1;
    const L = requestLength(request, this.p.data, G, thetas[0].length);
    return parts.map((ps) => {
      const acc = new Float64Array(L);
      for (const part of ps) for (let o = 0; o < part.length; o += L) for (let i = 0; i < L; i++) acc[i] += part[o + i];
      return acc;
    });
  }

  /**
   * The WTP distribution's statistics (relative to coefficient `cost`,
   * packed by {@link wtpStatistics}) at each parameter vector, one vector
   * per task.
   */
  wtp(cost: number, thetas: readonly Float64Array[], signal?: AbortSignal): Promise<Float64Array[]> {
    const tasks: WtpTask[] = thetas.map((theta) => ({ cost, theta }));
    return this.runTasks(tasks, (t) => evaluateWtp(this.setup, this.p.rule, t), signal);
  }

  /**
   * The Jacobians of the WTP distribution's statistics at theta (./wtp.ts),
   * given the distribution there (`base`), the units sharded over the pool
   * and the parts combined in shard order.
   */
  async wtpJacobian(cost: number, base: WtpDistribution, theta: Float64Array, signal?: AbortSignal): Promise<WtpJacobians> {
    const S = this.shards.length - 1;
    const at = wtpJacobianAt(base);
    const tasks: WtpJacobianTask[] = Array.from({ length: S }, (_, s) => ({ jacobianCost: cost, at, theta, bounds: this.shards.subarray(s, s + 2) }));
    const parts = await this.runTasks(tasks, (t) => evaluateWtpJacobian(this.setup, this.p.rule, t, this.cache), signal);
    return reduceWtpJacobian(parts, base, theta.length);
  }

  /**
   * Runs tasks on this thread (`local`, letting timers and signals through
   * between tasks) or on the pool; the results in task order.
   */
  private async runTasks<T extends object>(tasks: readonly T[], local: (t: T) => Float64Array, signal: AbortSignal | undefined): Promise<Float64Array[]> {
    if (this.workers <= 1) {
      const out: Float64Array[] = [];
      for (const t of tasks) {
        if (signal?.aborted) throw abortError();
        out.push(local(t));
        await yieldToEventLoop();
      }
      return out;
    }
    const pool = this.startPool();
    try {
      return await withSignal(signal, (o) => Promise.all(tasks.map((t) => pool.run(t, o) as Promise<Float64Array>)));
    } catch (e) {
      if (signal?.aborted || (e as Error)?.name === 'AbortError') throw abortError();
      throw new PostEstimationError(`a prediction worker failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private startPool(): Piscina {
    return (this.pool ??= new Piscina({
      filename: fileURLToPath(new URL('./pass-worker.js', import.meta.url)),
      minThreads: this.workers,
      maxThreads: this.workers,
      workerData: this.setup,
      concurrentTasksPerWorker: 1,
    }));
  }

  /** Stops the worker threads (the runner can still be used: a new pool starts). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }
}

/** Runs tasks under one signal of their own (many tasks, one listener on the caller's signal). */
async function withSignal<T>(signal: AbortSignal | undefined, f: (o: { signal?: AbortSignal }) => Promise<T>): Promise<T> {
  if (!signal) return f({});
  const local = new AbortController();
  setMaxListeners(0, local.signal);
  const abort = () => local.abort();
  signal.addEventListener('abort', abort, { once: true });
  try {
    return await f({ signal: local.signal });
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

function abortError(): Error {
  return new AbortError('post-estimation aborted');
}

/** Rebuilds a rule from its configuration (worker side). */
export function ruleFrom(setup: PassWorkerSetup): NodeSource | null {
  return setup.rule ? createRule(setup.rule, Math.max(1, setup.plan.D)) : null;
}
