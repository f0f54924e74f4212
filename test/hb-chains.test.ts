/**
 * Hierarchical Bayes chains as batch jobs: `hb.chain: k` runs chain k of the spec's chains
 * alone, and combining the one-chain results (combineHbChains, `mxl hb combine`) gives the
 * result of the multi-chain run, identical but for times and workers, whatever the workers of
 * each job; a missing, repeated or foreign chain is refused with a one-line error. End to end: a
 * batch file repeating the spec over `hb.chain`, `mxl batch run`, then `mxl hb combine`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineHbChains, estimate, prepare, type EstimationResult } from '@mxl/estimation';
import { longData, simulateChoices, type Rng } from './simulate-dgp.js';
import { REPO } from './shared.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-hb-chains-'));
const sim = simulateChoices(dir, 'panel', {
  individuals: 50, situations: 4, alternatives: 3, seed: 6,
  attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z(), x3: (r: Rng) => r.z() },
  individual: (r: Rng) => ({ b1: 1 + 0.7 * r.z(), b2: -0.5 + 0.4 * r.z() }),
  utility: (s, x) => s.b1 * x.x1 + s.b2 * x.x2 + 0.3 * x.x3,
});
const spec = (hb: Record<string, unknown> = {}) => ({
  data: longData(sim.file),
  model: { fixed: ['x3'], random: { x1: 'normal', x2: 'lognormal' }, correlated: true },
  estimator: 'hb',
  hb: { burnIn: 240, iterations: 100, thin: 2, chains: 3, seed: 7, locationMove: true, individuals: path.join(dir, 'ind.csv'), ...hb },
});

/** The result without what depends on the machine (times, workers). */
function comparable(r: EstimationResult): unknown {
  const { seconds: _s, timings: _t, workers: _w, ...rest } = r;
  return rest;
}

describe('hierarchical Bayes chains as separate jobs', () => {
  it('one chain per run, combined, equals the multi-chain run', async () => {
    const all = await estimate(spec(), { workers: 2 });
    const ind = readFileSync(path.join(dir, 'ind.csv'), 'utf8');
    const one = await Promise.all([1, 2, 3].map((k) => estimate(spec({ chain: k, individuals: path.join(dir, `ind${k}.csv`) }), { workers: k === 2 ? 2 : 1 })));
    expect(one.map((r) => r.hb!.chain)).toEqual([1, 2, 3]);
    expect(one[1].hb!.individualsFile).toBeNull(); // a chain's run writes no files: the combination does
    const p = await prepare(spec(), {});
    const combined = await combineHbChains(p, [one[2], one[0], one[1]], ['c3', 'c1', 'c2'], { workers: 1 });
    expect(comparable(combined)).toEqual(comparable(all));
    expect(readFileSync(path.join(dir, 'ind.csv'), 'utf8')).toBe(ind);
    // each chain's draws are the multi-chain run's
    expect(one[2].hb!.trace.chains[0]).toEqual(all.hb!.trace.chains[2]);
    await expect(combineHbChains(p, [one[0], one[1]], ['a', 'b'])).rejects.toThrow(/the results of chain 3 of 3 are missing/);
    await expect(combineHbChains(p, [one[0], one[0], one[1]], ['a', 'b', 'c'])).rejects.toThrow(/chain 1 is given twice \(b\)/);
    await expect(combineHbChains(await prepare(spec({ seed: 8 }), {}), one, ['a', 'b', 'c'])).rejects.toThrow(/a is a chain of another estimation/);
    await expect(combineHbChains(p, [all], ['m'])).rejects.toThrow(/m is not the result of one chain/);
    await expect(estimate(spec({ chain: 4 }))).rejects.toThrow(/hb.chain must be one of the chains 1..3/);
  });

  it('mxl batch run over hb.chain, then mxl hb combine', () => {
    const MXL = path.join(REPO, 'packages/cli/dist/main.js');
    const mxl = (...args: string[]) => spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8' });
    const specFile = path.join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify({ ...spec({ individuals: undefined }), workers: 1 }));
    writeFileSync(path.join(dir, 'batch.json'), JSON.stringify({ spec: 'spec.json', jobs: [{ name: 'hb', set: {} }], repeat: { count: 3, key: 'hb.chain' } }));
    const b = mxl('batch', 'run', path.join(dir, 'batch.json'), '--out', path.join(dir, 'jobs'), '--workers', '1');
    expect(b.status, b.stderr).toBe(0);
    const ref = mxl('estimate', specFile, '--out', path.join(dir, 'ref.json'), '--quiet');
    expect(ref.status, ref.stderr).toBe(0);
    const c = mxl('hb', 'combine', specFile, ...[3, 1, 2].map((k) => path.join(dir, 'jobs', `hb.${k}.result.json`)), '--out', path.join(dir, 'combined.json'));
    expect(c.status, c.stderr).toBe(0);
    const a = JSON.parse(readFileSync(path.join(dir, 'ref.json'), 'utf8')), m = JSON.parse(readFileSync(path.join(dir, 'combined.json'), 'utf8'));
    for (const k of ['seconds', 'timings', 'workers']) { delete a[k]; delete m[k]; }
    expect(m).toEqual(a);
    const bad = mxl('hb', 'combine', specFile, path.join(dir, 'jobs', 'hb.1.result.json'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/chains 2, 3 of 3 are missing/);
  });
});
