/**
 * The estimation spec (the JSON a user writes) and its validation into a
 * fully typed, defaulted {@link CheckedSpec}. Every section has its checker
 * (./spec/*.ts) and every key of every section is checked here, at the front
 * door, with "did you mean" for a near miss. Validation follows stdlib's and
 * piscina's habit: every message names the option and the value received.
 */
import * as path from 'node:path';
import type { DataSpec } from '@mxl/data';
import { SpecError, show } from './errors.js';
import { checkKeys, isObject } from './spec/check.js';
import { checkData } from './spec/data.js';
import { checkIntegration, type IntegrationSpec } from './spec/integration.js';
import { checkModel, type ModelSpec } from './spec/model.js';
import { checkOptimizer, type OptimizerSpec } from './spec/optimizer.js';
import { checkRun, type RunSpec } from './spec/run.js';
import { checkHb, type HbSpec } from './hb/spec.js';
import { checkMss, type MssSpec } from './spec/mss.js';

export { DISTRIBUTIONS, type DistName, type RandomSpec, type ModelSpec } from './spec/model.js';
export { SE_METHODS, ESTIMATORS, type SeMethod, type EstimatorName } from './spec/run.js';
export { checkIntegration, type IntegrationSpec } from './spec/integration.js';
export { checkOptimizer, type OptimizerSpec, type ReflectionMode } from './spec/optimizer.js';
export { checkData } from './spec/data.js';
export { checkModel } from './spec/model.js';
export { checkMss, type MssSpec } from './spec/mss.js';

/** The spec after validation, with every default filled in. */
export interface CheckedSpec extends RunSpec {
  /** Folder the relative paths were resolved against. */
  baseDir: string;
  /** The data spec (`path` resolved against `baseDir`, or in-memory `columns`). */
  data: DataSpec;
  model: ModelSpec;
  integration: IntegrationSpec;
  optimizer: OptimizerSpec;
  /** The hierarchical Bayes settings (estimator "hb" only; absent otherwise). */
  hb?: HbSpec;
  /** The method of simulated scores' sampler (estimator "mss" only; absent otherwise). */
  mss?: MssSpec;
}

const TOP_KEYS = ['data', 'model', 'integration', 'optimizer', 'estimator', 'se', 'start', 'workers', 'drawCache', 'bootstrap', 'hb', 'mss', 'name', 'description', '$schema'];

/**
 * Validates a parsed spec.
 * @param raw - the parsed JSON
 * @param specFile - path of the spec file (relative data paths are resolved against its folder), or null
 * @param baseDir - where relative data paths start, when given (default: the spec file's folder, else the working directory)
 */
export function checkSpec(raw: unknown, specFile: string | null, baseDir?: string): CheckedSpec {
  if (!isObject(raw)) throw new SpecError(`the spec must be a JSON object; received ${show(raw)}`);
  checkKeys(raw, TOP_KEYS, '');
  const dir = baseDir !== undefined ? path.resolve(baseDir) : specFile ? path.dirname(path.resolve(specFile)) : process.cwd();
  const data = checkData(raw.data, dir);
  const model = checkModel(raw.model, { id: data.id, se: raw.se });
  const integration = checkIntegration(raw.integration);
  const optimizer = checkOptimizer(raw.optimizer);
  const { se, start, workers, estimator, drawCache, bootstrap } = checkRun(raw);
  // the order of the keys is part of a checkpoint's key (checkpointKey hashes the JSON)
  const hb = checkHb(raw.hb, estimator, dir);
  const checked: CheckedSpec = { baseDir: dir, data, model, integration, optimizer, se, start, workers, estimator, drawCache, bootstrap };
  if (hb) checked.hb = hb;
  const mss = checkMss(raw.mss, estimator);
  if (mss) checked.mss = mss;
  return checked;
}
