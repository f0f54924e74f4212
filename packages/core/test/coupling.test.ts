/**
 * Couplings (WTP space, G-MNL; ../src/coupling.ts): the coefficients equal
 * the formulas applied to the uncoupled plan's coefficients, the analytic
 * scores equal central finite differences (log-likelihood, row
 * probabilities), per-situation scores add up to the unit's, and the fast
 * kernel (WebAssembly and JavaScript loops, odd and even node counts) gives the
 * reference kernel's numbers.
 */
import { describe, expect, it } from 'vitest';
import { FastKernel, Kernel, compilePlan, reduceUnits, Link, DrawKind, type CoefficientSpec, type ChoiceData, type MixedKernel, type NodeSource } from '../src/index.js';
import type { Coupling } from '../src/coupling.js';
import { makeData, makeNodes } from './helpers.js';

interface Case {
  name: string;
  coefs: CoefficientSpec[];
  P: number;
  kinds: number[];
  coupling: Coupling;
  theta: number[];
}

// WTP space: omega_1 normal with a mean shift, omega_2 fixed, lambda (price, column 2) lognormal or fixed
const wtpLognormal: Case = {
  name: 'WTP space, lognormal lambda',
  coefs: [
    { mean: 0, link: Link.identity, spreads: [{ param: 3, dim: 0 }], shifts: [{ param: 5, char: 0 }] },
    { mean: 1, link: Link.identity },
    { mean: 2, link: Link.exp, spreads: [{ param: 4, dim: 1 }] },
  ],
  P: 6, kinds: [DrawKind.normal, DrawKind.normal], coupling: { kind: 'wtp', price: 2 },
  theta: [0.8, -0.5, -0.2, 0.6, 0.4, 0.3],
};
const wtpFixed: Case = {
  name: 'WTP space, fixed lambda, lognormal omega',
  coefs: [
    { mean: 0, link: Link.exp, sign: -1, spreads: [{ param: 3, dim: 0 }] },
    { mean: 1, link: Link.identity },
    { mean: 2, link: Link.identity },
  ],
  P: 4, kinds: [DrawKind.normal], coupling: { kind: 'wtp', price: 2 },
  theta: [-0.3, 0.7, 1.3, 0.5],
};
const wtpMnl: Case = {
  name: 'WTP space, no random coefficients',
  coefs: [{ mean: 0, link: Link.identity }, { mean: 1, link: Link.identity }, { mean: 2, link: Link.identity }],
  P: 3, kinds: [], coupling: { kind: 'wtp', price: 0 },
  theta: [0.9, 0.4, -0.6],
};
// G-MNL: beta_1 normal with a mean shift, beta_2 fixed, beta_3 uniform; tau (param 5), logit gamma (param 6), z on dimension 2
const gmnlCoefs: CoefficientSpec[] = [
  { mean: 0, link: Link.identity, spreads: [{ param: 3, dim: 0 }], shifts: [{ param: 7, char: 0 }] },
  { mean: 1, link: Link.identity },
  { mean: 2, link: Link.identity, sign: -1, spreads: [{ param: 4, dim: 1 }] },
];
const gmnlFree: Case = {
  name: 'G-MNL, gamma free',
  coefs: gmnlCoefs, P: 8, kinds: [DrawKind.normal, DrawKind.uniform, DrawKind.normal],
  coupling: { kind: 'gmnl', tauParam: 5, gammaParam: 6, gamma: 0, scaleDim: 2 },
  theta: [0.7, -0.4, 0.5, 0.8, 0.3, 0.6, 0.4, -0.3],
};
const gmnlHeld = (gamma: 0 | 1): Case => ({
  name: `G-MNL, gamma held at ${gamma}`,
  coefs: gmnlCoefs, P: 8, kinds: [DrawKind.normal, DrawKind.uniform, DrawKind.normal],
  coupling: { kind: 'gmnl', tauParam: 5, gammaParam: -1, gamma, scaleDim: 2 },
  theta: [0.7, -0.4, 0.5, 0.8, 0.3, 0.6, 0, -0.3],
});
const smnl: Case = {
  name: 'S-MNL (no random coefficients)',
  coefs: [{ mean: 0, link: Link.identity }, { mean: 1, link: Link.identity }, { mean: 2, link: Link.identity }],
  P: 4, kinds: [DrawKind.normal], coupling: { kind: 'gmnl', tauParam: 3, gammaParam: -1, gamma: 1, scaleDim: 0 },
  theta: [0.7, -0.4, 0.5, 0.9],
};
const CASES = [wtpLognormal, wtpFixed, wtpMnl, gmnlFree, gmnlHeld(0), gmnlHeld(1), smnl];

const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

function nodesFor(c: Case, R: number): NodeSource {
  return c.kinds.length ? makeNodes(R, c.kinds.length, 11) : NO_NODES;
}

