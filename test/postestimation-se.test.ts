/**
 * Standard errors of every number of the WTP and scenario reports (the WTP
 * distribution's mean, sd, 5% quantile, median and 95% quantile; the base
 * and scenario shares and their change), checked against the delta method
 * done here from scratch: a central-difference Jacobian of the statistic in
 * theta, each point computed without standard errors, times the covariance
 * of a fitted model. Then, loosely, against Krinsky-Robb with many draws.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, prepare, type Prepared } from '@mxl/estimation';
import { population, Predictor, wtpDistribution, type ResultLike, type ScenarioReport, type WtpDistribution } from '@mxl/postestimation';
import { REPO } from './shared.js';
import { resultAt } from './predictions.js';

const ELECTRICITY = path.join(REPO, 'examples/electricity/electricity_long.csv');
const DATA = { path: ELECTRICITY, id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };

/** A small mixed logit fitted on electricity (a fixed cost coefficient, two normal ones), with the id kept per situation for reports by group. */
const problem = await prepare(
  { data: DATA, model: { fixed: ['pf', 'cl', 'tod', 'seas'], random: { loc: 'normal', wk: 'normal' } }, integration: { rule: 'halton', draws: 30 }, se: 'hessian' },
  { situationColumns: ['id'] },
);
const fitted = await estimate(problem, { workers: 2 });

/** A result at raw parameters theta (what the predictor reads), without covariance. */
function resultWith(p: Prepared, theta: Float64Array): ResultLike {
  const names = p.design.params.map((q) => q.name);
  return { parameters: names.map((name) => ({ name })) as never, raw: Object.fromEntries(names.map((n, i) => [n, theta[i]])), covariance: [] };
}

/**
 * Delta-method standard errors of f at theta: a central-difference Jacobian
 * (the test's own step), then sqrt(diag(J V J')).
 */
async function numericSe(f: (theta: Float64Array) => Promise<number[]> | number[], theta: Float64Array, V: Float64Array): Promise<number[]> {
  const P = theta.length;
  const n = (await f(theta)).length;
  const J: number[][] = Array.from({ length: n }, () => new Array(P).fill(0));
  for (let p = 0; p < P; p++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[p]));
    const up = Float64Array.from(theta), down = Float64Array.from(theta);
    up[p] += h;
    down[p] -= h;
    const [a, b] = [await f(up), await f(down)];
    for (let i = 0; i < n; i++) J[i][p] = (a[i] - b[i]) / (2 * h);
  }
  return J.map((row) => {
    let v = 0;
    for (let p = 0; p < P; p++) for (let q = 0; q < P; q++) v += row[p] * V[p * P + q] * row[q];
    return Math.sqrt(v);
  });
}

/** The WTP statistics with standard errors, in this order. */
const STATS = ['mean', 'sd', 'q05', 'median', 'q95'] as const;
const wtpValues = (w: WtpDistribution) => STATS.flatMap((s) => w[s]);
const scenarioValues = (r: ScenarioReport) => [...r.base, ...r.scenario, ...r.change];

