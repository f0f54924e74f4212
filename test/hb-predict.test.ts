/**
 * Post-estimation over a hierarchical Bayes posterior (interval method "posterior"): the
 * standard error and 95% interval of predicted shares are the sd and quantiles of the shares
 * evaluated at each posterior draw, here checked against shares computed one draw at a time by
 * predictors of their own; identical draws give no spread.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, prepare } from '@mxl/estimation';
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
});
