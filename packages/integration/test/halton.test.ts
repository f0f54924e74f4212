import { describe, expect, it } from 'vitest';
import { createRule, firstPrimes, normalQuantile, radicalInverse } from '../src/index.js';
import { ksCritical, ksUniform, loadFixture, loadReference, moments, unitDraws } from './helpers.js';

const ref = loadReference();
const ALL_U = (d: number) => new Uint8Array(d).fill(1);

describe('firstPrimes', () => {
  it('lists 2, 3, 5, 7, 11, ... and the 1000th prime is 7919', () => {
    expect(Array.from(firstPrimes(6))).toEqual([2, 3, 5, 7, 11, 13]);
    expect(firstPrimes(1000)[999]).toBe(7919);
  });
});

describe('radicalInverse', () => {
  it('matches the reference fractions for indices 0..12, bit for bit', () => {
    for (const [p, fracs] of Object.entries(ref.halton_radical_inverse_index0to12 as Record<string, string[]>)) {
      fracs.forEach((f, i) => {
        const [a, b] = f.split('/').map(Number) as [number, number | undefined];
        expect(radicalInverse(i, Number(p))).toBe(b === undefined ? a : a / b);
      });
    }
  });

  it('matches the reference values at indices 1000..1002, bit for bit', () => {
    for (const [p, vals] of Object.entries(ref.halton_index_1000_1001_1002 as Record<string, string[]>)) {
      vals.forEach((v, i) => expect(radicalInverse(1000 + i, Number(p))).toBe(Number(v)));
    }
  });

  it('is one correctly rounded division: base 3, index 3^20 - 1 gives (3^20 - 1)/3^20', () => {
    const n = 3 ** 20 - 1;
    expect(radicalInverse(n, 3)).toBe(n / 3 ** 20);
  });
});

describe('halton (default recipe: discard 100, no scrambling)', () => {
  it('unit 1, draw 0 is Phi^-1 of the radical inverse of index 100 + R', () => {
    const R = 50;
    const rule = createRule({ rule: 'halton', draws: R }, 4);
    const out = unitDraws(rule, 1);
    const primes = [2, 3, 5, 7];
    for (let d = 0; d < 4; d++) {
      expect(out[d * R]).toBe(normalQuantile(radicalInverse(100 + R, primes[d] as number)));
      expect(out[d * R + 7]).toBe(normalQuantile(radicalInverse(100 + R + 7, primes[d] as number)));
    }
  });

  it('reproduces the xlogit recipe (numpy + scipy norm.ppf) to 1e-10', () => {
    const fx = loadFixture('halton-xlogit.json');
    const rule = createRule({ rule: 'halton', draws: fx.draws }, fx.dim);
    let worst = 0;
    for (let n = 0; n < fx.units; n++) {
      const out = unitDraws(rule, n);
      for (let k = 0; k < fx.dim; k++) {
        for (let r = 0; r < fx.draws; r++) worst = Math.max(worst, Math.abs((out[k * fx.draws + r] as number) - fx.values[n][k][r]));
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-10);
  });

  it('generates every point of a unit exactly as radicalInverse of its index, across digit-count changes', () => {
    const primes = [2, 3, 5, 7, 11, 13];
    for (const [discard, R] of [
      [1000, 100], // crosses 1024 (base 2), 2187 (base 3) in later units
      [2 ** 40 - 37, 80], // crosses 2^40 in base 2
      [3 ** 25 - 5, 9],
      [1, 1],
    ] as const) {
      const rule = createRule({ rule: 'halton', draws: R, discard }, primes.length);
      for (const unit of [0, 1, 12]) {
        const u = unitDraws(rule, unit, ALL_U(primes.length));
        for (let d = 0; d < primes.length; d++) {
          for (let r = 0; r < R; r++) expect(u[d * R + r]).toBe(radicalInverse(discard + unit * R + r, primes[d] as number));
        }
      }
    }
  });

  it('writes the uniform point for flagged dimensions', () => {
    const R = 10;
    const rule = createRule({ rule: 'halton', draws: R, discard: 3 }, 3);
    const out = unitDraws(rule, 2, new Uint8Array([1, 0, 1]));
    for (let r = 0; r < R; r++) {
      expect(out[r]).toBe(radicalInverse(3 + 2 * R + r, 2));
      expect(out[R + r]).toBe(normalQuantile(radicalInverse(3 + 2 * R + r, 3)));
      expect(out[2 * R + r]).toBe(radicalInverse(3 + 2 * R + r, 5));
    }
  });
});

describe('halton scramble "owen" (random digit permutations)', () => {
  const D = 5;
  const R = 2000;

  it('has U(0,1) marginals (KS) and normal draws with mean ~0, variance ~1', () => {
    const rule = createRule({ rule: 'halton', draws: R, scramble: 'owen', seed: 7 }, D);
    const u = unitDraws(rule, 0, ALL_U(D));
    const z = unitDraws(rule, 0);
    for (let d = 0; d < D; d++) {
      const ud = u.subarray(d * R, (d + 1) * R);
      expect(ksUniform(ud)).toBeLessThan(ksCritical(R));
      for (const x of ud) expect(x > 0 && x < 1).toBe(true);
      const m = moments(z.subarray(d * R, (d + 1) * R));
      expect(Math.abs(m.mean)).toBeLessThan(0.05);
      expect(Math.abs(m.variance - 1)).toBeLessThan(0.05);
    }
  });

  it('randomizes each point uniformly over seeds (KS over 400 seeds), trailing digits included', () => {
    const vals: number[] = [];
    const vals7: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const u = unitDraws(createRule({ rule: 'halton', draws: 1, scramble: 'owen', seed }, 4), 0, ALL_U(4));
      vals.push(u[0] as number);
      vals7.push(u[3] as number);
    }
    expect(ksUniform(vals)).toBeLessThan(ksCritical(400));
    expect(ksUniform(vals7)).toBeLessThan(ksCritical(400));
    // a value with untouched trailing digits would be a multiple of p^-m for small m
    expect(vals.filter((v) => Number.isInteger(v * 2 ** 20)).length).toBe(0);
  });

  it('keeps the stratification of the radical inverse: points 0..p^m-1 fill every p-adic interval once', () => {
    for (const [d, p, m] of [
      [0, 2, 8],
      [1, 3, 5],
      [2, 5, 3],
    ] as const) {
      const n = p ** m;
      const rule = createRule({ rule: 'halton', draws: n, discard: 0, scramble: 'owen', seed: 11 }, 3);
      const u = unitDraws(rule, 0, ALL_U(3)).subarray(d * n, (d + 1) * n);
      const cells = new Set(Array.from(u, (x) => Math.floor(x * n)));
      expect(cells.size).toBe(n);
    }
  });

  it('gives each sequence point the same value however the sequence is cut into units', () => {
    const a = createRule({ rule: 'halton', draws: 10, scramble: 'owen', seed: 5 }, 4);
    const b = createRule({ rule: 'halton', draws: 30, scramble: 'owen', seed: 5 }, 4);
    const whole = unitDraws(b, 1, ALL_U(4)); // indices 130..159
    for (let unit = 3; unit < 6; unit++) {
      const part = unitDraws(a, unit, ALL_U(4)); // indices 100 + 10 unit ..
      for (let d = 0; d < 4; d++) {
        for (let r = 0; r < 10; r++) expect(part[d * 10 + r]).toBe(whole[d * 30 + (unit - 3) * 10 + r]);
      }
    }
  });

  it('differs across seeds and from plain Halton, and repeats for the same seed', () => {
    const a = unitDraws(createRule({ rule: 'halton', draws: 20, scramble: 'owen', seed: 1 }, 3), 4);
    const b = unitDraws(createRule({ rule: 'halton', draws: 20, scramble: 'owen', seed: 2 }, 3), 4);
    const c = unitDraws(createRule({ rule: 'halton', draws: 20, scramble: 'owen', seed: 1 }, 3), 4);
    const plain = unitDraws(createRule({ rule: 'halton', draws: 20 }, 3), 4);
    expect(a).toEqual(c);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(plain);
  });
});

