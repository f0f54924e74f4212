/**
 * Post-estimation: predicted shares, elasticities, diversion ratios,
 * individual-level parameters and WTP, checked against closed forms (MNL),
 * against finite differences of predicted shares and against re-predicting
 * with an alternative removed (mixed, panel, outside option, latent class),
 * and against the known individual coefficients of simulated data.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import { estimate, prepare, simulate, type Prepared } from '@mxl/estimation';
import { deltaMethod, parseChange, population, predict, Predictor, shares, variableColumns, PostEstimationError } from '@mxl/postestimation';
import { dataSet } from './shared.js';
import { predictedSums, resultAt } from './predictions.js';

/** The same problem with variable `v` of alternative `alt` multiplied by `factor` (or shifted by `add`) in every row. */
function scaled(p: Prepared, v: string, alt: string, factor: number, add = 0): Prepared {
  const cols = variableColumns(p, v, 'test').byAlt[p.data.altLabels.indexOf(alt)];
  const X = Float64Array.from(p.data.X), K = p.data.nVars;
  for (let r = 0; r < p.data.nRows; r++) {
    if (p.data.altLabels[p.data.rowAlt[r]] !== alt) continue;
    for (const k of cols) X[r * K + k] = X[r * K + k] * factor + add;
  }
  return { ...p, data: { ...p.data, X } };
}

/** The same problem with alternative `alt` removed from every choice set (situations must keep a row). */
function without(p: Prepared, alt: string): Prepared {
  const d = p.data, K = d.nVars, a = d.altLabels.indexOf(alt);
  const sitRow = [0], X: number[] = [], rowAlt: number[] = [], sitChosen: number[] = [];
  for (let s = 0; s < d.nSituations; s++) {
    for (let r = d.sitRow[s]; r < d.sitRow[s + 1]; r++) {
      if (d.rowAlt[r] === a) continue;
      for (let k = 0; k < K; k++) X.push(d.X[r * K + k]);
      rowAlt.push(d.rowAlt[r]);
    }
    sitChosen.push(-1); // choices do not enter predictions
    sitRow.push(rowAlt.length);
  }
  const data: ChoiceData = { ...d, nRows: rowAlt.length, sitRow: Int32Array.from(sitRow), X: Float64Array.from(X), rowAlt: Int32Array.from(rowAlt), sitChosen: Int32Array.from(sitChosen) };
  return { ...p, data };
}

const ELEC_DATA = { path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };
const electricity = await prepare({
  data: ELEC_DATA,
  model: { fixed: ['cl'], random: { pf: 'normal', loc: 'normal', wk: 'lognormal', tod: 'normal', seas: 'normal' } },
  integration: { rule: 'halton', draws: 40 },
}, null);
const ELEC = { pf: -0.9, cl: -0.2, loc: 2, wk: 0.3, tod: -9, seas: -9, 'sd.pf': 0.3, 'sd.loc': 1.4, 'sd.wk': 0.5, 'sd.tod': 2, 'sd.seas': 1.2 };

