import { describe, expect, it } from 'vitest';
import { gaussHermite, productGrid, symmetricTridiagonalEigenvalues } from '../src/index.js';
import { loadFixture, loadReference, normalMoment } from './helpers.js';

const ref = loadReference();

describe('symmetricTridiagonalEigenvalues', () => {
  it('finds the eigenvalues of the 1D Laplacian, 2 - 2cos(k pi/(n+1))', () => {
    const n = 12;
    const ev = symmetricTridiagonalEigenvalues(new Array(n).fill(2), new Array(n - 1).fill(-1));
    for (let k = 1; k <= n; k++) expect(ev[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
  });
});

describe('gaussHermite (probabilists)', () => {
  it('matches the reference nodes and weights for n = 1..7 to 1e-14', () => {
    for (const [n, rows] of Object.entries(ref.gauss_hermite_probabilists as Record<string, [string, string][]>)) {
      const g = gaussHermite(Number(n));
      expect(g.nodes.length).toBe(Number(n));
      rows.forEach(([x, w], i) => {
        expect(Math.abs((g.nodes[i] as number) - Number(x))).toBeLessThanOrEqual(1e-14);
        expect(Math.abs((g.weights[i] as number) - Number(w))).toBeLessThanOrEqual(1e-14);
      });
    }
  });

  it('matches 50-digit mpmath rules for n up to 40', () => {
    const fx = loadFixture('gauss-hermite-mpmath.json');
    for (const [n, [xs, ws]] of Object.entries(fx.rules as Record<string, [string[], string[]]>)) {
      const g = gaussHermite(Number(n));
      xs.forEach((x, i) => {
        expect(Math.abs((g.nodes[i] as number) - Number(x))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(Number(x))));
        const w = Number(ws[i]);
        expect(Math.abs((g.weights[i] as number) - w)).toBeLessThanOrEqual(1e-13 * w + 1e-16);
      });
    }
  });

  it('has weights summing to 1, symmetric nodes and an exact 0 middle node', () => {
    for (const n of [1, 2, 5, 16, 33, 60, 100]) {
      const g = gaussHermite(n);
      expect(g.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 13);
      for (let i = 0; i < n; i++) expect(g.nodes[i]).toBe(0 - (g.nodes[n - 1 - i] as number));
      if (n % 2 === 1) expect(Object.is(g.nodes[(n - 1) / 2], 0)).toBe(true);
    }
  });

  it('integrates z^k exactly for k <= 2n-1 and not for k = 2n', () => {
    for (const n of [1, 2, 3, 6, 10]) {
      const g = gaussHermite(n);
      for (let k = 0; k <= 2 * n; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (g.weights[i] as number) * (g.nodes[i] as number) ** k;
        const exact = normalMoment(k);
        if (k <= 2 * n - 1) expect(Math.abs(s - exact)).toBeLessThanOrEqual(1e-12 * Math.max(1, exact));
        else expect(Math.abs(s - exact)).toBeGreaterThan(0.5); // degree 2n: n! too small
      }
    }
  });

  it('rejects invalid n', () => {
    expect(() => gaussHermite(0)).toThrow(/n must be an integer/);
    expect(() => gaussHermite(2.5)).toThrow(/received 2.5/);
  });
});

describe('productGrid', () => {
  const T1 = ref['T1_exp_linear_d3_a=(0.5,-0.3,0.2)'] as Record<string, string>;
  const a = [0.5, -0.3, 0.2];

  it('reproduces the tabulated E exp(a.z) in d = 3 for n = 1..7', () => {
    for (let n = 1; n <= 7; n++) {
      const g = productGrid(3, n);
      expect(g.size).toBe(n ** 3);
      let s = 0;
      for (let i = 0; i < g.size; i++) {
        let e = 0;
        for (let d = 0; d < 3; d++) e += (a[d] as number) * (g.nodes[d * g.size + i] as number);
        s += (g.weights[i] as number) * Math.exp(e);
      }
      expect(Math.abs(s - Number(T1[`GHprod_n${n}`]))).toBeLessThanOrEqual(1e-14);
    }
    expect(Math.abs(Math.exp(0.19) - Number(T1.exact))).toBeLessThan(1e-15);
  });

  it('orders nodes with the first dimension slowest and has weights summing to 1', () => {
    const g = productGrid(2, 3);
    const gh = gaussHermite(3);
    expect(Array.from(g.nodes.subarray(0, 9))).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2].map((i) => gh.nodes[i]));
    expect(Array.from(g.nodes.subarray(9, 18))).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2].map((i) => gh.nodes[i]));
    expect(Math.abs(productGrid(4, 5).weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThanOrEqual(1e-13);
  });
});
