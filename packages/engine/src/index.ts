/**
 * @mxl/engine: the log-likelihood, gradient and per-unit scores of a problem
 * at theta, in-process or sharded over worker threads ({@link createEngine}).
 */
export { createEngine, type EngineOptions } from './create.js';
export { AbortError, EngineError, type Engine, type Evaluation, type NodeSpread, type PosteriorScores, type SamplerOptions, type RowProbabilities } from './engine.js';
// the building blocks of other engines (the browser's Web Worker engine in @mxl/web)
export { InProcessEngine } from './in-process.js';
export { guidedShards } from './shards.js';
export { offsetNodes } from './offset-nodes.js';
export type { WorkerSetup } from './protocol.js';
// hierarchical Bayes: the per-individual Metropolis steps on the pool
export { createHbRunner } from './hb-create.js';
export type { HbRunner, HbRunnerOptions } from './hb-runner.js';
export { paramsLayout, type HbModel, type HbPass, type HbState, type ParamsLayout } from './hb-model.js';
export { CounterStream, philox4x32 } from './hb-random.js';
export { linkValue, unitLogLik, utilityScratch } from './hb-step.js';
export { buildRecordLogLik, hbRecords, PanelLogLik, type HbRecords } from './hb-loglik.js';
export { SAMPLERS, type SamplerKind } from './sampler-state.js';
