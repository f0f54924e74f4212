export * from './layout.js';
export * from './plan.js';
export * from './kernel.js';
