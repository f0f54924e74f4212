/**
 * Heterogeneity features, end to end through `estimate`:
 *
 * - recovery on simulated data (test/simulate-dgp.ts, a generator independent
 *   of the library) of every mixing distribution, a full Cholesky factor,
 *   mean shifts, error components, alternative-specific constants and
 *   coefficients, and 2- and 3-class latent class models: every true value
 *   within 3 standard errors;
 * - mlogit's published electricity model with fixed, normal, uniform and
 *   lognormal coefficients;
 * - Swissmetro read in wide format with availability, mixed vs plain logit;
 * - utilities that get very large under extreme draws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estimate, type EstimationResult } from '@mxl/estimation';
import { dataSet } from './shared.js';
import { drawCoefficient, longData, simulateChoices, type Rng } from './simulate-dgp.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-het-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKERS = 2;

function byName(r: EstimationResult): Record<string, EstimationResult['parameters'][number]> {
  return Object.fromEntries(r.parameters.map((p) => [p.name, p]));
}

function derivedByName(r: EstimationResult): Record<string, { estimate: number; se: number }> {
  return Object.fromEntries(r.derived.map((d) => [d.name, d]));
}

/**
 * Every estimated parameter has a true value and is within 3 standard errors
 * of it, and the data are informative: every standard error is below a
 * quarter of max(|true value|, 0.4), so a 3-SE band cannot swallow a wrong
 * sign or magnitude.
 */
function expectRecovered(r: EstimationResult, truth: Record<string, number>): void {
  expect(r.converged, `${r.termination}: ${r.message}`).toBe(true);
  expect(Number.isFinite(r.loglik)).toBe(true);
  expect(r.parameters.map((p) => p.name).sort()).toEqual(Object.keys(truth).sort());
  for (const p of r.parameters) {
    expect(Number.isFinite(p.se) && p.se > 0, `${p.name}: se ${p.se}`).toBe(true);
    expect(p.se, `${p.name}: se ${p.se} is not informative about ${truth[p.name]}`).toBeLessThan(0.25 * Math.max(Math.abs(truth[p.name]), 0.4));
    expect(Math.abs(p.estimate - truth[p.name]) / p.se, `${p.name}: ${p.estimate} ± ${p.se} vs true ${truth[p.name]}`).toBeLessThan(3);
  }
}

const N01 = (rng: Rng) => rng.z();

