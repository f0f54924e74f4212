/**
 * `mxl hb combine SPEC.json RESULT.json...`: joins the results of hierarchical Bayes chains run
 * as separate jobs (`hb.chain: k` in each, e.g. a batch file's `"repeat": { "count": C, "key":
 * "hb.chain" }`, with --shard or the Redis queue) into the result of the multi-chain run of SPEC
 * (its `hb.chain`, if any, ignored), identical to it but for the times and the workers; prints
 * the table and writes the result JSON (and the spec's hb.draws and hb.individuals files).
 */
import * as path from 'node:path';
import { combineHbChains, formatTable, prepare, readSpec, type ChainResult } from '@mxl/estimation';
import { writeAtomic } from '@mxl/batch';
import { CliError } from '../errors.js';
import { defaultBeside, readResultFile } from './estimate.js';

/** Options of `mxl hb combine`. */
export interface HbCombineOptions {
  out?: string;
  workers?: number;
  quiet?: boolean;
}

/** Combines the one-chain results `files` of the estimation of `specFile`. */
export async function hbCombineCommand(specFile: string, files: readonly string[], o: HbCombineOptions): Promise<void> {
  if (files.length === 0) throw new CliError('mxl hb combine needs the result files of the chains (one per chain)');
  const results = files.map((f) => readResultFile<ChainResult>(path.resolve(f)));
  const prepared = await prepare(readSpec(specFile), specFile, { workers: o.workers });
  const result = await combineHbChains(prepared, results, files.map((f) => path.resolve(f)), { workers: o.workers });
  process.stdout.write(formatTable(result) + '\n');
  const out = path.resolve(o.out ?? defaultBeside(specFile, '.result.json'));
  writeAtomic(out, JSON.stringify(result, null, 2) + '\n');
  if (!o.quiet) process.stderr.write(`mxl: ${files.length} chains combined; result written to ${out}\n`);
}
