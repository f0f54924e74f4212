/**
 * @mxl/core: the data layout, the coefficient plan, and the kernels that
 * evaluate simulated log-likelihoods and scores (the plain reference
 * {@link Kernel}, the {@link FastKernel} that runs estimations, the
 * {@link LatentClassKernel}), with what engines need around them.
 */
export { toCrossSection, toShared, type ChoiceData } from './layout.js';
export { linkValue } from './links.js';
export { compilePlan, DrawKind, Link, type CoefficientPlan, type CoefficientSpec, type DrawKindCode, type LinkCode } from './plan.js';
export { allocateDrawStore } from './draws.js';
export { exp } from './exp.js';
export { RELAXED_SIMD_PROBE, wasmRelaxedSimdAvailable, wasmSimdAvailable } from './wasm/index.js';
export { buildWasmSoftmax, type WasmSoftmax } from './wasm/softmax.js';
export { buildWasmSituationShares, MAX_FUSED_J, type WasmSituationShares } from './wasm/situation-shares.js';
export { buildWasmTangentDots, type WasmTangentDots } from './wasm/tangent-dots.js';
/** The table-driven exp's constants and tables, for kernels that inline it (the hierarchical Bayes sampler's). */
export * as expMethod from './exp.js';
export type { Coupling } from './coupling.js';
export type { DrawStore, KernelEvaluation, KernelFault, KernelOptions, MixedKernel, NodeSource } from './kernel-api.js';
export { Kernel, reduceUnits } from './kernel.js';
export { FastKernel, type FastKernelOptions } from './fast-kernel.js';
export { LatentClassKernel, type LatentClassPlan } from './latent-class.js';
export { createKernel, isLatentClass, type ModelPlan, type UnitKernel } from './model-plan.js';
export { yieldToEventLoop } from './yield.js';
