/**
 * Identifier codes of numbers (src/number-codes.ts, StringInterner in
 * src/table.ts): the table indexed by value gives the codes a Map would
 * (first appearance; -0 is 0, NaN is NaN; "7" and 7 share one), for dense
 * runs, sparse, negative and huge integers, fractions, and runs that start
 * sparse and become dense.
 */
import { describe, expect, it } from 'vitest';
import { NumberCodes } from '../src/number-codes.js';
import { StringInterner } from '../src/table.js';

/** Codes by first appearance through a Map (the reference). */
function reference(values: readonly number[]): number[] {
  const m = new Map<number, number>();
  return values.map((v) => {
    let c = m.get(v);
    if (c === undefined) m.set(v, (c = m.size));
    return c;
  });
}

/** A deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const CASES: Record<string, () => number[]> = {
  'ids 1..N, each repeated (a panel)': () => Array.from({ length: 20_000 }, (_, i) => 1 + Math.floor(i / 20)),
  'ids from 100001, descending then ascending': () => [
    ...Array.from({ length: 3000 }, (_, i) => 103000 - i),
    ...Array.from({ length: 6000 }, (_, i) => 100001 + i),
  ],
  'alternatives 1..4 and situations 1..5': () => Array.from({ length: 4000 }, (_, i) => (i % 4) + 1 + (i % 5) * 0),
  'sparse and huge integers, negatives': () => {
    const r = rng(7);
    return Array.from({ length: 5000 }, () => {
      const u = r();
      if (u < 0.3) return Math.floor(r() * 1e9) * 1000;
      if (u < 0.5) return -Math.floor(r() * 5000);
      if (u < 0.6) return 2 ** 31 - 1 - Math.floor(r() * 3);
      if (u < 0.7) return 2 ** 53 - Math.floor(r() * 3);
      return Math.floor(r() * 3000);
    });
  },
  'fractions, -0, NaN, infinities next to the integers they resemble': () => {
    const r = rng(11);
    const odd = [0, -0, NaN, Infinity, -Infinity, 0.5, 1.5, 1, 2, 1e-300, 4096, 4095.5];
    return Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? odd[Math.floor(r() * odd.length)] : Math.floor(r() * 50) - 10));
  },
  'sparse first, then a dense run covering them': () => [
    ...Array.from({ length: 200 }, (_, i) => 500_000 + i * 997),
    ...Array.from({ length: 400_000 }, (_, i) => 500_000 + i),
  ],
};

describe('codes of numbers', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(`fill and get give a Map's codes: ${name}`, () => {
      const values = make();
      const want = reference(values);
      const nc = new NumberCodes();
      let next = 0;
      const out = new Int32Array(values.length + 3).fill(-7);
      const miss = (v: number): number => {
        const c = nc.get(v);
        if (c >= 0) return c;
        nc.set(v, next);
        return next++;
      };
      // in chunks, as a reader appends them, into an array at an offset
      for (let a = 0; a < values.length; a += 777) {
        const chunk = Float64Array.from(values.slice(a, a + 777));
        nc.fill(chunk, chunk.length, out, a + 3, miss);
      }
      expect(Array.from(out.subarray(3))).toEqual(want);
      expect(nc.size).toBe(new Set(values).size);
      values.forEach((v, i) => {
        if (nc.get(v) !== want[i]) expect([v, nc.get(v)]).toEqual([v, want[i]]);
      });
    });
  }

  it('an interner gives numbers and the strings that read the same one code, in order of first appearance', () => {
    const a = new StringInterner();
    expect([a.code('b'), a.codeOfNumber(7), a.code(' 7 '), a.codeOfNumber(-0), a.code('0'), a.codeOfNumber(NaN), a.code('NaN')]).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(a.labels).toEqual(['b', '7', '0', 'NaN']);
    expect(a.numericLabels()).toBeNull();
    const b = new StringInterner();
    const codes = new Int32Array(8);
    b.codesOfNumbers(Int32Array.from([100001, 100001, 100002, 5, 100001, 5, 100003, -1]), 8, codes, 0);
    expect(Array.from(codes)).toEqual([0, 0, 1, 2, 0, 2, 3, 4]);
    expect(b.code('100002')).toBe(1);
    expect(Array.from(b.numericLabels()!)).toEqual([100001, 100002, 5, 100003, -1]);
    expect(b.labels).toEqual(['100001', '100002', '5', '100003', '-1']);
    // labels made so far stay, new ones are added
    expect(b.codeOfNumber(2.5)).toBe(5);
    expect(b.labels).toEqual(['100001', '100002', '5', '100003', '-1', '2.5']);
  });
});
