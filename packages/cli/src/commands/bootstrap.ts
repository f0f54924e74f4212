import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  bootstrapJobs,
  collectBatch,
  existingResult,
  parseShard,
  runBatch,
  saveResult,
  submitBatch,
  summarizeBootstrap,
  writeAtomic,
  type BootstrapSummary,
} from '@mxl/batch';
import { estimate, readSpec } from '@mxl/estimation';
import { CliError } from '../errors.js';

/** Options of `mxl bootstrap`. */
export interface BootstrapOptions {
  reps: number;
  out: string;
  seed?: number;
  workers?: number;
  shard?: string;
  redis?: string;
  queue?: string;
  signal?: AbortSignal;
}

const log = (line: string) => process.stderr.write(`mxl: ${line}\n`);

/**
 * `mxl bootstrap SPEC --reps B --out DIR [--seed S] [--shard i/n | --redis URL --queue Q]`:
 * the full-sample estimate (DIR/full.result.json), then B replicates that resample
 * individuals with replacement, each started from it; when all are done,
 * DIR/bootstrap.json with the bootstrap standard errors and percentile 95% intervals.
 * Resumable: finished replicates are not run again.
 */
export async function bootstrapCommand(specFile: string, opts: BootstrapOptions): Promise<void> {
  const o = { ...opts, out: path.resolve(opts.out) };
  if (o.shard !== undefined && o.redis !== undefined) throw new CliError('give --shard (a job array) or --redis (a queue), not both');
  const raw = readSpec(specFile) as Record<string, unknown>;
  const data = raw.data as Record<string, unknown> | undefined;
  // the replicates run anywhere: an absolute data path
  const spec = typeof data?.path === 'string' ? { ...raw, data: { ...data, path: path.resolve(path.dirname(path.resolve(specFile)), data.path) } } : raw;
  const seed = o.seed ?? 1;
  const fullFile = path.join(o.out, 'full.result.json');
  let full = existsSync(fullFile) ? existingResult(o.out, 'full') : null;
  if (!full) {
    log(`estimating the full sample (${fullFile})`);
    full = await estimate(spec, null, { workers: o.workers, signal: o.signal });
    saveResult(o.out, 'full', full);
  }
  const jobs = bootstrapJobs(spec, full, o.reps, seed);
  if (o.redis !== undefined) {
    const r = await submitBatch(jobs, { redis: o.redis, queue: o.queue });
    log(`${r.added.length} replicates submitted to queue "${o.queue ?? 'mxl'}"; waiting for them (run \`mxl batch work\` on the workers)`);
    await collectBatch(jobs, { out: o.out, redis: o.redis, queue: o.queue, wait: true, signal: o.signal, log });
  } else {
    const shard = parseShard(o.shard);
    log(`${o.reps} replicates (seed ${seed})${shard ? `, shard ${shard.index}/${shard.count}` : ''}; results in ${o.out}`);
    await runBatch(jobs, { out: o.out, workers: o.workers, shard: shard ?? undefined, signal: o.signal, log });
  }
  const done = jobs.flatMap((j) => {
    const r = existingResult(o.out, j.name);
    return r ? [{ name: j.name, result: r }] : [];
  });
  if (done.length < jobs.length) {
    process.stdout.write(`${done.length} of ${jobs.length} replicates done; bootstrap.json is written when all are (run the same command again)\n`);
    if (o.shard === undefined && o.redis === undefined) throw new CliError(`${jobs.length - done.length} replicates failed; their messages are in ${o.out}/rep-*.error.txt`);
    return;
  }
  const summary = summarizeBootstrap(full, done, seed);
  const file = path.join(o.out, 'bootstrap.json');
  writeAtomic(file, JSON.stringify(summary, null, 2) + '\n');
  process.stdout.write(formatBootstrap(summary) + `\nwritten to ${file}\n`);
}

/** The summary as a table. */
export function formatBootstrap(s: BootstrapSummary): string {
  const w = Math.max(12, ...s.parameters.map((p) => p.name.length + 2));
  const num = (x: number) => (Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-4) ? x.toExponential(4) : x.toFixed(6)).padStart(13);
  const lines = [`bootstrap: ${s.reps} replicates (seed ${s.seed})${s.notConverged.length ? `, ${s.notConverged.length} not converged` : ''}`];
  lines.push('parameter'.padEnd(w) + 'estimate'.padStart(13) + 'boot.se'.padStart(13) + '2.5%'.padStart(13) + '97.5%'.padStart(13));
  for (const p of s.parameters) lines.push(p.name.padEnd(w) + num(p.estimate) + num(p.se) + num(p.ciLower) + num(p.ciUpper));
  return lines.join('\n');
}
