/**
 * Where a batch's results go: one `<name>.result.json` per finished job
 * (written atomically: a temporary file renamed into place, so a crash never
 * leaves half a result and a finished result is never lost), one
 * `<name>.error.txt` per failed job, and `summary.csv` over all jobs.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EstimationResult } from '@mxl/estimation';

/** The outcome of one job. */
export interface JobOutcome {
  name: string;
  status: 'done' | 'failed' | 'pending';
  loglik?: number;
  converged?: boolean;
  iterations?: number;
  seconds?: number;
  /** Where it ran (host name and process of the worker), for distributed runs. */
  host?: string;
  message?: string;
}

/** Writes a file atomically. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The result file of job `name` in the folder `out`: `<out>/<name>.result.json`. */
export const resultFile = (out: string, name: string) => path.join(out, `${name}.result.json`);
/** The error file of job `name` in the folder `out`: `<out>/<name>.error.txt` (the message of a failed run). */
export const errorFile = (out: string, name: string) => path.join(out, `${name}.error.txt`);

/** A finished job's result already in `out`, or null. */
export function existingResult(out: string, name: string): EstimationResult | null {
  const f = resultFile(out, name);
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as EstimationResult;
  } catch {
    return null; // unreadable: run again
  }
}

/** Records a finished job. */
export function saveResult(out: string, name: string, r: EstimationResult, host?: string): JobOutcome {
  writeAtomic(resultFile(out, name), JSON.stringify(r, null, 2) + '\n');
  rmSync(errorFile(out, name), { force: true });
  return outcomeOf(name, r, host);
}

/** The outcome of a finished job: status, LL, convergence, iterations, seconds and termination of result `r` (a row of summary.csv). */
export function outcomeOf(name: string, r: EstimationResult, host?: string): JobOutcome {
  return { name, status: 'done', loglik: r.loglik, converged: r.converged, iterations: r.iterations, seconds: r.seconds, host, message: r.termination };
}

/** Records a failed job. */
export function saveFailure(out: string, name: string, message: string, host?: string): JobOutcome {
  writeAtomic(errorFile(out, name), message + '\n');
  return { name, status: 'failed', message, host };
}

/** RFC 4180 quoting of one CSV field (empty for undefined and null). */
export function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes `summary.csv` (one line per job, in batch order). */
export function writeSummary(out: string, outcomes: JobOutcome[]): string {
  const head = ['name', 'status', 'loglik', 'converged', 'iterations', 'seconds', 'host', 'message'];
  const lines = [head.join(',')];
  for (const o of outcomes) lines.push([o.name, o.status, o.loglik, o.converged, o.iterations, o.seconds, o.host, o.message].map(csvField).join(','));
  const f = path.join(out, 'summary.csv');
  writeAtomic(f, lines.join('\n') + '\n');
  return f;
}
