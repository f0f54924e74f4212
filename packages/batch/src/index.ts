/**
 * `@mxl/batch`: many estimations from one batch file, here (resumable,
 * sharded) or over a Redis queue, and bootstrap replicates as batch jobs.
 *
 * @packageDocumentation
 */
export { BatchError } from './errors.js';
export { readBatch, type Job } from './jobs.js';
export { csvField, errorFile, existingResult, outcomeOf, resultFile, saveFailure, saveResult, writeAtomic, writeSummary, type JobOutcome } from './results.js';
export { parseShard, runBatch, type RunOptions, type Shard } from './local.js';
export { collectBatch, connectionOf, queueStatus, submitBatch, workQueue, type CollectOptions, type QueueOptions, type WorkOptions } from './queue.js';
export { bootstrapJobs, quantile, replicateName, summarizeBootstrap, type BootstrapSummary } from './bootstrap.js';
