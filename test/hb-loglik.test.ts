/**
 * The hierarchical Bayes sampler's generated per-individual panel logit
 * (@mxl/engine's hb-loglik.ts) against an independent log-sum-exp written
 * here from the formula (log P_c = V_c - log sum_j exp V_j, max-shifted,
 * an outside option of utility 0), and against the plain loop it replaced
 * (unitLogLik): ragged choice sets (the straight-line counts and the generic
 * loop beyond 8), an outside option chosen or not, utilities far beyond
 * exp's range, and panels long enough for the product of the sums to be
 * flushed into its log.
 */
import { describe, expect, it } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import { hbRecords, PanelLogLik, unitLogLik, utilityScratch } from '@mxl/engine';
import { makeRng } from './simulate-dgp.js';

/** A panel of `N` units with `T` situations of 1..maxJ rows each (with an outside option when `outside`). */
function panel(seed: number, N: number, T: number, maxJ: number, K: number, outside: boolean, scale: number): ChoiceData {
  const r = makeRng(seed);
  const unitSit = [0], sitRow = [0], sitChosen: number[] = [], X: number[] = [];
  let rows = 0;
  for (let u = 0; u < N; u++) {
    for (let t = 0; t < T; t++) {
      const J = (outside ? 1 : 2) + Math.floor(r.u() * (maxJ - (outside ? 0 : 1)));
      for (let j = 0; j < J * K; j++) X.push(scale * r.z());
      const pick = Math.floor(r.u() * (J + (outside ? 1 : 0)));
      sitChosen.push(pick < J ? rows + pick : -1);
      rows += J;
      sitRow.push(rows);
    }
    unitSit.push(unitSit[unitSit.length - 1] + T);
  }
  return {
    nUnits: N, nSituations: N * T, nRows: rows, nVars: K, varNames: Array.from({ length: K }, (_, k) => `x${k}`),
    unitSit: Int32Array.from(unitSit), sitRow: Int32Array.from(sitRow), sitChosen: Int32Array.from(sitChosen), X: Float64Array.from(X),
    rowAlt: new Int32Array(rows), altLabels: [], unitWeight: null, unitCluster: Int32Array.from({ length: N }, (_, u) => u), nClusters: N,
    outside, unitChars: null, charNames: [],
  };
}

/** log L_u by the textbook formula, max-shifted (independent of the library). */
function reference(d: ChoiceData, u: number, coef: Float64Array): number {
  let ll = 0;
  for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
    const V: number[] = [];
    for (let r = d.sitRow[s]; r < d.sitRow[s + 1]; r++) { let v = 0; for (let k = 0; k < d.nVars; k++) v += d.X[r * d.nVars + k] * coef[k]; V.push(v); }
    if (d.outside) V.push(0);
    const c = d.sitChosen[s] >= 0 ? d.sitChosen[s] - d.sitRow[s] : V.length - 1;
    const m = Math.max(...V);
    ll += V[c] - m - Math.log(V.reduce((a, v) => a + Math.exp(v - m), 0));
  }
  return ll;
}

describe('the per-individual panel logit of the HB sampler', () => {
  const cases = [
    { name: 'J 2..4, no outside option', seed: 1, T: 10, maxJ: 4, K: 4, outside: false, scale: 1 },
    { name: 'ragged J 1..12 with an outside option', seed: 2, T: 8, maxJ: 12, K: 3, outside: true, scale: 1 },
    { name: 'utilities far beyond exp\'s range', seed: 3, T: 6, maxJ: 10, K: 2, outside: true, scale: 400 },
    { name: 'long panels (the product of the sums flushed)', seed: 4, T: 400, maxJ: 6, K: 5, outside: false, scale: 3 },
  ];
  for (const c of cases) {
    it(`agrees with the textbook formula and the plain loop: ${c.name}`, () => {
      const d = panel(c.seed, 30, c.T, c.maxJ, c.K, c.outside, c.scale);
      const f = new PanelLogLik(hbRecords(d), c.K);
      const V = utilityScratch(d), r = makeRng(c.seed + 100);
      for (let u = 0; u < d.nUnits; u++) {
        const coef = Float64Array.from({ length: c.K }, () => r.z());
        const got = f.unit(u, coef), want = reference(d, u, coef), plain = unitLogLik(d, u, coef, V);
        expect(Number.isFinite(got)).toBe(true);
        expect(got).toBeLessThanOrEqual(0);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        expect(Math.abs(got - plain)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(plain)));
      }
    });
  }

  it('stages the records in shared memory for the pool', () => {
    const d = panel(5, 4, 3, 5, 2, true, 1);
    const rec = hbRecords(d, true);
    expect(rec.rec.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(rec.unitRec[d.nUnits]).toBe(rec.rec.length);
  });
});