describe('halton scramble "shuffle" (per-unit permutation of each dimension)', () => {
  const R = 64;
  const D = 4;

  it('permutes the plain Halton points of each unit and dimension, independently across dimensions', () => {
    const plain = createRule({ rule: 'halton', draws: R }, D);
    const shuf = createRule({ rule: 'halton', draws: R, scramble: 'shuffle', seed: 3 }, D);
    for (const u of [0, 1, 17]) {
      const p = unitDraws(plain, u);
      const s = unitDraws(shuf, u);
      const perms: number[][] = [];
      for (let d = 0; d < D; d++) {
        const pd = Array.from(p.subarray(d * R, (d + 1) * R));
        const sd = Array.from(s.subarray(d * R, (d + 1) * R));
        expect([...sd].sort((x, y) => x - y)).toEqual([...pd].sort((x, y) => x - y));
        expect(sd).not.toEqual(pd);
        perms.push(sd.map((x) => pd.indexOf(x)));
      }
      expect(perms[0]).not.toEqual(perms[1]);
    }
  });

  it('gives the uniform of the same (shuffled) point for flagged dimensions', () => {
    const shuf = createRule({ rule: 'halton', draws: R, scramble: 'shuffle', seed: 3 }, 2);
    const z = unitDraws(shuf, 5);
    const u = unitDraws(shuf, 5, new Uint8Array([0, 1]));
    for (let r = 0; r < R; r++) expect(normalQuantile(u[R + r] as number)).toBe(z[R + r]);
    expect(Array.from(u.subarray(0, R))).toEqual(Array.from(z.subarray(0, R)));
  });

  it('depends on the seed, repeats for the same seed, and does not depend on call order', () => {
    const a = createRule({ rule: 'halton', draws: R, scramble: 'shuffle', seed: 1 }, D);
    const b = createRule({ rule: 'halton', draws: R, scramble: 'shuffle', seed: 2 }, D);
    const fresh = unitDraws(a, 9);
    for (let u = 0; u < 9; u++) unitDraws(a, u);
    expect(unitDraws(a, 9)).toEqual(fresh);
    expect(unitDraws(b, 9)).not.toEqual(fresh);
  });
});
