/**
 * The worker side of {@link PassRunner}: piscina clones `workerData` into
 * each thread once; its typed arrays live in SharedArrayBuffers, so the data
 * are the same memory in every thread. The rule and population are built on
 * the first task and reused.
 */
import { workerData } from 'node:worker_threads';
import type { NodeSource } from '@mxl/core';
import { evaluateTask, evaluateWtp, evaluateWtpJacobian, ruleFrom, type PassCache, type PassTask, type PassWorkerSetup, type WtpJacobianTask, type WtpTask } from './runner.js';

const setup = workerData as PassWorkerSetup;
let nodes: NodeSource | null | undefined;
const cache: PassCache = {};

/** Runs one task: a pass over shards, a WTP distribution, or the WTP Jacobians' parts, at one parameter vector. */
export default function run(task: PassTask | WtpTask | WtpJacobianTask): Float64Array {
  if (nodes === undefined) nodes = ruleFrom(setup);
  if ('jacobianCost' in task) return evaluateWtpJacobian(setup, nodes, task, cache);
  return 'cost' in task ? evaluateWtp(setup, nodes, task) : evaluateTask(setup, nodes, task, cache);
}
