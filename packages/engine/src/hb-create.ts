/**
 * {@link createHbRunner}: the runner of the hierarchical Bayes sampler's passes, in-process for
 * one worker, else a piscina pool (in the browser, ./hb-create-browser.ts: in-process only).
 */
import { availableParallelism } from 'node:os';
import type { ChoiceData } from '@mxl/core';
import type { HbModel } from './hb-model.js';
import { HbPool } from './hb-pool.js';
import { InProcessHbRunner, type HbRunner, type HbRunnerOptions } from './hb-runner.js';

/** The runner of the sampler's passes: in-process for one worker, else a piscina pool. */
export function createHbRunner(data: ChoiceData, model: HbModel, o: HbRunnerOptions = {}): HbRunner {
  const workers = Math.max(1, o.workers ?? availableParallelism());
  if (workers === 1 && !o.pool) return new InProcessHbRunner(data, model);
  return new HbPool(data, model, workers);
}
