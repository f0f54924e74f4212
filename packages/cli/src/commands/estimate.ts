import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { estimate, formatTable, prepare, readSpec, type EstimationResult } from '@mxl/estimation';
import { writeAtomic } from '@mxl/batch';
import { CliError } from '../errors.js';
import { loadProgress } from '../progress.js';

/** Options of `mxl estimate`. */
export interface EstimateCommandOptions {
  out?: string;
  workers?: number;
  quiet?: boolean;
  truth?: Record<string, number>;
  checkpoint?: string;
  signal?: AbortSignal;
}

/**
 * `mxl estimate SPEC.json [--out RESULT.json]`: estimate, print the table, write the result JSON.
 * `--out` is relative to the working directory (the default is beside the spec); the path printed
 * is absolute either way, as is every output path mxl prints.
 */
export async function estimateCommand(specFile: string, o: EstimateCommandOptions): Promise<EstimationResult> {
  const raw = readSpec(specFile);
  const checkpoint = o.checkpoint === undefined ? undefined : path.resolve(o.checkpoint);
  const progress = o.quiet ? null : loadProgress(dataName(raw));
  let prepared;
  try {
    prepared = await prepare(raw, specFile, { onProgress: progress?.update, workers: o.workers });
  } finally {
    progress?.stop();
  }
  const names = prepared.design.params.map((p) => p.name);
  if (!o.quiet) {
    const d = prepared.data;
    process.stderr.write(`mxl: data loaded in ${prepared.loadSeconds.toFixed(2)} s: ${prepared.individuals} individuals, ${d.nSituations} situations, ${d.nRows} rows; ${names.length} parameters; ${prepared.rule ? prepared.rule.toString() : 'no random coefficients'}\n`);
  }
  const t0 = performance.now();
  const result = await estimate(prepared, specFile, {
    workers: o.workers,
    signal: o.signal,
    checkpoint,
    onResume: o.quiet ? undefined : (n) => process.stderr.write(`mxl: resuming from ${checkpoint}: ${n} logged evaluations are replayed\n`),
    onSweep: o.quiet ? undefined : (n, total, acc) => process.stderr.write(`sweep ${String(n).padStart(6)} of ${total}  acceptance ${acc.toFixed(2)}  ${((performance.now() - t0) / 1000).toFixed(1)}s\n`),
    onResumeSweep: o.quiet ? undefined : (n, total) => process.stderr.write(`mxl: resuming the hierarchical Bayes chains from ${checkpoint} after sweep ${n} of ${total}\n`),
    onIteration: o.quiet ? undefined : (it) => {
      process.stderr.write(`iter ${String(it.iteration).padStart(4)}  -LL ${it.f.toFixed(6).padStart(16)}  |g| ${it.gradNorm.toExponential(3)}  step ${it.step.toExponential(2)}  evals ${it.fEvals}  ${((performance.now() - t0) / 1000).toFixed(1)}s\n`);
    },
  });
  process.stdout.write(formatTable(result, o.truth) + '\n');
  const out = path.resolve(o.out ?? defaultBeside(specFile, '.result.json'));
  writeAtomic(out, JSON.stringify(result, null, 2) + '\n');
  if (!o.quiet) process.stderr.write(`mxl: result written to ${out}\n`);
  if (!o.quiet && checkpoint !== undefined) process.stderr.write(result.hb ? `mxl: the sampler's state saved to ${checkpoint} (a rerun of this command resumes from it)\n` : `mxl: evaluations logged to ${checkpoint} (a rerun of this command replays them)\n`);
  return result;
}

/** The default output file beside the spec: SPEC.json -> SPEC<suffix> in the spec's folder (absolute). */
export function defaultBeside(specFile: string, suffix: string): string {
  return path.join(path.dirname(path.resolve(specFile)), path.basename(specFile, '.json') + suffix);
}

/**
 * Reads the result JSON of `mxl estimate` given as `--result` (or its default
 * beside the spec), with one-line errors for a missing file, bad JSON or a
 * file that is not a result.
 */
export function readResultFile<T = { parameters: { name: string }[]; raw: Record<string, number> }>(resultFile: string): T {
  let result: { parameters?: unknown; raw?: unknown } | null;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`--result ${resultFile}: ${code === 'ENOENT' ? 'no such file (run `mxl estimate` first, or pass --result)' : `not a result JSON (${(e as Error).message})`}`);
  }
  if (!result || !Array.isArray(result.parameters) || result.raw === null || typeof result.raw !== 'object') {
    throw new CliError(`--result ${resultFile}: not a result of \`mxl estimate\` (no "parameters" and "raw")`);
  }
  return result as T;
}

/** The data file's name for progress lines. */
export function dataName(raw: unknown): string {
  const p = (raw as { data?: { path?: unknown } } | null)?.data?.path;
  return typeof p === 'string' ? path.basename(p) : 'data';
}
