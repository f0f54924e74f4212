/**
 * {@link createHbRunner} in the browser bundle (package.json's `browser` field maps
 * ./hb-create.js here): the passes run in-process, with no piscina and no Node module.
 */
import type { ChoiceData } from '@mxl/core';
import type { HbModel } from './hb-model.js';
import { InProcessHbRunner, type HbRunner, type HbRunnerOptions } from './hb-runner.js';

/** The in-process runner (the page runs the sampler in its own worker). */
export function createHbRunner(data: ChoiceData, model: HbModel, _o: HbRunnerOptions = {}): HbRunner {
  return new InProcessHbRunner(data, model);
}
