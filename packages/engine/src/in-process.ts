import { createKernel, Kernel, reduceUnits, type ChoiceData, type ModelPlan, type NodeSource, type KernelOptions, type UnitKernel } from '@mxl/core';
import { AbortError, type Engine, type Evaluation } from './engine.js';

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

  coefficients(theta: Float64Array, u: number): Float64Array {
    if (!(this.kernel instanceof Kernel)) throw new RangeError('coefficients are per class in a latent class model');
    return this.kernel.coefficients(theta, u);
  }

  async close(): Promise<void> {}
}
