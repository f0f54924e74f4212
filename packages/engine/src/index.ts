/**
 * @mxl/engine: the log-likelihood, gradient and per-unit scores of a problem
 * at theta, in-process or sharded over worker threads ({@link createEngine}).
 */
export { createEngine, type EngineOptions } from './create.js';
export { AbortError, EngineError, type Engine, type Evaluation, type PosteriorScores, type RowProbabilities } from './engine.js';
// the building blocks of other engines (the browser's Web Worker engine in @mxl/web)
export { InProcessEngine } from './in-process.js';
export { guidedShards } from './shards.js';
export { offsetNodes } from './offset-nodes.js';
export type { WorkerSetup } from './protocol.js';
