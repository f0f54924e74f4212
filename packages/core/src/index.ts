export * from './layout.js';
export * from './plan.js';
export * from './kernel.js';
export * from './latent-class.js';
export * from './model-plan.js';
