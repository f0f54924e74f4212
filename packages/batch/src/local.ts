/**
 * Local batch runs (a multicore server, or one node of a cluster): jobs run
 * one after another on a worker pool of all cores (parallel inside each
 * estimation, which uses the cores better than one job per core), or
 * `concurrency` at a time with the cores split between them. Resumable: a job
 * whose result is already in the output folder is not run again (unless
 * `force`), so an interrupted batch picks up where it stopped. A job that
 * fails is recorded and the others go on. On a cluster without a queue server,
 * a job array splits a batch into shards (`shard`): each task runs its share
 * into the same folder, and the summary of the last to finish covers them all.
 */
import { availableParallelism } from 'node:os';
import { estimate } from '@mxl/estimation';
import { BatchError } from './errors.js';
import type { Job } from './jobs.js';
import { existingResult, outcomeOf, saveFailure, saveResult, writeSummary, type JobOutcome } from './results.js';

/** Options of {@link runBatch}. */
export interface RunOptions {
  out: string;
  /** Worker threads per job (default: the cores divided by `concurrency`). */
  workers?: number;
  /** Jobs at a time (default 1). */
  concurrency?: number;
  /** Run jobs again even when their result exists. */
  force?: boolean;
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Run only this shard's jobs (a cluster job array: see {@link parseShard}). */
  shard?: Shard;
}

/** One of `count` shards of a batch: the jobs whose 0-based index is `index - 1` modulo `count`. */
export interface Shard {
  /** 1 .. count. */
  readonly index: number;
  readonly count: number;
}

/**
 * Reads `--shard i/n` (1 <= i <= n), or else a SLURM job array's task from the
 * environment: i = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 (so
 * `--array=0-9` and `--array=1-10` both give 1..10), n = SLURM_ARRAY_TASK_COUNT.
 * @returns null when neither is given.
 * @throws {@link BatchError} for a malformed value, naming the option or variable.
 */
export function parseShard(text: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard | null {
  if (text !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || count < 1 || index < 1 || index > count) {
      throw new BatchError(`--shard must be i/n with 1 <= i <= n (e.g. 3/10); received ${JSON.stringify(text)}`);
    }
    return { index, count };
  }
  const id = env.SLURM_ARRAY_TASK_ID;
  const n = env.SLURM_ARRAY_TASK_COUNT;
  if (id === undefined || n === undefined) return null;
  const min = env.SLURM_ARRAY_TASK_MIN ?? '1';
  const [i, c, m] = [id, n, min].map(Number);
  const index = i - m + 1;
  if (![i, c, m].every(Number.isInteger) || c < 1 || index < 1 || index > c) {
    throw new BatchError(
      `SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_COUNT=${n} do not give a shard i/n with 1 <= i <= n ` +
        `(use a contiguous --array, or give --shard)`,
    );
  }
  return { index, count: c };
}

/** Runs a batch locally; returns the outcomes in batch order and the summary file. */
export async function runBatch(jobs: Job[], o: RunOptions): Promise<{ outcomes: JobOutcome[]; summary: string }> {
  const C = Math.max(1, o.concurrency ?? 1);
  const workers = o.workers ?? Math.max(1, Math.floor(availableParallelism() / C));
  const outcomes: JobOutcome[] = jobs.map((j) => ({ name: j.name, status: 'pending' }));
  const log = o.log ?? (() => {});
  const shard = o.shard;
  // this run's jobs; in a shard, the others are reported as they are on disk (another shard's work)
  const mine = jobs.map((_, i) => i).filter((i) => !shard || i % shard.count === shard.index - 1);
  if (shard) {
    jobs.forEach((job, i) => {
      if (i % shard.count === shard.index - 1) return;
      const prev = existingResult(o.out, job.name);
      outcomes[i] = prev ? outcomeOf(job.name, prev) : { name: job.name, status: 'pending', message: `shard ${(i % shard.count) + 1}/${shard.count}` };
    });
  }
  let next = 0;
  const runOne = async (i: number) => {
    const job = jobs[i];
    const prev = o.force ? null : existingResult(o.out, job.name);
    if (prev) {
      outcomes[i] = outcomeOf(job.name, prev);
      log(`${job.name}: already done (LL ${prev.loglik}); skipped`);
      return;
    }
    const t0 = performance.now();
    try {
      const r = await estimate(job.spec, null, { workers, signal: o.signal });
      outcomes[i] = saveResult(o.out, job.name, r);
      log(`${job.name}: LL ${r.loglik.toFixed(4)}, ${r.converged ? 'converged' : `not converged (${r.termination})`}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      if (o.signal?.aborted) throw e;
      outcomes[i] = saveFailure(o.out, job.name, (e as Error).message);
      log(`${job.name}: failed: ${(e as Error).message}`);
    }
  };
  const lane = async () => {
    while (next < mine.length) {
      if (o.signal?.aborted) return;
      await runOne(mine[next++]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(C, mine.length) }, lane));
  } finally {
    // whatever happened, the summary reflects every result on disk
    writeSummary(o.out, outcomes);
  }
  return { outcomes, summary: writeSummary(o.out, outcomes) };
}
