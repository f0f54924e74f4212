import { createRule } from '@mxl/integration';
import { createKernel, reduceUnits, type ChoiceData, type KernelOptions, type MixedKernel, type ModelPlan, type NodeSource, type UnitKernel } from '@mxl/core';
import { AbortError, EngineError, type Engine, type Evaluation, type NodeSpread, type PosteriorScores, type RowProbabilities } from './engine.js';
import { nodeSpreadOf } from './node-spread.js';
import { logLikelihoodsOf, stackThetas, sumRows } from './log-likelihoods.js';
import { allocateSampler, PosteriorSampler, type SamplerOptions } from './posterior-sampler.js';
import { yieldToEventLoop } from '@mxl/core';

/**
 * Runs the kernel on the calling thread over all units. Used for one worker
 * and as the reference the pool is tested against.
 */
export class InProcessEngine implements Engine {
  readonly nUnits: number;
  readonly P: number;
  readonly workers = 1;
  private readonly kernel: UnitKernel;
  private readonly nSituations: number;
  private readonly out: Evaluation;

  constructor(data: ChoiceData, plan: ModelPlan, nodes: NodeSource, options: KernelOptions = {}) {
    this.kernel = createKernel(data, plan, nodes, options);
    this.nSituations = data.nSituations;
    this.nUnits = data.nUnits;
    this.P = plan.P;
    this.out = {
      ll: 0,
      grad: new Float64Array(plan.P),
      unitLL: new Float64Array(data.nUnits),
      unitScores: new Float64Array(data.nUnits * plan.P),
      fault: null,
    };
  }

  async evaluate(theta: Float64Array, signal?: AbortSignal): Promise<Evaluation> {
    if (signal?.aborted) throw new AbortError();
    const o = this.out;
    this.kernel.evaluate(theta, 0, this.nUnits, o.unitLL, o.unitScores);
    o.fault = this.kernel.fault;
    o.ll = reduceUnits(o.unitLL, o.unitScores, this.P, o.grad);
    return o;
  }

  async situationScores(theta: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
    if (signal?.aborted) throw new AbortError();
    const out = new Float64Array(this.nSituations * this.P);
    this.kernel.situationScores(theta, 0, this.nUnits, out);
    return out;
  }

  private rows: RowProbabilities | null = null;
  private sampler: PosteriorSampler | null = null;
  private posterior: PosteriorScores | null = null;

  /** Runs f over units in chunks, yielding to the event loop now and then (aborts, timers). */
  private async chunks(f: (u0: number, u1: number) => void, signal?: AbortSignal, size = 64): Promise<void> {
    let t = performance.now();
    for (let u0 = 0; u0 < this.nUnits; u0 += size) {
      if (signal?.aborted) throw new AbortError();
      f(u0, Math.min(this.nUnits, u0 + size));
      if (performance.now() - t > 50) { await yieldToEventLoop(); t = performance.now(); }
    }
  }

  async startSampler(theta: Float64Array, options: SamplerOptions, signal?: AbortSignal): Promise<void> {
    const k = this.kernel;
    if (k.kind !== 'mixed' || k.plan.D === 0) throw new EngineError('the posterior sampler is for mixed logit models with random coefficients');
    this.sampler = new PosteriorSampler(k.data, k.plan, k.nodes, allocateSampler(this.nUnits, k.plan.D, k.nodes.size, options, false));
    this.posterior = { scores: new Float64Array(this.nUnits * this.P), acceptance: new Float64Array(this.nUnits), draws: new Float64Array(this.nUnits) };
    await this.chunks((u0, u1) => this.sampler!.start(theta, u0, u1), signal);
  }

  async posteriorScores(theta: Float64Array, tune: boolean, signal?: AbortSignal): Promise<PosteriorScores> {
    if (!this.sampler || !this.posterior) throw new EngineError('startSampler first');
    const out = this.posterior;
    await this.chunks((u0, u1) => this.sampler!.run(theta, u0, u1, tune, out), signal, 4);
    return out;
  }

  private spread: { key: string; kernel: MixedKernel; out: NodeSpread; scratch: Float64Array } | null = null;

  async nodeSpread(theta: Float64Array, rule: Record<string, unknown> | null, signal?: AbortSignal): Promise<NodeSpread> {
    const k = this.mixed(() => new EngineError('the spread of the simulated probabilities is for mixed logit models with random coefficients'));
    if (k.plan.D === 0) throw new EngineError('the spread of the simulated probabilities is for mixed logit models with random coefficients');
    const key = rule === null ? '' : JSON.stringify(rule);
    if (this.spread?.key !== key) {
      const kernel = rule === null ? k : this.mixed(() => new EngineError('unreachable'), createKernel(k.data, k.plan, createRule(rule as Parameters<typeof createRule>[0], k.plan.D), { cacheDraws: false }));
      const out = this.spread?.out ?? { logP: new Float64Array(this.nUnits), relVar: new Float64Array(this.nUnits) };
      this.spread = { key, kernel, out, scratch: new Float64Array(kernel.nodeCount) };
    }
    const sp = this.spread;
    await this.chunks((u0, u1) => nodeSpreadOf(sp.kernel, theta, u0, u1, sp.out, sp.scratch), signal);
    return sp.out;
  }

  async logLikelihoods(thetas: readonly Float64Array[], signal?: AbortSignal): Promise<Float64Array> {
    const M = thetas.length, N = this.nUnits, P = this.P;
    const flat = stackThetas(thetas, P);
    const out = new Float64Array(M * N);
    await this.chunks((u0, u1) => logLikelihoodsOf(this.kernel, flat, P, N, u0, u1, out), signal);
    return sumRows(out, M, N);
  }

  async rowProbabilities(theta: Float64Array, derivatives: boolean, signal?: AbortSignal): Promise<RowProbabilities> {
    const k = this.mixed(() => new EngineError('row probabilities are for mixed logit models, not latent class models'));
    const d = k.data, P = this.P;
    this.rows ??= { prob: new Float64Array(d.nRows), dprob: null };
    if (derivatives) this.rows.dprob ??= new Float64Array(d.nRows * P);
    const out = { prob: this.rows.prob, dprob: derivatives ? this.rows.dprob : null };
    await this.chunks((u0, u1) => k.rowProbabilities(theta, u0, u1, out.prob, out.dprob), signal);
    return out;
  }

  coefficients(theta: Float64Array, u: number): Float64Array {
    return this.mixed(() => new RangeError('coefficients are per class in a latent class model')).coefficients(theta, u);
  }

  /** The kernel of a mixed logit model; else throws what `error` makes. */
  private mixed(error: () => Error, kernel: UnitKernel = this.kernel): MixedKernel {
    if (kernel.kind !== 'mixed') throw error();
    return kernel;
  }

  async close(): Promise<void> {}
}
