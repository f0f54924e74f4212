import { describe, expect, it } from 'vitest';
import {
  DrawKind, Kernel, LatentClassKernel, Link, compilePlan, reduceUnits,
  type ChoiceData, type CoefficientSpec, type LatentClassPlan, type NodeSource,
} from '../src/index.js';
import { makeData, makeNodes } from './helpers.js';

/**
 * Per class (offset o = c * PER): 6 coefficients of every kind the plan knows
 *  k0 fixed;  k1 normal (dim 0) with a mean shift on characteristic 0;
 *  k2 negative lognormal (dim 1) correlated with k1 (Cholesky term on dim 0);
 *  k3 censored normal on uniform draws (dim 2);  k4 exponential (dim 3, no location);
 *  k5 logistic link (Johnson SB) on triangular draws (dim 4).
 * theta[o..o+11] = m0 m1 m2 m3 s1 s2 l21 s3 m4 shift1 m5 s5.
 */
const PER = 12;
const K = 6;
const D = 5;
const KINDS = [DrawKind.normal, DrawKind.normal, DrawKind.uniform, DrawKind.exponential, DrawKind.triangular];

function classCoefs(o: number): CoefficientSpec[] {
  return [
    { mean: o, link: Link.identity },
    { mean: o + 1, link: Link.identity, spreads: [{ param: o + 4, dim: 0 }], shifts: [{ param: o + 9, char: 0 }] },
    { mean: o + 2, link: Link.exp, sign: -1, spreads: [{ param: o + 6, dim: 0 }, { param: o + 5, dim: 1 }] },
    { mean: o + 3, link: Link.censored, spreads: [{ param: o + 7, dim: 2 }] },
    { mean: -1, link: Link.identity, spreads: [{ param: o + 8, dim: 3 }] },
    { mean: o + 10, link: Link.logistic, spreads: [{ param: o + 11, dim: 4 }] },
  ];
}

/** C classes over P = C*PER + (C-1)*(1+nz) parameters; membership on characteristics `memb`. */
function lcPlan(C: number, memb: number[], kinds: readonly number[] = KINDS, coefs: (o: number) => CoefficientSpec[] = classCoefs, per = PER): LatentClassPlan {
  const nz = memb.length;
  const P = C * per + (C - 1) * (1 + nz);
  const classes = Array.from({ length: C }, (_, c) => compilePlan(coefs(c * per), P, kinds as any));
  return {
    kind: 'latent-class', P, D: kinds.length, K: classes[0].K, classes,
    membershipParam: Int32Array.from({ length: (C - 1) * (1 + nz) }, (_, i) => C * per + i),
    membershipChar: Int32Array.from(memb),
    uniformDims: classes[0].uniformDims,
  };
}

function evalLC(data: ChoiceData, plan: LatentClassPlan, nodes: NodeSource, theta: Float64Array) {
  const k = new LatentClassKernel(data, plan, nodes);
  const unitLL = new Float64Array(data.nUnits);
  const scores = new Float64Array(data.nUnits * plan.P);
  k.evaluate(theta, 0, data.nUnits, unitLL, scores);
  const grad = new Float64Array(plan.P);
  const ll = reduceUnits(unitLL, scores, plan.P, grad);
  return { ll, grad, unitLL, scores, fault: k.fault, kernel: k };
}

function evalPlain(data: ChoiceData, c: number, plan: LatentClassPlan, nodes: NodeSource, theta: Float64Array) {
  const k = new Kernel(data, plan.classes[c], nodes);
  const unitLL = new Float64Array(data.nUnits);
  const scores = new Float64Array(data.nUnits * plan.P);
  k.evaluate(theta, 0, data.nUnits, unitLL, scores);
  const grad = new Float64Array(plan.P);
  const ll = reduceUnits(unitLL, scores, plan.P, grad);
  return { ll, grad, unitLL, scores };
}

