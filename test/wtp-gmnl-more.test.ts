/**
 * Willingness-to-pay space and G-MNL beyond maximum simulated likelihood
 * (test/wtp-gmnl.test.ts has MSL):
 *
 * - the method of simulated scores: the per-node score the posterior sampler
 *   averages (the coupling's Jacobian applied) equals central differences of
 *   the node-average log-likelihood; MSS recovers the truth within 3 SE in
 *   WTP space (lognormal λ, normal ω), identically on 1 and 2 workers, and in
 *   G-MNL with γ free (whose BHHH steps oscillate without damping);
 * - `mxl simulate --spec --result` from a fitted WTP-space model, and
 *   simulateChoices at known G-MNL parameters: re-estimation on the drawn
 *   choices recovers the parameters used within 3 SE;
 * - `mxl report --predict` on a WTP-space result: the page shows λ, σ_λ and
 *   the ω's, the shares, the price elasticities and the WTP (ω itself);
 * - G-MNL with lognormal coefficients, scaled after the transform
 *   (β = σ exp(μ + s η)): analytic scores equal central differences (both
 *   kernels, ± lognormal); with Gauss-Hermite nodes a plain likelihood equals
 *   mxl's LL at its estimate and is flat there; recovery within 3 SE.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FastKernel, Kernel, compilePlan, reduceUnits, DrawKind, Link, type CoefficientPlan, type MixedKernel } from '@mxl/core';
import { engineFor, estimate, prepare } from '@mxl/estimation';
import { simulateChoices as simulateFitted, writeSimulatedData } from '@mxl/postestimation';
import { makeData, makeNodes } from '../packages/core/test/helpers.js';
import { REPO } from './shared.js';
import { longData } from './simulate-dgp.js';
import { plainLogLik, readPanel } from './plain-loglik.js';
import { byName, expectPlainLikelihoodFlat, expectRecovered, gmnlData, logistic, wtpData } from './wtp-gmnl-helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-wtp-more-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
function mxl(args: string[]) {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** WTP space: U = λ (ω1 x1 + ω2 x2 − price), λ lognormal, ω1 normal, ω2 fixed. */
const WTP_TRUTH = { lambda: 0.2, 'sd.lambda': 0.5, x1: 1, 'sd.x1': 0.6, x2: -0.5 };
const WTP_MODEL = { random: { x1: 'normal' }, fixed: ['x2'], space: 'wtp', scale: { column: 'price', dist: 'lognormal' } };

/** G-MNL: β_i = σ_i β + [γ + σ_i (1 − γ)] η_i, σ_i = exp(−τ²/2 + τ z_i); β1, β2 normal, β3 fixed. */
const GMNL_TRUTH = { x1: 1.5, 'sd.x1': 1.2, x2: -1, 'sd.x2': 0.8, x3: 0.8, tau: 1, gamma: 0.5 };
const GMNL_MODEL = { fixed: ['x3'], random: { x1: 'normal', x2: 'normal' }, scaleHeterogeneity: { gamma: 'free' } };

// G-MNL with beta_1 lognormal (a mean shift), beta_2 normal, beta_3 -lognormal, beta_4 fixed; tau (7), logit gamma (8), z on dimension 3
const gmnlLognormal = compilePlan([
  { mean: 0, link: Link.exp, spreads: [{ param: 4, dim: 0 }], shifts: [{ param: 9, char: 0 }] },
  { mean: 1, link: Link.identity, spreads: [{ param: 5, dim: 1 }] },
  { mean: 2, link: Link.exp, sign: -1, spreads: [{ param: 6, dim: 2 }] },
  { mean: 3, link: Link.identity },
], 10, [DrawKind.normal, DrawKind.normal, DrawKind.normal, DrawKind.normal], { kind: 'gmnl', tauParam: 7, gammaParam: 8, gamma: 0, scaleDim: 3 });
const GMNL_LN_THETA = [-0.2, 0.6, -0.5, 0.4, 0.5, 0.7, 0.3, 0.6, 0.4, -0.3];