/** Simulated panel data with an outside good, 2-3 inside goods and an income mean shift. */
function outsideProblem(): Promise<Prepared> {
  let seed = 7;
  const u = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const lines = ['id,t,alt,choice,price,quality,income'];
  for (let i = 1; i <= 150; i++) {
    const income = (0.5 + u()).toFixed(3);
    for (let t = 1; t <= 4; t++) {
      const J = 2 + ((i + t) % 2);
      const c = Math.floor(u() * (J + 1)) - 1; // -1: outside
      for (let j = 0; j < J; j++) lines.push(`${i},${t},${['a', 'b', 'c'][j]},${j === c ? 1 : 0},${(0.5 + u()).toFixed(3)},${(u() * 2 - 1).toFixed(3)},${income}`);
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-post-'));
  const file = path.join(dir, 'data.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return prepare({
    data: { path: file, id: 'id', situation: 't', alt: 'alt', choice: 'choice', outside: true },
    model: { fixed: ['price'], random: { quality: { dist: 'normal', means: ['income'] } }, asc: { reference: 'a' } },
    integration: { rule: 'sobol', draws: 64, scramble: 'owen', seed: 3 },
  }, null);
}

describe('post-estimation: finite differences and re-prediction', () => {
  const cases: [string, () => Promise<{ p: Prepared; values: Record<string, number>; v: string }>][] = [
    ['electricity (panel, normal and lognormal coefficients)', async () => ({ p: electricity, values: ELEC, v: 'pf' })],
    ['outside good, mean shift, alternative-specific constants', async () => ({ p: await outsideProblem(), values: { price: -1.1, quality: 0.6, 'quality:income': 0.4, 'sd.quality': 0.7, 'asc.b': 0.2, 'asc.c': -0.3 }, v: 'price' })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: elasticities and marginal diversion equal finite differences of predicted shares`, async () => {
      const { p, values, v } = await make();
      const pr = new Predictor(p, resultAt(p, values));
      const E = await pr.elasticities(v);
      const D = await pr.diversion(v);
      const h = 1e-5;
      const labels = p.data.altLabels;
      for (const alt of labels) {
        const l = E.alternatives.indexOf(alt);
        const up = predictedSums(scaled(p, v, alt, 1 + h), pr.theta);
        const down = predictedSums(scaled(p, v, alt, 1 - h), pr.theta);
        // marginal diversion is for the same small change of v_l in every situation
        const plus = predictedSums(scaled(p, v, alt, 1, h), pr.theta);
        const minus = predictedSums(scaled(p, v, alt, 1, -h), pr.theta);
        for (let j = 0; j < E.alternatives.length; j++) {
          const numeric = (Math.log(up[j]) - Math.log(down[j])) / (2 * h);
          expect(Math.abs(E.values[j][l] - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
          if (j !== l) {
            const div = -(plus[j] - minus[j]) / (plus[l] - minus[l]);
            expect(Math.abs(D.values[l][j] - div)).toBeLessThan(1e-5);
          }
        }
        // every unit of demand l loses goes somewhere
        const row = D.values[l].filter((_, j) => j !== l);
        expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
      }
      // own elasticities of a price are negative, cross ones positive
      if (values[v] < 0) for (let l = 0; l < labels.length; l++) expect(E.values[l][l]).toBeLessThan(0);
    });

    it(`${name}: second-choice diversion equals re-predicting without the alternative`, async () => {
      const { p, values } = await make();
      const pr = new Predictor(p, resultAt(p, values));
      const D = await pr.diversion('removal');
      const base = predictedSums(p, pr.theta);
      for (const alt of p.data.altLabels) {
        const l = D.alternatives.indexOf(alt);
        const q = without(p, alt);
        // situations where alt was the only inside good keep an outside option, so every situation still has a row or an outside good
        const after = predictedSums(q, pr.theta);
        for (let j = 0; j < D.alternatives.length; j++) {
          if (j === l) continue;
          const expected = (after[j] - base[j]) / base[l];
          expect(Math.abs(D.values[l][j] - expected)).toBeLessThan(1e-10);
        }
        expect(D.values[l].filter((_, j) => j !== l).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
      }
    });
  }
});

describe('post-estimation: estimated models', () => {
  const fishingSpec = {
    data: { path: dataSet('fishing_long.csv'), situation: 'id', alt: 'alt', choice: 'choice' },
    model: { fixed: ['price', 'catch'], asc: { reference: 'beach' } },
    se: 'hessian',
  };

  it('fishing MNL with constants: predicted shares equal observed shares; elasticities have the logit closed form', async () => {
    const p = await prepare(fishingSpec, null);
    const r = await estimate(p, null);
    expect(r.converged).toBe(true);
    const pr = new Predictor(p, r);
    const s = await pr.shares();
    expect(s.alternatives).toEqual(p.data.altLabels);
    for (let j = 0; j < s.alternatives.length; j++) expect(Math.abs(s.predicted[j] - s.observed[j])).toBeLessThan(1e-5);
    // closed form: E_jj = sum_t b x_tj P_tj (1 - P_tj) / sum_t P_tj, E_jl = -sum_t b x_tl P_tj P_tl / sum_t P_tj
    const b = r.raw.price;
    const pred = predict(pr.population());
    const d = p.data, K = d.nVars, kp = d.varNames.indexOf('price');
    const A = d.altLabels.length;
    const num = Array.from({ length: A }, () => new Array(A).fill(0)), den = new Array(A).fill(0);
    for (let t = 0; t < d.nSituations; t++) {
      for (let rj = d.sitRow[t]; rj < d.sitRow[t + 1]; rj++) {
        const j = d.rowAlt[rj], Pj = pred.row[rj];
        den[j] += Pj;
        for (let rl = d.sitRow[t]; rl < d.sitRow[t + 1]; rl++) {
          const l = d.rowAlt[rl], Pl = pred.row[rl], x = d.X[rl * K + kp];
          num[j][l] += j === l ? b * x * Pj * (1 - Pj) : -b * x * Pj * Pl;
        }
      }
    }
    const E = await pr.elasticities('price');
    for (let j = 0; j < A; j++) for (let l = 0; l < A; l++) expect(E.values[j][l]).toBeCloseTo(num[j][l] / den[j], 12);
    // with standard errors: the shares' delta-method SEs are finite and small
    const se = (await pr.shares({ se: true })).se!;
    for (const x of se) { expect(Number.isFinite(x)).toBe(true); expect(x).toBeLessThan(0.05); }
  });

  it('fishing MNL: WTP of fixed coefficients is the ratio of estimates, with the analytic delta-method SE', async () => {
    const p = await prepare(fishingSpec, null);
    const r = await estimate(p, null);
    const pr = new Predictor(p, r);
    const w = await pr.wtp('price', { se: true });
    const k = w.coefficients.indexOf('catch');
    const names = r.parameters.map((q) => q.name);
    const ic = names.indexOf('catch'), ip = names.indexOf('price');
    const bc = r.raw.catch, bp = r.raw.price;
    expect(w.mean[k]).toBeCloseTo(-bc / bp, 12);
    expect(w.median[k]).toBeCloseTo(-bc / bp, 12);
    expect(w.sd[k]).toBeLessThan(1e-9);
    expect(w.wrongSignShare).toBe(0);
    const V = r.covariance;
    // g = (-1/bp, bc/bp^2) for (catch, price)
    const g = [-1 / bp, bc / (bp * bp)];
    const v = g[0] * g[0] * V[ic][ic] + 2 * g[0] * g[1] * V[ic][ip] + g[1] * g[1] * V[ip][ip];
    expect(Math.abs(w.meanSe![k] - Math.sqrt(v)) / Math.sqrt(v)).toBeLessThan(1e-5);
  });

  it('individual-level parameters track the true individual coefficients of simulated data', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-post-ind-'));
    const files = simulate(dir, { individuals: 400, situations: 10, alternatives: 4, seed: 11 });
    const spec = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'halton', draws: 200 }, workers: 2 };
    const p = await prepare(spec, files.spec);
    const r = await estimate(p, files.spec);
    const ind = new Predictor(p, r).individual('price');
    const truth = readFileSync(files.betas, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(ind.ids.slice(0, 3)).toEqual(['1', '2', '3']);
    const K = ind.coefficients.length;
    for (const name of ['time', 'comfort', 'wifi']) {
      const k = ind.coefficients.indexOf(name), kt = ['price', 'time', 'comfort', 'wifi'].indexOf(name);
      const est = Array.from({ length: truth.length }, (_, u) => ind.mean[u * K + k]);
      const tru = truth.map((row) => row[1 + kt]);
      const corr = correlation(est, tru);
      // conditional means shrink towards the population mean but follow the individuals
      expect(corr).toBeGreaterThan(name === 'comfort' ? 0.6 : 0.2);
      // the sample mean of the conditional means is close to the estimated population mean
      const avg = est.reduce((a, b) => a + b, 0) / est.length;
      const se = r.parameters.find((q) => q.name === name)!.se;
      expect(Math.abs(avg - r.raw[name])).toBeLessThan(3 * se);
      // and the conditional sd is below the population sd on average (the choices are informative)
      const sdAvg = Array.from({ length: truth.length }, (_, u) => ind.sd[u * K + k]).reduce((a, b) => a + b, 0) / truth.length;
      expect(sdAvg).toBeLessThan(Math.abs(r.raw[`sd.${name}`]));
    }
    // the fixed price coefficient is the same for everyone, with sd 0; its own WTP is -1
    const kp = ind.coefficients.indexOf('price');
    expect(ind.sd[kp]).toBe(0);
    expect(ind.wtp![kp]).toBeCloseTo(-1, 12);
  });

  it('a random cost coefficient that changes sign is flagged: the WTP has no moments there', async () => {
    const p = await prepare({ data: ELEC_DATA, model: { random: { pf: 'normal', loc: 'normal' } }, integration: { rule: 'halton', draws: 50 } }, null);
    const pr = new Predictor(p, resultAt(p, { pf: -0.3, loc: 2, 'sd.pf': 0.5, 'sd.loc': 1 }));
    const w = await pr.wtp('pf');
    expect(w.wrongSignShare).toBeGreaterThan(0.2);
    expect(w.notes.join(' ')).toMatch(/no finite mean/);
    expect(Number.isFinite(w.median[w.coefficients.indexOf('loc')])).toBe(true);
  });
});

describe('post-estimation: latent class, delta method, errors', () => {
  it('latent class: elasticities equal finite differences, shares sum to one', async () => {
    const p = await prepare({ data: ELEC_DATA, model: { fixed: ['pf', 'cl', 'loc'], classes: { count: 2 } }, integration: { rule: 'halton', draws: 10 } }, null);
    const pr = new Predictor(p, resultAt(p, { 'class1.pf': -0.5, 'class1.cl': -0.1, 'class1.loc': 1, 'class2.pf': -1.2, 'class2.cl': -0.3, 'class2.loc': 2.5, 'class2:(intercept)': 0.4 }));
    const s = await pr.shares();
    expect(s.predicted.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const E = await pr.elasticities('pf');
    const h = 1e-5;
    const up = predictedSums(scaled(p, 'pf', '2', 1 + h), pr.theta), down = predictedSums(scaled(p, 'pf', '2', 1 - h), pr.theta);
    const l = E.alternatives.indexOf('2');
    for (let j = 0; j < E.alternatives.length; j++) {
      expect(E.values[j][l]).toBeCloseTo((Math.log(up[j]) - Math.log(down[j])) / (2 * h), 6);
    }
  });

  it('latent class: posterior class probabilities sum to one and, at the estimate, average to the prior shares', async () => {
    const p = await prepare({ data: ELEC_DATA, model: { fixed: ['pf', 'cl', 'loc', 'wk'], classes: { count: 2 } }, workers: 2 }, null);
    const r = await estimate(p, null);
    expect(r.converged).toBe(true);
    const pr = new Predictor(p, r);
    const ind = pr.individual();
    const N = ind.ids.length;
    const h = ind.classProbabilities!;
    expect(h.length).toBe(2 * N);
    let post2 = 0, prior2 = 0;
    const pop = pr.population();
    const beta = new Float64Array(pop.K * pop.M), a = new Float64Array(pop.M);
    for (let u = 0; u < N; u++) {
      expect(h[2 * u] + h[2 * u + 1]).toBeCloseTo(1, 12);
      post2 += h[2 * u + 1];
      pop.unit(u, beta, a);
      prior2 += a[1]; // M = 2 (one node per class)
    }
    // the first-order condition of the class-2 intercept: sum_n (h_n2 - pi_n2) = 0
    expect(Math.abs(post2 - prior2) / N).toBeLessThan(1e-4);
  });

  it('scenarios: no change predicts no change; a small price change moves shares as the elasticities say', async () => {
    const pr = new Predictor(electricity, resultAt(electricity, ELEC));
    const none = await pr.scenario([{ variable: 'pf', alternatives: null, factor: 1 }]);
    expect(none.change.every((x) => x === 0)).toBe(true);
    const h = 1e-4;
    const sc = await pr.scenario([parseChange(`pf=*${1 + h}@2`)]);
    const E = await pr.elasticities('pf');
    const l = E.alternatives.indexOf('2');
    for (let j = 0; j < sc.alternatives.length; j++) {
      const rel = (sc.scenario[j] - sc.base[j]) / sc.base[j] / h;
      expect(Math.abs(rel - E.values[j][l])).toBeLessThan(1e-3 * Math.max(1, Math.abs(E.values[j][l])));
    }
    expect(sc.change.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10); // shares still sum to one
    expect(parseChange('cost=+5@a,b')).toEqual({ variable: 'cost', alternatives: ['a', 'b'], add: 5 });
    expect(parseChange('cost=-5')).toEqual({ variable: 'cost', alternatives: null, add: -5 });
    expect(parseChange('cost=2')).toEqual({ variable: 'cost', alternatives: null, factor: 0, add: 2 });
    expect(() => parseChange('cost=x2')).toThrow(/expected VARIABLE=\*FACTOR/);
    await expect(pr.scenario([parseChange('pf=*2@9')])).rejects.toThrow(/"9" is not an alternative; alternatives are 1, 2, 3, 4/);
    await expect(pr.scenario([parseChange('price=*2')])).rejects.toThrow(/"price" is not a variable of the model/);
  });

  it('delta method: the SE of a ratio matches the analytic formula', async () => {
    const theta = Float64Array.from([2, -0.5]);
    const cov = Float64Array.from([0.04, 0.003, 0.003, 0.01]);
    const { value, se } = await deltaMethod((t) => Float64Array.from([t[0] / t[1]]), theta, cov);
    expect(value[0]).toBe(-4);
    const g = [1 / theta[1], -theta[0] / theta[1] ** 2];
    const v = g[0] ** 2 * cov[0] + 2 * g[0] * g[1] * cov[1] + g[1] ** 2 * cov[3];
    expect(se[0]).toBeCloseTo(Math.sqrt(v), 8);
  });

  it('bad requests name the option and what exists', async () => {
    const pr = new Predictor(electricity, resultAt(electricity, ELEC));
    await expect(pr.elasticities('price')).rejects.toThrow(PostEstimationError);
    await expect(pr.elasticities('price')).rejects.toThrow(/elasticities: "price" is not a variable of the model; variables are cl, pf, loc, wk, tod, seas/);
    await expect(pr.wtp('cost')).rejects.toThrow(/wtp: "cost" is not a coefficient/);
    await expect(pr.shares({ se: true })).rejects.toThrow(/has none/);
    const controller = new AbortController();
    controller.abort();
    await expect(pr.shares({ signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(() => new Predictor(electricity, { parameters: [{ name: 'x' }] as never, raw: { x: 1 }, covariance: [] })).toThrow(/does not belong/);
  });
});

function correlation(a: number[], b: number[]): number {
  const n = a.length, ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}
