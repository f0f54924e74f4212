/**
 * Published results: the electricity model of examples/electricity (six
 * independent normals, panel by id, standard Halton draws), as mlogit and
 * xlogit report it.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, type EstimationResult } from '@mxl/estimation';
import { dataSet } from './shared.js';

const ATTRS = ['pf', 'cl', 'loc', 'wk', 'tod', 'seas'];

function spec(draws: number, se = 'bhhh-situations') {
  return {
    data: { path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
    model: { random: Object.fromEntries(ATTRS.map((a) => [a, 'normal'])) },
    integration: { rule: 'halton', draws },
    se,
    workers: 2,
  };
}

// estimate (std. error as mlogit and xlogit report it: outer product of per-situation scores), R = 100
const PUBLISHED_100: Record<string, [number, number]> = {
  pf: [-0.973386, 0.034324], cl: [-0.205557, 0.013323], loc: [2.075724, 0.08043], wk: [1.475645, 0.065168],
  tod: [-9.052539, 0.287218], seas: [-9.103759, 0.289043],
  'sd.pf': [0.219943, 0.01084], 'sd.cl': [0.378303, 0.018489], 'sd.loc': [1.482974, 0.081305], 'sd.wk': [1.000057, 0.074182],
  'sd.tod': [2.289477, 0.110731], 'sd.seas': [1.180869, 0.109007],
};

function byName(r: EstimationResult) {
  return Object.fromEntries(r.parameters.map((p) => [p.name, p]));
}

describe('electricity (Revelt and Train), published mlogit/xlogit results', () => {
  it('R = 100: every estimate and mlogit/xlogit standard error to 4 significant digits, LL -3952.4877 to 1e-3', async () => {
    const r = await estimate(spec(100), null);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.loglik - -3952.4877325)).toBeLessThan(1e-3);
    const got = byName(r);
    for (const [name, [est, se]] of Object.entries(PUBLISHED_100)) {
      expect(Math.abs(got[name].estimate - est) / Math.abs(est), `${name} estimate ${got[name].estimate} vs ${est}`).toBeLessThan(5e-4);
      expect(Math.abs(got[name].se - se) / se, `${name} se ${got[name].se} vs ${se}`).toBeLessThan(5e-4);
    }
  });

  it('R = 500: LL -3891.7177 to 1e-3', async () => {
    const r = await estimate(spec(500), null);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.loglik - -3891.7177136)).toBeLessThan(1e-3);
  });
});

describe('large utilities', () => {
  it('electricity attributes scaled by 100 (utilities reach ±1000) give a finite log-likelihood and gradient', async () => {
    const { prepare, engineFor } = await import('@mxl/estimation');
    const derive = Object.fromEntries(ATTRS.map((a) => [a, `${a} * 100`]));
    const p = await prepare({ ...spec(100), data: { ...spec(100).data, derive } }, null);
    const theta = Float64Array.from(p.design.params.map((q) => PUBLISHED_100[q.name][0]));
    const e = engineFor(p, 2);
    try {
      const ev = await e.evaluate(theta);
      expect(Number.isFinite(ev.ll)).toBe(true);
      expect(ev.ll).toBeLessThan(-1000);
      expect(ev.fault).toBeNull();
      for (const g of ev.grad) expect(Number.isFinite(g)).toBe(true);
      // the utilities really are large: |x·β| reaches 1000 at the published means
      let vmax = 0;
      for (let r = 0; r < p.data.nRows; r++) {
        let v = 0;
        for (let k = 0; k < 6; k++) v += p.data.X[r * 6 + k] * theta[k];
        vmax = Math.max(vmax, Math.abs(v));
      }
      expect(vmax).toBeGreaterThan(1000);
    } finally {
      await e.close();
    }
  });
});
