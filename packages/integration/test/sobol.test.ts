import { describe, expect, it } from 'vitest';
import { createRule, normalQuantile, SOBOL_MAX_DIM, sobolDirections } from '../src/index.js';
import { ksCritical, ksUniform, loadFixture, loadReference, moments, unitDraws } from './helpers.js';

const ref = loadReference();
const ALL_U = (d: number) => new Uint8Array(d).fill(1);
const TWO32 = 2 ** 32;

/** Unscrambled point `index` (>= 1) of the first `dim` dimensions, via a one-draw rule. */
function pointAt(index: number, dim: number): Float64Array {
  return unitDraws(createRule({ rule: 'sobol', draws: 1, discard: index }, dim), 0, ALL_U(dim));
}

describe('sobol (unscrambled)', () => {
  it('gives the reference first 10 points in dimensions 1-3 (Joe-Kuo)', () => {
    const pts = ref.sobol_unscrambled_first10_dim3_joe_kuo as number[][];
    expect(pts[0]).toEqual([0, 0, 0]); // index 0, skipped by discard >= 1
    const rule = createRule({ rule: 'sobol', draws: 9 }, 3); // discard 1: indices 1..9
    const u = unitDraws(rule, 0, ALL_U(3));
    for (let i = 1; i < 10; i++) for (let d = 0; d < 3; d++) expect(u[d * 9 + i - 1]).toBe(pts[i]?.[d]);
  });

  it('matches scipy.stats.qmc.Sobol (32 bits) in dimensions up to 1024', () => {
    const fx = loadFixture('sobol-scipy.json');
    expect(SOBOL_MAX_DIM).toBeGreaterThanOrEqual(1000);
    fx.indices.forEach((index: number, row: number) => {
      if (index === 0) return;
      const u = pointAt(index, 1024);
      fx.dims.forEach((d: number, j: number) => expect({ index, d, v: (u[d - 1] as number) * TWO32 }).toEqual({ index, d, v: fx.values[row][j] }));
    });
  });

  it('Gray-code stepping inside a unit equals direct computation from the index', () => {
    const R = 37;
    const rule = createRule({ rule: 'sobol', draws: R, discard: 5 }, 6);
    for (const unit of [0, 3, 110]) {
      const u = unitDraws(rule, unit, ALL_U(6));
      for (const r of [0, 1, 2, 11, 36]) {
        const direct = pointAt(5 + unit * R + r, 6);
        for (let d = 0; d < 6; d++) expect(u[d * R + r]).toBe(direct[d]);
      }
    }
  });

  it('maps to normals with the inverse CDF, and each dimension is a permutation of k/2^m on 2^m points', () => {
    const R = 255;
    const rule = createRule({ rule: 'sobol', draws: R }, 8); // indices 1..255
    const u = unitDraws(rule, 0, ALL_U(8));
    const z = unitDraws(rule, 0);
    for (let d = 0; d < 8; d++) {
      const cells = new Set<number>();
      for (let r = 0; r < R; r++) {
        expect(z[d * R + r]).toBe(normalQuantile(u[d * R + r] as number));
        cells.add((u[d * R + r] as number) * 256);
      }
      expect(cells.size).toBe(R);
      for (const c of cells) expect(Number.isInteger(c) && c >= 1 && c < 256).toBe(true);
    }
  });

  it('has direction numbers V_k = m_k 2^(32-k) for the tabulated m (dimension 3: m = 1, 3)', () => {
    const V = sobolDirections(3);
    expect(V[0]).toBe(2 ** 31);
    expect(V[32 + 0]).toBe(2 ** 31);
    expect(V[64 + 0]).toBe(1 * 2 ** 31);
    expect(V[64 + 1]).toBe(3 * 2 ** 30);
  });

  it('refuses units whose indices would pass 2^32', () => {
    const rule = createRule({ rule: 'sobol', draws: 2 ** 31 }, 1);
    expect(() => rule.fill(1, new Float64Array(1))).toThrow(/unit must be an integer in \[0, 0\]; received 1/);
  });
});

describe('sobol scramble "owen" (linear matrix scrambling + digital shift)', () => {
  it('keeps the (0,m,2)-net property of dimensions 1-2 and the 1-D stratification of all dimensions', () => {
    const R = 256;
    const rule = createRule({ rule: 'sobol', draws: R, scramble: 'owen', seed: 99 }, 10); // discard 0
    for (const unit of [0, 1, 7]) {
      const u = unitDraws(rule, unit, ALL_U(10));
      for (let d = 0; d < 10; d++) {
        expect(new Set(Array.from(u.subarray(d * R, (d + 1) * R), (x) => Math.floor(x * R))).size).toBe(R);
      }
      const cells2d = new Set<number>();
      for (let r = 0; r < R; r++) cells2d.add(Math.floor((u[r] as number) * 16) * 16 + Math.floor((u[R + r] as number) * 16));
      expect(cells2d.size).toBe(R);
    }
  });

  it('randomizes each point uniformly over seeds (KS over 400 seeds)', () => {
    const first: number[] = [];
    const fifth: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const u = unitDraws(createRule({ rule: 'sobol', draws: 4, scramble: 'owen', seed }, 5), 0, ALL_U(5));
      first.push(u[0] as number);
      fifth.push(u[4 * 4 + 2] as number);
    }
    expect(ksUniform(first)).toBeLessThan(ksCritical(400));
    expect(ksUniform(fifth)).toBeLessThan(ksCritical(400));
  });

  it('has U(0,1) marginals and N(0,1)-like normals', () => {
    const R = 4096;
    const rule = createRule({ rule: 'sobol', draws: R, scramble: 'owen', seed: 5 }, 3);
    const u = unitDraws(rule, 2, ALL_U(3));
    const z = unitDraws(rule, 2);
    for (let d = 0; d < 3; d++) {
      expect(ksUniform(u.subarray(d * R, (d + 1) * R))).toBeLessThan(ksCritical(R));
      const m = moments(z.subarray(d * R, (d + 1) * R));
      expect(Math.abs(m.mean)).toBeLessThan(0.02);
      expect(Math.abs(m.variance - 1)).toBeLessThan(0.02);
    }
  });

  it('differs across seeds, repeats for the same seed, and does not depend on call order', () => {
    const a = createRule({ rule: 'sobol', draws: 16, scramble: 'owen', seed: 1 }, 3);
    const b = createRule({ rule: 'sobol', draws: 16, scramble: 'owen', seed: 2 }, 3);
    const fresh = unitDraws(a, 6);
    for (let u = 0; u < 6; u++) unitDraws(a, u);
    expect(unitDraws(a, 6)).toEqual(fresh);
    expect(unitDraws(createRule(a.toJSON(), 3), 6)).toEqual(fresh);
    expect(unitDraws(b, 6)).not.toEqual(fresh);
  });
});
