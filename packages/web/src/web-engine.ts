/**
 * The engine over Web Workers: the browser twin of the Node pool engine
 * (engine/src/pool.ts). The data, theta, per-unit outputs and draw cache are
 * in SharedArrayBuffers (the page is cross-origin isolated); per evaluation
 * the caller writes theta, resets the shard counter and runs one task per
 * worker (comlink calls); the workers claim guided shards until none is left;
 * then the per-unit results are summed in unit order, so the numbers are
 * those of the in-process engine and of the Node pool, to the last bit.
 * The method of simulated scores' sampler runs in-process (same numbers).
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import { allocateDrawStore, reduceUnits, toShared, type ChoiceData, type KernelFault, type ModelPlan, type NodeSource } from '@mxl/core';
import {
  AbortError, EngineError, InProcessEngine, guidedShards, offsetNodes,
  type Engine, type EngineOptions, type Evaluation, type NodeSpread, type PosteriorScores, type RowProbabilities, type SamplerOptions,
} from '@mxl/engine';
import type { ShardResult, ShardSetup, ShardTask, ShardWorkerApi } from './web-protocol';

function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8));
}

/** Threads a browser offers. */
export function browserThreads(): number {
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1);
}

/** Shards units across Web Workers over SharedArrayBuffer. */
export class WebWorkerEngine implements Engine {
  readonly nUnits: number;
  readonly P: number;
  readonly workers: number;
  private readonly setup: ShardSetup;
  private readonly out: Evaluation;
  private readonly threads: Worker[];
  private readonly remotes: Remote<ShardWorkerApi>[];
  private readonly ready: Promise<unknown>;
  private readonly failure: Promise<never>;
  private failed: Error | null = null;
  private closed = false;
  private rows: RowProbabilities | null = null;
  private local: InProcessEngine | null = null;

