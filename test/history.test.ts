/**
 * The result's convergence trace (`history`): one record per iteration of every optimizer run,
 * -LL and |g| as the optimizer saw them, seconds since the estimation started; a fallback method
 * continues the numbering of the method it replaces. And the implied distributions' location and
 * scale (what the report draws densities from), the exponential's included.
 */
import { describe, expect, it } from 'vitest';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { estimate, impliedDistributions, prepare, recordHistory, simulate, type IterationRecord } from '@mxl/estimation';
import { dataSet } from './shared.js';

describe('history', () => {
  it('records each iteration; a fallback method goes on from the last number without repeating its start', () => {
    const h: IterationRecord[] = [];
    const seen: number[] = [];
    const on = recordHistory(h, 3, performance.now(), (i) => seen.push(i.iteration));
    const info = (iteration: number, f: number) => ({ iteration, f, gradNorm: f / 10, step: 1, fEvals: iteration + 1 });
    [info(0, 10), info(1, 8), info(2, 7), info(0, 7), info(1, 6)].forEach(on);
    expect(seen).toEqual([0, 1, 2, 0, 1]);
    expect(h.map((r) => [r.run, r.iteration, r.negLogLik, r.gradNorm])).toEqual([[3, 0, 10, 1], [3, 1, 8, 0.8], [3, 2, 7, 0.7], [3, 3, 6, 0.6]]);
    expect(h.every((r) => r.seconds >= 0)).toBe(true);
  });

  it('in the result of an estimation: from the start values to the estimate, every start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-history-'));
    try {
      const files = simulate(dir, { individuals: 300, situations: 4, alternatives: 3, seed: 7 });
      const spec = { data: { path: files.data, id: 'id', situation: 'task', alt: 'alt', choice: 'choice' }, model: { fixed: ['price'], random: { time: 'normal', comfort: 'normal' } }, integration: { rule: 'halton', draws: 50 }, workers: 1 };
      const r = await estimate(spec);
      const h = r.history!;
      expect(h.length).toBe(r.iterations + 1);
      expect(h.map((x) => x.iteration)).toEqual(h.map((_, i) => i));
      expect(h.every((x) => x.run === 0)).toBe(true);
      expect(h[h.length - 1].negLogLik).toBeCloseTo(-r.loglik, 8);
      expect(h[0].negLogLik).toBeGreaterThan(h[h.length - 1].negLogLik);
      for (let i = 1; i < h.length; i++) {
        expect(h[i].negLogLik).toBeLessThanOrEqual(h[i - 1].negLogLik + 1e-9);
        expect(h[i].seconds).toBeGreaterThanOrEqual(h[i - 1].seconds);
      }
      expect(h[h.length - 1].seconds).toBeLessThanOrEqual(r.seconds + 1e-3);
      expect(h[h.length - 1].gradNorm).toBeLessThan(1e-3);
      const m = await estimate({ ...spec, optimizer: { starts: 2 } });
      expect([...new Set(m.history!.map((x) => x.run))]).toEqual([0, 1]);
      expect(Math.min(...m.history!.map((x) => x.negLogLik))).toBeCloseTo(-m.loglik, 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('implied distributions carry location and scale; the exponential is among them', async () => {
    const p = await prepare({ data: { path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' }, model: { random: { pf: '-lognormal', cl: 'exponential', loc: 'uniform' } } });
    const names = p.design.params.map((q) => q.name);
    const theta = Float64Array.from(names, (n) => ({ pf: -0.3, 'sd.pf': -0.5, cl: 0.4, loc: 2, 'sd.loc': 1.5 })[n] ?? 0);
    const d = Object.fromEntries(impliedDistributions(p.design, theta, null).map((x) => [x.coefficient, x]));
    expect([d.pf.location, d.pf.scale]).toEqual([-0.3, 0.5]);
    expect([d.loc.location, d.loc.scale]).toEqual([2, 1.5]);
    expect(d.cl.dist).toBe('exponential');
    expect([d.cl.location, d.cl.scale]).toEqual([0, 0.4]);
    expect(d.cl.mean).toBeCloseTo(0.4, 3);
    expect(d.cl.median).toBeCloseTo(0.4 * Math.LN2, 3);
  });
});
