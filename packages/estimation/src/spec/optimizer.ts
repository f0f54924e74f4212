/**
 * The spec's `optimizer` section: the options of @mxl/optim's `minimize`
 * (method, tolerances, ...) and those of the estimation around it (starts,
 * seed, reflections, reflectionTolerance, fallback).
 */
import { checkOptions, type MinimizeOptions } from '@mxl/optim';
import { didYouMean, SpecError, show } from '../errors.js';
import { isObject } from './check.js';

/** What a reflection of the spreads does: report (check), climb (search), or nothing (off). */
export type ReflectionMode = 'check' | 'search' | 'off';

/** The optimizer section after checking (as written: the defaults are filled in by `estimate`). */
export interface OptimizerSpec extends Omit<MinimizeOptions, 'onIteration' | 'signal'> {
  /** Starts of a multistart (default 5 for latent classes, else 1). */
  starts?: number;
  /** Seed of the perturbed starts. */
  seed?: number;
  /** Default (also for null): check. */
  reflections?: ReflectionMode | null;
  /** Log-likelihood gain of a reflection that is reported (default, also for null: 1). */
  reflectionTolerance?: number | null;
  /** Hand a failed method over to the next (default, also for null: true). */
  fallback?: boolean | null;
}

/** The options of `minimize` a spec may give. */
const MINIMIZE_KEYS = ['method', 'gtol', 'ftol', 'xtol', 'maxIter', 'initialHessian', 'lbfgsMemory', 'trustRadius'];
const OPTIMIZER_KEYS = [...MINIMIZE_KEYS, 'starts', 'seed', 'reflections', 'reflectionTolerance', 'fallback'];

/** Checks `optimizer` (absent: {}). */
export function checkOptimizer(raw: unknown): OptimizerSpec {
  const o = raw === undefined ? {} : raw;
  if (!isObject(o)) throw new SpecError(`optimizer must be an object like { "method": "bfgs" }; received ${show(o)}`, 'optimizer');
  for (const k of Object.keys(o)) {
    if (!OPTIMIZER_KEYS.includes(k)) throw new SpecError(`unknown option "optimizer.${k}"${didYouMean(k, OPTIMIZER_KEYS)}; expected one of ${OPTIMIZER_KEYS.join(', ')}`, `optimizer.${k}`);
  }
  checkValues(o);
  return o;
}

function checkValues(o: Record<string, unknown>): asserts o is Record<string, unknown> & OptimizerSpec {
  const { starts, seed, reflections, reflectionTolerance, fallback, ...minimizeOptions } = o;
  if (fallback != null && typeof fallback !== 'boolean') throw new SpecError(`optimizer.fallback must be true or false; received ${show(fallback)}`, 'optimizer.fallback');
  if (reflections != null && reflections !== 'check' && reflections !== 'search' && reflections !== 'off') {
    throw new SpecError(`optimizer.reflections must be "check", "search" or "off"; received ${show(reflections)}`, 'optimizer.reflections');
  }
  if (reflectionTolerance != null && (typeof reflectionTolerance !== 'number' || !(reflectionTolerance > 0))) {
    throw new SpecError(`optimizer.reflectionTolerance must be a positive number (a log-likelihood change); received ${show(reflectionTolerance)}`, 'optimizer.reflectionTolerance');
  }
  if (starts !== undefined && (typeof starts !== 'number' || !Number.isInteger(starts) || starts < 1)) throw new SpecError(`optimizer.starts must be a positive integer; received ${show(starts)}`, 'optimizer.starts');
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)) throw new SpecError(`optimizer.seed must be a non-negative integer; received ${show(seed)}`, 'optimizer.seed');
  try {
    checkOptions(minimizeOptions);
  } catch (e) {
    throw new SpecError((e as Error).message, 'optimizer');
  }
}

/** The options of `minimize` in a checked optimizer section. */
export function minimizeOptions(o: OptimizerSpec): MinimizeOptions {
  const { starts: _s, seed: _d, reflections: _r, reflectionTolerance: _t, fallback: _f, ...rest } = o;
  return checkOptions(rest);
}
