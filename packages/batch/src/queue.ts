/**
 * Distributed batch runs over a Redis queue (BullMQ): `submitBatch` puts the
 * jobs of a batch file on a named queue; any number of machines run
 * `workQueue` (each estimation on all of that machine's cores); `collectBatch`
 * waits for the jobs and writes their results like a local run.
 *
 * Guarantees (BullMQ's, configured here):
 * - a job is submitted once: its BullMQ id is its name, so submitting the
 *   same batch again adds only the jobs that are not on the queue;
 * - a job that fails with an error (a bad spec, bad data, an optimizer
 *   failure) is failed once, with its message, and not retried;
 * - a worker that dies (killed, machine lost) stops renewing its job's lock;
 *   after `lockSeconds` the job is "stalled" and put back on the queue for
 *   another worker (at most `maxStalled` times), so no job is lost;
 * - results live in Redis until collected, and collecting is idempotent.
 *
 * Estimations are deterministic for any worker count, so where a job ran does
 * not change its numbers. Workers need the data files at the same absolute
 * paths (a shared filesystem, as on most clusters).
 */
import { hostname } from 'node:os';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { estimate, type EstimationResult } from '@mxl/estimation';
import { createEngine } from '@mxl/engine';
import { BatchError } from './errors.js';
import type { Job } from './jobs.js';
import { saveFailure, saveResult, writeSummary, type JobOutcome } from './results.js';

/** Where the queue is. */
export interface QueueOptions {
  /** redis://[user:password@]host:port[/db] (default redis://127.0.0.1:6379). */
  redis?: string;
  /** Queue name (default "mxl"). */
  queue?: string;
}

/** What a job carries. */
interface JobData { name: string; spec: Record<string, unknown> }
/** What a finished job returns. */
interface JobReturn { host: string; result: EstimationResult }

/** Parses a redis:// URL into BullMQ connection options. */
export function connectionOf(url = 'redis://127.0.0.1:6379'): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BatchError(`--redis ${url}: not a URL such as redis://host:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new BatchError(`--redis ${url}: expected a redis:// or rediss:// URL`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new BatchError(`--redis ${url}: the database "${u.pathname.slice(1)}" is not a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null, // BullMQ workers need blocking commands without a retry limit
    // fail fast with a clear error when Redis is not there
    retryStrategy: (times: number) => (times > 3 ? null : 200 * times),
  };
}

const queueName = (o: QueueOptions) => o.queue ?? 'mxl';

/** Waits for the connection, turning "connection refused" into one clear error. */
async function ready(q: Queue, o: QueueOptions): Promise<void> {
  // connection errors are reported once, below, not printed by the client as unhandled events
  let last: Error | null = null;
  q.on('error', (e: Error) => { last = e; });
  try {
    await q.waitUntilReady();
    await (await q.client).ping();
  } catch (e) {
    await q.close().catch(() => {});
    throw new BatchError(`cannot reach Redis at ${o.redis ?? 'redis://127.0.0.1:6379'}: ${((e as Error) ?? last)?.message}`);
  }
}

/** Puts the jobs on the queue; jobs already there (by name) are left as they are. */
export async function submitBatch(jobs: Job[], o: QueueOptions): Promise<{ added: string[]; present: string[] }> {
  const q = new Queue<JobData, JobReturn>(queueName(o), { connection: connectionOf(o.redis) });
  await ready(q, o);
  const added: string[] = [], present: string[] = [];
  try {
    for (const j of jobs) {
      if (await q.getJob(j.name)) { present.push(j.name); continue; }
      await q.add(j.name, { name: j.name, spec: j.spec }, { jobId: j.name, attempts: 1, removeOnComplete: false, removeOnFail: false });
      added.push(j.name);
    }
  } finally {
    await q.close();
  }
  return { added, present };
}

