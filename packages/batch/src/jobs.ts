/**
 * The batch file: many estimations described once.
 *
 *     {
 *       "spec": "base.json",                       optional base spec (path or object)
 *       "jobs": [
 *         { "name": "halton-500", "set": { "integration.draws": 500 } },
 *         { "name": "sobol", "spec": "sobol.json" },
 *         { "name": "mnl", "set": { "model.random": {} } }
 *       ],
 *       "repeat": { "count": 20, "key": "integration.seed" }   optional
 *     }
 *
 * A job's spec is its own `spec` (path or object), else the base spec, with
 * `set` applied (dotted paths into the spec; a value replaces what is there).
 * `repeat` turns every job into `count` replications `name.1 .. name.count`
 * with `key` set to 1 .. count (e.g. new draws per replication for a
 * simulation-noise study). Relative data paths are resolved against the file
 * the spec came from, so a job is self-contained and can run on another
 * machine that sees the same files.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SEED_USERS, seedIgnoredBecause } from '@mxl/integration';
import { BatchError } from './errors.js';

/** One estimation of a batch. */
export interface Job {
  /** Unique, file-name safe: results are written to `<name>.result.json`. */
  name: string;
  /** The spec, with an absolute data path. */
  spec: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Replications over `integration.seed` are Monte Carlo replications only when the job's rule
 * draws anew with each seed; otherwise all `count` fits would be the same, so say so before any
 * job runs.
 */
function checkRepeatUsesSeed(repeat: { count: number; key: string }, spec: Record<string, unknown>, at: string): void {
  if (repeat.key !== 'integration.seed' || repeat.count < 2) return;
  const integration = isObject(spec.integration) ? spec.integration : {};
  const why = seedIgnoredBecause(integration);
  if (why) throw new BatchError(`${at}: "repeat" sets integration.seed, but ${why}, so its ${repeat.count} replications would be identical; ${SEED_USERS}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BatchError(`${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BatchError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A spec given as a path (relative to `dir`) or an object; returns it with its folder. */
function loadSpec(v: unknown, dir: string, where: string): { spec: Record<string, unknown>; dir: string } {
  if (typeof v === 'string') {
    const file = path.resolve(dir, v);
    const spec = readJson(file, `${where}: the spec file`);
    if (!isObject(spec)) throw new BatchError(`${where}: the spec file ${file} must hold a JSON object`);
    return { spec, dir: path.dirname(file) };
  }
  if (isObject(v)) return { spec: v, dir };
  throw new BatchError(`${where} must be a spec file path or a spec object; received ${JSON.stringify(v)}`);
}

/** Sets a dotted path in a (deep-copied) object. */
function setPath(obj: Record<string, unknown>, dotted: string, value: unknown, where: string): void {
  const keys = dotted.split('.');
  if (keys.some((k) => k === '')) throw new BatchError(`${where}: "${dotted}" is not a dotted path such as "integration.draws"`);
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (o[k] === undefined) o[k] = {};
    if (!isObject(o[k])) throw new BatchError(`${where}: cannot set "${dotted}": "${k}" is not an object in the spec`);
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = structuredClone(value);
}

/**
 * Reads and checks a batch file into jobs. Specs themselves are checked when
 * a job runs (a bad job fails alone, with the spec's own error message).
 */
export function readBatch(file: string): Job[] {
  const raw = readJson(file, 'the batch file');
  const dir = path.dirname(path.resolve(file));
  const where = `batch file ${file}`;
  if (!isObject(raw)) throw new BatchError(`${where} must hold a JSON object with "jobs"`);
  for (const k of Object.keys(raw)) if (!['spec', 'jobs', 'repeat', 'description', 'name'].includes(k)) throw new BatchError(`${where}: unknown option "${k}"; expected spec, jobs, repeat, description`);
  const base = raw.spec === undefined ? null : loadSpec(raw.spec, dir, `${where}: "spec"`);
  if (!Array.isArray(raw.jobs) || raw.jobs.length === 0) throw new BatchError(`${where}: "jobs" must be a non-empty list of { "name", "spec" and/or "set" }`);
  let repeat: { count: number; key: string } | null = null;
  if (raw.repeat !== undefined) {
    const r = raw.repeat;
    if (!isObject(r) || !Number.isInteger(r.count) || (r.count as number) < 1 || typeof r.key !== 'string') {
      throw new BatchError(`${where}: "repeat" must be { "count": a positive integer, "key": a dotted spec path such as "integration.seed" }; received ${JSON.stringify(r)}`);
    }
    repeat = { count: r.count as number, key: r.key };
  }
  const jobs: Job[] = [];
  const seen = new Set<string>();
  raw.jobs.forEach((j: unknown, i: number) => {
    const at = `${where}: jobs[${i}]`;
    if (!isObject(j)) throw new BatchError(`${at} must be an object { "name", "spec" and/or "set" }`);
    for (const k of Object.keys(j)) if (!['name', 'spec', 'set'].includes(k)) throw new BatchError(`${at}: unknown option "${k}"; expected name, spec, set`);
    if (typeof j.name !== 'string' || !NAME.test(j.name)) throw new BatchError(`${at}: "name" must be letters, digits, ".", "_" or "-" (it names the result file); received ${JSON.stringify(j.name)}`);
    const src = j.spec !== undefined ? loadSpec(j.spec, dir, `${at} ("${j.name}")`) : base;
    if (!src) throw new BatchError(`${at} ("${j.name}") has no "spec" and the batch file has no base "spec"`);
    if (j.set !== undefined && !isObject(j.set)) throw new BatchError(`${at} ("${j.name}"): "set" must be an object of dotted paths and values`);
    const make = (name: string, extra: [string, unknown] | null) => {
      if (seen.has(name)) throw new BatchError(`${at}: the name "${name}" is used twice`);
      seen.add(name);
      const spec = structuredClone(src.spec);
      for (const [k, v] of Object.entries((j.set as Record<string, unknown>) ?? {})) setPath(spec, k, v, `${at} ("${j.name}")`);
      if (extra) setPath(spec, extra[0], extra[1], `${where}: "repeat"`);
      // a self-contained job: the data path made absolute against the spec's own folder
      if (isObject(spec.data) && typeof spec.data.path === 'string') spec.data.path = path.resolve(src.dir, spec.data.path);
      jobs.push({ name, spec });
    };
    if (repeat) {
      for (let r = 1; r <= repeat.count; r++) make(`${j.name}.${r}`, [repeat.key, r]);
      checkRepeatUsesSeed(repeat, jobs[jobs.length - 1].spec, `${at} ("${j.name}")`);
    }
    else make(j.name, null);
  });
  return jobs;
}
