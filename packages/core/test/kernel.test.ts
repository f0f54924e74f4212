import { describe, expect, it } from 'vitest';
import { Kernel, compilePlan, reduceUnits, Link, DrawKind, type CoefficientSpec, type ChoiceData, type NodeSource } from '../src/index.js';
import { linkValue } from '../src/links.js';
import { makeData, makeNodes } from './helpers.js';

function evalAll(data: ChoiceData, coefs: CoefficientSpec[], P: number, kinds: number[], nodes: NodeSource, theta: Float64Array) {
  const plan = compilePlan(coefs, P, kinds as any);
  const k = new Kernel(data, plan, nodes);
  const unitLL = new Float64Array(data.nUnits);
  const scores = new Float64Array(data.nUnits * P);
  k.evaluate(theta, 0, data.nUnits, unitLL, scores);
  const grad = new Float64Array(P);
  const ll = reduceUnits(unitLL, scores, P, grad);
  return { ll, grad, unitLL, scores, fault: k.fault };
}

function fdCheck(data: ChoiceData, coefs: CoefficientSpec[], P: number, kinds: number[], nodes: NodeSource, theta: number[], tol = 1e-6) {
  const th = Float64Array.from(theta);
  const { grad } = evalAll(data, coefs, P, kinds, nodes, th);
  for (let p = 0; p < P; p++) {
    const h = 1e-5 * Math.max(1, Math.abs(th[p]));
    const a = Float64Array.from(th); a[p] += h;
    const b = Float64Array.from(th); b[p] -= h;
    const fd = (evalAll(data, coefs, P, kinds, nodes, a).ll - evalAll(data, coefs, P, kinds, nodes, b).ll) / (2 * h);
    expect(Math.abs(fd - grad[p]) / Math.max(1, Math.abs(fd)), `param ${p}: fd ${fd} analytic ${grad[p]}`).toBeLessThan(tol);
  }
}

// three coefficients: fixed, normal, lognormal  (theta: b1, b2, b3, s2, s3)
const mixed: CoefficientSpec[] = [
  { mean: 0, link: Link.identity },
  { mean: 1, link: Link.identity, spreads: [{ param: 3, dim: 0 }] },
  { mean: 2, link: Link.exp, spreads: [{ param: 4, dim: 1 }] },
];