describe('recovery on simulated data', () => {
  it('normal, lognormal, uniform, triangular; ASCs and alternative-specific coefficients', async () => {
    const T = {
      'asc.2': 0.4, 'asc.3': -0.3, 'asc.4': 0.2, 'w.2': 0.7, 'w.3': -0.5,
      xn: 1.0, xl: -0.3, xu: -0.8, xt: 0.6,
      'sd.xn': 0.8, 'sd.xl': 0.5, 'sd.xu': 1.2, 'sd.xt': 1.5,
    };
    const asc = [0, T['asc.2'], T['asc.3'], T['asc.4']];
    const w = [0, T['w.2'], T['w.3'], 0];
    const sim = simulateChoices(dir, 'dists1', {
      individuals: 1000, situations: 8, alternatives: 4, seed: 101,
      attributes: { xn: N01, xl: N01, xu: N01, xt: N01, w: N01 },
      individual: (rng) => ({
        xn: drawCoefficient(rng, 'normal', T.xn, T['sd.xn']),
        xl: drawCoefficient(rng, 'lognormal', T.xl, T['sd.xl']),
        xu: drawCoefficient(rng, 'uniform', T.xu, T['sd.xu']),
        xt: drawCoefficient(rng, 'triangular', T.xt, T['sd.xt']),
      }),
      utility: (b, x, j) => asc[j] + w[j] * x.w + b.xn * x.xn + b.xl * x.xl + b.xu * x.xu + b.xt * x.xt,
    });
    const r = await estimate({
      data: longData(sim.file),
      model: {
        asc: { reference: '1' }, altSpecific: { w: ['2', '3'] },
        random: { xn: 'normal', xl: 'lognormal', xu: 'uniform', xt: 'triangular' },
      },
      integration: { rule: 'halton', draws: 150 },
      workers: WORKERS,
    }, null);
    expectRecovered(r, T);
  });

  it('negative lognormal, censored normal, Johnson SB, exponential', async () => {
    const T = { price: 0.0, xc: 0.5, xs: 0.5, xe: 0.8, 'sd.price': 0.5, 'sd.xc': 1.0, 'sd.xs': 1.2 };
    const sim = simulateChoices(dir, 'dists2', {
      individuals: 1000, situations: 8, alternatives: 3, seed: 202,
      attributes: { price: (rng) => 0.5 + 2 * rng.u(), xc: (rng) => 1.5 * rng.z(), xs: (rng) => 3 * rng.z(), xe: N01 },
      individual: (rng) => ({
        price: drawCoefficient(rng, '-lognormal', T.price, T['sd.price']),
        xc: drawCoefficient(rng, 'cn', T.xc, T['sd.xc']),
        xs: drawCoefficient(rng, 'sb', T.xs, T['sd.xs']),
        xe: drawCoefficient(rng, 'exponential', T.xe, 0),
      }),
      utility: (b, x) => b.price * x.price + b.xc * x.xc + b.xs * x.xs + b.xe * x.xe,
    });
    const r = await estimate({
      data: longData(sim.file),
      model: { random: { price: '-lognormal', xc: 'cn', xs: 'sb', xe: 'exponential' } },
      integration: { rule: 'halton', draws: 150 },
      workers: WORKERS,
    }, null);
    expectRecovered(r, T);
    expect(byName(r).xe.kind).toBe('mean');
  });

  it('correlated normals: the full Cholesky factor, and the implied covariance', async () => {
    const b = [1.0, -0.5, 0.8];
    const L = [[0.9, 0, 0], [0.5, 0.7, 0], [-0.4, 0.3, 0.6]];
    const names = ['x1', 'x2', 'x3'];
    const T: Record<string, number> = { price: -1, x1: b[0], x2: b[1], x3: b[2] };
    for (let i = 0; i < 3; i++) for (let j = 0; j <= i; j++) T[`chol.${names[j]}:${names[i]}`] = L[i][j];
    const sim = simulateChoices(dir, 'corr', {
      individuals: 1000, situations: 8, alternatives: 3, seed: 303,
      attributes: { price: (rng) => 0.5 + 2 * rng.u(), x1: N01, x2: N01, x3: N01 },
      individual: (rng) => {
        const z = [rng.z(), rng.z(), rng.z()];
        return b.map((m, i) => m + L[i][0] * z[0] + L[i][1] * z[1] + L[i][2] * z[2]);
      },
      utility: (beta, x) => T.price * x.price + beta[0] * x.x1 + beta[1] * x.x2 + beta[2] * x.x3,
    });
    const r = await estimate({
      data: longData(sim.file),
      model: { fixed: ['price'], random: { x1: 'normal', x2: 'normal', x3: 'normal' }, correlated: true },
      integration: { rule: 'halton', draws: 200 },
      workers: WORKERS,
    }, null);
    expectRecovered(r, T);
    // implied covariance Ω = L Lᵀ, standard deviations and correlations
    const d = derivedByName(r);
    const cov = (i: number, j: number) => L[i][0] * L[j][0] + L[i][1] * L[j][1] + L[i][2] * L[j][2];
    const checks: [string, number][] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j <= i; j++) checks.push([`cov.${names[j]}:${names[i]}`, cov(i, j)]);
      checks.push([`sd.${names[i]}`, Math.sqrt(cov(i, i))]);
      for (let j = 0; j < i; j++) checks.push([`cor.${names[j]}:${names[i]}`, cov(i, j) / Math.sqrt(cov(i, i) * cov(j, j))]);
    }
    expect(r.derived).toHaveLength(checks.length);
    for (const [name, truth] of checks) {
      expect(d[name], name).toBeDefined();
      expect(d[name].se, name).toBeGreaterThan(0);
      expect(Math.abs(d[name].estimate - truth) / d[name].se, `${name}: ${d[name].estimate} ± ${d[name].se} vs true ${truth}`).toBeLessThan(3);
    }
    // the reported covariance is L Lᵀ of the reported (sign-normalized) Cholesky elements
    const p = byName(r);
    const Lh = (i: number, j: number) => (j <= i ? p[`chol.${names[j]}:${names[i]}`].estimate : 0);
    for (let i = 0; i < 3; i++) {
      expect(Lh(i, i)).toBeGreaterThan(0);
      for (let j = 0; j <= i; j++) {
        const o = Lh(i, 0) * Lh(j, 0) + Lh(i, 1) * Lh(j, 1) + Lh(i, 2) * Lh(j, 2);
        expect(d[`cov.${names[j]}:${names[i]}`].estimate).toBeCloseTo(o, 10);
      }
    }
  });

  it('mean shifts on a normal and a negative lognormal coefficient', async () => {
    const T = { x2: 0.5, x1: 0.8, price: 0.0, 'x1:inc': 0.6, 'price:inc': -0.3, 'sd.x1': 0.7, 'sd.price': 0.4 };
    const sim = simulateChoices(dir, 'shifts', {
      individuals: 1000, situations: 8, alternatives: 3, seed: 404,
      attributes: { price: (rng) => 0.5 + 2 * rng.u(), x1: N01, x2: N01 },
      characteristics: { inc: N01 },
      individual: (rng, c) => ({
        x1: drawCoefficient(rng, 'normal', T.x1, T['sd.x1'], T['x1:inc'] * c.inc),
        price: drawCoefficient(rng, '-lognormal', T.price, T['sd.price'], T['price:inc'] * c.inc),
      }),
      utility: (b, x) => b.price * x.price + b.x1 * x.x1 + T.x2 * x.x2,
    });
    const r = await estimate({
      data: longData(sim.file),
      model: { fixed: ['x2'], random: { x1: { dist: 'normal', means: ['inc'] }, price: { dist: '-lognormal', means: ['inc'] } } },
      integration: { rule: 'halton', draws: 150 },
      workers: WORKERS,
    }, null);
    expectRecovered(r, T);
    expect(byName(r)['x1:inc'].kind).toBe('shift');
  });

  it('an error component shared by two alternatives, with ASCs and a random coefficient', async () => {
    const T = { 'asc.2': 0.3, 'asc.3': -0.2, 'asc.4': 0.1, x1: -1.0, x2: 0.5, 'sd.x2': 0.8, 'sd.ec.nest': 1.5 };
    const asc = [0, T['asc.2'], T['asc.3'], T['asc.4']];
    const sim = simulateChoices(dir, 'ec', {
      individuals: 1000, situations: 8, alternatives: 4, seed: 601,
      attributes: { x1: (rng) => 2 * rng.u(), x2: N01 },
      individual: (rng) => ({ x2: drawCoefficient(rng, 'normal', T.x2, T['sd.x2']), ec: T['sd.ec.nest'] * rng.z() }),
      utility: (b, x, j) => asc[j] + T.x1 * x.x1 + b.x2 * x.x2 + (j < 2 ? b.ec : 0),
    });
    const r = await estimate({
      data: longData(sim.file),
      model: { asc: { reference: '1' }, fixed: ['x1'], random: { x2: 'normal' }, errorComponents: { nest: ['1', '2'] } },
      integration: { rule: 'halton', draws: 150 },
      workers: WORKERS,
    }, null);
    expectRecovered(r, T);
  });

  /**
   * Latent class recovery. Classes are matched to the true ones by sorting on
   * the x1 coefficient; the membership logit is then compared relative to the
   * true class the estimate calls class 1.
   */
  async function latentClass(
    C: number, coefs: { x1: number; x2: number; sd2?: number }[], gamma: [number, number][], N: number, Tn: number, seed: number, starts = 5,
  ) {
    // with sd2, x2 is random normal within every class (a latent class mixed logit)
    const mixed = coefs.some((c) => c.sd2 !== undefined);
    const sim = simulateChoices(dir, `lc${C}`, {
      individuals: N, situations: Tn, alternatives: 3, seed,
      attributes: { x1: N01, x2: N01 },
      characteristics: { inc: N01 },
      individual: (rng, ch) => {
        const e = [1, ...gamma.map(([g0, g1]) => Math.exp(g0 + g1 * ch.inc))];
        const S = e.reduce((a, b) => a + b, 0);
        let u = rng.u() * S, c = 0;
        while (c < C - 1 && u > e[c]) { u -= e[c]; c++; }
        const b2 = mixed ? drawCoefficient(rng, 'normal', coefs[c].x2, coefs[c].sd2!) : coefs[c].x2;
        return { cls: c, pi: e.map((v) => v / S), b2 };
      },
      utility: (s, x) => coefs[s.cls].x1 * x.x1 + s.b2 * x.x2,
    });
    const r = await estimate({
      data: longData(sim.file),
      model: { ...(mixed ? { fixed: ['x1'], random: { x2: 'normal' } } : { fixed: ['x1', 'x2'] }), classes: { count: C, membership: ['inc'] } },
      integration: { rule: 'halton', draws: 100 },
      ...(starts !== 5 ? { optimizer: { starts } } : {}),
      workers: WORKERS,
    }, null);
    expect(r.converged, `${r.termination}: ${r.message}`).toBe(true);
    expect(r.starts).toHaveLength(starts);
    const p = byName(r);
    expect(Object.keys(p).length).toBe((mixed ? 3 : 2) * C + 2 * (C - 1));
    // estimated class k (0-based) ↔ true class match[k]
    const trueOrder = coefs.map((_, c) => c).sort((a, b) => coefs[a].x1 - coefs[b].x1);
    const estOrder = coefs.map((_, c) => c).sort((a, b) => p[`class${a + 1}.x1`].estimate - p[`class${b + 1}.x1`].estimate);
    const match = new Array<number>(C);
    estOrder.forEach((k, i) => { match[k] = trueOrder[i]; });
    const g = [[0, 0], ...gamma];
    const truth: Record<string, number> = {};
    for (let k = 0; k < C; k++) {
      truth[`class${k + 1}.x1`] = coefs[match[k]].x1;
      truth[`class${k + 1}.x2`] = coefs[match[k]].x2;
      if (mixed) truth[`class${k + 1}.sd.x2`] = coefs[match[k]].sd2!;
      if (k > 0) {
        truth[`class${k + 1}:(intercept)`] = g[match[k]][0] - g[match[0]][0];
        truth[`class${k + 1}:inc`] = g[match[k]][1] - g[match[0]][1];
      }
    }
    expectRecovered(r, truth);
    // class shares: the sample average of the true membership probabilities
    const d = derivedByName(r);
    for (let k = 0; k < C; k++) {
      const share = sim.individuals.reduce((a, s) => a + s.pi[match[k]], 0) / N;
      const got = d[`share.class${k + 1}`];
      expect(got, `share.class${k + 1}`).toBeDefined();
      expect(Math.abs(got.estimate - share) / got.se, `share.class${k + 1}: ${got.estimate} ± ${got.se} vs true ${share}`).toBeLessThan(3);
    }
    expect(r.derived.reduce((a, x) => a + x.estimate, 0)).toBeCloseTo(1, 12);
  }

  it('latent class, 2 classes with membership on a characteristic', async () => {
    await latentClass(2, [{ x1: -2.0, x2: 0.5 }, { x1: -0.3, x2: 1.5 }], [[0.3, 0.8]], 1000, 8, 606);
  });

  it('latent class, 3 classes with membership on a characteristic', async () => {
    await latentClass(3, [{ x1: -2.5, x2: 0.3 }, { x1: -0.8, x2: 1.5 }, { x1: 0.6, x2: -0.6 }], [[0.2, 0.7], [-0.3, -0.6]], 1500, 8, 707);
  });

  it('latent class mixed logit: 2 classes, a random normal coefficient within each class', async () => {
    await latentClass(2, [{ x1: -2.0, x2: 0.5, sd2: 0.8 }, { x1: -0.3, x2: 1.5, sd2: 0.6 }], [[0.3, 0.8]], 1500, 8, 909, 2);
  });
});

