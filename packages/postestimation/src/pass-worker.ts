/**
 * The worker side of {@link PassRunner}: piscina clones `workerData` into
 * each thread once; its typed arrays live in SharedArrayBuffers, so the data
 * are the same memory in every thread. The rule and population are built on
 * the first task and reused.
 */
import { workerData } from 'node:worker_threads';
import type { NodeSource } from '@mxl/core';
import { evaluateTask, ruleFrom, type PassTask, type PassWorkerSetup } from './runner.js';

const setup = workerData as PassWorkerSetup;
let nodes: NodeSource | null | undefined;
const cache = {};

/** Runs one pass over one shard at one parameter vector. */
export default function run(task: PassTask): Float64Array {
  if (nodes === undefined) nodes = ruleFrom(setup);
  return evaluateTask(setup, nodes, task, cache);
}