describe('MSS in WTP space and G-MNL', () => {
  it('the per-node scores the posterior sampler averages equal central differences (coupled plans, draws not cached)', () => {
    // WTP: omega_1 normal with a mean shift, omega_2 fixed, lambda (column 2) lognormal
    const wtp = compilePlan([
      { mean: 0, link: Link.identity, spreads: [{ param: 3, dim: 0 }], shifts: [{ param: 5, char: 0 }] },
      { mean: 1, link: Link.identity },
      { mean: 2, link: Link.exp, spreads: [{ param: 4, dim: 1 }] },
    ], 6, [DrawKind.normal, DrawKind.normal], { kind: 'wtp', price: 2 });
    // G-MNL: beta_1 normal with a mean shift, beta_2 fixed, beta_3 -uniform; tau, logit gamma, z on dimension 2
    const gmnl = compilePlan([
      { mean: 0, link: Link.identity, spreads: [{ param: 3, dim: 0 }], shifts: [{ param: 7, char: 0 }] },
      { mean: 1, link: Link.identity },
      { mean: 2, link: Link.identity, sign: -1, spreads: [{ param: 4, dim: 1 }] },
    ], 8, [DrawKind.normal, DrawKind.uniform, DrawKind.normal], { kind: 'gmnl', tauParam: 5, gammaParam: 6, gamma: 0, scaleDim: 2 });
    const cases: [CoefficientPlan, number[]][] = [[wtp, [0.8, -0.5, -0.2, 0.6, 0.4, 0.3]], [gmnl, [0.7, -0.4, 0.5, 0.8, 0.3, 0.6, 0.4, -0.3]], [gmnlLognormal, GMNL_LN_THETA]];
    for (const [plan, th] of cases) {
      const data = makeData(20, 4, 3, plan.K, 5, { chars: 1 });
      const R = 9, k = new FastKernel(data, plan, makeNodes(R, plan.D, 7), { cacheDraws: false });
      const theta = Float64Array.from(th), P = theta.length, l = new Float64Array(R);
      const mean = (t: Float64Array, u: number) => { k.nodeLogLik(t, u, l); return l.reduce((a, b) => a + b, 0) / R; };
      for (const u of [0, 11, 19]) {
        const sc = new Float64Array(P);
        k.nodeAverageScore(theta, u, sc, 0);
        for (let p = 0; p < P; p++) {
          const h = 1e-6, a = Float64Array.from(theta), b = Float64Array.from(theta);
          a[p] += h; b[p] -= h;
          const fd = (mean(a, u) - mean(b, u)) / (2 * h);
          expect(Math.abs(sc[p] - fd), `${plan.coupling!.kind}, unit ${u}, parameter ${p}: ${sc[p]} vs ${fd}`).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
        }
        expect(sc.some((x) => Math.abs(x) > 1e-3)).toBe(true);
      }
    }
  });

  it('WTP space (lognormal λ, normal ω): MSS recovers the truth within 3 SE, close to MSL, the same on 1 and 2 workers', async () => {
    const sim = wtpData(dir, 'wtp-mss', 500, 8, 3, WTP_TRUTH);
    const spec = { data: longData(sim.file), model: WTP_MODEL, integration: { rule: 'halton', draws: 100 }, optimizer: { starts: 1 } };
    const msl = await estimate({ ...spec, workers: 2 });
    const mss = await estimate({ ...spec, estimator: 'mss', workers: 2 });
    expect(mss.message).toMatch(/^MSS: every BHHH step below 5% of its standard error/);
    expect(mss.se).toBe('mss-sandwich');
    expectRecovered(mss, WTP_TRUTH);
    const a = byName(mss), b = byName(msl);
    for (const name of Object.keys(WTP_TRUTH)) expect(Math.abs(a[name].estimate - b[name].estimate) / b[name].se!, name).toBeLessThan(0.5);
    const one = await estimate({ ...spec, estimator: 'mss', workers: 1 });
    expect(one.parameters.map((p) => [p.estimate, p.se])).toEqual(mss.parameters.map((p) => [p.estimate, p.se]));
  }, 120_000);

  it('G-MNL with γ free: MSS converges (damped steps) and recovers the truth within 3 SE', async () => {
    const sim = gmnlData(dir, 'gmnl-mss', 600, 15, 13, GMNL_TRUTH);
    const mss = await estimate({
      data: longData(sim.file), model: GMNL_MODEL, estimator: 'mss',
      integration: { rule: 'sobol', draws: 128, scramble: 'owen' }, workers: 2,
    });
    expect(mss.message).toMatch(/^MSS: every BHHH step below 5% of its standard error/);
    expectRecovered(mss, GMNL_TRUTH);
  }, 180_000);
});

