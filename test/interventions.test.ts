/**
 * Post-estimation beyond the marginal change: discrete interventions (their
 * diversion ratios tend to the marginal ones for a small change and to the
 * removal ones for an ever larger price rise), variables that enter through
 * derived columns (checked against re-preparing modified data), reports by
 * group, per-row probabilities, Krinsky-Robb intervals, and the same numbers
 * for any number of workers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepare, type Prepared } from '@mxl/estimation';
import { population, Predictor, wtpDistribution } from '@mxl/postestimation';
import { predictedSums, resultAt } from './predictions.js';

/** Simulated panel data with an outside good, 2-3 inside goods, a market column and an income characteristic. */
function rows(scale: (alt: string) => number = () => 1): string[] {
  let seed = 11;
  const u = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const lines = ['id,t,market,alt,choice,price,quality,income'];
  for (let i = 1; i <= 120; i++) {
    const income = (0.5 + u()).toFixed(3);
    for (let t = 1; t <= 3; t++) {
      const J = 2 + ((i + t) % 2);
      const c = Math.floor(u() * (J + 1)) - 1;
      for (let j = 0; j < J; j++) {
        const alt = ['a', 'b', 'c'][j];
        const price = Number((2 + 3 * u()).toFixed(3)) * scale(alt);
        lines.push(`${i},${t},${1 + (i % 3)},${alt},${j === c ? 1 : 0},${price},${(u() * 2 - 1).toFixed(3)},${income}`);
      }
    }
  }
  return lines;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-interventions-'));
function problem(lines: string[], name: string, model: Record<string, unknown>, derive?: Record<string, string>): Promise<Prepared> {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return prepare({
    data: { path: file, id: 'id', situation: 't', alt: 'alt', choice: 'choice', outside: true, ...(derive ? { derive } : {}) },
    model,
    integration: { rule: 'sobol', draws: 32, scramble: 'owen', seed: 5 },
  }, { workers: 1 });
}

const MODEL = { fixed: ['price'], random: { quality: { dist: 'normal', means: ['income'] } }, asc: { reference: 'a' } };
const VALUES = { price: -0.6, quality: 0.8, 'quality:income': 0.4, 'sd.quality': 0.7, 'asc.b': 0.2, 'asc.c': -0.3 };
const base = await problem(rows(), 'base.csv', MODEL);
const predictors: Predictor[] = [];
function predictor(p: Prepared, values: Record<string, number>, workers?: number, cov = false): Predictor {
  const pr = new Predictor(p, resultAt(p, values, cov), { workers });
  predictors.push(pr);
  return pr;
}
afterAll(async () => { await Promise.all(predictors.map((p) => p.close())); });

describe('discrete interventions', () => {
  it('diversion of a small change equals the marginal diversion; rows sum to one with the outside option', async () => {
    const pr = predictor(base, VALUES);
    const marginal = await pr.diversion('price');
    const small = await pr.diversion('price=+0.000001');
    expect(small.change).toBe('price=+0.000001');
    for (let l = 0; l < 3; l++) {
      for (let j = 0; j < 4; j++) if (j !== l) expect(small.values[l][j]).toBeCloseTo(marginal.values[l][j], 5);
      expect(small.values[l].filter((_, j) => j !== l).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('an ever larger price rise tends to the removal diversion', async () => {
    const pr = predictor(base, VALUES);
    const removal = await pr.diversion('removal');
    let last = Infinity;
    for (const f of [2, 5, 50]) {
      const d = await pr.diversion(`price=*${f}`);
      let err = 0;
      for (let l = 0; l < 3; l++) for (let j = 0; j < 4; j++) if (j !== l) err = Math.max(err, Math.abs(d.values[l][j] - removal.values[l][j]));
      expect(err).toBeLessThan(last);
      last = err;
    }
    expect(last).toBeLessThan(1e-12);
  });

  it('a discrete diversion equals re-predicting with the row alternative\'s price changed', async () => {
    const pr = predictor(base, VALUES);
    const d = await pr.diversion('price=+0.5');
    const before = predictedSums(base, pr.theta);
    // the same check through a scenario (exact re-prediction with the changed X)
    for (const alt of ['a', 'b', 'c']) {
      const l = d.alternatives.indexOf(alt);
      const sc = await pr.scenario([{ variable: 'price', alternatives: [alt], add: 0.5 }]);
      const after = sc.scenario.map((x) => x * base.data.nSituations);
      for (let j = 0; j < 4; j++) {
        if (j === l) continue;
        expect(d.values[l][j]).toBeCloseTo((after[j] - before[j]) / (before[l] - after[l]), 10);
      }
    }
  });
});

describe('variables through derived columns', () => {
  // the utility holds price / 10 and price * income; --elasticities price follows both
  const DERIVE = { pp: 'price / 10', pi: 'price * income' };
  const DMODEL = { fixed: ['pp', 'pi'], random: { quality: 'normal' }, asc: { reference: 'a' } };
  const DVALUES = { pp: -4, pi: -1.5, quality: 0.8, 'sd.quality': 0.7, 'asc.b': 0.2, 'asc.c': -0.3 };

  it('elasticities with respect to price equal finite differences of shares predicted from data with the price changed', async () => {
    const p = await problem(rows(), 'derived.csv', DMODEL, DERIVE);
    const pr = predictor(p, DVALUES);
    const E = await pr.elasticities('price');
    const h = 1e-5;
    for (const alt of ['a', 'b', 'c']) {
      const l = E.alternatives.indexOf(alt);
      const up = predictedSums(await problem(rows((a) => (a === alt ? 1 + h : 1)), `up-${alt}.csv`, DMODEL, DERIVE), pr.theta);
      const down = predictedSums(await problem(rows((a) => (a === alt ? 1 - h : 1)), `down-${alt}.csv`, DMODEL, DERIVE), pr.theta);
      for (let j = 0; j < 4; j++) {
        const numeric = (Math.log(up[j]) - Math.log(down[j])) / (2 * h);
        expect(Math.abs(E.values[j][l] - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      }
    }
    // own-price elasticities are negative
    for (let l = 0; l < 3; l++) expect(E.values[l][l]).toBeLessThan(0);
  });

  it('a scenario on price re-derives price / 10 and price * income', async () => {
    const p = await problem(rows(), 'derived2.csv', DMODEL, DERIVE);
    const pr = predictor(p, DVALUES);
    const sc = await pr.scenario([{ variable: 'price', alternatives: ['b'], factor: 1.2 }]);
    const expected = predictedSums(await problem(rows((a) => (a === 'b' ? 1.2 : 1)), 'b-up.csv', DMODEL, DERIVE), pr.theta);
    for (let j = 0; j < 4; j++) expect(sc.scenario[j]).toBeCloseTo(expected[j] / p.data.nSituations, 9);
    // marginal and discrete diversion through the derived columns agree in the limit (the marginal one is for the same absolute change in every situation)
    const m = await pr.diversion('price');
    const d = await pr.diversion('price=+0.000001');
    for (let j = 0; j < 4; j++) if (j !== 1) expect(d.values[1][j]).toBeCloseTo(m.values[1][j], 5);
  });

  it('a variable that enters nowhere is an error naming the option', async () => {
    const p = await problem(rows(), 'derived3.csv', DMODEL, DERIVE);
    const pr = predictor(p, DVALUES);
    await expect(pr.elasticities('market')).rejects.toThrow(/elasticities: "market" is not a variable of the model/);
    await expect(pr.elasticities('nosuch')).rejects.toThrow(/elasticities: "nosuch" is not a variable of the model/);
  });
});

describe('groups, rows, uncertainty, workers', () => {
  it('shares by group add up to the whole sample; by situation they are the situation\'s probabilities', async () => {
    const pr = predictor(base, VALUES);
    const s = await pr.shares({ by: 'income' });
    expect(s.groups!.length).toBeGreaterThan(10);
    const W = s.groups!.reduce((a, g) => a + g.report.weight, 0);
    expect(W).toBeCloseTo(s.weight, 10);
    for (let j = 0; j < 4; j++) {
      const pooled = s.groups!.reduce((a, g) => a + g.report.weight * g.report.predicted[j], 0) / W;
      expect(pooled).toBeCloseTo(s.predicted[j], 12);
    }
    const bySit = await pr.shares({ by: 'situation' });
    const rows = await pr.probabilities();
    const d = base.data;
    for (const s0 of [0, 7, 100]) {
      const g = bySit.groups![s0].report;
      for (let r = d.sitRow[s0]; r < d.sitRow[s0 + 1]; r++) expect(g.predicted[d.rowAlt[r]]).toBeCloseTo(rows.row[r], 14);
      expect(g.predicted[3]).toBeCloseTo(rows.outside[s0], 14);
    }
    await expect(pr.shares({ by: 'nosuch' })).rejects.toThrow(/--by "nosuch": not a grouping/);
  });

  it('row probabilities sum to one per situation; the fit statistics follow from them', async () => {
    const pr = predictor(base, VALUES);
    const p = await pr.probabilities();
    const d = base.data;
    let chosen = 0, hits = 0;
    for (let s = 0; s < d.nSituations; s++) {
      let sum = p.outside[s], best = -1, bestP = p.outside[s];
      for (let r = d.sitRow[s]; r < d.sitRow[s + 1]; r++) { sum += p.row[r]; if (p.row[r] > bestP) { bestP = p.row[r]; best = r; } }
      expect(sum).toBeCloseTo(1, 13);
      const c = d.sitChosen[s];
      chosen += c >= 0 ? p.row[c] : p.outside[s];
      if (best === c) hits++;
    }
    const s = await pr.shares();
    expect(s.chosenProbability).toBeCloseTo(chosen / d.nSituations, 13);
    expect(s.hitRate).toBeCloseTo(hits / d.nSituations, 13);
  });

  it('the same numbers for 1 and 2 workers, to the last bit', async () => {
    const one = predictor(base, VALUES, 1, true), two = predictor(base, VALUES, 2, true);
    for (const f of [
      (p: Predictor) => p.elasticities('price', { se: true, by: 'income' }),
      (p: Predictor) => p.diversion('price=*1.1', { se: true }),
      (p: Predictor) => p.shares({ se: true, by: 'situation' }),
      (p: Predictor) => p.wtp('price', { se: true }),
      (p: Predictor) => p.elasticities('price', { se: true, interval: { method: 'delta', jacobian: 'numeric' } }),
    ]) {
      const [a, b] = [await f(one), await f(two)];
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    }
  });

  it('Krinsky-Robb: standard errors near the delta method\'s for smooth statistics; intervals around the estimate', async () => {
    const pr = predictor(base, VALUES, undefined, true);
    const delta = await pr.shares({ se: true });
    const kr = await pr.shares({ se: true, interval: { method: 'krinsky-robb', reps: 400, seed: 3 } });
    expect(kr.interval).toBe('krinsky-robb');
    for (let j = 0; j < 4; j++) {
      expect(kr.se![j] / delta.se![j]).toBeGreaterThan(0.8);
      expect(kr.se![j] / delta.se![j]).toBeLessThan(1.25);
      expect(kr.lower![j]).toBeLessThan(kr.predicted[j]);
      expect(kr.upper![j]).toBeGreaterThan(kr.predicted[j]);
    }
    const again = await pr.shares({ se: true, interval: { method: 'krinsky-robb', reps: 400, seed: 3 } });
    expect(again.se).toEqual(kr.se);
  });
});

describe('analytic Jacobians (one forward-mode pass) against central differences (2P+1 passes)', () => {
  const numeric = { method: 'delta' as const, jacobian: 'numeric' as const };
  const close = (a: number[][] | number[], b: number[][] | number[]) => {
    const x = a.flat(), y = b.flat();
    expect(x.length).toBe(y.length);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(y[i])) { expect(x[i]).toBeNaN(); continue; }
      expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(y[i])));
    }
  };
  it('shares, elasticities and marginal diversion, whole sample and by group, with an outside option and a mean shift', async () => {
    const pr = predictor(base, VALUES, 2, true);
    for (const o of [{}, { by: 'income' }]) {
      const [a, b] = [await pr.shares({ se: true, ...o }), await pr.shares({ se: true, interval: numeric, ...o })];
      close(a.se!, b.se!);
      a.groups?.forEach((g, i) => close(g.report.se!, b.groups![i].report.se!));
    }
    const [e1, e2] = [await pr.elasticities('price', { se: true }), await pr.elasticities('price', { se: true, interval: numeric })];
    close(e1.se!, e2.se!);
    close(e1.values, e2.values);
    const [d1, d2] = [await pr.diversion('price', { se: true, by: 'income' }), await pr.diversion('price', { se: true, by: 'income', interval: numeric })];
    close(d1.se!, d2.se!);
    close(d1.groups![3].report.se!, d2.groups![3].report.se!);
  });

  it('WTP: means and medians', async () => {
    const pr = predictor(base, VALUES, 2, true);
    const [a, b] = [await pr.wtp('price', { se: true }), await pr.wtp('price', { se: true, interval: numeric })];
    close(a.meanSe!, b.meanSe!);
    close(a.medianSe!, b.medianSe!);
    expect(a.meanSe![base.data.varNames.indexOf('quality')]).toBeGreaterThan(0);
  });

  it('latent classes (prior weights that move with theta) and a random coefficient within classes', async () => {
    const p = await problem(rows(), 'classes.csv', { fixed: ['price'], random: { quality: 'normal' }, classes: { count: 2, membership: ['income'] } });
    const names = p.design.params.map((q) => q.name);
    const values = Object.fromEntries(names.map((n, i) => [n, n.includes('price') ? -0.5 - 0.2 * i / names.length : 0.3 + 0.1 * Math.sin(i)]));
    const pr = predictor(p, values, 2, true);
    const [a, b] = [await pr.shares({ se: true }), await pr.shares({ se: true, interval: numeric })];
    close(a.se!, b.se!);
    const [e1, e2] = [await pr.elasticities('price', { se: true }), await pr.elasticities('price', { se: true, interval: numeric })];
    close(e1.se!, e2.se!);
    const [w1, w2] = [await pr.wtp('price', { se: true }), await pr.wtp('price', { se: true, interval: numeric })];
    close(w1.meanSe!, w2.meanSe!);
  });

  it('through derived columns and with a lognormal coefficient', async () => {
    const p = await problem(rows(), 'derived-j.csv', { fixed: ['pp'], random: { pi: 'lognormal', quality: 'normal' }, asc: { reference: 'a' } }, { pp: 'price / 10', pi: '-price * income' });
    const pr = predictor(p, { pp: -4, pi: -0.5, 'sd.pi': 0.4, quality: 0.8, 'sd.quality': 0.7, 'asc.b': 0.2, 'asc.c': -0.3 }, 1, true);
    const [e1, e2] = [await pr.elasticities('price', { se: true }), await pr.elasticities('price', { se: true, interval: numeric })];
    close(e1.se!, e2.se!);
  });
});

describe('WTP quantiles', () => {
  it('equal the quantiles of the sorted support-point ratios (the selection path) ', () => {
    const pop = population(base, predictor(base, VALUES).theta);
    const k = base.data.varNames.indexOf('quality'), c = base.data.varNames.indexOf('price');
    const beta = new Float64Array(pop.K * pop.M), a = new Float64Array(pop.M);
    const vals: number[] = [];
    for (let u = 0; u < base.data.nUnits; u++) {
      pop.unit(u, beta, a);
      for (let m = 0; m < pop.M; m++) vals.push(-beta[k * pop.M + m] / beta[c * pop.M + m]);
    }
    vals.sort((x, y) => x - y);
    const w = wtpDistribution(pop, c);
    const N = vals.length, wt = 1 / pop.M;
    let total = 0;
    for (let i = 0; i < N; i++) total += wt;
    for (const [p, got] of [[0.05, w.q05[k]], [0.5, w.median[k]], [0.95, w.q95[k]]] as const) {
      let acc = 0, i = 0;
      for (; i < N; i++) { acc += wt; if (acc >= p * total) break; }
      expect(got).toBe(vals[i]);
    }
  });
});