describe('published results', () => {
  it('electricity (mlogit): fixed pf, normal cl and loc, uniform wk, lognormal tod and seas', async () => {
    const r = await estimate({
      data: {
        path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice',
        derive: { tod: '-tod', seas: '-seas' },
      },
      model: { fixed: ['pf'], random: { cl: 'normal', loc: 'normal', wk: 'uniform', tod: 'lognormal', seas: 'lognormal' }, panel: true },
      integration: { rule: 'halton', draws: 100 },
      se: 'bhhh-situations',
      workers: WORKERS,
    }, null);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.loglik - -3976.5325)).toBeLessThan(1e-3);
    const published: Record<string, [number, number]> = {
      pf: [-0.868985, 0.03235], cl: [-0.211334, 0.013569], loc: [2.023876, 0.080102], wk: [1.479118, 0.064957],
      tod: [2.112378, 0.033769], seas: [2.124205, 0.033342],
      'sd.cl': [0.37312, 0.01771], 'sd.loc': [1.548511, 0.0864], 'sd.wk': [1.52179, 0.119993], 'sd.tod': [0.367077, 0.019997], 'sd.seas': [0.275352, 0.016875],
    };
    const p = byName(r);
    expect(Object.keys(p).sort()).toEqual(Object.keys(published).sort());
    for (const [name, [est, se]] of Object.entries(published)) {
      expect(Math.abs(p[name].estimate - est) / Math.abs(est), `${name} estimate ${p[name].estimate} vs ${est}`).toBeLessThan(5e-4);
      expect(Math.abs(p[name].se - se) / se, `${name} se ${p[name].se} vs ${se}`).toBeLessThan(5e-4);
    }
  });
});