/** |a - b| within `tol` relative (to |b|, at least `floor`), component by component. */
function close(a: readonly number[], b: readonly number[], tol: number, floor: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Number.isFinite(a[i]), `component ${i}: ${a[i]}`).toBe(true);
    expect(Math.abs(a[i] - b[i]), `component ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol * Math.max(floor, Math.abs(b[i])));
  }
}

describe('WTP: standard errors of the mean, sd and quantiles', () => {
  it('fitted mixed logit: the analytic delta method equals a finite-difference delta method; Krinsky-Robb is near it', async () => {
    expect(fitted.converged).toBe(true);
    const pr = new Predictor(problem, fitted, { workers: 2 });
    try {
      const k = problem.data.varNames.indexOf('pf');
      const w = await pr.wtp('pf', { se: true });
      expect(w.interval).toBe('delta');
      const fd = await numericSe((t) => wtpValues(wtpDistribution(population(problem, t), k)), pr.theta, pr.cov!);
      const got = STATS.flatMap((s) => w[`${s}Se`]!);
      // the cost coefficient's own WTP is -1 at every support point: SE 0 for every statistic
      const others = got.map((_, i) => i).filter((i) => i % w.coefficients.length !== k);
      close(others.map((i) => got[i]), others.map((i) => fd[i]), 1e-6, 1e-8);
      for (const s of STATS) expect(w[`${s}Se`]![k]).toBeLessThan(1e-12);
      // a random coefficient's sd and quantiles move with its sd parameter: their SEs are not 0
      const loc = w.coefficients.indexOf('loc');
      for (const s of STATS) expect(w[`${s}Se`]![loc]).toBeGreaterThan(1e-3);
      // central differences over passes (the numeric path) agree too
      const numeric = await pr.wtp('pf', { se: true, interval: { method: 'delta', jacobian: 'numeric' } });
      for (const s of STATS) close(numeric[`${s}Se`]!.filter((_, i) => i !== k), w[`${s}Se`]!.filter((_, i) => i !== k), 1e-5, 1e-8);
      // Krinsky-Robb with many draws: SEs near the delta method's, intervals around the estimate
      const kr = await pr.wtp('pf', { se: true, interval: { method: 'krinsky-robb', reps: 2000, seed: 5 } });
      expect(kr.interval).toBe('krinsky-robb');
      // (cl and pf are both fixed: the WTP of cl has sd 0 at every theta, with SE 0 both ways)
      const cl = w.coefficients.indexOf('cl');
      expect(w.sd[cl]).toBe(0);
      expect(w.sdSe![cl]).toBe(0);
      expect(kr.sdSe![cl]).toBe(0);
      for (const s of STATS) {
        for (const c of s === 'sd' ? ['loc', 'wk'] : ['loc', 'wk', 'cl']) {
          const i = w.coefficients.indexOf(c);
          expect(kr[`${s}Se`]![i] / w[`${s}Se`]![i], `${s} ${c}`).toBeGreaterThan(0.85);
          expect(kr[`${s}Se`]![i] / w[`${s}Se`]![i], `${s} ${c}`).toBeLessThan(1.15);
          expect(kr[`${s}Lower`]![i]).toBeLessThan(w[s][i]);
          expect(kr[`${s}Upper`]![i]).toBeGreaterThan(w[s][i]);
        }
      }
    } finally {
      await pr.close();
    }
  }, 120_000);

  it('latent classes (prior weights that move with theta): the sd and quantile SEs equal a finite-difference delta method', async () => {
    const p = await prepare({ data: DATA, model: { fixed: ['pf', 'cl', 'loc'], classes: { count: 2 } }, integration: { rule: 'halton', draws: 10 } }, null);
    const values = { 'class1.pf': -0.5, 'class1.cl': -0.1, 'class1.loc': 1, 'class2.pf': -1.2, 'class2.cl': -0.3, 'class2.loc': 2.5, 'class2:(intercept)': 0.4 };
    const pr = new Predictor(p, resultAt(p, values, true), { workers: 1 });
    const k = p.data.varNames.indexOf('pf'), K = p.data.varNames.length;
    const w = await pr.wtp('pf', { se: true });
    const fd = await numericSe((t) => wtpValues(wtpDistribution(population(p, t), k)), pr.theta, pr.cov!);
    const got = STATS.flatMap((s) => w[`${s}Se`]!);
    const others = got.map((_, i) => i).filter((i) => i % K !== k);
    close(others.map((i) => got[i]), others.map((i) => fd[i]), 1e-6, 1e-8);
    // the sd is that of a two-point distribution whose weights move with the class intercept
    expect(w.sdSe![p.data.varNames.indexOf('loc')]).toBeGreaterThan(1e-3);
  });
});

describe('scenarios: standard errors of the base and scenario shares and of the change', () => {
  const changes = [{ variable: 'pf', alternatives: ['2'], factor: 1.1 }, { variable: 'loc', alternatives: ['3'], add: 1 }];

  /** The scenario at theta, without standard errors (its own predictor: the statistic as a function of theta). */
  async function scenarioAt(theta: Float64Array, by?: string): Promise<number[]> {
    const pr = new Predictor(problem, resultWith(problem, theta), { workers: 1 });
    const r = await pr.scenario(changes, { by });
    return by ? r.groups!.slice(0, 5).flatMap((g) => scenarioValues(g.report)) : scenarioValues(r);
  }

  it('fitted mixed logit: the analytic delta method equals a finite-difference delta method, whole sample and by group', async () => {
    const pr = new Predictor(problem, fitted, { workers: 2 });
    try {
      const sc = await pr.scenario(changes, { se: true });
      expect(sc.interval).toBe('delta');
      const fd = await numericSe((t) => scenarioAt(t), pr.theta, pr.cov!);
      close([...sc.baseSe!, ...sc.scenarioSe!, ...sc.changeSe!], fd, 1e-6, 1e-6);
      // the base shares' SEs are those of the shares report
      close(sc.baseSe!, (await pr.shares({ se: true })).se!, 1e-12, 1e-12);
      const byId = await pr.scenario(changes, { se: true, by: 'id' });
      const fdById = await numericSe((t) => scenarioAt(t, 'id'), pr.theta, pr.cov!);
      close(byId.groups!.slice(0, 5).flatMap((g) => [...g.report.baseSe!, ...g.report.scenarioSe!, ...g.report.changeSe!]), fdById, 1e-6, 1e-6);
      close([...byId.baseSe!, ...byId.scenarioSe!, ...byId.changeSe!], [...sc.baseSe!, ...sc.scenarioSe!, ...sc.changeSe!], 1e-12, 1e-12);
      // the forward-mode passes over the changed data give the same numbers on this thread, to the last bit
      const one = new Predictor(problem, fitted, { workers: 1 });
      expect(JSON.stringify(await one.scenario(changes, { se: true, by: 'id' }))).toBe(JSON.stringify(byId));
      await one.close();
      // central differences over passes (the numeric path) agree too
      const numeric = await pr.scenario(changes, { se: true, interval: { method: 'delta', jacobian: 'numeric' } });
      close([...numeric.baseSe!, ...numeric.scenarioSe!, ...numeric.changeSe!], [...sc.baseSe!, ...sc.scenarioSe!, ...sc.changeSe!], 1e-5, 1e-6);
    } finally {
      await pr.close();
    }
  }, 120_000);

  it('Krinsky-Robb: SEs of all three near the delta method\'s, intervals around the estimates', async () => {
    const pr = new Predictor(problem, fitted, { workers: 2 });
    try {
      const delta = await pr.scenario(changes, { se: true });
      const kr = await pr.scenario(changes, { se: true, interval: { method: 'krinsky-robb', reps: 400, seed: 7 } });
      expect(kr.interval).toBe('krinsky-robb');
      for (const part of ['base', 'scenario', 'change'] as const) {
        for (let j = 0; j < kr.alternatives.length; j++) {
          const ratio = kr[`${part}Se`]![j] / delta[`${part}Se`]![j];
          expect(ratio, `${part} ${j}`).toBeGreaterThan(0.8);
          expect(ratio, `${part} ${j}`).toBeLessThan(1.25);
          expect(kr[`${part}Lower`]![j]).toBeLessThan(kr[part][j]);
          expect(kr[`${part}Upper`]![j]).toBeGreaterThan(kr[part][j]);
        }
      }
    } finally {
      await pr.close();
    }
  }, 120_000);
});