describe('simulating from fitted WTP-space and G-MNL models', () => {
  it('`mxl simulate --spec --result` from a fitted WTP-space model; re-estimation recovers the parameters used within 3 SE', async () => {
    const sim = wtpData(dir, 'wtp-fit', 800, 8, 21, WTP_TRUTH);
    const spec = path.join(dir, 'wtp-spec.json');
    const specJson = { data: longData(sim.file), model: WTP_MODEL, integration: { rule: 'halton', draws: 100 }, optimizer: { starts: 1 }, workers: 2 };
    writeFileSync(spec, JSON.stringify(specJson));
    const fit = path.join(dir, 'wtp-result.json');
    const e = mxl(['estimate', spec, '--out', fit, '--quiet']);
    expect(e.code, e.err).toBe(0);
    const out = path.join(dir, 'wtp-drawn.csv');
    const s = mxl(['simulate', '--spec', spec, '--result', fit, '--out', out, '--seed', '9']);
    expect(s.code, s.err).toBe(0);
    const truth = JSON.parse(readFileSync(path.join(dir, 'wtp-drawn.truth.json'), 'utf8'));
    const fitted = JSON.parse(readFileSync(fit, 'utf8'));
    // the parameters used are the fitted ones, as the table reports them
    for (const p of fitted.parameters) expect(truth.parameters[p.name], p.name).toBeCloseTo(p.estimate, 12);
    const r = await estimate({ ...specJson, data: { ...specJson.data, path: out } });
    expectRecovered(r, truth.parameters);
    // and the drawn choices are not the original ones
    expect(readFileSync(out, 'utf8')).not.toBe(readFileSync(sim.file, 'utf8'));
  }, 120_000);

  it('G-MNL at known parameters (simulateChoices): re-estimation recovers them within 3 SE; γ is reported as γ', async () => {
    const sim = gmnlData(dir, 'gmnl-base', 1000, 10, 5, GMNL_TRUTH);
    const spec = { data: longData(sim.file), model: GMNL_MODEL, integration: { rule: 'sobol', draws: 128, scramble: 'owen' }, workers: 2 };
    const p = await prepare(spec, { records: true });
    const raw: Record<string, number> = { ...GMNL_TRUTH, gamma: Math.log(GMNL_TRUTH.gamma / (1 - GMNL_TRUTH.gamma)) };
    const names = p.design.params.map((q) => q.name);
    const drawn = simulateFitted(p, { parameters: names.map((name) => ({ name })) as never, raw }, { seed: 4 });
    expect(drawn.parameters).toEqual(Object.fromEntries(names.map((n) => [n, GMNL_TRUTH[n as keyof typeof GMNL_TRUTH]])));
    const out = path.join(dir, 'gmnl-drawn.csv');
    await writeSimulatedData(p, drawn, out);
    const r = await estimate({ ...spec, data: { ...spec.data, path: out } });
    expectRecovered(r, GMNL_TRUTH);
    expect(logistic(r.raw.gamma)).toBeCloseTo(byName(r).gamma.estimate, 12);
  }, 180_000);
});

