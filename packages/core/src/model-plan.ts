/**
 * The plan of any model the engine runs, and the kernel that evaluates it.
 */
import type { ChoiceData } from './layout.js';
import type { CoefficientPlan } from './plan.js';
import { Kernel, type KernelFault, type KernelOptions, type NodeSource } from './kernel.js';
import { LatentClassKernel, type LatentClassPlan } from './latent-class.js';
import { FastKernel } from './fast-kernel.js';

/** A mixed logit plan or a latent class plan. */
export type ModelPlan = CoefficientPlan | LatentClassPlan;

/** What engines need from a kernel. */
export interface UnitKernel {
  fault: KernelFault | null;
  evaluate(theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number;
  situationScores(theta: Float64Array, u0: number, u1: number, out: Float64Array): void;
}

/** True for a latent class plan. */
export function isLatentClass(plan: ModelPlan): plan is LatentClassPlan {
  return (plan as LatentClassPlan).kind === 'latent-class';
}

/** Builds the kernel for a plan (a mixed logit runs the {@link FastKernel}; the plain {@link Kernel} is its reference). */
export function createKernel(data: ChoiceData, plan: ModelPlan, nodes: NodeSource, options: KernelOptions = {}): UnitKernel {
  return isLatentClass(plan) ? new LatentClassKernel(data, plan, nodes, options) : new FastKernel(data, plan, nodes, options);
}
