/**
 * The fused WebAssembly kernels of the post-estimation against the
 * JavaScript they replace: the shares kernel (utilities, softmax and the sum
 * over support points in one call) on hard situations against the plain
 * formula, including the situations it must hand back (more than
 * MAX_FUSED_J rows, exp arguments outside [-708, 700]); whole `shares`
 * passes with and without it; and the tangent passes' inner products
 * (effects passes with their derivatives) on WebAssembly against the
 * JavaScript loops, for a mixed logit (three terms) and latent classes whose
 * weights move with theta (four terms), at odd and even node counts.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_FUSED_J, wasmSimdAvailable, type ChoiceData } from '@mxl/core';
import { prepare, type Prepared } from '@mxl/estimation';
import { FusedShares } from '../src/fused-shares.js';
import { CoefficientSplit } from '../src/coefficient-split.js';
import { accumulatorLength, PassScratch, runPass, type Sensitivity } from '../src/passes.js';
import { runTangentPass, TangentScratch, tangentBlockLength } from '../src/tangent.js';
import { reportedCount } from '../src/passes.js';
import { populationOf } from '../src/population.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ELECTRICITY = { path: path.join(REPO, 'examples/electricity/electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** |a - b| <= tol |b| + tiny, NaN where NaN. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) { expect(a[i], `${what}[${i}]`).toBeNaN(); continue; }
    expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.abs(b[i]) + 1e-300);
  }
}

/** Pbar of one situation by the plain formula (Math.exp, max-shifted, all coefficients at every point): rows, then the outside option. */
function referencePbar(X: Float64Array, J: number, K: number, beta: Float64Array, a: Float64Array, M: number, outside: boolean): Float64Array {
  const out = new Float64Array(J + 1), U = new Float64Array(J);
  for (let m = 0; m < M; m++) {
    let c = outside ? 0 : -Infinity;
    for (let j = 0; j < J; j++) {
      let u = 0;
      for (let k = 0; k < K; k++) u += X[j * K + k] * beta[k * M + m];
      U[j] = u;
      if (u > c) c = u;
    }
    let S = outside ? Math.exp(-c) : 0;
    for (let j = 0; j < J; j++) S += Math.exp(U[j] - c);
    for (let j = 0; j < J; j++) out[j] += a[m] * (Math.exp(U[j] - c) / S);
    if (outside) out[J] += a[m] * (Math.exp(-c) / S);
  }
  return out;
}

describe('fused shares kernel', () => {
  it('runs on WebAssembly SIMD here (the fast path is the one tested)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  for (const M of [1, 2, 7, 64]) {
    for (const outside of [false, true]) {
      it(`M = ${M}, ${outside ? 'with' : 'without'} an outside option: equals the plain formula, and hands back what it cannot take`, () => {
        const K = 7, maxJ = MAX_FUSED_J + 2, u = lcg(31 * M + (outside ? 1 : 0));
        const fused = FusedShares.create({ nVars: K, outside } as ChoiceData, maxJ, M)!;
        const split = new CoefficientSplit(K);
        let taken = 0, handedBack = 0;
        for (const nConst of [7, 5, 3, 0]) { // 0, 2, 4 and 7 varying coefficients (the last read at run time)
          for (const J of [1, 2, 3, 5, MAX_FUSED_J, MAX_FUSED_J + 1]) {
            for (const scale of [1, 30, 400]) {
              const beta = new Float64Array(K * M), a = new Float64Array(M);
              for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) beta[k * M + m] = k < nConst ? 0.7 - 0.3 * k : 2 * u() - 1;
              for (let m = 0; m < M; m++) a[m] = (1 + u()) / M;
              const X = new Float64Array(J * K);
              for (let i = 0; i < J * K; i++) X[i] = u() < 0.2 ? 0 : scale * (2 * u() - 1);
              if (scale === 30 && J > 2) X[K + 1] = NaN;
              split.scan(beta, M);
              fused.unit(beta, a, M, split);
              const data = { nVars: K, outside, X, sitRow: Int32Array.of(0, J) } as unknown as ChoiceData;
              const ref = referencePbar(X, J, K, beta, a, M, outside);
              if (fused.situation(data, 0)) {
                taken++;
                expect(J).toBeLessThanOrEqual(MAX_FUSED_J);
                const got = Float64Array.from({ length: J + 1 }, (_, j) => (j < J ? fused.pbar[j] : fused.pbar[maxJ]));
                expectClose(got, ref, 1e-12, `Pbar J=${J} nv=${K - nConst} scale=${scale}`);
              } else {
                handedBack++;
                // only too many rows or utilities far apart
                if (J <= MAX_FUSED_J) expect(scale).toBe(400);
              }
            }
          }
        }
        expect(taken).toBeGreaterThan(40);
        expect(handedBack).toBeGreaterThan(4);
      });
    }
  }
});

