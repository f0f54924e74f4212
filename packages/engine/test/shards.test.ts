import { describe, expect, it } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import { balancedShards, guidedShards } from '../src/shards.js';

/** Units with the given numbers of rows (one situation each): all shards need. */
function units(rows: number[]): ChoiceData {
  const sitRow = [0];
  for (const r of rows) sitRow.push(sitRow[sitRow.length - 1] + r);
  return { nUnits: rows.length, unitSit: Int32Array.from(rows.map((_, i) => i).concat(rows.length)), sitRow: Int32Array.from(sitRow) } as unknown as ChoiceData;
}

function check(b: Int32Array, N: number): void {
  expect(b[0]).toBe(0);
  expect(b[b.length - 1]).toBe(N);
  for (let s = 1; s < b.length; s++) expect(b[s]).toBeGreaterThan(b[s - 1]); // no empty shard
}

const work = (d: ChoiceData, b: Int32Array, s: number) => d.sitRow[d.unitSit[b[s + 1]]] - d.sitRow[d.unitSit[b[s]]];

describe('shards', () => {
  it('balanced shards cover every unit once, with equal work', () => {
    const d = units(Array.from({ length: 1000 }, (_, i) => 3 + (i % 5)));
    const b = balancedShards(d, 8);
    check(b, 1000);
    expect(b.length - 1).toBe(8);
    const w = Array.from({ length: 8 }, (_, s) => work(d, b, s));
    expect(Math.max(...w) - Math.min(...w)).toBeLessThanOrEqual(2 * 7);
  });

  it('guided shards shrink geometrically towards the end and cover every unit once', () => {
    const d = units(Array.from({ length: 10_000 }, (_, i) => 2 + (i % 4)));
    const total = d.sitRow[d.nUnits];
    for (const W of [2, 3, 8]) {
      const b = guidedShards(d, W);
      check(b, 10_000);
      const w = Array.from({ length: b.length - 1 }, (_, s) => work(d, b, s));
      // the first takes about 1/(2W) of the work, the last about 1/(256W)
      expect(w[0] / total).toBeCloseTo(1 / (2 * W), 2);
      expect(w[w.length - 2] / total).toBeLessThan(1 / (128 * W));
      for (let s = 1; s < w.length; s++) expect(w[s]).toBeLessThanOrEqual(w[s - 1] + 5);
      // O(W log(total)) shards, not O(total)
      expect(w.length).toBeLessThan(40 * W);
    }
  });

  it('guided shards handle fewer units than workers and uneven units', () => {
    check(guidedShards(units([5]), 4), 1);
    check(guidedShards(units([1, 1, 1]), 8), 3);
    const d = units([1000, 1, 1, 1, 1000, 1]);
    check(guidedShards(d, 2), 6);
  });
});
