/**
 * Validation and defaults of {@link MinimizeOptions}.
 *
 * Options may come from a JSON model specification, so every value is checked
 * and every error message names the option (as `optimizer.<name>`) and the
 * value received.
 */
import { UserError } from '@mxl/errors';
import type { InitialHessian, IterationInfo, Method, MinimizeOptions } from './types.js';

/** Thrown for invalid optimizer options; the message names the option and the value received. */
export class OptionError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** The methods accepted by `optimizer.method`, in the order used in messages. */
export const METHODS: readonly Method[] = ['bfgs', 'lbfgs', 'bhhh', 'trust-region'];

/** The values accepted by `optimizer.initialHessian`. */
export const INITIAL_HESSIANS: readonly InitialHessian[] = ['identity', 'bhhh', 'scaled'];

/** Options after {@link checkOptions}: defaults filled in; `initialHessian` stays undefined when it depends on the problem. */
export interface CheckedOptions {
  method: Method;
  gtol: number;
  ftol: number;
  xtol: number;
  maxIter: number;
  /** Undefined means: `'bhhh'` when the problem has scores, else `'scaled'` (resolved by `minimize`). */
  initialHessian: InitialHessian | undefined;
  lbfgsMemory: number;
  trustRadius: number;
  onIteration: ((info: IterationInfo) => void) | undefined;
  signal: AbortSignal | undefined;
}

/** Default option values (Nocedal & Wright 2006 recommend c1 = 1e-4, c2 = 0.9 for the line search; those are fixed). */
export const DEFAULT_OPTIONS = Object.freeze({
  method: 'bfgs' as Method,
  gtol: 1e-6,
  ftol: 1e-12,
  xtol: 1e-10,
  maxIter: 1000,
  lbfgsMemory: 10,
  trustRadius: 1,
});

const KNOWN_KEYS: readonly (keyof MinimizeOptions)[] = [
  'method',
  'gtol',
  'ftol',
  'xtol',
  'maxIter',
  'initialHessian',
  'lbfgsMemory',
  'trustRadius',
  'onIteration',
  'signal',
];

/** Renders a received value for an error message: strings quoted, numbers as written. */
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

function fail(name: string, requirement: string, v: unknown): never {
  throw new OptionError(`optimizer.${name} must be ${requirement}; received ${show(v)}`);
}

function positiveNumber(name: string, v: unknown, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(name, 'a positive number', v);
  return v;
}

function nonNegativeNumber(name: string, v: unknown, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(name, 'a non-negative number', v);
  return v;
}

function integerAtLeast(name: string, v: unknown, def: number, min: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    fail(name, min === 0 ? 'a non-negative integer' : `an integer >= ${min}`, v);
  }
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(name, `one of ${allowed.join(', ')}`, v);
  return v as T;
}

/**
 * Validates optimizer options (a plain object, e.g. the `optimizer` section of
 * a JSON spec) and fills in defaults.
 *
 * Rules: `method` one of bfgs, lbfgs, bhhh, trust-region; `gtol` and
 * `trustRadius` positive numbers; `ftol` and `xtol` non-negative numbers (0
 * disables the test); `maxIter` a non-negative integer; `lbfgsMemory` an
 * integer ≥ 1; `initialHessian` one of identity, bhhh, scaled; `onIteration` a
 * function; `signal` an AbortSignal. Unknown keys are rejected (they are
 * usually typos). `undefined` values mean "use the default".
 *
 * @param o - the options object; `undefined`/`null` give all defaults.
 * @returns the options with defaults filled in.
 * @throws {@link OptionError} naming the option and the value, e.g.
 *   `optimizer.method must be one of bfgs, lbfgs, bhhh, trust-region; received "newton"`.
 */
export function checkOptions(o: unknown): CheckedOptions {
  if (o === undefined || o === null) o = {};
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw new OptionError(`optimizer options must be an object; received ${show(o)}`);
  }
  const r = o as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new OptionError(`optimizer.${key} is not a known option (known: ${KNOWN_KEYS.join(', ')}); received ${show(r[key])}`);
    }
  }
  const onIteration = r.onIteration;
  if (onIteration !== undefined && typeof onIteration !== 'function') fail('onIteration', 'a function', onIteration);
  const signal = r.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean')) {
    fail('signal', 'an AbortSignal', signal);
  }
  return {
    method: oneOf('method', r.method, METHODS) ?? DEFAULT_OPTIONS.method,
    gtol: positiveNumber('gtol', r.gtol, DEFAULT_OPTIONS.gtol),
    ftol: nonNegativeNumber('ftol', r.ftol, DEFAULT_OPTIONS.ftol),
    xtol: nonNegativeNumber('xtol', r.xtol, DEFAULT_OPTIONS.xtol),
    maxIter: integerAtLeast('maxIter', r.maxIter, DEFAULT_OPTIONS.maxIter, 0),
    initialHessian: oneOf('initialHessian', r.initialHessian, INITIAL_HESSIANS),
    lbfgsMemory: integerAtLeast('lbfgsMemory', r.lbfgsMemory, DEFAULT_OPTIONS.lbfgsMemory, 1),
    trustRadius: positiveNumber('trustRadius', r.trustRadius, DEFAULT_OPTIONS.trustRadius),
    onIteration: onIteration as CheckedOptions['onIteration'],
    signal: signal as AbortSignal | undefined,
  };
}
