import { describe, expect, it } from 'vitest';
import { createRule, normalQuantile } from '../src/index.js';
import { ksCritical, ksUniform, moments, unitDraws } from './helpers.js';

const ALL_U = (d: number) => new Uint8Array(d).fill(1);

describe('mlhs', () => {
  const R = 50;
  const D = 3;
  const rule = createRule({ rule: 'mlhs', draws: R, seed: 2024 }, D);

  it('puts exactly one point in each interval [r/R, (r+1)/R), all shifted by one common xi per dimension', () => {
    for (const unit of [0, 1, 99]) {
      const u = unitDraws(rule, unit, ALL_U(D));
      for (let d = 0; d < D; d++) {
        const ud = Array.from(u.subarray(d * R, (d + 1) * R));
        const sorted = [...ud].sort((a, b) => a - b);
        const xi = (sorted[0] as number) * R;
        expect(xi > 0 && xi < 1).toBe(true);
        sorted.forEach((x, r) => expect(x).toBeCloseTo((r + xi) / R, 14));
        expect(ud).not.toEqual(sorted); // shuffled (P(sorted) = 1/R!)
      }
    }
  });

  it('maps the same points to normals', () => {
    const u = unitDraws(rule, 4, ALL_U(D));
    const z = unitDraws(rule, 4);
    for (let i = 0; i < D * R; i++) expect(z[i]).toBe(normalQuantile(u[i] as number));
  });

  it('gives N(0,1)-like normals: stratification pins the mean and variance closely', () => {
    const big = createRule({ rule: 'mlhs', draws: 1000, seed: 8 }, 2);
    const z = unitDraws(big, 3);
    for (let d = 0; d < 2; d++) {
      const m = moments(z.subarray(d * 1000, (d + 1) * 1000));
      expect(Math.abs(m.mean)).toBeLessThan(0.01);
      expect(Math.abs(m.variance - 1)).toBeLessThan(0.03);
    }
  });

  it('draws the shift xi uniformly across units (KS) and pairs dimensions independently', () => {
    const shifts: number[] = [];
    let sameOrder = 0;
    for (let unit = 0; unit < 500; unit++) {
      const u = unitDraws(rule, unit, ALL_U(D));
      shifts.push(Math.min(...u.subarray(0, R)) * R);
      const rank0 = Array.from(u.subarray(0, R), (x) => Math.floor(x * R));
      const rank1 = Array.from(u.subarray(R, 2 * R), (x) => Math.floor(x * R));
      if (rank0.join() === rank1.join()) sameOrder++;
    }
    expect(ksUniform(shifts)).toBeLessThan(ksCritical(500));
    expect(sameOrder).toBe(0);
  });

  it('depends on the seed, repeats for the same seed, and fill(u) does not depend on call order', () => {
    const fresh = unitDraws(rule, 8);
    for (let u = 0; u < 8; u++) unitDraws(rule, u);
    expect(unitDraws(rule, 8)).toEqual(fresh);
    expect(unitDraws(createRule(rule.toJSON(), D), 8)).toEqual(fresh);
    expect(unitDraws(createRule({ rule: 'mlhs', draws: R, seed: 1 }, D), 8)).not.toEqual(fresh);
  });
});
