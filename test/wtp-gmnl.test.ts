/**
 * Willingness-to-pay space and scale heterogeneity (G-MNL), end to end
 * through `estimate`:
 *
 * - an MNL in WTP space is the preference-space MNL reparameterized (same LL,
 *   ω = β / −α, λ = −α), on Swissmetro with cost as the price;
 * - with a Gauss-Hermite product rule, a plain likelihood (test/plain-loglik.ts:
 *   its own Hermite nodes, its own coefficients and logit, a few lines) equals
 *   mxl's LL at mxl's estimate, and its numerical gradient there is zero:
 *   WTP space with a lognormal scale, and G-MNL with γ free;
 * - recovery on simulated data (the processes of test/wtp-gmnl-helpers.ts,
 *   drawn by test/simulate-dgp.ts), truth within 3 SE:
 *   lognormal λ with normal ω, and G-MNL with γ free;
 * - post-estimation through the utility coefficients (β_price = −λ): the
 *   WTP-space MNL predicts the preference-space MNL's shares and price
 *   elasticities, its WTP is ω itself with ω's standard error, and a random
 *   WTP-space model's WTP distribution and individual-level WTP are ω's;
 *   `compare` never pairs a WTP-space with a preference-space fit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareResults, engineFor, estimate, prepare } from '@mxl/estimation';
import { Predictor } from '@mxl/postestimation';
import { dataSet } from './shared.js';
import { longData } from './simulate-dgp.js';
import { plainLogLik, readPanel } from './plain-loglik.js';
import { byName, expectPlainLikelihoodFlat, expectRecovered, gmnlData, logistic, wtpData } from './wtp-gmnl-helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-wtp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKERS = 2;

describe('WTP space', () => {
  it('an MNL in WTP space is the preference-space MNL reparameterized (Swissmetro, cost as the price)', async () => {
    const file = dataSet('swissmetro.dat');
    const spec = JSON.parse(readFileSync(path.join(path.dirname(file), 'spec.json'), 'utf8'));
    const pref = { data: { ...spec.data, path: file }, model: { asc: { reference: 'SM' }, fixed: ['time', 'cost'] } };
    const wtp = { data: pref.data, model: { asc: { reference: 'SM' }, fixed: ['time'], space: 'wtp', scale: { column: 'cost', dist: 'fixed' } } };
    const a = byName(await estimate(pref, { workers: 1 }));
    const rb = await estimate(wtp, { workers: 1 });
    const b = byName(rb);
    const ra = await estimate(pref, { workers: 1 });
    expect(Math.abs(rb.loglik - ra.loglik)).toBeLessThan(1e-7 * Math.abs(ra.loglik));
    const alpha = a.cost.estimate;
    expect(b.lambda.estimate).toBeCloseTo(-alpha, 6);
    for (const k of ['time', 'asc.TRAIN', 'asc.CAR']) expect(b[k].estimate).toBeCloseTo(a[k].estimate / -alpha, 6);
    expect(Object.keys(b).sort()).toEqual(['asc.CAR', 'asc.TRAIN', 'lambda', 'time']);
    expect(rb.notes[0]).toMatch(/^WTP space: U = λ \(ω'x − cost\)/);
    expect(rb.space).toBe('wtp');
    expect(ra.space).toBeUndefined();
  });

  it('post-estimation: the WTP-space MNL predicts the preference-space MNL\'s shares and cost elasticities; its WTP is ω with ω\'s SE; compare pairs no test', async () => {
    const file = dataSet('swissmetro.dat');
    const spec = JSON.parse(readFileSync(path.join(path.dirname(file), 'spec.json'), 'utf8'));
    const data = { ...spec.data, path: file };
    const pp = await prepare({ data, model: { asc: { reference: 'SM' }, fixed: ['time', 'cost'] } });
    const pw = await prepare({ data, model: { asc: { reference: 'SM' }, fixed: ['time'], space: 'wtp', scale: { column: 'cost', dist: 'fixed' } } });
    const rp = await estimate(pp, { workers: 1 });
    const rw = await estimate(pw, { workers: 1 });
    const a = new Predictor(pp, rp, { workers: 1 }), b = new Predictor(pw, rw, { workers: 1 });
    try {
      const [sa, sb] = [await a.shares(), await b.shares()];
      sa.predicted.forEach((x, j) => expect(sb.predicted[j]).toBeCloseTo(x, 6));
      const [ea, eb] = [await a.elasticities('cost'), await b.elasticities('cost')];
      ea.values.forEach((row, j) => row.forEach((x, l) => expect(eb.values[j][l]).toBeCloseTo(x, 5)));
      expect(ea.values[0][0]).toBeLessThan(0);
      const w = await b.wtp('cost', { se: true });
      const omega = byName(rw).time;
      const k = w.coefficients.indexOf('time');
      expect(w.mean[k]).toBeCloseTo(omega.estimate, 10);
      expect(w.sd[k]).toBeCloseTo(0, 10);
      expect(w.meanSe![k]).toBeCloseTo(omega.se!, 8);
    } finally {
      await a.close();
      await b.close();
    }
    const c = compareResults([rp, rw], ['pref', 'wtp']);
    expect(c.tests).toEqual([]);
    expect(c.notes.join(' ')).toMatch(/WTP space and in preference space are compared by LL, AIC and BIC only/);
    expect(c.models[0].loglik).toBeCloseTo(c.models[1].loglik, 6);
  });

  it('with Gauss-Hermite nodes, a plain likelihood equals mxl\'s LL at its estimate and is flat there (lognormal λ, normal ω)', async () => {
    const sim = wtpData(dir, 'wtp-gh', 250, 5, 31, { lambda: 0.3, 'sd.lambda': 0.5, x1: 1, 'sd.x1': 0.7, x2: -0.6, 'sd.x2': 0 });
    const r = await estimate({
      data: longData(sim.file),
      model: { random: { x1: 'normal' }, fixed: ['x2'], space: 'wtp', scale: { column: 'price', dist: 'lognormal' } },
      integration: { rule: 'product', level: 9 },
      optimizer: { starts: 1, gtol: 1e-9 },
      workers: WORKERS,
    });
    expect(r.converged).toBe(true);
    expect(r.parameters.map((p) => p.name)).toEqual(['lambda', 'x2', 'x1', 'sd.x1', 'sd.lambda']);
    const panel = readPanel(sim.file, ['x1', 'x2', 'price']);
    const ll = (t: Record<string, number>) => plainLogLik(panel, 9, 2, (a, b) => {
      const lambda = Math.exp(t.lambda + t['sd.lambda'] * b);
      return [lambda * (t.x1 + t['sd.x1'] * a), lambda * t.x2, -lambda];
    });
    // and the check can fail: away from the estimate (x1 + 0.1) the gradient is not zero
    expectPlainLikelihoodFlat(r, ll, 'x1');
  });

  it('recovers lognormal λ with normal ω (truth within 3 SE)', async () => {
    const T = { lambda: 0.2, 'sd.lambda': 0.5, x1: 1, 'sd.x1': 0.6, x2: -0.5, 'sd.x2': 0.5 };
    const sim = wtpData(dir, 'wtp-rec', 1000, 8, 7, T);
    const r = await estimate({
      data: longData(sim.file),
      model: { random: { x1: 'normal', x2: 'normal' }, space: 'wtp', scale: { column: 'price', dist: 'lognormal' } },
      integration: { rule: 'sobol', draws: 256, scramble: 'owen' },
      optimizer: { starts: 1 },
      workers: WORKERS,
    });
    expectRecovered(r, T);
    const lambda = r.distributions.find((d) => d.coefficient === 'lambda')!;
    expect(lambda.dist).toBe('lognormal');
    expect(lambda.median).toBeCloseTo(Math.exp(byName(r).lambda.estimate), 12);
  }, 120_000);

  it('post-estimation of a random WTP-space model: the WTP distribution and individual-level WTP are ω\'s', async () => {
    const sim = wtpData(dir, 'wtp-post', 300, 6, 17, { lambda: 0.2, 'sd.lambda': 0.5, x1: 1, 'sd.x1': 0.6, x2: -0.5, 'sd.x2': 0 });
    const p = await prepare({
      data: longData(sim.file),
      model: { random: { x1: 'normal' }, fixed: ['x2'], space: 'wtp', scale: { column: 'price', dist: 'lognormal' } },
      integration: { rule: 'product', level: 12 },
      optimizer: { starts: 1 },
    });
    const r = await estimate(p, { workers: WORKERS });
    const t = byName(r);
    const pr = new Predictor(p, r, { workers: 1 });
    try {
      // over the product rule's nodes the mean and sd of omega_1 are exact (degree <= 2): the WTP is omega itself, no ratio
      const w = await pr.wtp('price');
      const k1 = w.coefficients.indexOf('x1'), k2 = w.coefficients.indexOf('x2');
      expect(w.mean[k1]).toBeCloseTo(t.x1.estimate, 10);
      expect(w.sd[k1]).toBeCloseTo(t['sd.x1'].estimate, 10);
      expect(w.mean[k2]).toBeCloseTo(t.x2.estimate, 10);
      expect(w.sd[k2]).toBeCloseTo(0, 10);
      // individual-level WTP: E[omega_1 | choices] per individual, shrunk towards the mean
      const ind = pr.individual('price');
      const K = ind.coefficients.length, j1 = ind.coefficients.indexOf('x1');
      const cond = Array.from({ length: ind.wtp!.length / K }, (_, u) => ind.wtp![u * K + j1]);
      const avg = cond.reduce((a, b) => a + b, 0) / cond.length;
      expect(Math.abs(avg - t.x1.estimate)).toBeLessThan(0.1);
      const spread = Math.sqrt(cond.reduce((a, b) => a + (b - avg) ** 2, 0) / cond.length);
      expect(spread).toBeGreaterThan(0.1);
      expect(spread).toBeLessThan(t['sd.x1'].estimate);
    } finally {
      await pr.close();
    }
  }, 60_000);
});

describe('G-MNL', () => {
  it('with Gauss-Hermite nodes, a plain likelihood equals mxl\'s LL at its estimate and is flat there (γ free)', async () => {
    const sim = gmnlData(dir, 'gmnl-gh', 250, 6, 41, { x1: 1, 'sd.x1': 0.8, x2: -0.8, 'sd.x2': 0, x3: 0.5, tau: 0.6, gamma: 0.5 });
    const r = await estimate({
      data: longData(sim.file),
      model: { fixed: ['x2', 'x3'], random: { x1: 'normal' }, scaleHeterogeneity: { gamma: 'free' } },
      integration: { rule: 'product', level: 9 },
      optimizer: { starts: 1, gtol: 1e-9 },
      workers: WORKERS,
    });
    expect(r.converged).toBe(true);
    expect(r.parameters.map((p) => p.name)).toEqual(['x2', 'x3', 'x1', 'sd.x1', 'tau', 'gamma']);
    const panel = readPanel(sim.file, ['x1', 'x2', 'x3']);
    const ll = (t: Record<string, number>) => plainLogLik(panel, 9, 2, (a, b) => {
      const sigma = Math.exp(-t.tau * t.tau / 2 + t.tau * b), gamma = logistic(t.gamma);
      const scale = gamma + sigma * (1 - gamma);
      return [sigma * t.x1 + scale * t['sd.x1'] * a, sigma * t.x2, sigma * t.x3];
    });
    expectPlainLikelihoodFlat(r, ll);
    // the table reports γ itself; raw holds logit γ; an interior γ (at 0 or 1 its gradient vanishes and the check would say nothing)
    expect(byName(r).gamma.estimate).toBeCloseTo(logistic(r.raw.gamma), 12);
    expect(Math.abs(r.raw.gamma)).toBeLessThan(4);
    expect(byName(r).gamma.se).toBeCloseTo(Math.sqrt(r.covariance[5][5]) * logistic(r.raw.gamma) * (1 - logistic(r.raw.gamma)), 12);
  });

  it('gives the same log-likelihood and gradient, bit for bit, on 1, 2 and 3 workers (G-MNL and WTP space)', async () => {
    const sim = gmnlData(dir, 'gmnl-workers', 60, 4, 5, { x1: 1, 'sd.x1': 0.8, x2: -0.8, 'sd.x2': 0.5, x3: 0.5, tau: 0.6, gamma: 0.5 });
    const models = [
      { model: { fixed: ['x3'], random: { x1: 'normal', x2: 'normal' }, scaleHeterogeneity: { gamma: 'free' } }, theta: [0.5, 1, -0.8, 0.7, 0.4, 0.6, 0.3] },
      { model: { fixed: ['x3'], random: { x1: 'normal' }, space: 'wtp', scale: { column: 'x2', dist: 'lognormal' } }, theta: [0.1, 0.5, 1, 0.7, 0.4] },
    ];
    for (const { model, theta } of models) {
      const p = await prepare({ data: longData(sim.file), model, integration: { rule: 'sobol', draws: 33, scramble: 'owen' } });
      const out: { ll: number; grad: number[] }[] = [];
      for (const workers of [1, 2, 3]) {
        const engine = engineFor(p, workers);
        try {
          const ev = await engine.evaluate(Float64Array.from(theta));
          out.push({ ll: ev.ll, grad: Array.from(ev.grad) });
        } finally {
          await engine.close();
        }
      }
      expect(Number.isFinite(out[0].ll)).toBe(true);
      expect(out[1]).toEqual(out[0]);
      expect(out[2]).toEqual(out[0]);
    }
  });

  it('recovers G-MNL with γ free (truth within 3 SE)', async () => {
    const T = { x1: 1.5, 'sd.x1': 1.2, x2: -1, 'sd.x2': 0.8, x3: 0.8, tau: 1, gamma: 0.5 };
    const sim = gmnlData(dir, 'gmnl-rec', 1500, 10, 13, T);
    // the default: 3 starts (logit γ at 0, 1.5 and -1.5), the best kept
    const r = await estimate({
      data: longData(sim.file),
      model: { fixed: ['x3'], random: { x1: 'normal', x2: 'normal' }, scaleHeterogeneity: { gamma: 'free' } },
      integration: { rule: 'sobol', draws: 256, scramble: 'owen' },
      workers: WORKERS,
    });
    expect(r.starts.length).toBe(3);
    expectRecovered(r, T);
  }, 180_000);
});