function evaluate(k: MixedKernel, data: ChoiceData, theta: Float64Array) {
  const P = k.plan.P;
  const unitLL = new Float64Array(data.nUnits), scores = new Float64Array(data.nUnits * P), grad = new Float64Array(P);
  k.evaluate(theta, 0, data.nUnits, unitLL, scores);
  return { ll: reduceUnits(unitLL, scores, P, grad), grad, unitLL, scores };
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

describe('couplings', () => {
  const data = makeData(30, 3, 3, 3, 5, { chars: 1 });

  for (const c of CASES) {
    it(`${c.name}: coefficients follow the formula from the uncoupled plan`, () => {
      const R = 6, nodes = nodesFor(c, R), theta = Float64Array.from(c.theta);
      const coupled = new Kernel(data, compilePlan(c.coefs, c.P, c.kinds as never, c.coupling), nodes);
      const plain = new Kernel(data, compilePlan(c.coefs, c.P, c.kinds as never), nodes);
      const Rn = coupled.nodeCount, K = 3;
      for (const u of [0, 7, 29]) {
        const beta = coupled.coefficients(theta, u), base = plain.coefficients(theta, u);
        const e = new Float64Array(Math.max(1, c.kinds.length) * Rn);
        nodes.fill(u, e, null);
        for (let r = 0; r < Rn; r++) {
          for (let k = 0; k < K; k++) {
            let want: number;
            if (c.coupling.kind === 'wtp') {
              const lambda = base[c.coupling.price * Rn + r];
              want = k === c.coupling.price ? -lambda : lambda * base[k * Rn + r];
            } else {
              const cp = c.coupling;
              const tau = theta[cp.tauParam], z = e[cp.scaleDim * Rn + r];
              const s = Math.exp(-tau * tau / 2 + tau * z);
              const g = cp.gammaParam >= 0 ? logistic(theta[cp.gammaParam]) : cp.gamma;
              const spec = c.coefs[k];
              let m = spec.mean >= 0 ? theta[spec.mean] : 0;
              for (const h of spec.shifts ?? []) m += theta[h.param] * data.unitChars![u + h.char];
              m *= spec.sign ?? 1;
              want = s * m + (g + s * (1 - g)) * (base[k * Rn + r] - m);
            }
            expect(beta[k * Rn + r]).toBeCloseTo(want, 12);
          }
        }
      }
    });

    it(`${c.name}: the score equals central finite differences, situations add up to units`, () => {
      const nodes = nodesFor(c, 7), theta = Float64Array.from(c.theta);
      const k = new Kernel(data, compilePlan(c.coefs, c.P, c.kinds as never, c.coupling), nodes);
      const { grad, scores } = evaluate(k, data, theta);
      for (let p = 0; p < c.P; p++) {
        if (c.coupling.kind === 'gmnl' && c.coupling.gammaParam < 0 && p === 6) { expect(grad[p]).toBe(0); continue; }
        const h = 1e-5 * Math.max(1, Math.abs(theta[p]));
        const a = Float64Array.from(theta); a[p] += h;
        const b = Float64Array.from(theta); b[p] -= h;
        const fd = (evaluate(k, data, a).ll - evaluate(k, data, b).ll) / (2 * h);
        expect(Math.abs(fd - grad[p]) / Math.max(1, Math.abs(fd)), `param ${p}: fd ${fd} analytic ${grad[p]}`).toBeLessThan(1e-7);
      }
      const sit = new Float64Array(data.nSituations * c.P);
      k.situationScores(theta, 0, data.nUnits, sit);
      for (let u = 0; u < data.nUnits; u++) {
        for (let p = 0; p < c.P; p++) {
          let t = 0;
          for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) t += sit[s * c.P + p];
          expect(t).toBeCloseTo(scores[u * c.P + p], 10);
        }
      }
    });

    it(`${c.name}: row probability derivatives equal finite differences`, () => {
      const nodes = nodesFor(c, 5), theta = Float64Array.from(c.theta);
      const k = new Kernel(data, compilePlan(c.coefs, c.P, c.kinds as never, c.coupling), nodes);
      const u1 = 4, n = data.sitRow[data.unitSit[u1]];
      const prob = new Float64Array(data.nRows), dprob = new Float64Array(data.nRows * c.P);
      k.rowProbabilities(theta, 0, u1, prob, dprob);
      const pa = new Float64Array(data.nRows), pb = new Float64Array(data.nRows);
      for (let p = 0; p < c.P; p++) {
        const h = 1e-5 * Math.max(1, Math.abs(theta[p]));
        const a = Float64Array.from(theta); a[p] += h;
        const b = Float64Array.from(theta); b[p] -= h;
        k.rowProbabilities(a, 0, u1, pa, null);
        k.rowProbabilities(b, 0, u1, pb, null);
        for (let i = 0; i < n; i++) expect(Math.abs((pa[i] - pb[i]) / (2 * h) - dprob[i * c.P + p])).toBeLessThan(1e-8);
      }
    });

    it(`${c.name}: the fast kernel gives the reference kernel's numbers (WebAssembly and JavaScript, odd and even R)`, () => {
      const theta = Float64Array.from(c.theta);
      for (const R of [7, 8]) {
        const nodes = nodesFor(c, R);
        const plan = compilePlan(c.coefs, c.P, c.kinds as never, c.coupling);
        const ref = evaluate(new Kernel(data, plan, nodes), data, theta);
        for (const wasm of [true, false]) {
          const got = evaluate(new FastKernel(data, plan, nodes, { wasm }), data, theta);
          expect(Math.abs(got.ll - ref.ll)).toBeLessThan(1e-11 * Math.abs(ref.ll));
          for (let i = 0; i < ref.scores.length; i++) expect(got.scores[i]).toBeCloseTo(ref.scores[i], 11);
        }
      }
    });
  }

  it('rejects a G-MNL coupling with a link other than identity or exp and out-of-range indices', () => {
    expect(() => compilePlan([{ mean: 0, link: Link.censored, spreads: [{ param: 1, dim: 0 }] }], 3, [0, 0], { kind: 'gmnl', tauParam: 2, gammaParam: -1, gamma: 1, scaleDim: 1 })).toThrow(/identity or exp \(lognormal\) links \(coefficient 0 has link 2\)/);
    expect(() => compilePlan(wtpLognormal.coefs, 6, [0, 0], { kind: 'wtp', price: 3 })).toThrow(/price column 3/);
    expect(() => compilePlan(gmnlCoefs, 8, [0, 1, 0], { kind: 'gmnl', tauParam: 5, gammaParam: -1, gamma: 1, scaleDim: 1 })).toThrow(/normal dimension/);
  });
});
