export * from './engine.js';
export * from './in-process.js';
export * from './pool.js';
export * from './shards.js';
export * from './create.js';
export * from './posterior-sampler.js';
export * from './offset-nodes.js';
export type * from './protocol.js';