describe('the report of a WTP-space model', () => {
  it('`mxl report --predict` shows λ, σ_λ and the ω\'s, the shares, the price elasticities and the WTP', () => {
    const sim = wtpData(dir, 'wtp-report', 300, 6, 8, WTP_TRUTH);
    const spec = path.join(dir, 'report-spec.json');
    writeFileSync(spec, JSON.stringify({ data: longData(sim.file), model: WTP_MODEL, integration: { rule: 'halton', draws: 50 }, optimizer: { starts: 1 }, workers: 1 }));
    const r = path.join(dir, 'report-result.json'), pj = path.join(dir, 'report-predict.json'), html = path.join(dir, 'report.html');
    const e = mxl(['estimate', spec, '--out', r, '--quiet']);
    expect(e.code, e.err).toBe(0);
    const pr = mxl(['predict', spec, '--result', r, '--shares', '--elasticities', 'price', '--wtp', 'price', '--se', '--individual', path.join(dir, 'report-ind.csv'), '--out', pj, '--workers', '1']);
    expect(pr.code, pr.err).toBe(0);
    // the WTP table says what it is in WTP space: omega itself, not a ratio of random coefficients
    expect(pr.out).toContain('willingness to pay over the population: omega, estimated directly in WTP space (-beta_k / beta_price = omega_k for every individual)\n');
    const rep = mxl(['report', r, '--predict', pj, '--out', html]);
    expect(rep.code, rep.err).toBe(0);
    const text = readFileSync(html, 'utf8');
    const result = JSON.parse(readFileSync(r, 'utf8')), predicted = JSON.parse(readFileSync(pj, 'utf8'));
    expect(result.space).toBe('wtp');
    expect([...text.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'convergence', 'density-x1', 'density-lambda', 'wtp', 'wtp-individual', 'shares', 'elasticities',
    ]);
    const section = (id: string) => (new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(text)?.[1] ?? '').replace(/<svg[\s\S]*?<\/svg>/g, '');
    const cells = (html: string) => [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
    // the estimates: λ (the location of log λ), σ_λ and the ω's, as in the result
    const est = cells(section('estimates'));
    for (const p of result.parameters) {
      const row = est.find((c) => c[0] === p.name);
      expect(row, p.name).toBeDefined();
      expect(Number(row![1].replace('−', '-'))).toBeCloseTo(p.estimate, 3);
    }
    expect(result.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['lambda', 'sd.lambda', 'sd.x1', 'x1', 'x2']);
    expect(est.some((c) => c[0] === 'lambda (lognormal)')).toBe(true);
    // the WTP is ω itself (x1, x2), not a ratio; the price has no WTP row
    const wtp = cells(section('wtp'));
    const w = predicted.wtp;
    expect(w.cost).toBe('price');
    for (const name of ['x1', 'x2']) {
      const row = wtp.find((c) => c[0] === name)!;
      const k = w.coefficients.indexOf(name);
      expect(Number(row[1].replace('−', '-').split(' ')[0])).toBeCloseTo(w.mean[k], 3);
      expect(Math.abs(w.mean[k] - result.parameters.find((p: { name: string }) => p.name === name).estimate)).toBeLessThan(0.01);
    }
    expect(wtp.some((c) => c[0] === 'price')).toBe(false);
    // the shares of the three alternatives; the price elasticities through λ (own negative, cross positive), as the heat map's labels
    expect(cells(section('shares')).filter((c) => /^[123]$/.test(c[0])).length).toBe(3);
    const el = predicted.elasticities;
    expect(el.variable).toBe('price');
    const labels = [...text.matchAll(/aria-label="price of: (\d); demand for: (\d); label: ([^"]+)"/g)];
    expect(labels.length).toBe(9);
    for (const [, of, fr, label] of labels) {
      const v = el.values[el.alternatives.indexOf(fr)][el.alternatives.indexOf(of)];
      expect(Number(label)).toBeCloseTo(v, 3);
      expect(Math.sign(v)).toBe(of === fr ? -1 : 1);
    }
    expect(section('notes')).toMatch(/WTP space: U = λ \(ω&#39;x − price\) \+ ε/);
  });
});

describe('G-MNL with lognormal coefficients', () => {
  it('β = σ exp(μ + s η); analytic scores and row-probability derivatives equal central differences (reference and fast kernels, ± lognormal, γ free)', () => {
    const data = makeData(25, 4, 3, 4, 9, { chars: 1 });
    const theta = Float64Array.from(GMNL_LN_THETA), P = theta.length;
    const R = 7, nodes = makeNodes(R, 4, 3);
    const evaluate = (k: MixedKernel, t: Float64Array) => {
      const unitLL = new Float64Array(data.nUnits), scores = new Float64Array(data.nUnits * P), grad = new Float64Array(P);
      k.evaluate(t, 0, data.nUnits, unitLL, scores);
      return { ll: reduceUnits(unitLL, scores, P, grad), grad };
    };
    const ref = new Kernel(data, gmnlLognormal, nodes), fast = new FastKernel(data, gmnlLognormal, nodes);
    // the coefficients: the lognormal ones scaled after the transform, the normal one as in G-MNL
    const e = new Float64Array(4 * R);
    for (const u of [0, 13]) {
      nodes.fill(u, e, null);
      const beta = ref.coefficients(theta, u);
      const c = data.unitChars![u];
      const gamma = 1 / (1 + Math.exp(-theta[8]));
      for (let r = 0; r < R; r++) {
        const sigma = Math.exp(-(theta[7] ** 2) / 2 + theta[7] * e[3 * R + r]);
        expect(beta[r]).toBeCloseTo(sigma * Math.exp(theta[0] + theta[9] * c + theta[4] * e[r]), 12);
        expect(beta[R + r]).toBeCloseTo(sigma * theta[1] + (gamma + sigma * (1 - gamma)) * theta[5] * e[R + r], 12);
        expect(beta[2 * R + r]).toBeCloseTo(-sigma * Math.exp(theta[2] + theta[6] * e[2 * R + r]), 12);
        expect(beta[3 * R + r]).toBeCloseTo(sigma * theta[3], 12);
      }
    }
    const a = evaluate(ref, theta), b = evaluate(fast, theta);
    expect(Math.abs(a.ll - b.ll)).toBeLessThan(1e-10 * Math.abs(a.ll));
    for (let p = 0; p < P; p++) {
      const h = 1e-5 * Math.max(1, Math.abs(theta[p]));
      const up = Float64Array.from(theta), dn = Float64Array.from(theta);
      up[p] += h; dn[p] -= h;
      const fd = (evaluate(ref, up).ll - evaluate(ref, dn).ll) / (2 * h);
      expect(Math.abs(fd - a.grad[p]) / Math.max(1, Math.abs(fd)), `parameter ${p}: fd ${fd}, analytic ${a.grad[p]}`).toBeLessThan(1e-7);
      expect(Math.abs(b.grad[p] - a.grad[p])).toBeLessThan(1e-9 * Math.max(1, Math.abs(a.grad[p])));
      expect(Math.abs(fd)).toBeGreaterThan(1e-4);
    }
    // the row probabilities' derivatives (post-estimation's delta method)
    const u1 = 5, n = data.sitRow[data.unitSit[u1]];
    const prob = new Float64Array(data.nRows), dprob = new Float64Array(data.nRows * P);
    fast.rowProbabilities(theta, 0, u1, prob, dprob);
    const pa = new Float64Array(data.nRows), pb = new Float64Array(data.nRows);
    for (let p = 0; p < P; p++) {
      const h = 1e-5 * Math.max(1, Math.abs(theta[p]));
      const up = Float64Array.from(theta), dn = Float64Array.from(theta);
      up[p] += h; dn[p] -= h;
      fast.rowProbabilities(up, 0, u1, pa, null);
      fast.rowProbabilities(dn, 0, u1, pb, null);
      for (let i = 0; i < n; i++) expect(Math.abs((pa[i] - pb[i]) / (2 * h) - dprob[i * P + p]), `row ${i}, parameter ${p}`).toBeLessThan(1e-8);
    }
  });

  it('with Gauss-Hermite nodes, a plain likelihood equals mxl\'s LL at its estimate and is flat there (lognormal and normal, γ free)', async () => {
    const sim = gmnlData(dir, 'gmnl-ln-gh', 300, 8, 23, { x1: 0, 'sd.x1': 0.5, x2: -1, 'sd.x2': 1.2, x3: 0.8, tau: 0.8, gamma: 0.5 }, 'lognormal');
    const r = await estimate({
      data: longData(sim.file),
      model: { fixed: ['x3'], random: { x1: 'lognormal', x2: 'normal' }, scaleHeterogeneity: { gamma: 'free' } },
      integration: { rule: 'product', level: 7 },
      optimizer: { starts: 1, gtol: 1e-9 },
      workers: 2,
    });
    expect(r.converged, r.message).toBe(true);
    expect(r.parameters.map((p) => p.name)).toEqual(['x3', 'x1', 'x2', 'sd.x1', 'sd.x2', 'tau', 'gamma']);
    const panel = readPanel(sim.file, ['x1', 'x2', 'x3']);
    const ll = (q: Record<string, number>) => plainLogLik(panel, 7, 3, (a, b, c) => {
      const sigma = Math.exp(-q.tau * q.tau / 2 + q.tau * c), gamma = logistic(q.gamma);
      return [sigma * Math.exp(q.x1 + q['sd.x1'] * a), sigma * q.x2 + (gamma + sigma * (1 - gamma)) * q['sd.x2'] * b, sigma * q.x3];
    });
    // and the check can fail: away from the estimate (sd.x1 + 0.1) the gradient is not zero
    expectPlainLikelihoodFlat(r, ll, 'sd.x1');
    expect(Math.abs(r.raw.gamma)).toBeLessThan(4);
  }, 120_000);

  it('recovers G-MNL with a lognormal coefficient (truth within 3 SE); the same LL and gradient on 1, 2 and 3 workers', async () => {
    const T = { x1: 0, 'sd.x1': 0.6, x2: -1, 'sd.x2': 1, x3: 0.8, tau: 0.8, gamma: 0.5 };
    const sim = gmnlData(dir, 'gmnl-ln-rec', 1000, 10, 31, T, 'lognormal');
    const spec = {
      data: longData(sim.file),
      model: { fixed: ['x3'], random: { x1: 'lognormal', x2: 'normal' }, scaleHeterogeneity: { gamma: 'free' } },
      integration: { rule: 'sobol', draws: 128, scramble: 'owen' },
    };
    const r = await estimate({ ...spec, workers: 2 });
    expectRecovered(r, T);
    const p = await prepare(spec);
    const theta = Float64Array.from(p.design.params.map((q) => r.raw[q.name]));
    theta[0] += 0.05; // off the optimum: a gradient that is not zero
    const out: { ll: number; grad: number[] }[] = [];
    for (const workers of [1, 2, 3]) {
      const engine = engineFor(p, workers);
      try {
        const ev = await engine.evaluate(theta);
        out.push({ ll: ev.ll, grad: Array.from(ev.grad) });
      } finally {
        await engine.close();
      }
    }
    expect(out[1]).toEqual(out[0]);
    expect(out[2]).toEqual(out[0]);
  }, 180_000);
});