  constructor(private readonly data: ChoiceData, private readonly plan: ModelPlan, private readonly nodes: NodeSource, options: EngineOptions & { workers: number }) {
    if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) {
      throw new EngineError('Web Workers share memory only on a cross-origin isolated page (the server must send Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)');
    }
    if (plan.D > 0 && !options.rule) throw new EngineError('a Web Worker engine needs the rule configuration (options.rule)');
    this.nUnits = data.nUnits;
    this.P = plan.P;
    this.workers = options.workers;
    const bytes = nodes.shared ? 0 : data.nUnits * plan.D * nodes.size * 8;
    const cache = plan.D > 0 && (options.cacheDraws ?? bytes <= (options.cacheLimitBytes ?? 2 ** 30));
    this.setup = {
      data: toShared(data),
      plan,
      rule: options.rule ?? null,
      theta: sharedF64(plan.P),
      unitLL: sharedF64(data.nUnits),
      unitScores: sharedF64(data.nUnits * plan.P),
      drawStore: cache ? allocateDrawStore(data.nUnits, plan.D, nodes.size, true) : null,
      shards: guidedShards(data, options.workers),
      control: new Int32Array(new SharedArrayBuffer(4)),
      unitOffset: options.unitOffset ?? 0,
    };
    this.out = { ll: 0, grad: new Float64Array(plan.P), unitLL: this.setup.unitLL, unitScores: this.setup.unitScores, fault: null };
    let fail: (e: Error) => void = () => {};
    this.failure = new Promise<never>((_, reject) => (fail = reject));
    this.failure.catch(() => {});
    this.threads = Array.from({ length: options.workers }, (_, i) => {
      const w = new Worker(new URL('./shard-worker.ts', import.meta.url), { type: 'module', name: `mxl-shard-${i}` });
      w.addEventListener('error', (e) => {
        this.failed ??= new EngineError(`a shard worker failed: ${e.message || 'it could not start'}`);
        fail(this.failed);
      });
      return w;
    });
    this.remotes = this.threads.map((w) => wrap<ShardWorkerApi>(w));
    this.ready = Promise.all(this.remotes.map((r) => r.init(this.setup)));
  }

  private async runShards(theta: Float64Array, task: ShardTask, signal?: AbortSignal): Promise<ShardResult[]> {
    if (this.closed) throw new EngineError('the engine is closed');
    if (this.failed) throw this.failed;
    if (signal?.aborted) throw new AbortError();
    await Promise.race([this.ready, this.failure]);
    this.setup.theta.set(theta);
    Atomics.store(this.setup.control, 0, 0);
    const results = await Promise.race([Promise.all(this.remotes.map((r) => r.run(task))), this.failure]);
    const bad = results.filter((r) => r.error).sort((a, b) => a.error!.shard - b.error!.shard)[0];
    if (bad) {
      const s = bad.error!.shard;
      throw new EngineError(`shard ${s} (units ${this.setup.shards[s]}..${this.setup.shards[s + 1] - 1}) failed: ${bad.error!.message}`);
    }
    if (signal?.aborted) throw new AbortError();
    return results;
  }

  async evaluate(theta: Float64Array, signal?: AbortSignal): Promise<Evaluation> {
    const results = await this.runShards(theta, { kind: 'evaluate' }, signal);
    let fault: KernelFault | null = null;
    for (const r of results) for (const f of r.faults) if (!fault || f.unit < fault.unit) fault = f;
    const o = this.out;
    o.fault = fault;
    o.ll = reduceUnits(o.unitLL, o.unitScores, this.P, o.grad);
    return o;
  }

  /** One evaluation per vector on the Web Workers (the log-likelihoods of {@link Engine.logLikelihoods}, bit for bit). */
  async logLikelihoods(thetas: readonly Float64Array[], signal?: AbortSignal): Promise<Float64Array> {
    const out = new Float64Array(thetas.length);
    for (let m = 0; m < thetas.length; m++) out[m] = (await this.evaluate(thetas[m], signal)).ll;
    return out;
  }

  async situationScores(theta: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
    const out = sharedF64(this.data.nSituations * this.P);
    await this.runShards(theta, { kind: 'situations', out }, signal);
    return out;
  }

  async rowProbabilities(theta: Float64Array, derivatives: boolean, signal?: AbortSignal): Promise<RowProbabilities> {
    if ((this.plan as { kind?: string }).kind === 'latent-class') throw new EngineError('row probabilities are for mixed logit models, not latent class models');
    this.rows ??= { prob: sharedF64(this.data.nRows), dprob: null };
    if (derivatives) this.rows.dprob ??= sharedF64(this.data.nRows * this.P);
    const rows = { prob: this.rows.prob, dprob: derivatives ? this.rows.dprob : null };
    await this.runShards(theta, { kind: 'rows', ...rows }, signal);
    return rows;
  }

  /** The posterior sampler (method of simulated scores) runs in-process. */
  private inProcess(): InProcessEngine {
    this.local ??= new InProcessEngine(this.data, this.plan, offsetNodes(this.nodes, this.setup.unitOffset), { cacheDraws: false });
    return this.local;
  }

  startSampler(theta: Float64Array, options: SamplerOptions, signal?: AbortSignal): Promise<void> {
    return this.inProcess().startSampler(theta, options, signal);
  }

  posteriorScores(theta: Float64Array, tune: boolean, signal?: AbortSignal): Promise<PosteriorScores> {
    return this.inProcess().posteriorScores(theta, tune, signal);
  }

  /** The spread of the simulated probabilities (a fit's simulation error) runs in-process too. */
  nodeSpread(theta: Float64Array, rule: Record<string, unknown> | null, signal?: AbortSignal): Promise<NodeSpread> {
    return this.inProcess().nodeSpread(theta, rule, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.remotes) r[releaseProxy]();
    for (const w of this.threads) w.terminate();
    await this.local?.close();
  }
}

/**
 * The engine factory of estimate() in a browser: Web Workers for more than
 * one thread (default: every thread the browser offers), else in-process.
 */
export function webEngineFactory(data: ChoiceData, plan: ModelPlan, nodes: NodeSource, options: EngineOptions = {}): Engine {
  const workers = options.workers ?? browserThreads();
  if (workers <= 1 || !globalThis.crossOriginIsolated) {
    const bytes = nodes.shared ? 0 : data.nUnits * plan.D * nodes.size * 8;
    const cacheDraws = options.cacheDraws ?? bytes <= (options.cacheLimitBytes ?? 2 ** 30);
    return new InProcessEngine(data, plan, offsetNodes(nodes, options.unitOffset ?? 0), { cacheDraws });
  }
  return new WebWorkerEngine(data, plan, nodes, { ...options, workers });
}