describe('Swissmetro, wide format with availability', () => {
  const alt = (a: string) => ({ time: `${a}_TIME`, cost: `${a}_COST`, av: `${a}_AV` });
  const data = {
    path: dataSet('swissmetro.dat'), format: 'wide', id: 'ID', choice: 'CHOICE',
    filter: '(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0',
    derive: {
      TRAIN_COST: '(GA == 0) * TRAIN_CO / 100', SM_COST: '(GA == 0) * SM_CO / 100', CAR_COST: 'CAR_CO / 100',
      TRAIN_TIME: 'TRAIN_TT / 100', SM_TIME: 'SM_TT / 100', CAR_TIME: 'CAR_TT / 100',
    },
    alternatives: { TRAIN: alt('TRAIN'), SM: alt('SM'), CAR: alt('CAR') },
    choiceCodes: { TRAIN: 1, SM: 2, CAR: 3 },
  };

  it('a random normal travel-time coefficient with constants improves on the plain logit', async () => {
    const mnl = await estimate({ data, model: { asc: { reference: 'SM' }, fixed: ['cost', 'time'] }, workers: WORKERS }, null);
    const r = await estimate({
      data,
      model: { asc: { reference: 'SM' }, fixed: ['cost'], random: { time: 'normal' } },
      integration: { rule: 'halton', draws: 100 },
      workers: WORKERS,
    }, null);
    for (const x of [mnl, r]) {
      expect(x.converged, `${x.termination}: ${x.message}`).toBe(true);
      expect(x.sample.situations).toBe(6768);
      expect(x.sample.individuals).toBe(752);
    }
    const p = byName(r), q = byName(mnl);
    expect(Object.keys(p).sort()).toEqual(['asc.CAR', 'asc.TRAIN', 'cost', 'sd.time', 'time']);
    expect(p.cost.estimate).toBeLessThan(0);
    expect(p.time.estimate).toBeLessThan(0);
    expect(p.cost.estimate / p.cost.se).toBeLessThan(-3);
    expect(p.time.estimate / p.time.se).toBeLessThan(-3);
    expect(p['sd.time'].estimate / p['sd.time'].se).toBeGreaterThan(3);
    // the plain logit is Biogeme's published 01logit (also reproduced by larch and pylogit)
    expect(Math.abs(mnl.loglik - -5331.252007)).toBeLessThan(1e-3);
    const biogeme: Record<string, number> = { 'asc.CAR': -0.154632, 'asc.TRAIN': -0.701187, cost: -1.083791, time: -1.27786 };
    expect(Object.keys(q).sort()).toEqual(Object.keys(biogeme).sort());
    for (const [name, est] of Object.entries(biogeme)) {
      expect(Math.abs(q[name].estimate - est) / Math.abs(est), `${name}: ${q[name].estimate} vs ${est}`).toBeLessThan(1e-4);
    }
    // the plain logit is nested (sd.time = 0): its likelihood is lower, by far more than chance on 1 df
    expect(mnl.loglik).toBeLessThan(r.loglik);
    expect(2 * (r.loglik - mnl.loglik)).toBeGreaterThan(10.83);
  });
});

