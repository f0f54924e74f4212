/**
 * The plan of any model the engine runs, and the kernel that evaluates it:
 * both are discriminated unions on `kind` (a mixed logit's plan has none, or
 * 'mixed'; its kernel 'mixed'; a latent class model's 'latent-class').
 */
import type { ChoiceData } from './layout.js';
import type { CoefficientPlan } from './plan.js';
import type { KernelOptions, MixedKernel, NodeSource } from './kernel-api.js';
import { LatentClassKernel, type LatentClassPlan } from './latent-class.js';
import { FastKernel } from './fast-kernel.js';

/** A mixed logit plan or a latent class plan. */
export type ModelPlan = CoefficientPlan | LatentClassPlan;

/** A kernel of either family: evaluate, unit and situationScores on both; the rest on a mixed logit kernel (`kind === 'mixed'`). */
export type UnitKernel = MixedKernel | LatentClassKernel;

/** True for a latent class plan. */
export function isLatentClass(plan: ModelPlan): plan is LatentClassPlan {
  return plan.kind === 'latent-class';
}

/** Builds the kernel for a plan (a mixed logit runs the {@link FastKernel}; the plain `Kernel` is its reference). */
export function createKernel(data: ChoiceData, plan: ModelPlan, nodes: NodeSource, options: KernelOptions = {}): UnitKernel {
  return isLatentClass(plan) ? new LatentClassKernel(data, plan, nodes, options) : new FastKernel(data, plan, nodes, options);
}
