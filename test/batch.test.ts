/**
 * Batch runs: locally (results per job, failures recorded, resumable) and over
 * a real Redis queue with several worker processes, one of them killed in the
 * middle of a job (the job goes back on the queue and finishes elsewhere).
 * Where a job runs does not change its numbers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '@mxl/estimation';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');

function mxl(args: string[]) {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-batch-'));
const small = simulate(path.join(dir, 'small'), { individuals: 200, situations: 5, alternatives: 3, seed: 3 });
const big = simulate(path.join(dir, 'big'), { individuals: 1500, situations: 8, alternatives: 4, seed: 4 });
const specOf = (files: { spec: string }) => JSON.parse(readFileSync(files.spec, 'utf8'));

function batchFile(name: string, batch: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, JSON.stringify(batch));
  return f;
}

const SMALL = batchFile('small.json', {
  spec: path.relative(dir, small.spec),
  jobs: [
    { name: 'halton', set: { 'integration.draws': 30, workers: 1 } },
    { name: 'sobol', set: { integration: { rule: 'sobol', draws: 32, scramble: 'owen', seed: 1 }, workers: 2 } },
    { name: 'broken', set: { 'model.fixed': ['nope'] } },
  ],
});

const resultOf = (out: string, name: string) => JSON.parse(readFileSync(path.join(out, `${name}.result.json`), 'utf8'));

describe('mxl batch run (this machine)', () => {
  it('a job array: --shard i/n (or SLURM_ARRAY_TASK_*) runs every n-th job; together the shards run each job once', () => {
    const out = path.join(dir, 'sharded');
    const FOUR = batchFile('four.json', {
      spec: path.relative(dir, small.spec),
      jobs: [10, 12, 14, 16].map((draws) => ({ name: `r${draws}`, set: { 'integration.draws': draws, workers: 1 } })),
    });
    const r1 = mxl(['batch', 'run', FOUR, '--out', out, '--shard', '1/2']);
    expect(r1.code, r1.err).toBe(0);
    expect(r1.out).toMatch(/shard 1\/2: 2 of 2 jobs done, 0 failed; all shards: 2 of 4 done so far/);
    expect(['r10', 'r14'].every((n) => existsSync(path.join(out, `${n}.result.json`)))).toBe(true);
    expect(['r12', 'r16'].some((n) => existsSync(path.join(out, `${n}.result.json`)))).toBe(false);
    // the second task of a SLURM array declared --array=0-1
    const r2 = spawnSync(process.execPath, [MXL, 'batch', 'run', FOUR, '--out', out], {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '2' },
    });
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/shard 2\/2: 2 of 2 jobs done, 0 failed; all shards: 4 of 4 done so far/);
    const summary = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n').slice(1);
    expect(summary.map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['r10,done', 'r12,done', 'r14,done', 'r16,done']);
    // the same numbers as one unsharded run
    const whole = path.join(dir, 'unsharded');
    expect(mxl(['batch', 'run', FOUR, '--out', whole]).code).toBe(0);
    for (const n of ['r10', 'r12', 'r14', 'r16']) expect(resultOf(out, n).loglik).toBe(resultOf(whole, n).loglik);
    // bad shards are named
    const bad = mxl(['batch', 'run', FOUR, '--out', out, '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--shard must be i\/n with 1 <= i <= n \(e\.g\. 3\/10\); received "3\/2"/);
  });

  it('writes every result, records the failing job, and resumes without redoing finished jobs', () => {
    const out = path.join(dir, 'local');
    let r = mxl(['batch', 'run', SMALL, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/1 of 3 jobs failed/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(/2 of 3 jobs done, 1 failed/);
    expect(readFileSync(path.join(out, 'broken.error.txt'), 'utf8')).toMatch(/nope/);
    const summary = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary[0]).toBe('name,status,loglik,converged,iterations,seconds,host,message');
    expect(summary.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['halton,done', 'sobol,done', 'broken,failed']);
    // the same numbers as estimating the spec directly
    const direct = path.join(dir, 'direct.json');
    writeFileSync(direct, JSON.stringify({ ...specOf(small), data: { ...specOf(small).data, path: path.join(dir, 'small', 'data.csv') }, integration: { rule: 'halton', draws: 30 }, workers: 2 }));
    expect(mxl(['estimate', direct, '--out', path.join(dir, 'direct.result.json'), '--quiet']).code).toBe(0);
    expect(resultOf(out, 'halton').loglik).toBe(JSON.parse(readFileSync(path.join(dir, 'direct.result.json'), 'utf8')).loglik);
    // resume: finished jobs are skipped (files untouched), the failed one is tried again
    const t = statSync(path.join(out, 'halton.result.json')).mtimeMs;
    r = mxl(['batch', 'run', SMALL, '--out', out]);
    expect(r.err).toMatch(/halton: already done .* skipped/);
    expect(statSync(path.join(out, 'halton.result.json')).mtimeMs).toBe(t);
    expect(r.err).toMatch(/broken: failed/);
  });
});

// ---------------------------------------------------------------- the distributed queue
const hasRedis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasRedis) console.warn('redis-server is not installed: the Redis queue tests are skipped (.ci/run installs it)');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function worker(redis: string, queue: string, extra: string[] = []): { child: ChildProcess; log: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MXL, 'batch', 'work', '--redis', redis, '--queue', queue, '--exit-when-idle', '--workers', '1', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d) => { text += d; });
  child.stdout!.on('data', (d) => { text += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => text, exited };
}

/**
 * Waits until `cond` holds, at most `ms`; a watched child process that exits first ends the wait
 * at once with an error carrying what it printed (a failed run is never waited on).
 */
