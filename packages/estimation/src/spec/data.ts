/**
 * The spec's `data` section: every key of {@link DataSpec} checked for its
 * type here, at the front door (what the values mean, e.g. whether a column
 * exists, is checked by @mxl/data as it reads the data); a relative `path`
 * resolved against the spec's folder.
 */
import * as path from 'node:path';
import { DATA_SPEC_KEYS, type DataSpec } from '@mxl/data';
import { SpecError, show } from '../errors.js';
import { checkKeys, isObject, optionalOneOf, optionalString } from './check.js';

const COLUMN_KEYS = ['id', 'situation', 'alt', 'availability', 'weight'] as const;

function stringMap(v: unknown, option: string, what: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new SpecError(`${option} must map ${what}; received ${show(v)}`, option);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new SpecError(`${option}.${k} must be an expression (a string); received ${show(x)}`, `${option}.${k}`);
  }
  return v as Record<string, string>;
}

function alternatives(v: unknown): DataSpec['alternatives'] {
  if (v === undefined) return undefined;
  const option = 'data.alternatives';
  if (!isObject(v)) throw new SpecError(`${option} must map alternatives to { attribute: column or number }; received ${show(v)}`, option);
  for (const [alt, attrs] of Object.entries(v)) {
    const at = `${option}.${alt}`;
    if (!isObject(attrs)) throw new SpecError(`${at} must map attributes to columns or numbers; received ${show(attrs)}`, at);
    for (const [a, x] of Object.entries(attrs)) {
      if (typeof x !== 'string' && typeof x !== 'number') throw new SpecError(`${at}.${a} must be a column name or a number; received ${show(x)}`, `${at}.${a}`);
    }
  }
  return v as DataSpec['alternatives'];
}

function choiceCodes(v: unknown): DataSpec['choiceCodes'] {
  if (v === undefined) return undefined;
  const option = 'data.choiceCodes';
  if (!isObject(v)) throw new SpecError(`${option} must map alternatives to their codes; received ${show(v)}`, option);
  for (const [alt, x] of Object.entries(v)) {
    if (typeof x !== 'string' && typeof x !== 'number') throw new SpecError(`${option}.${alt} must be a code (a string or a number); received ${show(x)}`, `${option}.${alt}`);
  }
  return v as DataSpec['choiceCodes'];
}

/**
 * Checks `data` and returns it with `path` resolved against `baseDir` (the
 * keys in the order given, so a checkpoint's key does not change).
 */
export function checkData(raw: unknown, baseDir: string): DataSpec {
  if (!isObject(raw)) throw new SpecError(`data must be an object with "path" (a file) or "columns" (in-memory data); received ${show(raw)}`, 'data');
  checkKeys(raw, DATA_SPEC_KEYS, 'data.');
  const data: Record<string, unknown> = { ...raw };
  if (data.columns !== undefined) {
    if (data.path !== undefined) throw new SpecError('data has both "path" and "columns"; give one: a file, or in-memory columns', 'data.columns');
  } else {
    if (typeof data.path !== 'string' || data.path.length === 0) throw new SpecError(`data.path must be a file path (or give data.columns for in-memory data); received ${show(data.path)}`, 'data.path');
    data.path = path.resolve(baseDir, data.path);
  }
  checkValues(data);
  return data;
}

/** The type of every key (the keys themselves are checked). */
function checkValues(data: Record<string, unknown>): asserts data is Record<string, unknown> & DataSpec {
  if (data.columns !== undefined && (typeof data.columns !== 'object' || data.columns === null)) {
    throw new SpecError(`data.columns must map column names to arrays (or be an Arrow table); received ${show(data.columns)}`, 'data.columns');
  }
  if (data.fileType !== undefined && !['csv', 'parquet', 'arrow'].includes(data.fileType as string)) {
    throw new SpecError(`data.fileType must be "csv", "parquet" or "arrow"; received ${show(data.fileType)}`, 'data.fileType');
  }
  optionalOneOf(data.format, 'data.format', ['long', 'wide']);
  for (const k of COLUMN_KEYS) optionalString(data[k], `data.${k}`, 'a column name');
  if (typeof data.choice !== 'string' || data.choice.length === 0) throw new SpecError(`data.choice must be the choice column; received ${show(data.choice)}`, 'data.choice');
  if (data.outside !== undefined && typeof data.outside !== 'boolean') throw new SpecError(`data.outside must be true or false; received ${show(data.outside)}`, 'data.outside');
  stringMap(data.derive, 'data.derive', 'new column names to expressions, e.g. { "cost": "price / 100" }');
  if (data.filter !== undefined && typeof data.filter !== 'string') throw new SpecError(`data.filter must be an expression (a string); received ${show(data.filter)}`, 'data.filter');
  optionalString(data.delimiter, 'data.delimiter', 'one character');
  alternatives(data.alternatives);
  choiceCodes(data.choiceCodes);
}
