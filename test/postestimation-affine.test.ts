/**
 * Shares passes on affine coefficients (packages/postestimation/src/affine.ts):
 * where every coefficient is affine in the draws, the fused WebAssembly
 * kernel reads a unit's draws instead of its coefficients at every node.
 * Its sums and per-row probabilities equal the fused pass on the
 * coefficients and the JavaScript pass to 1e-12 (normal, uniform and
 * correlated coefficients, mean shifts, odd and even node counts, an
 * outside option, no random coefficients, utilities so large that the
 * kernel hands situations back; lognormal, censored normal coefficients,
 * each a row of values of its own); models that are not (latent classes, a
 * quadrature rule's shared nodes) keep the pass on the coefficients. The intercepts and slopes rebuild the
 * coefficients the kernel makes.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmSimdAvailable, type ChoiceData } from '@mxl/core';
import { prepare, type Prepared } from '@mxl/estimation';
import { populationOf, type Population } from '../packages/postestimation/src/population.js';
import { accumulatorLength, PassScratch, runPass } from '../packages/postestimation/src/passes.js';
import { REPO } from './shared.js';

const ELECTRICITY = { path: path.join(REPO, 'examples/electricity/electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };
const SWISSMETRO_DIR = path.join(REPO, 'examples/swissmetro');

/** |a - b| <= tol |b| + tiny, NaN where NaN. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) { expect(a[i], `${what}[${i}]`).toBeNaN(); continue; }
    expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.abs(b[i]) + 1e-300);
  }
}

/** A parameter vector with positive spreads. */
function thetaOf(p: Prepared, seed: number): Float64Array {
  return Float64Array.from(p.design.params, (q, i) => (q.name.includes('sd') || q.name.includes('chol') ? 0.4 + 0.05 * i : -0.3 + 0.15 * i + 0.01 * seed));
}

/** The `shares` sums and per-row outputs of a pass over every unit. */
function sharesPass(pop: Population, z: PassScratch): Float64Array[] {
  const d = pop.data;
  const acc = new Float64Array(accumulatorLength('shares', d, 1));
  const rows = { row: new Float64Array(d.nRows), outside: new Float64Array(d.nSituations) };
  runPass(pop, { kind: 'shares' }, null, 0, d.nUnits, acc, z, rows);
  return [acc, rows.row, rows.outside];
}

interface Case { name: string; affine: boolean; make: () => Promise<{ p: Prepared; data?: Partial<ChoiceData> }> }