const problem: Prepared = await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl'], random: { loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } }, integration: { rule: 'halton', draws: 15 } });
const theta = Float64Array.from(problem.design.params, (q, i) => (q.name.includes('sd') ? 0.5 + 0.1 * i : -0.3 + 0.2 * i));

describe('shares passes with the fused kernel', () => {
  for (const [outside, scale] of [[false, 1], [true, 1], [true, 300]] as const) {
    it(`electricity, R = 15, ${outside ? 'with' : 'without'} an outside option, X × ${scale}: the same sums as the pass without WebAssembly to 1e-12`, () => {
      const X = problem.data.X.map((x) => x * scale);
      const data = { ...problem.data, outside, X };
      const pop = populationOf(data, problem.design.plan, problem.rule, theta);
      const L = accumulatorLength('shares', data, 1);
      const fast = new Float64Array(L), slow = new Float64Array(L);
      const rows = { row: new Float64Array(data.nRows), outside: new Float64Array(data.nSituations) };
      const rowsJs = { row: new Float64Array(data.nRows), outside: new Float64Array(data.nSituations) };
      const z = new PassScratch(pop);
      expect(z.fused).not.toBeNull();
      runPass(pop, { kind: 'shares' }, null, 0, data.nUnits, fast, z, rows);
      runPass(pop, { kind: 'shares' }, null, 0, data.nUnits, slow, new PassScratch(pop, false), rowsJs);
      expectClose(fast, slow, 1e-12, 'acc');
      expectClose(rows.row, rowsJs.row, 1e-12, 'rows');
      expectClose(rows.outside, rowsJs.outside, 1e-12, 'outside');
    });
  }
});

/** A small change of `name` in every row: dx = 1 on its column, its value the covariate. */
function sensitivity(data: ChoiceData, name: string): Sensitivity {
  const k = data.varNames.indexOf(name);
  return { variable: name, columns: Int32Array.of(k), dx: new Float64Array(data.nRows).fill(1), value: Float64Array.from({ length: data.nRows }, (_, r) => data.X[r * data.nVars + k]) };
}

describe('tangent passes with the WebAssembly inner products', () => {
  const cases: [string, () => Promise<{ p: Prepared; theta: Float64Array }>][] = [
    ['mixed logit, R = 15 (odd)', async () => ({ p: problem, theta })],
    ['mixed logit, R = 16 (even), an outside option', async () => {
      const p = await prepare({ data: ELECTRICITY, model: { fixed: ['pf'], random: { cl: 'normal', loc: 'normal' } }, integration: { rule: 'halton', draws: 16 } });
      return { p: { ...p, data: { ...p.data, outside: true } }, theta: Float64Array.from(p.design.params, (_, i) => 0.4 - 0.15 * i) };
    }],
    ['three latent classes (weights that move with theta, M = 3)', async () => {
      const p = await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl', 'loc'], classes: { count: 3 } }, integration: { rule: 'halton', draws: 10 } });
      return { p, theta: Float64Array.from(p.design.params, (_, i) => 0.3 - 0.1 * i) };
    }],
  ];
  for (const [name, make] of cases) {
    it(`${name}: effects and shares sums and derivatives equal the JavaScript loops to 1e-12`, async () => {
      const { p, theta: t } = await make();
      const pop = populationOf(p.data, p.design.plan, p.rule, t);
      const P = t.length, n = reportedCount(p.data);
      const scaled = { ...sensitivity(p.data, 'pf'), dx: new Float64Array(p.data.nRows).fill(2.5) }; // not read in place from B
      for (const pass of [{ kind: 'effects' as const, sensitivity: sensitivity(p.data, 'pf') }, { kind: 'effects' as const, sensitivity: scaled }, { kind: 'shares' as const }]) {
        const L = tangentBlockLength(pass.kind, n, P);
        const fast = new Float64Array(L), slow = new Float64Array(L);
        const z = new TangentScratch(pop, P);
        expect(z.dots).not.toBeNull();
        runTangentPass(pop, pass, null, 0, p.data.nUnits, fast, z);
        runTangentPass(pop, pass, null, 0, p.data.nUnits, slow, new TangentScratch(pop, P, false));
        expectClose(fast, slow, 1e-12, `${pass.kind}`);
        // the derivative blocks are not all zero (the test can fail)
        expect(fast.subarray(L / (1 + P)).some((x) => Math.abs(x) > 1e-6)).toBe(true);
      }
    }, 60_000);
  }
});
