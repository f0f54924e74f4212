import * as path from 'node:path';
import { collectBatch, parseShard, queueStatus, readBatch, runBatch, submitBatch, workQueue, type Job, type JobOutcome } from '@mxl/batch';
import { checkSpec } from '@mxl/estimation';
import { CliError } from '../errors.js';

const log = (line: string) => process.stderr.write(`mxl batch: ${line}\n`);

function finish(outcomes: JobOutcome[], summary: string): void {
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const pending = outcomes.filter((o) => o.status === 'pending').length;
  const done = outcomes.length - failed - pending;
  process.stdout.write(`${done} of ${outcomes.length} jobs done, ${failed} failed, ${pending} pending; summary: ${summary}\n`);
  if (failed) throw new CliError(`${failed} of ${outcomes.length} jobs failed; their messages are in ${path.dirname(summary)}/<name>.error.txt and ${summary}`);
  if (pending) throw new CliError(`${pending} of ${outcomes.length} jobs have not finished yet; run collect again later`);
}

/**
 * Checks every job's spec before any job runs, so that a typo in the last job
 * does not surface hours later (the data are read when a job runs).
 */
function checkJobs(jobs: readonly Job[]): void {
  const bad: string[] = [];
  for (const j of jobs) {
    try {
      checkSpec(j.spec, null);
    } catch (e) {
      bad.push(`${j.name}: ${(e as Error).message}`);
    }
  }
  if (bad.length > 0) throw new CliError(`${bad.length} of ${jobs.length} job specs are not valid; nothing was run:\n  ${bad.join('\n  ')}`);
}

/** `mxl batch run BATCH.json --out DIR`: every job on this machine, resumable. */
export async function batchRunCommand(file: string, opts: { out: string; workers?: number; concurrency?: number; force?: boolean; shard?: string; signal?: AbortSignal }): Promise<void> {
  const o = { ...opts, out: path.resolve(opts.out) };
  const jobs = readBatch(file);
  checkJobs(jobs);
  const shard = parseShard(o.shard);
  const share = shard ? `; shard ${shard.index}/${shard.count}: ${jobs.filter((_, i) => i % shard.count === shard.index - 1).length} of them` : '';
  log(`${jobs.length} jobs from ${file}${share}; results in ${o.out}`);
  const { outcomes, summary } = await runBatch(jobs, { out: o.out, workers: o.workers, concurrency: o.concurrency, force: o.force, shard: shard ?? undefined, signal: o.signal, log });
  if (!shard) return finish(outcomes, summary);
  // a shard answers for its own jobs; the other shards' are reported as they stand
  const mine = outcomes.filter((_, i) => i % shard.count === shard.index - 1);
  const failed = mine.filter((x) => x.status === 'failed').length;
  const allDone = outcomes.filter((x) => x.status === 'done').length;
  process.stdout.write(
    `shard ${shard.index}/${shard.count}: ${mine.length - failed} of ${mine.length} jobs done, ${failed} failed; ` +
      `all shards: ${allDone} of ${outcomes.length} done so far; summary: ${summary}\n`,
  );
  if (failed) throw new CliError(`${failed} of the ${mine.length} jobs of shard ${shard.index}/${shard.count} failed; their messages are in ${path.dirname(summary)}/<name>.error.txt`);
}

/** `mxl batch submit BATCH.json`: the jobs onto a Redis queue. */
export async function batchSubmitCommand(file: string, o: { redis?: string; queue?: string }): Promise<void> {
  const jobs = readBatch(file);
  checkJobs(jobs);
  const r = await submitBatch(jobs, o);
  process.stdout.write(`${r.added.length} jobs submitted to queue "${o.queue ?? 'mxl'}"${r.present.length ? `; ${r.present.length} were already there` : ''}\n`);
}

/** `mxl batch work`: runs queued jobs on this machine. */
export async function batchWorkCommand(o: { redis?: string; queue?: string; workers?: number; exitWhenIdle?: boolean; lockSeconds?: number; signal?: AbortSignal }): Promise<void> {
  log(`working on queue "${o.queue ?? 'mxl'}"${o.exitWhenIdle ? ' until it is empty' : ' (Ctrl-C to stop)'}`);
  const r = await workQueue({ ...o, log });
  process.stdout.write(`${r.done} jobs done, ${r.failed} failed here\n`);
}

/** `mxl batch collect BATCH.json --out DIR`: results from the queue into a folder. */
export async function batchCollectCommand(file: string, opts: { out: string; redis?: string; queue?: string; wait?: boolean; timeout?: number; signal?: AbortSignal }): Promise<void> {
  const o = { ...opts, out: path.resolve(opts.out) };
  const jobs = readBatch(file);
  const { outcomes, summary } = await collectBatch(jobs, { out: o.out, redis: o.redis, queue: o.queue, wait: o.wait, timeoutSeconds: o.timeout, signal: o.signal, log });
  finish(outcomes, summary);
}

/** `mxl batch status`: job counts of the queue. */
export async function batchStatusCommand(o: { redis?: string; queue?: string }): Promise<void> {
  const c = await queueStatus(o);
  process.stdout.write(JSON.stringify({ queue: o.queue ?? 'mxl', ...c }) + '\n');
}
