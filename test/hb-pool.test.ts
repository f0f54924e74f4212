/**
 * The hierarchical Bayes pool's shared-memory barrier (@mxl/engine's hb-pool.ts): a pass that
 * throws on a thread fails with the pool's error instead of hanging, a closed pool refuses
 * passes, and the passes leave the same state as the in-process runner.
 */
import { describe, expect, it } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import { createHbRunner, paramsLayout, type HbModel } from '@mxl/engine';
import { makeRng } from './simulate-dgp.js';

function data(N: number): ChoiceData {
  const r = makeRng(11), J = 3, T = 4;
  const X = Float64Array.from({ length: N * T * J }, () => r.z());
  return {
    nUnits: N, nSituations: N * T, nRows: N * T * J, nVars: 1, varNames: ['x'],
    unitSit: Int32Array.from({ length: N + 1 }, (_, u) => u * T), sitRow: Int32Array.from({ length: N * T + 1 }, (_, s) => s * J),
    sitChosen: Int32Array.from({ length: N * T }, (_, s) => s * J + Math.floor(r.u() * J)), X,
    rowAlt: new Int32Array(N * T * J), altLabels: [], unitWeight: null, unitCluster: Int32Array.from({ length: N }, (_, u) => u), nClusters: N,
    outside: false, unitChars: null, charNames: [],
  };
}

const model = (link: number): HbModel => ({ K: 1, Kf: 0, Kr: 1, role: Int32Array.of(0), link: Int32Array.of(link), sign: Float64Array.of(1), M: 1, chars: new Int32Array(0), chains: 2, seed: 3 });

/** Sets W = 1 (L = 1, W^-1 = 1) and rho for every chain. */
function unitCovariance(params: Float64Array, m: HbModel): void {
  const lay = paramsLayout(m);
  for (let c = 0; c < m.chains; c++) {
    params[c * lay.length + lay.L] = 1;
    params[c * lay.length + lay.Winv] = 1;
    params[c * lay.length + lay.rho] = 1;
  }
}

describe('the HB pool', () => {
  it('runs the same steps as the in-process runner (2 and 3 workers)', async () => {
    const d = data(50), m = model(0);
    const states: Float64Array[] = [];
    for (const workers of [1, 2, 3]) {
      const r = createHbRunner(d, m, { workers });
      try {
        unitCovariance(r.state.params, m);
        await r.pass({ kind: 'init', sweep: 0, alt: false, keep: false });
        for (let s = 0; s < 20; s++) await r.pass({ kind: 'step', sweep: s, alt: false, keep: s >= 10 });
        states.push(Float64Array.from([...r.state.beta, ...r.state.ll, ...r.state.sum]));
      } finally {
        await r.close();
      }
    }
    expect(Array.from(states[1])).toEqual(Array.from(states[0]));
    expect(Array.from(states[2])).toEqual(Array.from(states[0]));
  });

  it('fails a pass that throws on its threads, without hanging, and refuses passes once closed', async () => {
    const d = data(50), m = model(9); // link code 9 does not exist: every step throws
    const r = createHbRunner(d, m, { workers: 2 });
    unitCovariance(r.state.params, m);
    await expect(r.pass({ kind: 'init', sweep: 0, alt: false, keep: false })).rejects.toThrow(/hierarchical Bayes sampler failed: unknown link code 9/);
    await expect(r.pass({ kind: 'step', sweep: 0, alt: false, keep: false })).rejects.toThrow(/closed|failed/);
    await r.close();
  });
});