/** Central differences of the total LL against the analytic gradient, every parameter. */
function fdCheck(data: ChoiceData, plan: LatentClassPlan, nodes: NodeSource, theta: Float64Array, tol = 2e-6) {
  const { ll, grad, fault } = evalLC(data, plan, nodes, theta);
  expect(Number.isFinite(ll)).toBe(true);
  expect(fault).toBeNull();
  let nonzero = 0;
  for (let p = 0; p < plan.P; p++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[p]));
    const a = Float64Array.from(theta); a[p] += h;
    const b = Float64Array.from(theta); b[p] -= h;
    const fd = (evalLC(data, plan, nodes, a).ll - evalLC(data, plan, nodes, b).ll) / (2 * h);
    expect(Math.abs(fd - grad[p]) / Math.max(1, Math.abs(fd)), `param ${p}: fd ${fd} analytic ${grad[p]}`).toBeLessThan(tol);
    if (Math.abs(grad[p]) > 1e-3) nonzero++;
  }
  // the check is not vacuous: (almost) every parameter moves the likelihood
  expect(nonzero).toBeGreaterThanOrEqual(plan.P - 1);
}

/** A parameter vector with distinct classes. */
function classTheta(C: number, nz: number): Float64Array {
  const base = [0.5, -0.3, -0.6, 0.35, 0.7, 0.4, 0.3, 0.8, 0.5, 0.25, 0.2, 0.9];
  const t: number[] = [];
  for (let c = 0; c < C; c++) t.push(...base.map((v, i) => v + (c - 1) * 0.3 * (i % 3 === 0 ? 1 : -1) * (i === 9 ? 0.5 : 1)));
  for (let c = 1; c < C; c++) t.push(0.3 * c - 0.4, ...Array.from({ length: nz }, (_, j) => (j % 2 ? -0.5 : 0.6) / c));
  return Float64Array.from(t);
}

const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