describe('kernel', () => {
  it('matches a naive direct implementation on a tiny case', () => {
    // 3 individuals, 2 alternatives, 2 coefficients (normal, fixed), 5 draws
    const data = makeData(3, 2, 2, 2, 7);
    const R = 5;
    const nodes = makeNodes(R, 1, 11);
    const coefs: CoefficientSpec[] = [{ mean: 0, link: Link.identity, spreads: [{ param: 2, dim: 0 }] }, { mean: 1, link: Link.identity }];
    const theta = Float64Array.from([0.4, -0.7, 0.9]);
    const { ll, unitLL } = evalAll(data, coefs, 3, [DrawKind.normal], nodes, theta);
    // naive: L_i = 1/R sum_r prod_t P_t(beta_ir)
    const z = new Float64Array(R);
    let total = 0;
    for (let i = 0; i < 3; i++) {
      nodes.fill(i, z, null);
      let Li = 0;
      for (let r = 0; r < R; r++) {
        const b = [theta[0] + theta[2] * z[r], theta[1]];
        let prod = 1;
        for (let s = data.unitSit[i]; s < data.unitSit[i + 1]; s++) {
          let den = 0;
          for (let j = data.sitRow[s]; j < data.sitRow[s + 1]; j++) den += Math.exp(b[0] * data.X[j * 2] + b[1] * data.X[j * 2 + 1]);
          const c = data.sitChosen[s];
          prod *= Math.exp(b[0] * data.X[c * 2] + b[1] * data.X[c * 2 + 1]) / den;
        }
        Li += prod / R;
      }
      expect(unitLL[i]).toBeCloseTo(Math.log(Li), 12);
      total += Math.log(Li);
    }
    expect(ll).toBeCloseTo(total, 12);
  });

  it('gradient equals central finite differences: fixed, normal, lognormal, panel', () => {
    const data = makeData(20, 4, 4, 3, 3);
    fdCheck(data, mixed, 5, [DrawKind.normal, DrawKind.normal], makeNodes(50, 2, 5), [0.5, -0.3, -0.2, 0.8, 0.4]);
  });

  it('gradient equals finite differences: cross-section, weights, outside option', () => {
    const data = makeData(40, 1, 3, 3, 4, { outside: true, weights: true });
    fdCheck(data, mixed, 5, [DrawKind.normal, DrawKind.normal], makeNodes(30, 2, 6), [0.5, -0.3, -0.2, 0.8, 0.4]);
  });

  it('gradient equals finite differences for every link, draw kind, correlation and mean shifts', () => {
    const data = makeData(25, 3, 3, 6, 9, { chars: 2 });
    // theta: 0..5 locations, 6..11 spreads, 12 chol offdiag, 13,14 shifts
    const coefs: CoefficientSpec[] = [
      { mean: 0, link: Link.identity, spreads: [{ param: 6, dim: 0 }], shifts: [{ param: 13, char: 0 }] },
      { mean: 1, link: Link.identity, spreads: [{ param: 12, dim: 0 }, { param: 7, dim: 1 }] },        // correlated with 0
      { mean: 2, link: Link.exp, sign: -1, spreads: [{ param: 8, dim: 2 }], shifts: [{ param: 14, char: 1 }] }, // negative lognormal
      { mean: 3, link: Link.censored, spreads: [{ param: 9, dim: 3 }] },                                 // uniform draws, censored link
      { mean: 4, link: Link.logistic, spreads: [{ param: 10, dim: 4 }] },                                // Johnson SB on triangular draws
      { mean: -1, link: Link.identity, spreads: [{ param: 11, dim: 5 }] },                               // exponential
    ];
    const kinds = [DrawKind.normal, DrawKind.normal, DrawKind.normal, DrawKind.uniform, DrawKind.triangular, DrawKind.exponential];
    fdCheck(data, coefs, 15, kinds, makeNodes(40, 6, 8), [0.3, -0.4, -0.5, 0.35, 0.2, 0, 0.6, 0.5, 0.3, 0.7, 0.9, 0.4, 0.3, 0.2, -0.1], 2e-6);
  });

  it('signed weights: quadrature-style shared nodes give the weighted sum; a non-positive sum is reported', () => {
    const data = makeData(5, 2, 3, 1, 2);
    const w = Float64Array.from([0.7, 0.6, -0.3]);
    const nodes = makeNodes(3, 1, 2, w, true);
    const coefs: CoefficientSpec[] = [{ mean: 0, link: Link.identity, spreads: [{ param: 1, dim: 0 }] }];
    const r = evalAll(data, coefs, 2, [DrawKind.normal], nodes, Float64Array.from([0.2, 0.5]));
    expect(Number.isFinite(r.ll)).toBe(true);
    const bad = makeNodes(3, 1, 2, Float64Array.from([0.5, 0.5, -1]), true);
    const r2 = evalAll(data, coefs, 2, [DrawKind.normal], bad, Float64Array.from([0.2, 0.5]));
    expect(r2.fault?.reason).toBe('non-positive-probability');
  });

  it('utilities of +-1000 give a finite log-likelihood and gradient', () => {
    const data = makeData(10, 3, 4, 3, 5, { scale: 300 });
    const r = evalAll(data, mixed, 5, [DrawKind.normal, DrawKind.normal], makeNodes(20, 2, 1), Float64Array.from([1, -2, 0.5, 3, 0.5]));
    expect(Number.isFinite(r.ll)).toBe(true);
    expect(r.ll).toBeLessThan(0);
    for (const g of r.grad) expect(Number.isFinite(g)).toBe(true);
    expect(r.fault).toBeNull();
  });

  it('a range split gives per-unit values identical to the whole', () => {
    const data = makeData(12, 3, 3, 3, 5);
    const plan = compilePlan(mixed, 5, [DrawKind.normal, DrawKind.normal]);
    const nodes = makeNodes(10, 2, 3);
    const th = Float64Array.from([0.5, -0.3, -0.2, 0.8, 0.4]);
    const a = new Float64Array(12), b = new Float64Array(12);
    new Kernel(data, plan, nodes).evaluate(th, 0, 12, a, null);
    const k2 = new Kernel(data, plan, nodes);
    k2.evaluate(th, 7, 12, b, null);
    k2.evaluate(th, 0, 7, b, null);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('per-unit scores are the gradients of the per-unit log-likelihoods; per-situation scores sum to them', () => {
    const data = makeData(6, 3, 3, 3, 21);
    const plan = compilePlan(mixed, 5, [DrawKind.normal, DrawKind.normal]);
    const nodes = makeNodes(15, 2, 4);
    const th = Float64Array.from([0.5, -0.3, -0.2, 0.8, 0.4]);
    const k = new Kernel(data, plan, nodes);
    const ll = new Float64Array(6), sc = new Float64Array(30);
    k.evaluate(th, 0, 6, ll, sc);
    const sit = new Float64Array(data.nSituations * 5);
    k.situationScores(th, 0, 6, sit);
    for (let u = 0; u < 6; u++) {
      for (let p = 0; p < 5; p++) {
        let sum = 0;
        for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) sum += sit[s * 5 + p];
        expect(sum).toBeCloseTo(sc[u * 5 + p], 12);
        const h = 1e-6, a = Float64Array.from(th), b = Float64Array.from(th);
        a[p] += h; b[p] -= h;
        const la = new Float64Array(6), lb = new Float64Array(6);
        k.evaluate(a, u, u + 1, la, null);
        k.evaluate(b, u, u + 1, lb, null);
        expect((la[u] - lb[u]) / (2 * h)).toBeCloseTo(sc[u * 5 + p], 6);
      }
    }
  });

  it('link functions', () => {
    expect(linkValue(Link.logistic, -800)).toBeGreaterThanOrEqual(0);
    expect(linkValue(Link.logistic, 800)).toBe(1);
    expect(linkValue(Link.censored, -1)).toBe(0);
  });
});
