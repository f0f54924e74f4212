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
 * - recovery on simulated data (test/simulate-dgp.ts), truth within 3 SE:
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
import { compareResults, engineFor, estimate, prepare, type EstimationResult } from '@mxl/estimation';
import { Predictor } from '@mxl/postestimation';
import { dataSet } from './shared.js';
import { longData, simulateChoices, type Rng } from './simulate-dgp.js';
import { numericalGradient, plainLogLik, readPanel } from './plain-loglik.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-wtp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKERS = 2;

function byName(r: EstimationResult): Record<string, EstimationResult['parameters'][number]> {
  return Object.fromEntries(r.parameters.map((p) => [p.name, p]));
}

/** Every parameter has a true value and lies within 3 standard errors of it. */
function expectRecovered(r: EstimationResult, truth: Record<string, number>): void {
  expect(r.converged, `${r.termination}: ${r.message}`).toBe(true);
  expect(r.parameters.map((p) => p.name).sort()).toEqual(Object.keys(truth).sort());
  for (const p of r.parameters) {
    expect(Number.isFinite(p.se) && p.se! > 0, `${p.name}: se ${p.se}`).toBe(true);
    expect(p.se!, `${p.name}: se ${p.se} is not informative about ${truth[p.name]}`).toBeLessThan(0.3 * Math.max(Math.abs(truth[p.name]), 0.4));
    expect(Math.abs(p.estimate - truth[p.name]) / p.se!, `${p.name}: ${p.estimate} ± ${p.se} vs true ${truth[p.name]}`).toBeLessThan(3);
  }
}

const logistic = (t: number) => 1 / (1 + Math.exp(-t));
const N01 = (rng: Rng) => rng.z();
const PRICE = (rng: Rng) => 0.5 + 2 * rng.u();

/** A WTP-space DGP: U = λ (ω1 x1 + ω2 x2 − price) + ε with λ lognormal, ω1 normal, ω2 normal or fixed. */
function wtpData(name: string, individuals: number, situations: number, seed: number, t: { lambda: number; sdLambda: number; w1: number; sd1: number; w2: number; sd2: number }) {
  return simulateChoices(dir, name, {
    individuals, situations, alternatives: 3, seed,
    attributes: { x1: N01, x2: N01, price: PRICE },
    individual: (rng) => ({ lambda: Math.exp(t.lambda + t.sdLambda * rng.z()), w1: t.w1 + t.sd1 * rng.z(), w2: t.w2 + t.sd2 * rng.z() }),
    utility: (s, x) => s.lambda * (s.w1 * x.x1 + s.w2 * x.x2 - x.price),
  });
}

