/**
 * Checkpoint and resume (mxl estimate --checkpoint): a run killed with
 * SIGKILL in the middle of the optimization, run again with the same command,
 * ends with exactly the estimates, LL and iteration count of an
 * uninterrupted run; a checkpoint of other data is not replayed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '@mxl/estimation';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-ckpt-'));
const files = simulate(path.join(dir, 'sim'), { individuals: 800, situations: 8, alternatives: 4, seed: 12 });
const spec = path.join(dir, 'spec.json');
writeFileSync(spec, JSON.stringify({ ...JSON.parse(readFileSync(files.spec, 'utf8')), data: { ...JSON.parse(readFileSync(files.spec, 'utf8')).data, path: path.join(dir, 'sim', 'data.csv') }, integration: { rule: 'halton', draws: 300 }, workers: 2, optimizer: { starts: 2 } }));
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const run = (args: string[]) => spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('checkpoint and resume', () => {
  it('killed with SIGKILL mid-run, the same command ends exactly as an uninterrupted run', async () => {
    const ref = path.join(dir, 'ref.json');
    expect(run(['estimate', spec, '--out', ref, '--quiet']).status).toBe(0);
    expect(json(ref).iterations).toBeGreaterThan(8); // so that a kill at iteration 6 is mid-run

    const ckpt = path.join(dir, 'run.ckpt');
    const out = path.join(dir, 'resumed.json');
    const child = spawn(process.execPath, [MXL, 'estimate', spec, '--out', out, '--checkpoint', ckpt], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    let ended = false;
    const exited = new Promise((resolve) => child.on('exit', (code) => { ended = true; resolve(code); }));
    // Wait for iteration 6, or for the child to end first (then fail with what it printed).
    await new Promise<void>((resolve) => {
      const t = setInterval(() => { if (ended || /iter\s+6\b/.test(err)) { clearInterval(t); resolve(); } }, 20);
    });
    expect(/iter\s+6\b/.test(err), `the run ended before iteration 6:\n${err}`).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(statSync(ckpt).size).toBeGreaterThan(0);

    const again = run(['estimate', spec, '--out', out, '--checkpoint', ckpt]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming from .*run\.ckpt: \d+ logged evaluations are replayed/);
    const a = json(ref);
    const b = json(out);
    expect(b.loglik).toBe(a.loglik);
    expect(b.iterations).toBe(a.iterations);
    expect(b.functionEvaluations).toBe(a.functionEvaluations);
    expect(b.raw).toEqual(a.raw);
    expect(b.parameters.map((p: { se: number }) => p.se)).toEqual(a.parameters.map((p: { se: number }) => p.se));
    expect(b.starts).toEqual(a.starts);
  });

  it('a checkpoint of another spec is not replayed: the run starts afresh', () => {
    const ckpt = path.join(dir, 'other.ckpt');
    expect(run(['estimate', spec, '--out', path.join(dir, 'o1.json'), '--checkpoint', ckpt, '--quiet']).status).toBe(0);
    const other = path.join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...json(spec), integration: { rule: 'halton', draws: 100 } }));
    const r = run(['estimate', other, '--out', path.join(dir, 'o2.json'), '--checkpoint', ckpt]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/resuming/);
    // and a second run of that spec replays all of it
    const r2 = run(['estimate', other, '--out', path.join(dir, 'o3.json'), '--checkpoint', ckpt]);
    expect(r2.stderr).toMatch(/resuming/);
    expect(json(path.join(dir, 'o3.json')).loglik).toBe(json(path.join(dir, 'o2.json')).loglik);
  });
});
