/**
 * What the method of simulated moments and the method of simulated scores
 * take from the kernel: integrated row probabilities and their derivatives,
 * per-node log-likelihoods, and the plain node average of the per-node
 * scores, each against finite differences or the kernel's own LL.
 */
import { describe, expect, it } from 'vitest';
import { FastKernel, Kernel, compilePlan, Link, DrawKind, type CoefficientSpec } from '../src/index.js';
import { makeData, makeNodes } from './helpers.js';

// fixed, normal with a mean shift, lognormal, uniform: theta = b1, b2, b3, b4, shift2, s2, s3, s4
const coefs: CoefficientSpec[] = [
  { mean: 0, link: Link.identity },
  { mean: 1, link: Link.identity, spreads: [{ param: 5, dim: 0 }], shifts: [{ param: 4, char: 0 }] },
  { mean: 2, link: Link.exp, spreads: [{ param: 6, dim: 1 }] },
  { mean: 3, link: Link.identity, spreads: [{ param: 7, dim: 2 }] },
];
const kinds = [DrawKind.normal, DrawKind.normal, DrawKind.uniform];
const theta = Float64Array.from([0.5, -0.3, -0.2, 0.4, 0.3, 0.8, 0.4, 0.6]);
const P = theta.length;

describe('kernel parts for MSM and MSS', () => {
  for (const outside of [false, true]) {
    it(`row probabilities sum to one per situation (with the outside option: ${outside}) and their derivatives match finite differences`, () => {
      const data = makeData(8, 3, 4, 4, 31, { outside, chars: 1, weights: true });
      const plan = compilePlan(coefs, P, kinds);
      const k = new Kernel(data, plan, makeNodes(12, 3, 5));
      const prob = new Float64Array(data.nRows), dprob = new Float64Array(data.nRows * P);
      k.rowProbabilities(theta, 0, data.nUnits, prob, dprob);
      for (let s = 0; s < data.nSituations; s++) {
        let t = 0;
        for (let r = data.sitRow[s]; r < data.sitRow[s + 1]; r++) t += prob[r];
        if (outside) expect(t).toBeLessThan(1);
        else expect(t).toBeCloseTo(1, 13);
      }
      const up = new Float64Array(data.nRows), down = new Float64Array(data.nRows);
      for (let p = 0; p < P; p++) {
        const h = 1e-6;
        const a = Float64Array.from(theta); a[p] += h;
        const b = Float64Array.from(theta); b[p] -= h;
        k.rowProbabilities(a, 0, data.nUnits, up, null);
        k.rowProbabilities(b, 0, data.nUnits, down, null);
        for (let r = 0; r < data.nRows; r++) expect(Math.abs(dprob[r * P + p] - (up[r] - down[r]) / (2 * h))).toBeLessThan(1e-8);
      }
    });
  }

  it('per-node log-likelihoods give the unit LL by log-mean-exp; the node-average score matches finite differences', () => {
    const data = makeData(6, 4, 3, 4, 32, { chars: 1 });
    const plan = compilePlan(coefs, P, kinds);
    const R = 9;
    const k = new Kernel(data, plan, makeNodes(R, 3, 6));
    const unitLL = new Float64Array(data.nUnits);
    k.evaluate(theta, 0, data.nUnits, unitLL, null);
    const l = new Float64Array(R);
    const mean = (t: Float64Array, u: number) => { k.nodeLogLik(t, u, l); return l.reduce((x, y) => x + y, 0) / R; };
    for (let u = 0; u < data.nUnits; u++) {
      k.nodeLogLik(theta, u, l);
      const m = Math.max(...l);
      expect(m + Math.log(l.reduce((s, x) => s + Math.exp(x - m), 0) / R)).toBeCloseTo(unitLL[u], 12);
      // d/dtheta of the plain node average of log L_r
      const sc = new Float64Array(P);
      k.nodeAverageScore(theta, u, sc, 0);
      for (let p = 0; p < P; p++) {
        const h = 1e-6;
        const a = Float64Array.from(theta); a[p] += h;
        const b = Float64Array.from(theta); b[p] -= h;
        expect(Math.abs(sc[p] - (mean(a, u) - mean(b, u)) / (2 * h))).toBeLessThan(1e-7);
      }
    }
  });

  for (const R of [8, 9]) {
    for (const scale of [1, 60]) {
      it(`the fast kernel's per-node log-likelihoods and node-average scores equal the reference kernel's (R = ${R}, attributes x${scale})`, () => {
        const data = makeData(7, 4, 4, 4, 33, { chars: 1, outside: true, scale });
        const plan = compilePlan(coefs, P, kinds);
        const nodes = makeNodes(R, 3, 7);
        const ref = new Kernel(data, plan, nodes), fast = new FastKernel(data, plan, nodes);
        expect(fast.wasm).toBe(true);
        const a = new Float64Array(R), b = new Float64Array(R), sa = new Float64Array(P), sb = new Float64Array(P);
        for (let u = 0; u < data.nUnits; u++) {
          ref.nodeLogLik(theta, u, a);
          fast.nodeLogLik(theta, u, b);
          for (let r = 0; r < R; r++) expect(Math.abs(a[r] - b[r])).toBeLessThan(1e-12 * Math.max(1, Math.abs(a[r])));
          ref.nodeAverageScore(theta, u, sa, 0);
          fast.nodeAverageScore(theta, u, sb, 0);
          for (let p = 0; p < P; p++) expect(Math.abs(sa[p] - sb[p])).toBeLessThan(1e-11 * Math.max(1, Math.abs(sa[p])));
        }
      });
    }
  }
});
