export * from './errors.js';
export * from './spec.js';
export * from './model.js';
export * from './inference.js';
export * from './results.js';
export * from './estimate.js';
export * from './simulate.js';