/** Options of {@link workQueue}. */
export interface WorkOptions extends QueueOptions {
  /** Worker threads per estimation (default: all cores). */
  workers?: number;
  /** Stop when the queue has no job left to start (for cluster job scripts). */
  exitWhenIdle?: boolean;
  /** Lock of a running job, renewed while it runs; a dead worker's job is re-queued after this (default 60). */
  lockSeconds?: number;
  /** How often a job may be re-queued after its worker died (default 2). */
  maxStalled?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** Runs jobs from the queue until stopped (or, with exitWhenIdle, until none is left). */
export async function workQueue(o: WorkOptions): Promise<{ done: number; failed: number }> {
  const log = o.log ?? (() => {});
  const host = `${hostname()}:${process.pid}`;
  const lock = 1000 * (o.lockSeconds ?? 60);
  const probe = new Queue(queueName(o), { connection: connectionOf(o.redis) });
  await ready(probe, o);
  let done = 0, failed = 0;
  const worker = new Worker<JobData, JobReturn>(queueName(o), async (job) => {
    log(`${job.data.name}: started on ${host}`);
    const t0 = performance.now();
    // always a thread pool, so this thread stays free to renew the job's lock
    const result = await estimate(job.data.spec, null, { workers: o.workers, signal: o.signal, engineFactory: (d, plan, nodes, eo) => createEngine(d, plan, nodes, { ...eo, pool: true }) });
    log(`${job.data.name}: LL ${result.loglik.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { host, result };
  }, {
    connection: connectionOf(o.redis),
    concurrency: 1, // one estimation at a time: it already uses every core
    lockDuration: lock,
    stalledInterval: lock,
    maxStalledCount: o.maxStalled ?? 2,
    autorun: false,
  });
  worker.on('completed', () => { done++; });
  worker.on('failed', (job, err) => { failed++; log(`${job?.data.name ?? '?'}: failed: ${err.message}`); });
  worker.on('error', (err) => log(`worker error: ${err.message}`));
  const idle = async () => {
    const c = await probe.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    // a job active elsewhere may come back if its worker dies: wait for it too
    return c.waiting + c.active + c.delayed + c.prioritized === 0;
  };
  o.signal?.addEventListener('abort', () => { void worker.close(true); }, { once: true });
  const running = worker.run(); // resolves when the worker is closed
  // with exitWhenIdle, look once a second whether anything is left to do (here or elsewhere)
  const timer = o.exitWhenIdle ? setInterval(() => { void idle().then((yes) => { if (yes) void worker.close(); }, () => {}); }, 1000) : null;
  try {
    await running;
  } finally {
    if (timer) clearInterval(timer);
    await probe.close();
  }
  return { done, failed };
}

/** Options of {@link collectBatch}. */
export interface CollectOptions extends QueueOptions {
  out: string;
  /** Wait until every job has finished (default true); false writes what is finished now. */
  wait?: boolean;
  /** Give up waiting after this many seconds (default: never). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** Writes the finished jobs' results into `out` (like a local run) and `summary.csv`. */
export async function collectBatch(jobs: Job[], o: CollectOptions): Promise<{ outcomes: JobOutcome[]; summary: string }> {
  const q = new Queue<JobData, JobReturn>(queueName(o), { connection: connectionOf(o.redis) });
  await ready(q, o);
  const outcomes: JobOutcome[] = jobs.map((j) => ({ name: j.name, status: 'pending' }));
  const t0 = Date.now();
  try {
    for (;;) {
      let pending = 0;
      for (let i = 0; i < jobs.length; i++) {
        if (outcomes[i].status !== 'pending') continue;
        const job = await q.getJob(jobs[i].name);
        if (!job) throw new BatchError(`job "${jobs[i].name}" is not on queue "${queueName(o)}": submit the batch first`);
        const state = await job.getState();
        if (state === 'completed') {
          // a job that completed between getJob and getState was read without its return value: read it again
          const done = job.returnvalue ? job : await q.getJob(jobs[i].name);
          if (!done?.returnvalue) {
            pending++;
            continue;
          }
          outcomes[i] = saveResult(o.out, jobs[i].name, done.returnvalue.result, done.returnvalue.host);
        }
        else if (state === 'failed') outcomes[i] = saveFailure(o.out, jobs[i].name, job.failedReason ?? 'failed');
        else { pending++; continue; }
        o.log?.(`${jobs[i].name}: ${outcomes[i].status}${outcomes[i].host ? ` on ${outcomes[i].host}` : ''}`);
      }
      if (pending === 0 || o.wait === false || o.signal?.aborted) break;
      if (o.timeoutSeconds !== undefined && Date.now() - t0 > 1000 * o.timeoutSeconds) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await q.close();
  }
  return { outcomes, summary: writeSummary(o.out, outcomes) };
}

/** Job counts of a queue. */
export async function queueStatus(o: QueueOptions): Promise<Record<string, number>> {
  const q = new Queue(queueName(o), { connection: connectionOf(o.redis) });
  await ready(q, o);
  try {
    return await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  } finally {
    await q.close();
  }
}
