/**
 * The hierarchical Bayes sampler's generated per-individual panel logit
 * (@mxl/engine's hb-loglik.ts) against an independent log-sum-exp written
 * from the formula in test/hb-panel.ts (log P_c = V_c - log sum_j exp V_j, max-shifted,
 * an outside option of utility 0), and against the plain loop it replaced
 * (unitLogLik): ragged choice sets (the straight-line counts and the generic
 * loop beyond 8), an outside option chosen or not, utilities far beyond
 * exp's range, and panels long enough for the product of the sums to be
 * flushed into its log.
 */
import { describe, expect, it } from 'vitest';
import { hbRecords, PanelLogLik, unitLogLik, utilityScratch } from '@mxl/engine';
import { randomPanel, textbookLogLik } from './hb-panel.js';
import { makeRng } from './simulate-dgp.js';

describe('the per-individual panel logit of the HB sampler', () => {
  const cases = [
    { name: 'J 2..4, no outside option', seed: 1, T: 10, maxJ: 4, K: 4, outside: false, scale: 1 },
    { name: 'ragged J 1..12 with an outside option', seed: 2, T: 8, maxJ: 12, K: 3, outside: true, scale: 1 },
    { name: 'utilities far beyond exp\'s range', seed: 3, T: 6, maxJ: 10, K: 2, outside: true, scale: 400 },
    { name: 'long panels (the product of the sums flushed)', seed: 4, T: 400, maxJ: 6, K: 5, outside: false, scale: 3 },
  ];
  for (const c of cases) {
    it(`agrees with the textbook formula and the plain loop: ${c.name}`, () => {
      // 1..maxJ rows with an outside option, 2..maxJ without
      const d = randomPanel({ seed: c.seed, units: 30, situations: c.T, attributes: c.K, alternatives: [c.outside ? 1 : 2, c.maxJ], outside: c.outside, scale: c.scale });
      const f = new PanelLogLik(hbRecords(d), c.K);
      const V = utilityScratch(d), r = makeRng(c.seed + 100);
      for (let u = 0; u < d.nUnits; u++) {
        const coef = Float64Array.from({ length: c.K }, () => r.z());
        const got = f.unit(u, coef), want = textbookLogLik(d, u, coef), plain = unitLogLik(d, u, coef, V);
        expect(Number.isFinite(got)).toBe(true);
        expect(got).toBeLessThanOrEqual(0);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        expect(Math.abs(got - plain)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(plain)));
      }
    });
  }

  it('stages the records in shared memory for the pool', () => {
    const d = randomPanel({ seed: 5, units: 4, situations: 3, attributes: 2, alternatives: [1, 5], outside: true });
    const rec = hbRecords(d, true);
    expect(rec.rec.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(rec.unitRec[d.nUnits]).toBe(rec.rec.length);
  });
});
