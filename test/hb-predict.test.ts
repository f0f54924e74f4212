/**
 * Post-estimation over a hierarchical Bayes posterior (interval method "posterior"): the
 * standard error and 95% interval of predicted shares are the sd and quantiles of the shares
 * evaluated at each posterior draw, here checked against shares computed one draw at a time by
 * predictors of their own; identical draws give no spread.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, prepare } from '@mxl/estimation';
import { REPO } from './shared.js';
import { Predictor } from '@mxl/postestimation';
import { longData, simulateChoices, type Rng } from './simulate-dgp.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-hb-predict-'));

describe('predictions over an HB posterior', () => {
  it('shares: sd and quantiles over the posterior draws', async () => {
    const sim = simulateChoices(dir, 'panel', {
      individuals: 60, situations: 4, alternatives: 3, seed: 8,
      attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z() },
      individual: (r: Rng) => ({ b1: 1 + 0.7 * r.z() }),
      utility: (s, x) => s.b1 * x.x1 - 0.5 * x.x2,
    });
    const spec = { data: longData(sim.file), model: { fixed: ['x2'], random: { x1: 'normal' } }, estimator: 'hb', hb: { burnIn: 50, iterations: 100, chains: 2, seed: 2 }, workers: 1 };
    const r = await estimate(spec, null);
    const p = await prepare(spec, {});
    const names = p.design.params.map((q) => q.name);
    const t = r.hb!.trace;
    const draws = [0, 7, 19, 33, 41].map((k, j) => Float64Array.from(names, (n) => t.chains[j % 2][t.names.indexOf(n)][k]));
    const pr = new Predictor(p, r, { workers: 1 });
    try {
      const s = await pr.shares({ se: true, interval: { method: 'posterior', draws } });
      expect(s.interval).toBe('posterior');
      // each draw on its own
      const at: number[][] = [];
      for (const d of draws) {
        const one = new Predictor(p, { ...r, raw: Object.fromEntries(names.map((n, i) => [n, d[i]])) }, { workers: 1 });
        try { at.push((await one.shares()).predicted); } finally { await one.close(); }
      }
      s.predicted.forEach((_, j) => {
        const v = at.map((x) => x[j]), m = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
        expect(sd).toBeGreaterThan(0);
        expect(s.se![j]).toBeCloseTo(sd, 12);
        expect(s.lower![j]).toBeGreaterThanOrEqual(Math.min(...v) - 1e-15);
        expect(s.upper![j]).toBeLessThanOrEqual(Math.max(...v) + 1e-15);
      });
      // the same draw five times: no spread
      const same = await pr.shares({ se: true, interval: { method: 'posterior', draws: draws.map(() => draws[0]) } });
      for (const x of same.se!) expect(x).toBe(0);
    } finally {
      await pr.close();
    }
  });

  it('point predictions averaged over the posterior draws: the explicit average of the statistic at each draw, the same for 1 and 2 workers', async () => {
    const sim = simulateChoices(dir, 'avg', {
      individuals: 50, situations: 4, alternatives: 3, seed: 9,
      attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z() },
      individual: (r: Rng) => ({ b1: 1 + 0.9 * r.z() }),
      utility: (s, x) => s.b1 * x.x1 - 0.8 * x.x2,
    });
    const spec = { data: longData(sim.file), model: { fixed: ['x2'], random: { x1: 'normal' } }, integration: { rule: 'halton', draws: 50 }, estimator: 'hb', hb: { burnIn: 50, iterations: 60, chains: 2, seed: 3 }, workers: 1 };
    const r = await estimate(spec, null);
    const p = await prepare(spec, {});
    const names = p.design.params.map((q) => q.name);
    const t = r.hb!.trace;
    const draws = [0, 5, 11, 17, 23, 29].map((k, j) => Float64Array.from(names, (n) => t.chains[j % 2][t.names.indexOf(n)][k]));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    // each statistic at each draw on its own, by a predictor at that draw
    const at: { shares: number[]; el: number[][]; wtp: number[]; prob: Float64Array }[] = [];
    for (const d of draws) {
      const one = new Predictor(p, { ...r, raw: Object.fromEntries(names.map((n, i) => [n, d[i]])) }, { workers: 1 });
      try { at.push({ shares: (await one.shares()).predicted, el: (await one.elasticities('x2')).values, wtp: (await one.wtp('x2')).q95, prob: (await one.probabilities()).row }); } finally { await one.close(); }
    }
    const reports = [];
    for (const workers of [1, 2]) {
      const pr = new Predictor(p, r, { workers, posterior: draws });
      try {
        reports.push({ shares: await pr.shares({ se: true }), el: await pr.elasticities('x2'), wtp: await pr.wtp('x2', { se: true }), prob: (await pr.probabilities()).row });
        await expect(pr.shares({ se: true, interval: { method: 'delta' } })).rejects.toThrow(/uncertainty from the posterior draws/);
      } finally {
        await pr.close();
      }
    }
    const [a, b] = reports;
    expect(b).toEqual(a);
    a.shares.predicted.forEach((x, j) => {
      const v = at.map((s) => s.shares[j]);
      expect(x).toBeCloseTo(mean(v), 15);
      expect(a.shares.se![j]).toBeCloseTo(Math.sqrt(v.reduce((s, y) => s + (y - mean(v)) ** 2, 0) / (v.length - 1)), 15);
    });
    expect(a.shares.interval).toBe('posterior');
    a.el.values.forEach((row, i) => row.forEach((x, l) => expect(x).toBeCloseTo(mean(at.map((s) => s.el[i][l])), 13)));
    a.wtp.q95.forEach((x, k) => expect(x).toBeCloseTo(mean(at.map((s) => s.wtp[k])), 13));
    expect(a.prob[0]).toBeCloseTo(mean(at.map((s) => s.prob[0])), 15);
    // not the plug-in prediction at the posterior means
    const plug = new Predictor(p, r, { workers: 1 });
    try { expect((await plug.elasticities('x2')).values[0][0]).not.toBeCloseTo(a.el.values[0][0], 6); } finally { await plug.close(); }
  });

  it('mxl predict on an HB result averages over the posterior draws, says so, and refuses --ci delta', () => {
    const sim = simulateChoices(dir, 'cli', {
      individuals: 40, situations: 3, alternatives: 3, seed: 4,
      attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z() },
      individual: (r: Rng) => ({ b1: 1 + 0.5 * r.z() }),
      utility: (s, x) => s.b1 * x.x1 - 0.5 * x.x2,
    });
    const file = path.join(dir, 'cli.json');
    writeFileSync(file, JSON.stringify({ data: longData(sim.file), model: { fixed: ['x2'], random: { x1: 'normal' } }, integration: { rule: 'halton', draws: 30 }, estimator: 'hb', hb: { burnIn: 30, iterations: 40, chains: 2 }, workers: 1 }));
    const mxl = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'packages/cli/dist/main.js'), ...args], { encoding: 'utf8' });
    expect(mxl('estimate', file, '--quiet').status).toBe(0);
    const ok = mxl('predict', file, '--shares', '--se', '--reps', '20', '--workers', '1');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/average of the statistic over 20 draws/);
    expect(ok.stdout).toMatch(/posterior standard deviations \(in parentheses\) over 20 draws/);
    const rep = JSON.parse(readFileSync(path.join(dir, 'cli.predict.json'), 'utf8'));
    expect(rep.shares.interval).toBe('posterior');
    const bad = mxl('predict', file, '--shares', '--se', '--ci', 'delta');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--ci delta: predictions from a hierarchical Bayes result are averages over its posterior draws/);
  });
});
