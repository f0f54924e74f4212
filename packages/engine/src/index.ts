/**
 * @mxl/engine: the log-likelihood, gradient and per-unit scores of a problem
 * at theta, in-process or sharded over worker threads ({@link createEngine}).
 */
export { createEngine, type EngineOptions } from './create.js';
export { AbortError, EngineError, type Engine, type Evaluation, type PosteriorScores, type RowProbabilities } from './engine.js';
