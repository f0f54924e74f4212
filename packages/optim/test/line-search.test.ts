import { describe, expect, it } from 'vitest';
import { cubicMinimizer, LineSearch, quadraticMinimizer, WOLFE_C1, WOLFE_C2 } from '../src/index.js';

/** A 1-D φ with derivative as an objective on x ∈ ℝ¹ (search from x = 0 along d = 1), counting calls. */
function phiObjective(phi: (a: number) => number, dphi: (a: number) => number) {
  const calls: number[] = [];
  const fg = async (x: Float64Array, g: Float64Array) => {
    const a = x[0]!;
    calls.push(a);
    const f = phi(a);
    g[0] = dphi(a);
    return Number.isFinite(f) && Number.isFinite(g[0]) ? f : NaN;
  };
  return { fg, calls };
}

async function search(phi: (a: number) => number, dphi: (a: number) => number, alpha1: number, kind: 'wolfe' | 'backtracking' = 'wolfe') {
  const { fg, calls } = phiObjective(phi, dphi);
  const ls = new LineSearch(1);
  const x = Float64Array.from([0]);
  const g0 = Float64Array.from([dphi(0)]);
  const d = Float64Array.from([1]);
  const xOut = new Float64Array(1);
  const gOut = new Float64Array(1);
  const r =
    kind === 'wolfe'
      ? await ls.strongWolfe(fg, x, phi(0), g0, d, alpha1, xOut, gOut)
      : await ls.backtracking(fg, x, phi(0), g0, d, alpha1, xOut, gOut);
  return { r, calls, xOut, gOut };
}

// Moré & Thuente (1994), test functions 1 and 2, plus a wiggly quadratic.
const beta1 = 2;
const f1 = { phi: (a: number) => -a / (a * a + beta1), dphi: (a: number) => (a * a - beta1) / (a * a + beta1) ** 2 };
const beta2 = 0.004;
const f2 = { phi: (a: number) => (a + beta2) ** 5 - 2 * (a + beta2) ** 4, dphi: (a: number) => 5 * (a + beta2) ** 4 - 8 * (a + beta2) ** 3 };
const f3 = { phi: (a: number) => (a - 3) ** 2 + 0.5 * Math.sin(5 * a), dphi: (a: number) => 2 * (a - 3) + 2.5 * Math.cos(5 * a) };

