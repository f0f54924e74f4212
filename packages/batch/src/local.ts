/**
 * Local batch runs (a multicore server, or one node of a cluster): jobs run
 * one after another on a worker pool of all cores (parallel inside each
 * estimation, which uses the cores better than one job per core), or
 * `concurrency` at a time with the cores split between them. Resumable: a job
 * whose result is already in the output folder is not run again (unless
 * `force`), so an interrupted batch picks up where it stopped. A job that
 * fails is recorded and the others go on.
 */
import { availableParallelism } from 'node:os';
import { estimate } from '@mxl/estimation';
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
}

/** Runs a batch locally; returns the outcomes in batch order and the summary file. */
export async function runBatch(jobs: Job[], o: RunOptions): Promise<{ outcomes: JobOutcome[]; summary: string }> {
  const C = Math.max(1, o.concurrency ?? 1);
  const workers = o.workers ?? Math.max(1, Math.floor(availableParallelism() / C));
  const outcomes: JobOutcome[] = jobs.map((j) => ({ name: j.name, status: 'pending' }));
  const log = o.log ?? (() => {});
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
    while (next < jobs.length) {
      if (o.signal?.aborted) return;
      await runOne(next++);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(C, jobs.length) }, lane));
  } finally {
    // whatever happened, the summary reflects every result on disk
    writeSummary(o.out, outcomes);
  }
  return { outcomes, summary: writeSummary(o.out, outcomes) };
}
