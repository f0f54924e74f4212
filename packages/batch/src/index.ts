export * from './errors.js';
export * from './jobs.js';
export * from './results.js';
export * from './local.js';
export * from './queue.js';
export * from './bootstrap.js';