describe('large utilities under extreme draws', () => {
  // price of size ~100 under a negative lognormal: -exp(b + s z)·price reaches hundreds or more at the tails
  const T = { x1: 0.8, price: Math.log(0.01), 'sd.x1': 0.6, 'sd.price': 0.8 };
  const sim = () => simulateChoices(dir, 'extreme', {
    individuals: 600, situations: 6, alternatives: 3, seed: 808,
    attributes: { price: (rng) => 100 * (0.5 + 2 * rng.u()), x1: N01 },
    individual: (rng) => ({
      x1: drawCoefficient(rng, 'normal', T.x1, T['sd.x1']),
      price: drawCoefficient(rng, '-lognormal', T.price, T['sd.price']),
    }),
    utility: (b, x) => b.price * x.price + b.x1 * x.x1,
  });
  const spec = (file: string, start?: Record<string, number>) => ({
    data: longData(file),
    model: { random: { x1: 'normal', price: '-lognormal' } },
    integration: { rule: 'halton', draws: 100 },
    workers: WORKERS,
    ...(start ? { start } : {}),
  });

  it('negative lognormal on an attribute of size ~100: converges, finite, recovered', async () => {
    const s = sim();
    const r = await estimate(spec(s.file), null);
    expect(r.termination).not.toBe('non-finite');
    expectRecovered(r, T);
  });

  it('the same from a start where utilities reach ~1e5 under the extreme draws', async () => {
    const s = sim();
    const r = await estimate(spec(s.file, { price: -2, 'sd.price': 3 }), null);
    // at the start, -exp(-2 + 3·3)·250 ≈ -2.7e5
    expect(Number.isFinite(r.loglik)).toBe(true);
    expect(r.termination).not.toBe('non-finite');
    for (const p of r.parameters) expect(Number.isFinite(p.estimate) && Number.isFinite(p.se), p.name).toBe(true);
    expectRecovered(r, T);
  });
});
