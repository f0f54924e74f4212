import { Kernel, reduceUnits, type ChoiceData, type CoefficientPlan, type NodeSource, type KernelOptions } from '@mxl/core';
import { AbortError, type Engine, type Evaluation } from './engine.js';

/**
 * Runs the kernel on the calling thread over all units. Used for one worker
 * and as the reference the pool is tested against.
 */
export class InProcessEngine implements Engine {
  readonly nUnits: number;
  readonly P: number;
  readonly workers = 1;
  private readonly kernel: Kernel;
  private readonly out: Evaluation;

  constructor(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource, options: KernelOptions = {}) {
    this.kernel = new Kernel(data, plan, nodes, options);
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
    const out = new Float64Array(this.kernel.data.nSituations * this.P);
    this.kernel.situationScores(theta, 0, this.nUnits, out);
    return out;
  }

  coefficients(theta: Float64Array, u: number): Float64Array {
    return this.kernel.coefficients(theta, u);
  }

  async close(): Promise<void> {}
}
