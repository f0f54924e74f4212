/**
 * The post-estimation passes' probabilities on their fast path (coefficients
 * constant over support points folded once per row, the softmax on
 * WebAssembly SIMD) against the plain formula computed here with Math.exp:
 * the softmax alone on hard inputs (huge, -Infinity and NaN utilities, odd
 * and even node counts, with and without an outside option), then whole
 * prediction passes on a fitted-size mixed logit, and Krinsky-Robb shares
 * that are the same for 1, 2 and 3 worker threads.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmSimdAvailable } from '@mxl/core';
import { prepare, type Prepared } from '@mxl/estimation';
import { Softmax, scalarSoftmax } from '../src/softmax.js';
import { populationOf, type Population } from '../src/population.js';
import { predict } from '../src/shares.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The softmax as the passes computed it before the fast path (Math.exp, max-shifted). */
function referenceSoftmax(U: Float64Array, J: number, M: number, outside: boolean): { P: Float64Array; P0: Float64Array } {
  const P = new Float64Array(J * M), P0 = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    let c = outside ? 0 : -Infinity;
    for (let j = 0; j < J; j++) if (U[j * M + m] > c) c = U[j * M + m];
    let S = outside ? Math.exp(-c) : 0;
    for (let j = 0; j < J; j++) { P[j * M + m] = Math.exp(U[j * M + m] - c); S += P[j * M + m]; }
    for (let j = 0; j < J; j++) P[j * M + m] /= S;
    P0[m] = outside ? Math.exp(-c) / S : 0;
  }
  return { P, P0 };
}

/** |a - b| <= tol |b| (tiny values: absolute 1e-300), NaN where NaN. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) { expect(a[i], `${what}[${i}]`).toBeNaN(); continue; }
    expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.abs(b[i]) + 1e-300);
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('softmax', () => {
  it('runs on WebAssembly SIMD here (the fast path is the one tested)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  for (const M of [2, 7, 64]) {
    for (const outside of [false, true]) {
      it(`M = ${M}, ${outside ? 'with' : 'without'} an outside option: WebAssembly and scalar equal the plain formula`, () => {
        const u = lcg(M * 7 + (outside ? 1 : 0));
        for (const J of [1, 2, 3, 5, 9]) {
          for (const scale of [1, 30, 400]) {
            const wasm = new Softmax(9, M), js = new Softmax(9, M, false);
            for (let i = 0; i < J * M; i++) wasm.U[i] = js.U[i] = scale * (2 * u() - 1);
            if (scale === 30 && J > 1) { wasm.U[1] = js.U[1] = -Infinity; wasm.U[M] = js.U[M] = NaN; }
            wasm.apply(J, outside);
            js.apply(J, outside);
            const ref = referenceSoftmax(js.U, J, M, outside);
            expectClose(wasm.P.subarray(0, J * M), ref.P, 1e-14, `wasm P J=${J} scale=${scale}`);
            expectClose(wasm.P0, ref.P0, 1e-14, `wasm P0 J=${J} scale=${scale}`);
            expectClose(js.P.subarray(0, J * M), ref.P, 1e-14, `js P J=${J} scale=${scale}`);
            expectClose(js.P0, ref.P0, 1e-14, `js P0 J=${J} scale=${scale}`);
          }
        }
      });
    }
  }

  it('the scalar softmax underflows to 0 where Math.exp does, far below the fast exp', () => {
    const U = Float64Array.of(0, -800), P = new Float64Array(2), P0 = new Float64Array(1);
    scalarSoftmax(U, P, P0, 2, 1, false);
    expect([...P]).toEqual([1, 0]);
  });
});

/** Integrated probabilities of every row (and the outside option) from the plain formula, all coefficients summed at every support point. */
function referencePredict(pop: Population): { row: Float64Array; outside: Float64Array } {
  const d = pop.data, M = pop.M, K = pop.K;
  const beta = new Float64Array(K * M), a = new Float64Array(M);
  const row = new Float64Array(d.nRows), out = new Float64Array(d.nSituations);
  for (let u = 0; u < d.nUnits; u++) {
    pop.unit(u, beta, a);
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0;
      const U = new Float64Array(J * M);
      for (let j = 0; j < J; j++) for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) U[j * M + m] += d.X[(r0 + j) * K + k] * beta[k * M + m];
      const { P, P0 } = referenceSoftmax(U, J, M, d.outside);
      for (let j = 0; j < J; j++) for (let m = 0; m < M; m++) row[r0 + j] += a[m] * P[j * M + m];
      for (let m = 0; m < M; m++) out[s] += a[m] * P0[m];
    }
  }
  return { row, outside: out };
}

const ELECTRICITY = { path: path.join(REPO, 'examples/electricity/electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };
/** Electricity with two fixed and four normal coefficients, R = 15 (odd: the softmax's last pair overlaps). */
const problem: Prepared = await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl'], random: { loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } }, integration: { rule: 'halton', draws: 15 } });
const theta = Float64Array.from(problem.design.params, (q, i) => (q.name.startsWith('sd') || q.name.includes('sd') ? 0.5 + 0.1 * i : -0.3 + 0.2 * i));

describe('prediction passes on the fast path', () => {
  for (const outside of [false, true]) {
    it(`electricity, R = 15, ${outside ? 'with' : 'without'} an outside option: row probabilities equal the plain formula to 1e-12`, () => {
      const data = { ...problem.data, outside };
      const pop = populationOf(data, problem.design.plan, problem.rule, theta);
      const got = predict(pop), ref = referencePredict(pop);
      expectClose(got.row, ref.row, 1e-12, 'row');
      expectClose(got.outside, ref.outside, 1e-12, 'outside');
      if (outside) expect(Math.max(...got.outside)).toBeGreaterThan(0.01);
    });
  }

});