/** A G-MNL DGP: β_i = σ_i β + [γ + σ_i (1 − γ)] η_i, σ_i = exp(−τ²/2 + τ z_i); β1, β2 normal, β3 fixed. */
function gmnlData(name: string, individuals: number, situations: number, seed: number, t: { b1: number; s1: number; b2: number; s2: number; b3: number; tau: number; gamma: number }) {
  return simulateChoices(dir, name, {
    individuals, situations, alternatives: 3, seed,
    attributes: { x1: N01, x2: N01, x3: N01 },
    individual: (rng) => {
      const sigma = Math.exp(-t.tau * t.tau / 2 + t.tau * rng.z());
      const a = t.gamma + sigma * (1 - t.gamma);
      return { b: [sigma * t.b1 + a * t.s1 * rng.z(), sigma * t.b2 + a * t.s2 * rng.z(), sigma * t.b3] };
    },
    utility: (s, x) => s.b[0] * x.x1 + s.b[1] * x.x2 + s.b[2] * x.x3,
  });
}

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
    const sim = wtpData('wtp-gh', 250, 5, 31, { lambda: 0.3, sdLambda: 0.5, w1: 1, sd1: 0.7, w2: -0.6, sd2: 0 });
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
    expect(Math.abs(ll(r.raw) - r.loglik)).toBeLessThan(1e-9 * Math.abs(r.loglik));
    const g = numericalGradient(ll, r.raw);
    for (const [k, v] of Object.entries(g)) expect(Math.abs(v), `dLL/d${k} = ${v}`).toBeLessThan(2e-3);
    // and the check can fail: away from the estimate the gradient is not zero
    const off = numericalGradient(ll, { ...r.raw, x1: r.raw.x1 + 0.1 });
    expect(Math.abs(off.x1)).toBeGreaterThan(1);
  });

  it('recovers lognormal λ with normal ω (truth within 3 SE)', async () => {
    const T = { lambda: 0.2, sdLambda: 0.5, w1: 1, sd1: 0.6, w2: -0.5, sd2: 0.5 };
    const sim = wtpData('wtp-rec', 1000, 8, 7, T);
    const r = await estimate({
      data: longData(sim.file),
      model: { random: { x1: 'normal', x2: 'normal' }, space: 'wtp', scale: { column: 'price', dist: 'lognormal' } },
      integration: { rule: 'sobol', draws: 256, scramble: 'owen' },
      optimizer: { starts: 1 },
      workers: WORKERS,
    });
    expectRecovered(r, { lambda: T.lambda, 'sd.lambda': T.sdLambda, x1: T.w1, 'sd.x1': T.sd1, x2: T.w2, 'sd.x2': T.sd2 });
    const lambda = r.distributions.find((d) => d.coefficient === 'lambda')!;
    expect(lambda.dist).toBe('lognormal');
    expect(lambda.median).toBeCloseTo(Math.exp(byName(r).lambda.estimate), 12);
  }, 120_000);

  it('post-estimation of a random WTP-space model: the WTP distribution and individual-level WTP are ω\'s', async () => {
    const sim = wtpData('wtp-post', 300, 6, 17, { lambda: 0.2, sdLambda: 0.5, w1: 1, sd1: 0.6, w2: -0.5, sd2: 0 });
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
    const sim = gmnlData('gmnl-gh', 250, 6, 41, { b1: 1, s1: 0.8, b2: -0.8, s2: 0, b3: 0.5, tau: 0.6, gamma: 0.5 });
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
    expect(Math.abs(ll(r.raw) - r.loglik)).toBeLessThan(1e-9 * Math.abs(r.loglik));
    const g = numericalGradient(ll, r.raw);
    for (const [k, v] of Object.entries(g)) expect(Math.abs(v), `dLL/d${k} = ${v}`).toBeLessThan(2e-3);
    // the table reports γ itself; raw holds logit γ; an interior γ (at 0 or 1 its gradient vanishes and the check would say nothing)
    expect(byName(r).gamma.estimate).toBeCloseTo(logistic(r.raw.gamma), 12);
    expect(Math.abs(r.raw.gamma)).toBeLessThan(4);
    expect(byName(r).gamma.se).toBeCloseTo(Math.sqrt(r.covariance[5][5]) * logistic(r.raw.gamma) * (1 - logistic(r.raw.gamma)), 12);
  });

  it('gives the same log-likelihood and gradient, bit for bit, on 1, 2 and 3 workers (G-MNL and WTP space)', async () => {
    const sim = gmnlData('gmnl-workers', 60, 4, 5, { b1: 1, s1: 0.8, b2: -0.8, s2: 0.5, b3: 0.5, tau: 0.6, gamma: 0.5 });
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
    const T = { b1: 1.5, s1: 1.2, b2: -1, s2: 0.8, b3: 0.8, tau: 1, gamma: 0.5 };
    const sim = gmnlData('gmnl-rec', 1500, 10, 13, T);
    // the default: 3 starts (logit γ at 0, 1.5 and -1.5), the best kept
    const r = await estimate({
      data: longData(sim.file),
      model: { fixed: ['x3'], random: { x1: 'normal', x2: 'normal' }, scaleHeterogeneity: { gamma: 'free' } },
      integration: { rule: 'sobol', draws: 256, scramble: 'owen' },
      workers: WORKERS,
    });
    expect(r.starts.length).toBe(3);
    expectRecovered(r, { x1: T.b1, 'sd.x1': T.s1, x2: T.b2, 'sd.x2': T.s2, x3: T.b3, tau: T.tau, gamma: T.gamma });
  }, 180_000);
});
