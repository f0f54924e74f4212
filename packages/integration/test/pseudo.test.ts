import mt19937 from '@stdlib/random-base-mt19937';
import { describe, expect, it } from 'vitest';
import { createRule, DEFAULT_SEED, normalQuantile } from '../src/index.js';
import { ksCritical, ksUniform, moments, unitDraws } from './helpers.js';

const ALL_U = (d: number) => new Uint8Array(d).fill(1);
const PSEUDO_TAG = 0x70736575;

describe('pseudo', () => {
  it('draws the uniforms of stdlib mt19937 seeded with [seed, unit, tag], dimension after dimension', () => {
    const R = 25;
    const rule = createRule({ rule: 'pseudo', draws: R, seed: 42 }, 3);
    const u = unitDraws(rule, 7, ALL_U(3));
    const g = mt19937.factory({ seed: [42, 7, PSEUDO_TAG] });
    for (let i = 0; i < 3 * R; i++) expect(u[i]).toBe(g.normalized());
    const z = unitDraws(rule, 7);
    for (let i = 0; i < 3 * R; i++) expect(z[i]).toBe(normalQuantile(u[i] as number));
  });

  it('has U(0,1) uniforms (KS) and N(0,1) normals, uncorrelated across dimensions', () => {
    const R = 5000;
    const rule = createRule({ rule: 'pseudo', draws: R }, 2);
    const u = unitDraws(rule, 0, ALL_U(2));
    const z = unitDraws(rule, 0);
    for (let d = 0; d < 2; d++) {
      expect(ksUniform(u.subarray(d * R, (d + 1) * R))).toBeLessThan(ksCritical(R));
      const m = moments(z.subarray(d * R, (d + 1) * R));
      expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(R));
      expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / R));
    }
    let c = 0;
    for (let r = 0; r < R; r++) c += (z[r] as number) * (z[R + r] as number);
    expect(Math.abs(c / R)).toBeLessThan(5 / Math.sqrt(R));
  });

  it('is uniform across units too (first draw of 2000 units)', () => {
    const rule = createRule({ rule: 'pseudo', draws: 1 }, 1);
    const firsts = Array.from({ length: 2000 }, (_, u) => unitDraws(rule, u, ALL_U(1))[0] as number);
    expect(ksUniform(firsts)).toBeLessThan(ksCritical(2000));
  });

  it('depends on the seed, repeats for the same seed, and fill(u) does not depend on call order', () => {
    const a = createRule({ rule: 'pseudo', draws: 10 }, 2);
    expect(a.toJSON().seed).toBe(DEFAULT_SEED);
    const fresh = unitDraws(a, 12);
    for (let u = 20; u > 0; u--) unitDraws(a, u);
    expect(unitDraws(a, 12)).toEqual(fresh);
    expect(unitDraws(createRule({ rule: 'pseudo', draws: 10 }, 2), 12)).toEqual(fresh);
    expect(unitDraws(createRule({ rule: 'pseudo', draws: 10, seed: 1 }, 2), 12)).not.toEqual(fresh);
    expect(unitDraws(a, 13)).not.toEqual(fresh);
  });

  it('antithetic: draw R/2 + r is -z_r (uniform 1 - u_r), and the mean is exactly 0', () => {
    const R = 10;
    const rule = createRule({ rule: 'pseudo', draws: R, antithetic: true, seed: 5 }, 2);
    const z = unitDraws(rule, 3);
    const u = unitDraws(rule, 3, ALL_U(2));
    for (let d = 0; d < 2; d++) {
      for (let r = 0; r < R / 2; r++) {
        expect(z[d * R + R / 2 + r]).toBe(-(z[d * R + r] as number));
        expect(u[d * R + R / 2 + r]).toBe(1 - (u[d * R + r] as number));
      }
      expect(z.subarray(d * R, (d + 1) * R).reduce((s, x) => s + x, 0)).toBeCloseTo(0, 14);
    }
    expect(() => createRule({ rule: 'pseudo', draws: 7, antithetic: true }, 1)).toThrow(
      'integration.draws must be even when integration.antithetic is true; received 7',
    );
  });
});
