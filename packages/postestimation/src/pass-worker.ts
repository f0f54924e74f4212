/**
 * The worker side of {@link PassRunner}: piscina clones `workerData` into
 * each thread once; its typed arrays live in SharedArrayBuffers, so the data
 * are the same memory in every thread. The rule and population are built on
 * the first task and reused.
 */
import { workerData } from 'node:worker_threads';
import type { NodeSource } from '@mxl/core';
import { evaluateTask, evaluateWtp, ruleFrom, type PassTask, type PassWorkerSetup, type WtpTask } from './runner.js';

const setup = workerData as PassWorkerSetup;
let nodes: NodeSource | null | undefined;
const cache = {};

/** Runs one task: a pass over shards, or a WTP distribution, at one parameter vector. */
export default function run(task: PassTask | WtpTask): Float64Array {
  if (nodes === undefined) nodes = ruleFrom(setup);
  return 'cost' in task ? evaluateWtp(setup, nodes, task) : evaluateTask(setup, nodes, task, cache);
}