async function until(cond: () => boolean, ms: number, watch?: { child: ChildProcess; log: () => string }): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (watch && watch.child.exitCode !== null) throw new Error(`the process exited (${watch.child.exitCode}) first:\n${watch.log()}`);
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasRedis)('mxl batch over a Redis queue (BullMQ)', () => {
  let server: ChildProcess;
  let redis = '';
  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redis = `redis://127.0.0.1:${port}`;
    await until(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 10_000, { child: server, log: () => 'redis-server (its output is not kept)' });
  });
  afterAll(() => { server?.kill('SIGKILL'); });

  it('two workers share the jobs; collected results equal the local run to the last bit; resubmitting adds nothing', async () => {
    let r = mxl(['batch', 'submit', SMALL, '--redis', redis, '--queue', 'q1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 jobs submitted to queue "q1"/);
    expect(mxl(['batch', 'submit', SMALL, '--redis', redis, '--queue', 'q1']).out).toMatch(/0 jobs submitted .* 3 were already there/);
    const a = worker(redis, 'q1'), b = worker(redis, 'q1');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const out = path.join(dir, 'remote');
    r = mxl(['batch', 'collect', SMALL, '--out', out, '--redis', redis, '--queue', 'q1']);
    expect(r.code).toBe(2); // the broken job failed there too
    expect(readFileSync(path.join(out, 'broken.error.txt'), 'utf8')).toMatch(/nope/);
    for (const name of ['halton', 'sobol']) {
      const x = resultOf(out, name), y = resultOf(path.join(dir, 'local'), name);
      expect(x.loglik).toBe(y.loglik);
      expect(x.parameters.map((p: { estimate: number }) => p.estimate)).toEqual(y.parameters.map((p: { estimate: number }) => p.estimate));
    }
    expect(JSON.parse(mxl(['batch', 'status', '--redis', redis, '--queue', 'q1']).out)).toMatchObject({ completed: 2, failed: 1, waiting: 0, active: 0 });
  });

  it('bootstrap replicates on the queue: the same bootstrap.json as a local run', async () => {
    const local = path.join(dir, 'boot-local');
    expect(mxl(['bootstrap', small.spec, '--reps', '6', '--out', local, '--workers', '1', '--seed', '9']).code).toBe(0);
    const out = path.join(dir, 'boot-queue');
    const boot = spawn(process.execPath, [MXL, 'bootstrap', small.spec, '--reps', '6', '--out', out, '--seed', '9', '--redis', redis, '--queue', 'qb'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    boot.stderr!.on('data', (d) => { text += d; });
    const exited = new Promise<number | null>((resolve) => boot.on('exit', (code) => resolve(code)));
    await until(() => /6 replicates submitted to queue "qb"/.test(text), 60_000, { child: boot, log: () => text });
    const w = worker(redis, 'qb');
    expect(await w.exited).toBe(0);
    expect(await exited, text).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'bootstrap.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(path.join(local, 'bootstrap.json'), 'utf8')));
  });

  it('a worker killed in the middle of a job: the job goes back on the queue and another worker finishes it', async () => {
    const b = batchFile('big.json', { spec: path.relative(dir, big.spec), jobs: [{ name: 'long', set: { 'integration.draws': 400 } }] });
    expect(mxl(['batch', 'submit', b, '--redis', redis, '--queue', 'q2']).code).toBe(0);
    const first = worker(redis, 'q2', ['--lock-seconds', '3']);
    await until(() => /long: started on /.test(first.log()), 60_000, first);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = worker(redis, 'q2', ['--lock-seconds', '3']);
    expect(await second.exited).toBe(0);
    expect(second.log()).toMatch(/long: started on /);
    const out = path.join(dir, 'recovered');
    const r = mxl(['batch', 'collect', b, '--out', out, '--redis', redis, '--queue', 'q2']);
    expect(r.code).toBe(0);
    const summary = readFileSync(path.join(out, 'summary.csv'), 'utf8');
    expect(summary).toMatch(new RegExp(`long,done,.*:${second.child.pid},`));
    expect(existsSync(path.join(out, 'long.result.json'))).toBe(true);
  });

  it('Redis not there: one clear error', () => {
    const r = mxl(['batch', 'submit', SMALL, '--redis', 'redis://127.0.0.1:1', '--queue', 'q3']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
