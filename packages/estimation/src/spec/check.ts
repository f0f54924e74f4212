/**
 * The small checks every section of the spec is made of. Each throws a
 * {@link SpecError} whose message names the option (a dotted path into the
 * spec) and the value received.
 */
import { didYouMean, SpecError, show } from '../errors.js';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rejects a key of `section` that is not in `keys`, naming the closest key when it is close.
 * @param prefix - the section's path with its dot (`data.`), or '' for the top level
 */
export function checkKeys(section: Record<string, unknown>, keys: readonly string[], prefix: string, expected = keys.filter((x) => !x.startsWith('$')).join(', ')): void {
  for (const k of Object.keys(section)) {
    if (keys.includes(k)) continue;
    const where = prefix === '' ? `"${k}" in the spec` : `"${prefix}${k}"`;
    throw new SpecError(`unknown option ${where}${didYouMean(k, keys)}; expected ${keys.length > 3 ? 'one of ' : ''}${expected}`, `${prefix}${k}`);
  }
}

/** A list of column names (absent: empty). */
export function stringList(v: unknown, option: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0)) {
    throw new SpecError(`${option} must be a list of column names; received ${show(v)}`, option);
  }
  return v as string[];
}

/** A map of names to finite numbers (absent: empty). */
export function numberMap(v: unknown, option: string, what: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (v === undefined) return out;
  if (!isObject(v)) throw new SpecError(`${option} must ${what}; received ${show(v)}`, option);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new SpecError(`${option}.${k} must be a finite number; received ${show(x)}`, `${option}.${k}`);
    out[k] = x;
  }
  return out;
}

/** A non-empty string, or undefined when absent. */
export function optionalString(v: unknown, option: string, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new SpecError(`${option} must be ${what}; received ${show(v)}`, option);
  return v;
}

/** One of `allowed`, or undefined when absent. */
export function optionalOneOf<T extends string>(v: unknown, option: string, allowed: readonly T[], list = allowed.map((a) => JSON.stringify(a)).join(', ')): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new SpecError(`${option} must be one of ${list}; received ${show(v)}${typeof v === 'string' ? didYouMean(v, allowed) : ''}`, option);
  return v as T;
}
