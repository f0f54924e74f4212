/**
 * Option checks for `createRule`: each returns the validated value or throws a
 * {@link RuleConfigError} whose message names the option, the requirement and the value received.
 *
 * @packageDocumentation
 */

import { RuleConfigError } from './rule.js';

/** Prefix of every option path in messages. */
export const OPTION_PREFIX = 'integration.';

/**
 * Formats a received value for an error message: strings quoted, numbers and booleans as is,
 * objects as JSON.
 *
 * @param v - the value
 * @returns its display form
 */
export function formatReceived(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Throws a {@link RuleConfigError} for `integration.<name>`.
 *
 * @param name - option name without the prefix
 * @param requirement - what the option must be, e.g. `must be a positive integer`
 * @param received - the value received
 */
export function fail(name: string, requirement: string, received: unknown): never {
  const option = OPTION_PREFIX + name;
  throw new RuleConfigError(`${option} ${requirement}; received ${formatReceived(received)}`, option, received);
}

/**
 * @param name - option name
 * @param v - value
 * @param max - inclusive upper bound (default 2^53 - 1)
 * @returns v, checked to be an integer in [1, max]
 */
export function positiveInteger(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(name, 'must be a positive integer', v);
  if (v > max) fail(name, `must be a positive integer at most ${max}`, v);
  return v;
}

/**
 * @param name - option name
 * @param v - value
 * @param max - inclusive upper bound
 * @returns v, checked to be an integer in [0, max]
 */
export function nonNegativeInteger(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(name, 'must be a non-negative integer', v);
  if (v > max) fail(name, `must be a non-negative integer at most ${max}`, v);
  return v;
}

/**
 * @param name - option name
 * @param v - value
 * @returns v, checked to be a boolean
 */
export function boolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(name, 'must be true or false', v);
  return v;
}

/**
 * @param name - option name
 * @param v - value
 * @param allowed - allowed strings
 * @returns v, checked to be one of `allowed`
 */
export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(name, `must be one of ${allowed.join(', ')}`, v);
  }
  return v as T;
}