const cases: Case[] = [
  { name: 'four normal coefficients, R = 15 (odd)', affine: true, make: async () => ({ p: await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl'], random: { loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } }, integration: { rule: 'halton', draws: 15 } }) }) },
  { name: 'correlated normals and a uniform, R = 16, an outside option', affine: true, make: async () => ({ p: await prepare({ data: ELECTRICITY, model: { fixed: ['pf'], random: { cl: 'normal', loc: 'normal', wk: 'uniform', tod: 'triangular' }, correlated: ['cl', 'loc'] }, integration: { rule: 'halton', draws: 16 } }), data: { outside: true } }) },
  { name: 'Swissmetro, a mean shift by income, R = 31', affine: true, make: async () => ({ p: await prepare({ data: { path: 'swissmetro.dat', format: 'wide', id: 'ID', choice: 'CHOICE', filter: '(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0', derive: { TT: 'TRAIN_TT / 100', ST: 'SM_TT / 100', CT: 'CAR_TT / 100', TC: 'TRAIN_CO / 100', SC: 'SM_CO / 100', CC: 'CAR_CO / 100' }, alternatives: { TRAIN: { time: 'TT', cost: 'TC', av: 'TRAIN_AV' }, SM: { time: 'ST', cost: 'SC', av: 'SM_AV' }, CAR: { time: 'CT', cost: 'CC', av: 'CAR_AV' } }, choiceCodes: { TRAIN: 1, SM: 2, CAR: 3 } }, model: { asc: { reference: 'SM' }, fixed: ['cost'], random: { time: { dist: 'normal', means: ['INCOME'] } } }, integration: { rule: 'halton', draws: 31 } }, { baseDir: SWISSMETRO_DIR }) }) },
  { name: 'no random coefficients, an outside option', affine: true, make: async () => ({ p: await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl', 'loc', 'wk'] } }), data: { outside: true } }) },
  { name: 'utilities × 300 and an outside option (situations handed back)', affine: true, make: async () => {
    const p = await prepare({ data: ELECTRICITY, model: { fixed: ['pf'], random: { cl: 'normal', loc: 'normal' } }, integration: { rule: 'halton', draws: 10 } });
    return { p, data: { outside: true, X: p.data.X.map((x, i) => x * (i % 3 === 0 ? 300 : 1)) } };
  } },
  { name: 'a lognormal coefficient (a row of its own)', affine: true, make: async () => ({ p: await prepare({ data: ELECTRICITY, model: { fixed: ['cl'], random: { pf: '-lognormal', loc: 'normal' } }, integration: { rule: 'halton', draws: 12 } }) }) },
  { name: 'lognormal (with a mean shift), censored normal and Johnson SB coefficients, R = 13', affine: true, make: async () => ({ p: await prepare({ data: { path: 'swissmetro.dat', format: 'wide', id: 'ID', choice: 'CHOICE', filter: '(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0', derive: { TT: 'TRAIN_TT / 100', ST: 'SM_TT / 100', CT: 'CAR_TT / 100', TC: 'TRAIN_CO / 100', SC: 'SM_CO / 100', CC: 'CAR_CO / 100', TH: 'TRAIN_HE / 100', SH: 'SM_HE / 100' }, alternatives: { TRAIN: { time: 'TT', cost: 'TC', HE: 'TH', av: 'TRAIN_AV' }, SM: { time: 'ST', cost: 'SC', HE: 'SH', av: 'SM_AV' }, CAR: { time: 'CT', cost: 'CC', HE: 0, av: 'CAR_AV' } }, choiceCodes: { TRAIN: 1, SM: 2, CAR: 3 } }, model: { asc: { reference: 'SM' }, random: { time: { dist: '-lognormal', means: ['INCOME'] }, cost: { dist: 'cn', sign: -1 }, HE: 'sb' } }, integration: { rule: 'halton', draws: 13 } }, { baseDir: SWISSMETRO_DIR }) }) },
  { name: 'latent classes (not affine)', affine: false, make: async () => ({ p: await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl', 'loc'], classes: { count: 2 } }, integration: { rule: 'halton', draws: 5 } }) }) },
  { name: 'a product quadrature rule (shared nodes: not affine here)', affine: false, make: async () => ({ p: await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl'], random: { loc: 'normal', wk: 'normal' } }, integration: { rule: 'product', level: 5 } }) }) },
];

describe('shares passes on affine coefficients', () => {
  it('runs on WebAssembly SIMD here (the fast path is the one tested)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  cases.forEach(({ name, affine, make }, seed) => {
    it(`${name}: the same sums and rows as the pass on the coefficients and the JavaScript pass, to 1e-12`, async () => {
      const { p, data: change } = await make();
      const data = { ...p.data, ...change };
      const pop = populationOf(data, p.design.plan, p.rule, thetaOf(p, seed));
      expect(!!pop.affine).toBe(affine);
      const onDraws = sharesPass(pop, new PassScratch(pop));
      const onCoefficients = sharesPass({ ...pop, affine: null }, new PassScratch({ ...pop, affine: null }));
      const js = sharesPass(pop, new PassScratch(pop, false));
      ['sums', 'rows', 'outside'].forEach((what, i) => {
        expectClose(onDraws[i], js[i], 1e-12, `${what} on the draws`);
        expectClose(onCoefficients[i], js[i], 1e-12, `${what} on the coefficients`);
      });
      expect(js[1].some((x) => x > 0.01 && x < 0.99)).toBe(true); // not all degenerate
    }, 60_000);
  });

  it('the intercepts and slopes rebuild the coefficients at every node', async () => {
    const p = await prepare({ data: ELECTRICITY, model: { fixed: ['pf'], random: { cl: 'normal', loc: 'normal', wk: 'uniform' }, correlated: ['cl', 'loc'] }, integration: { rule: 'halton', draws: 9 } });
    const pop = populationOf(p.data, p.design.plan, p.rule, thetaOf(p, 1));
    const f = pop.affine!;
    const K = pop.K, M = pop.M;
    expect(f.termK.length).toBe(4); // cl (1 term), loc (2: correlated with cl), wk (1)
    const beta = new Float64Array(K * M), a = new Float64Array(M), c = new Float64Array(K), s = new Float64Array(f.termK.length);
    for (const u of [0, 7, p.data.nUnits - 1]) {
      pop.unit(u, beta, a);
      f.at(u, c, s);
      const o = f.drawsAt(u);
      expectClose(a, f.weights, 0, 'weights');
      for (let k = 0; k < K; k++) {
        for (let m = 0; m < M; m++) {
          let b = c[k], size = Math.abs(c[k]);
          for (let t = 0; t < s.length; t++) {
            if (f.termK[t] !== k) continue;
            const x = s[t] * f.draws[o + f.termDim[t] * M + m];
            b += x;
            size += Math.abs(x);
          }
          expect(Math.abs(b - beta[k * M + m]), `unit ${u}, k ${k}, m ${m}`).toBeLessThanOrEqual(4e-16 * size);
        }
      }
    }
  });
});