describe('LatentClassKernel', () => {
  it('gradient equals central finite differences: 3 classes with random coefficients of every kind, membership on 2 characteristics', () => {
    const data = makeData(20, 3, 4, K, 31, { chars: 2 });
    const plan = lcPlan(3, [1, 0]);
    expect(plan.P).toBe(42);
    fdCheck(data, plan, makeNodes(30, D, 17), classTheta(3, 2));
  });

  it('gradient equals finite differences: 2 classes, unit weights, outside option, cross-section', () => {
    const data = makeData(40, 1, 3, K, 32, { chars: 2, outside: true, weights: true });
    const plan = lcPlan(2, [1]);
    fdCheck(data, plan, makeNodes(25, D, 18), classTheta(2, 1));
  });

  it('gradient equals finite differences: fixed coefficients only (no draws), membership intercepts only', () => {
    const data = makeData(30, 4, 3, 3, 33);
    const fixed = (o: number): CoefficientSpec[] => [0, 1, 2].map((k) => ({ mean: o + k, link: Link.identity }));
    const plan = lcPlan(3, [], [], fixed, 3);
    expect(plan.P).toBe(11);
    fdCheck(data, plan, NO_NODES, Float64Array.from([0.8, -0.5, 0.2, -0.4, 0.9, -0.1, 0.1, 0.3, -1.2, 0.4, -0.3]));
  });

  it('per-unit scores are the gradients of the per-unit log-likelihoods', () => {
    const data = makeData(5, 3, 3, K, 34, { chars: 2, weights: true });
    const plan = lcPlan(3, [0, 1]);
    const nodes = makeNodes(12, D, 19);
    const th = classTheta(3, 2);
    const { scores } = evalLC(data, plan, nodes, th);
    const k = new LatentClassKernel(data, plan, nodes);
    const la = new Float64Array(5), lb = new Float64Array(5);
    for (let u = 0; u < 5; u++) {
      for (let p = 0; p < plan.P; p++) {
        const h = 1e-6, a = Float64Array.from(th), b = Float64Array.from(th);
        a[p] += h; b[p] -= h;
        k.evaluate(a, u, u + 1, la, null);
        k.evaluate(b, u, u + 1, lb, null);
        expect((la[u] - lb[u]) / (2 * h), `unit ${u} param ${p}`).toBeCloseTo(scores[u * plan.P + p], 6);
      }
    }
  });

  it('equals the mixture of the plain kernels: LL_u = w_u log sum_c pi_uc L_uc', () => {
    const data = makeData(15, 3, 4, K, 35, { chars: 2, weights: true });
    const plan = lcPlan(3, [0, 1]);
    const nodes = makeNodes(20, D, 20);
    const th = classTheta(3, 2);
    const lc = evalLC(data, plan, nodes, th);
    const unweighted: ChoiceData = { ...data, unitWeight: null };
    const per = [0, 1, 2].map((c) => evalPlain(unweighted, c, plan, nodes, th).unitLL);
    const pi = new Float64Array(3);
    for (let u = 0; u < data.nUnits; u++) {
      lc.kernel.membership(th, u, pi);
      const direct = Math.log(pi[0] * Math.exp(per[0][u]) + pi[1] * Math.exp(per[1][u]) + pi[2] * Math.exp(per[2][u]));
      expect(lc.unitLL[u]).toBeCloseTo(data.unitWeight![u] * direct, 10);
    }
  });

  it('one dominant class gives the plain kernel of that class (value, gradient, per-unit scores)', () => {
    const data = makeData(15, 3, 4, K, 36, { chars: 2 });
    const plan = lcPlan(3, [0, 1]);
    const nodes = makeNodes(20, D, 21);
    for (const dominant of [0, 2]) {
      const th = classTheta(3, 2);
      // membership: class 2 and 3 logits relative to class 1; characteristics switched off
      const m = 3 * PER;
      th.fill(0, m);
      th[m] = dominant === 0 ? -40 : 0;
      th[m + 3] = dominant === 0 ? -40 : 40;
      const lc = evalLC(data, plan, nodes, th);
      const plain = evalPlain(data, dominant, plan, nodes, th);
      expect(lc.ll).toBeCloseTo(plain.ll, 9);
      for (let u = 0; u < data.nUnits; u++) expect(lc.unitLL[u]).toBeCloseTo(plain.unitLL[u], 10);
      for (let p = 0; p < plan.P; p++) expect(lc.grad[p], `dominant ${dominant}, param ${p}`).toBeCloseTo(plain.grad[p], 9);
      for (let i = 0; i < lc.scores.length; i++) expect(lc.scores[i], `dominant ${dominant}, score ${i}`).toBeCloseTo(plain.scores[i], 10);
      // the plain kernel's gradient is not trivially zero on the dominant class's parameters
      expect(Math.max(...Array.from(plain.grad.subarray(dominant * PER, (dominant + 1) * PER), Math.abs))).toBeGreaterThan(0.1);
      for (const h of [0, 1, 2].map((u) => lc.kernel.posterior(th, u))) expect(h[dominant]).toBeCloseTo(1, 12);
    }
  });

  it('identical classes give the plain kernel whatever the membership; class gradients split by posterior weights', () => {
    const data = makeData(15, 3, 4, K, 37, { chars: 2 });
    const plan = lcPlan(3, [0, 1]);
    const nodes = makeNodes(20, D, 22);
    const th = classTheta(3, 2);
    for (let c = 1; c < 3; c++) for (let i = 0; i < PER; i++) th[c * PER + i] = th[i];
    const lc = evalLC(data, plan, nodes, th);
    const plain = evalPlain(data, 0, plan, nodes, th);
    expect(lc.ll).toBeCloseTo(plain.ll, 9);
    for (let i = 0; i < PER; i++) {
      expect(lc.grad[i] + lc.grad[PER + i] + lc.grad[2 * PER + i], `param ${i}`).toBeCloseTo(plain.grad[i], 9);
    }
    // the likelihood does not depend on membership: zero membership gradient
    for (let p = 3 * PER; p < plan.P; p++) expect(Math.abs(lc.grad[p])).toBeLessThan(1e-9);
  });

  it('membership probabilities and class posteriors sum to 1; posteriors are Bayes over the class likelihoods', () => {
    const data = makeData(25, 4, 3, K, 38, { chars: 2 });
    const plan = lcPlan(3, [0, 1]);
    const nodes = makeNodes(20, D, 23);
    const th = classTheta(3, 2);
    const k = new LatentClassKernel(data, plan, nodes);
    const per = [0, 1, 2].map((c) => evalPlain(data, c, plan, nodes, th).unitLL);
    const pi = new Float64Array(3);
    let spread = 0;
    for (let u = 0; u < data.nUnits; u++) {
      k.membership(th, u, pi);
      expect(pi[0] + pi[1] + pi[2]).toBeCloseTo(1, 14);
      // the logit by hand
      const g = [0, 1, 2].map((c) => (c === 0 ? 0 : th[3 * PER + (c - 1) * 3] + th[3 * PER + (c - 1) * 3 + 1] * data.unitChars![u * 2] + th[3 * PER + (c - 1) * 3 + 2] * data.unitChars![u * 2 + 1]));
      const S = g.reduce((a, x) => a + Math.exp(x), 0);
      for (let c = 0; c < 3; c++) expect(pi[c]).toBeCloseTo(Math.exp(g[c]) / S, 14);
      const h = k.posterior(th, u);
      expect(h.length).toBe(3);
      expect(h[0] + h[1] + h[2]).toBeCloseTo(1, 14);
      const den = pi[0] * Math.exp(per[0][u]) + pi[1] * Math.exp(per[1][u]) + pi[2] * Math.exp(per[2][u]);
      for (let c = 0; c < 3; c++) {
        expect(h[c]).toBeGreaterThanOrEqual(0);
        expect(h[c]).toBeCloseTo((pi[c] * Math.exp(per[c][u])) / den, 12);
        spread = Math.max(spread, Math.abs(h[c] - pi[c]));
      }
    }
    // the data move the posteriors away from the prior shares
    expect(spread).toBeGreaterThan(0.05);
  });

  it('extreme membership logits and class utilities stay finite', () => {
    const data = makeData(10, 3, 4, K, 39, { chars: 2, scale: 300 });
    const plan = lcPlan(2, [0, 1]);
    const th = classTheta(2, 2);
    th[2 * PER] = 800; th[2 * PER + 1] = -900;
    const r = evalLC(data, plan, makeNodes(20, D, 24), th);
    expect(Number.isFinite(r.ll)).toBe(true);
    for (const g of r.grad) expect(Number.isFinite(g)).toBe(true);
    expect(r.fault).toBeNull();
  });

  it('cached draws (shared by the classes) give the same values as regenerated draws', () => {
    const data = makeData(8, 3, 3, K, 40, { chars: 2 });
    const plan = lcPlan(2, [0, 1]);
    const nodes = makeNodes(15, D, 25);
    const th = classTheta(2, 2);
    const a = new Float64Array(8), b = new Float64Array(8);
    new LatentClassKernel(data, plan, nodes).evaluate(th, 0, 8, a, null);
    const k = new LatentClassKernel(data, plan, nodes, { cacheDraws: false });
    k.evaluate(th, 0, 8, b, null);
    k.evaluate(th, 0, 8, b, null);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  // Membership is combined in log space (log pi_c + LL_c, then log-sum-exp): a class whose prior
  // share underflows but whose likelihood dominates must not give log(0) = -Infinity.
  it('a class with an underflowing prior share but the dominant likelihood keeps LL finite', () => {
    const data = makeData(1, 4, 3, 1, 5, { scale: 300 });
    const fixed = (o: number): CoefficientSpec[] => [{ mean: o, link: Link.identity }];
    const plan = lcPlan(2, [], [], fixed, 1);
    const th = Float64Array.from([1, -1, 800]); // class 2 has prior logit +800; class 1 fits far better
    const lc = evalLC(data, plan, NO_NODES, th);
    const per = [0, 1].map((c) => evalPlain(data, c, plan, NO_NODES, th).ll);
    const logPi = [-800, 0];
    const a = per.map((l, c) => l + logPi[c]);
    const m = Math.max(...a);
    const expected = m + Math.log(a.reduce((s, x) => s + Math.exp(x - m), 0));
    expect(lc.ll).toBeCloseTo(expected, 8);
    for (const g of lc.grad) expect(Number.isFinite(g)).toBe(true);
  });

  it('per-situation scores are refused with a clear error', () => {
    const data = makeData(3, 2, 3, K, 41, { chars: 2 });
    const k = new LatentClassKernel(data, lcPlan(2, [0, 1]), makeNodes(5, D, 26));
    expect(() => k.situationScores()).toThrow(/latent class/);
  });
});
