import quantile from '@stdlib/stats-base-dists-normal-quantile';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../src/index.js';
import { loadFixture } from './helpers.js';

describe('normalQuantile', () => {
  it('matches 40-digit mpmath values to 1e-14 relative, including the far lower tail', () => {
    const fx = loadFixture('normal-quantile-mpmath.json');
    for (const [p, z] of fx.values as [string, string][]) {
      const want = Number(z);
      const got = normalQuantile(Number(p));
      expect({ p, err: Math.abs(got - want) <= 1e-14 * Math.max(1, Math.abs(want)) }).toEqual({ p, err: true });
    }
  });

  it('agrees with stdlib quantile where that one is exact (p >= 1/4: 2p - 1 is exact)', () => {
    for (let i = 0; i <= 1000; i++) {
      const p = 0.25 + (0.75 * i) / 1000.5;
      const want = quantile(p, 0, 1);
      expect(Math.abs(normalQuantile(p) - want)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want)));
    }
  });

  it('is the inverse of normalCdf, in the tails too', () => {
    for (let i = 1; i < 200; i++) {
      const p = i / 200;
      expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThanOrEqual(1e-14 * p);
    }
    for (const p of [1e-300, 1e-200, 1e-50, 1e-17, 1e-9]) {
      // a relative error e in z moves Phi(z) by about z^2 e relative
      const z = normalQuantile(p);
      expect(Math.abs(normalCdf(z) / p - 1)).toBeLessThanOrEqual(1e-15 * z * z + 1e-14);
    }
  });

  it('gives +-Infinity at 0 and 1 and NaN outside', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(0.5)).toBe(0);
  });
});

describe('normalCdf', () => {
  it('is accurate in the lower tail', () => {
    // Phi(-10) = 7.619853024160526e-24 (mpmath)
    expect(Math.abs(normalCdf(-10) / 7.619853024160526e-24 - 1)).toBeLessThan(1e-14);
    expect(normalCdf(0)).toBe(0.5);
  });
});
