/**
 * Checkpoint and resume of the hierarchical Bayes sampler (`--checkpoint` with estimator "hb"):
 * a run stopped in the burn-in (between the location move's adaptations, so its history is part
 * of the state) and again after it, each time resumed from the checkpoint with another number of
 * workers, ends with exactly the result and the individuals' file of an uninterrupted run; a
 * finished run's checkpoint resumes to the same result; a checkpoint of another spec is not
 * resumed. The CLI test kills a run with SIGKILL mid-way.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, type EstimationResult } from '@mxl/estimation';
import { longData, simulateChoices, type Rng } from './simulate-dgp.js';
import { REPO } from './shared.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-hb-ckpt-'));
const sim = simulateChoices(dir, 'panel', {
  individuals: 60, situations: 4, alternatives: 3, seed: 5,
  attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z(), x3: (r: Rng) => r.z() },
  individual: (r: Rng) => ({ b1: 1 + 0.7 * r.z(), b2: -0.5 + 0.4 * r.z() }),
  utility: (s, x) => s.b1 * x.x1 + s.b2 * x.x2 + 0.3 * x.x3,
});
const spec = (hb: Record<string, unknown>) => ({
  data: longData(sim.file),
  model: { fixed: ['x3'], random: { x1: 'normal', x2: 'normal' }, correlated: true },
  estimator: 'hb',
  hb: { burnIn: 800, iterations: 200, thin: 2, chains: 2, seed: 4, locationMove: true, ...hb },
});

/** The result without what depends on the machine (times, workers). */
function comparable(r: EstimationResult): unknown {
  const { seconds: _s, timings: _t, workers: _w, ...rest } = r;
  return rest;
}

/** Runs until sweep `stop` has been checkpointed, then aborts. */
async function stopAt(s: Record<string, unknown>, ckpt: string, stop: number, workers: number, resumed: number[]): Promise<void> {
  const ac = new AbortController();
  const run = estimate(s, { workers, checkpoint: ckpt, signal: ac.signal, onSweep: (n) => { if (n === stop) ac.abort(); }, onResumeSweep: (n) => resumed.push(n) });
  await expect(run).rejects.toThrow();
}

describe('hierarchical Bayes checkpoints', () => {
  it('stopped twice and resumed, the result equals an uninterrupted run', async () => {
    const ref = await estimate(spec({ individuals: path.join(dir, 'ref.csv') }), { workers: 1 });
    const ckpt = path.join(dir, 'run.ckpt');
    const s = spec({ individuals: path.join(dir, 'resumed.csv') });
    const resumed: number[] = [];
    await stopAt(s, ckpt, 300, 2, resumed); // in the burn-in, between the adaptations at 200 and 400
    await stopAt(s, ckpt, 900, 1, resumed); // among the kept sweeps
    const r = await estimate(s, { workers: 2, checkpoint: ckpt, onResumeSweep: (n) => resumed.push(n) });
    expect(resumed).toEqual([300, 900]);
    const { hb: _h1, ...a } = comparable(ref) as { hb: unknown };
    const { hb: _h2, ...b } = comparable(r) as { hb: unknown };
    expect(b).toEqual(a);
    expect({ ...r.hb!, individualsFile: null }).toEqual({ ...ref.hb!, individualsFile: null });
    expect(readFileSync(path.join(dir, 'resumed.csv'), 'utf8')).toBe(readFileSync(path.join(dir, 'ref.csv'), 'utf8'));
    // the finished run's checkpoint: resumed after the last sweep, the same result
    const again = await estimate(s, { workers: 1, checkpoint: ckpt, onResumeSweep: (n) => resumed.push(n) });
    expect(resumed).toEqual([300, 900, 1000]);
    expect(comparable(again)).toEqual(comparable(r));
    // another seed: the checkpoint is not resumed, and the run is that seed's
    const other = await estimate(spec({ seed: 5 }), { workers: 1, checkpoint: ckpt, onResumeSweep: (n) => resumed.push(n) });
    expect(resumed).toEqual([300, 900, 1000]);
    expect(other.raw).not.toEqual(r.raw);
    expect(other.raw).toEqual((await estimate(spec({ seed: 5 }), { workers: 1 })).raw);
  });

  it('mxl estimate --checkpoint: killed with SIGKILL mid-run, the same command ends as an uninterrupted run', async () => {
    const MXL = path.join(REPO, 'packages/cli/dist/main.js');
    const file = path.join(dir, 'cli.json');
    writeFileSync(file, JSON.stringify({ ...spec({ burnIn: 3000, iterations: 3000 }), workers: 1 }));
    const ref = path.join(dir, 'cli-ref.json'), out = path.join(dir, 'cli-out.json'), ckpt = path.join(dir, 'cli.ckpt');
    expect(spawnSync(process.execPath, [MXL, 'estimate', file, '--out', ref, '--quiet'], { encoding: 'utf8' }).status).toBe(0);
    const child = spawn(process.execPath, [MXL, 'estimate', file, '--out', out, '--checkpoint', ckpt], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    let ended = false;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.on('exit', () => { ended = true; });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => { if (ended || /sweep\s+1000 of/.test(err)) { clearInterval(t); resolve(); } }, 5);
    });
    expect(ended, `the run ended before sweep 1000:\n${err}`).toBe(false);
    child.kill('SIGKILL');
    await exited;
    const again = spawnSync(process.execPath, [MXL, 'estimate', file, '--out', out, '--checkpoint', ckpt], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming the hierarchical Bayes chains from .*cli\.ckpt after sweep [1-9]\d*00 of 6000/);
    const a = JSON.parse(readFileSync(ref, 'utf8')), b = JSON.parse(readFileSync(out, 'utf8'));
    expect(b.raw).toEqual(a.raw);
    expect(b.loglik).toBe(a.loglik);
    expect(b.hb.trace).toEqual(a.hb.trace);
    expect(b.hb.acceptance).toEqual(a.hb.acceptance);
  });
});