describe('strong Wolfe line search (N&W Alg. 3.5/3.6)', () => {
  const cases = { 'Moré–Thuente 1': f1, 'Moré–Thuente 2': f2, 'wiggly quadratic': f3 };
  for (const [name, { phi, dphi }] of Object.entries(cases)) {
    it.each([1e-3, 0.1, 1, 10, 1000])(`${name}, α1 = %s: both conditions hold at the returned step`, async (alpha1) => {
      const { r, calls, xOut, gOut } = await search(phi, dphi, alpha1);
      expect(r.status).toBe('wolfe');
      const a = r.alpha;
      expect(a).toBeGreaterThan(0);
      expect(phi(a)).toBeLessThanOrEqual(phi(0) + WOLFE_C1 * a * dphi(0));
      expect(Math.abs(dphi(a))).toBeLessThanOrEqual(WOLFE_C2 * Math.abs(dphi(0)));
      expect(r.f).toBe(phi(a));
      expect(xOut[0]).toBe(a);
      expect(gOut[0]).toBe(dphi(a));
      expect(r.evaluations).toBe(calls.length);
      expect(r.evaluations).toBeLessThan(25);
      expect(r.nonFiniteTrials).toBe(0);
    });
  }

  it('accepts α1 at once when it already satisfies the conditions', async () => {
    const { r, calls } = await search((a) => (a - 1) ** 2, (a) => 2 * (a - 1), 1);
    expect(r.status).toBe('wolfe');
    expect(r.alpha).toBe(1);
    expect(calls).toEqual([1]);
  });

  it('a non-finite trial shortens the step instead of failing', async () => {
    // φ(α) = (α − 1.9)², NaN beyond α = 2; the first trial α = 10 is NaN.
    const { r, calls } = await search((a) => (a > 2 ? NaN : (a - 1.9) ** 2), (a) => 2 * (a - 1.9), 10);
    expect(r.status).toBe('wolfe');
    expect(r.nonFiniteTrials).toBeGreaterThanOrEqual(1);
    expect(calls[0]).toBe(10);
    expect(calls[1]).toBe(5); // halved toward the last finite point (α = 0)
    expect(r.alpha).toBeLessThanOrEqual(2);
    const phi = (a: number) => (a - 1.9) ** 2;
    expect(phi(r.alpha)).toBeLessThanOrEqual(phi(0) + WOLFE_C1 * r.alpha * -3.8);
    expect(Math.abs(2 * (r.alpha - 1.9))).toBeLessThanOrEqual(WOLFE_C2 * 3.8);
  });

  it('never extrapolates past a known non-finite step', async () => {
    // Decreasing up to the NaN wall at α = 2.5: every trial after the first NaN stays below it.
    const { r, calls } = await search((a) => (a > 2.5 ? NaN : -a), () => -1, 1);
    const firstNaN = calls.findIndex((a) => a > 2.5);
    expect(firstNaN).toBeGreaterThan(0);
    let wall = calls[firstNaN]!;
    for (const a of calls.slice(firstNaN + 1)) {
      expect(a).toBeLessThan(wall);
      if (a > 2.5) wall = a;
    }
    expect(r.status).toBe('armijo'); // no curvature condition possible on a line, but a decrease was found
    expect(r.alpha).toBeGreaterThan(2.4);
    expect(r.alpha).toBeLessThanOrEqual(2.5);
  });

  it("reports 'non-finite' when nothing finite is found along the direction", async () => {
    const { r, calls } = await search((a) => (a > 0 ? NaN : 0), () => -1, 1);
    expect(r.status).toBe('non-finite');
    expect(r.alpha).toBe(0);
    expect(r.nonFiniteTrials).toBe(calls.length);
    expect(calls.length).toBeLessThanOrEqual(51);
  });

  it("reports 'failed' without evaluating for an ascent direction", async () => {
    const { r, calls } = await search((a) => a * a, (a) => 2 * a + 1, 1); // φ'(0) = +1
    expect(r.status).toBe('failed');
    expect(calls.length).toBe(0);
  });

  it("reports 'failed' when no decrease exists (wrong gradient)", async () => {
    // φ increases but the reported slope claims descent.
    const { r } = await search((a) => a, (a) => (a === 0 ? -1 : 1), 1);
    expect(r.status).toBe('failed');
    expect(r.f).toBe(0);
  });
});

describe('backtracking Armijo line search', () => {
  it('returns a step with sufficient decrease, no longer than α1', async () => {
    const { phi, dphi } = f3;
    const { r } = await search(phi, dphi, 50, 'backtracking');
    expect(r.status).toBe('armijo');
    expect(r.alpha).toBeLessThanOrEqual(50);
    expect(phi(r.alpha)).toBeLessThanOrEqual(phi(0) + WOLFE_C1 * r.alpha * dphi(0));
  });
  it('halves on non-finite trials', async () => {
    const { r, calls } = await search((a) => (a > 1 ? NaN : (a - 0.9) ** 2), (a) => 2 * (a - 0.9), 8, 'backtracking');
    expect(calls.slice(0, 4)).toEqual([8, 4, 2, 1]);
    expect(r.status).toBe('armijo');
    expect(r.nonFiniteTrials).toBe(3);
  });
});

describe('interpolation', () => {
  it('cubicMinimizer is exact for a cubic', () => {
    // φ(α) = α³ − 3α: minimum at α = 1.
    const phi = (a: number) => a ** 3 - 3 * a;
    const dphi = (a: number) => 3 * a * a - 3;
    expect(cubicMinimizer(0, phi(0), dphi(0), 2, phi(2), dphi(2))).toBeCloseTo(1, 12);
    expect(cubicMinimizer(2, phi(2), dphi(2), 0.5, phi(0.5), dphi(0.5))).toBeCloseTo(1, 12);
  });
  it('quadraticMinimizer is exact for a quadratic and NaN for a concave one', () => {
    const phi = (a: number) => 3 * (a - 0.7) ** 2;
    expect(quadraticMinimizer(0, phi(0), -4.2, 2, phi(2))).toBeCloseTo(0.7, 12);
    expect(quadraticMinimizer(0, 0, -1, 1, -5)).toBeNaN();
  });
});
