export * from './layout.js';
export * from './plan.js';
export * from './kernel.js';
export * from './latent-class.js';
export * from './model-plan.js';
export * from './exp.js';
export * from './fast-kernel.js';
export * from './wasm/index.js';
