/**
 * @mxl/core: the data layout, the coefficient plan, and the kernels that
 * evaluate simulated log-likelihoods and scores (the plain reference
 * {@link Kernel}, the {@link FastKernel} that runs estimations, the
 * {@link LatentClassKernel}), with what engines need around them.
 */
export { toCrossSection, toShared, type ChoiceData } from './layout.js';
export { compilePlan, DrawKind, Link, type CoefficientPlan, type CoefficientSpec, type DrawKindCode, type LinkCode } from './plan.js';
export { allocateDrawStore } from './draws.js';
export type { Coupling } from './coupling.js';
export type { DrawStore, KernelEvaluation, KernelFault, KernelOptions, MixedKernel, NodeSource } from './kernel-api.js';
export { Kernel, reduceUnits } from './kernel.js';
export { FastKernel, type FastKernelOptions } from './fast-kernel.js';
export { LatentClassKernel, type LatentClassPlan } from './latent-class.js';
export { createKernel, isLatentClass, type ModelPlan, type UnitKernel } from './model-plan.js';
