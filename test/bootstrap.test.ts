/**
 * mxl bootstrap: replicates resampling individuals (seeded, as frequency
 * weights), each estimated from the full-sample estimate; bootstrap SEs close
 * to the asymptotic ones; the same numbers run at once, resumed, or as a job
 * array.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare, resample, simulate } from '@mxl/estimation';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const mxl = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-boot-'));
const files = simulate(path.join(dir, 'sim'), { individuals: 200, situations: 5, alternatives: 3, seed: 6 });
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

describe('bootstrap', () => {
  it('a replicate resamples individuals: N draws as frequency weights, the same for the same seed and replicate', async () => {
    const p = await prepare(json(files.spec), files.spec);
    const a = resample(p.data, 7, 1);
    const b = resample(p.data, 7, 1);
    const c = resample(p.data, 7, 2);
    expect(Array.from(a.unitWeight!)).toEqual(Array.from(b.unitWeight!));
    expect(Array.from(a.unitWeight!)).not.toEqual(Array.from(c.unitWeight!));
    expect(a.unitWeight!.reduce((s, w) => s + w, 0)).toBe(200);
    expect(a.unitWeight!.every((w) => Number.isInteger(w) && w >= 0)).toBe(true);
    // about a third of the individuals are left out of a replicate (e^-1)
    const zeros = a.unitWeight!.filter((w) => w === 0).length / 200;
    expect(zeros).toBeGreaterThan(0.25);
    expect(zeros).toBeLessThan(0.45);
  });

  it('40 replicates: SEs near the asymptotic ones, intervals around the estimates; resumed and sharded runs agree', () => {
    const out = path.join(dir, 'b1');
    const r = mxl(['bootstrap', files.spec, '--reps', '40', '--out', out, '--workers', '1', '--seed', '3']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/bootstrap: 40 replicates \(seed 3\)/);
    const s = json(path.join(out, 'bootstrap.json'));
    const full = json(path.join(out, 'full.result.json'));
    expect(s.reps).toBe(40);
    for (const p of s.parameters) {
      const asym = full.parameters.find((q: { name: string }) => q.name === p.name).se;
      expect(p.se / asym).toBeGreaterThan(0.5);
      expect(p.se / asym).toBeLessThan(2);
      expect(p.ciLower).toBeLessThan(p.ciUpper);
      if (!p.name.startsWith('sd.')) {
        expect(p.ciLower).toBeLessThan(p.estimate);
        expect(p.ciUpper).toBeGreaterThan(p.estimate);
      }
    }
    // again: nothing is re-estimated, the same summary
    const again = mxl(['bootstrap', files.spec, '--reps', '40', '--out', out, '--workers', '1', '--seed', '3']);
    expect(again.err).toMatch(/rep-0001: already done/);
    expect(json(path.join(out, 'bootstrap.json'))).toEqual(s);
    // a job array of two tasks gives the same numbers
    const sharded = path.join(dir, 'b2');
    const t1 = mxl(['bootstrap', files.spec, '--reps', '40', '--out', sharded, '--workers', '1', '--seed', '3', '--shard', '1/2']);
    expect(t1.code, t1.err).toBe(0);
    expect(t1.out).toMatch(/20 of 40 replicates done/);
    const t2 = mxl(['bootstrap', files.spec, '--reps', '40', '--out', sharded, '--workers', '1', '--seed', '3'], { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '2' });
    expect(t2.code, t2.err).toBe(0);
    expect(json(path.join(sharded, 'bootstrap.json'))).toEqual(s);
  });

  it('bad options are named', () => {
    expect(mxl(['bootstrap', files.spec, '--reps', '0', '--out', path.join(dir, 'x')]).err).toMatch(/--reps must be a positive integer; received "0"/);
    expect(mxl(['bootstrap', files.spec, '--reps', '2', '--out', path.join(dir, 'x'), '--shard', '1/2', '--redis', 'redis://x']).err).toMatch(/--shard \(a job array\) or --redis/);
  });
});
