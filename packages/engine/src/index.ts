export * from './engine.js';
export * from './in-process.js';
