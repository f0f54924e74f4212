/**
 * Comparing two layouts (or two tables) to the last bit: typed arrays by their
 * bytes (and type), everything else by deep equality. A difference is reported
 * by field and first differing index, not as a dump of the arrays.
 */
import { expect } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import type { Table } from '../src/table.js';

type Typed = Float64Array | Float32Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

function isTyped(x: unknown): x is Typed {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** The first index where two arrays differ (Object.is per element), or -1; length differences count. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : n;
}

/** Expects two typed arrays of the same type, length and bytes. */
export function expectSameArray(what: string, a: unknown, b: unknown): void {
  expect(isTyped(a), `${what}: not a typed array`).toBe(true);
  expect(isTyped(b), `${what}: not a typed array`).toBe(true);
  const x = a as Typed;
  const y = b as Typed;
  expect(y.constructor.name, `${what}: array type`).toBe(x.constructor.name);
  const i = firstDifference(x, y);
  expect(i, `${what}: first difference at ${i}: ${x[i]} vs ${y[i]} (lengths ${x.length}, ${y.length})`).toBe(-1);
  const bx = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  const by = Buffer.from(y.buffer, y.byteOffset, y.byteLength);
  expect(bx.equals(by), `${what}: bytes differ`).toBe(true);
}

/** Expects two layouts equal in every field, X to the last bit. */
export function expectSameLayout(a: ChoiceData, b: ChoiceData, label = ''): void {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => (a as never)[k] !== undefined || (b as never)[k] !== undefined));
  for (const k of keys) {
    const x = (a as unknown as Record<string, unknown>)[k];
    const y = (b as unknown as Record<string, unknown>)[k];
    const what = `${label}${label ? ': ' : ''}${k}`;
    if (isTyped(x) || isTyped(y)) expectSameArray(what, x, y);
    else expect(y, what).toEqual(x);
  }
}

/** Expects two tables equal: rows, numbers (bitwise), bad cells, codes, labels and every row's line. */
export function expectSameTable(a: Table, b: Table, label = ''): void {
  const at = (what: string) => `${label}${label ? ': ' : ''}${what}`;
  expect(b.nRows, at('nRows')).toBe(a.nRows);
  expect(b.header, at('header')).toEqual(a.header);
  expect(b.rows.unit, at('rows.unit')).toBe(a.rows.unit);
  expect([...b.numeric.keys()], at('numeric columns')).toEqual([...a.numeric.keys()]);
  expect([...b.keys.keys()], at('key columns')).toEqual([...a.keys.keys()]);
  for (const [name, col] of a.numeric) {
    const other = b.numeric.get(name)!;
    expectSameArray(at(`numeric ${name}`), col.values.subarray(0, a.nRows), other.values.subarray(0, b.nRows));
    const sorted = (m: ReadonlyMap<number, string | null>) => [...m].sort((p, q) => p[0] - q[0]);
    expect(sorted(other.bad), at(`bad ${name}`)).toEqual(sorted(col.bad));
  }
  for (const [name, col] of a.keys) {
    const other = b.keys.get(name)!;
    expectSameArray(at(`codes ${name}`), col.codes.subarray(0, a.nRows), other.codes.subarray(0, b.nRows));
    expect(other.labels, at(`labels ${name}`)).toEqual(col.labels);
  }
  const la = Array.from({ length: a.nRows }, (_, i) => a.rows.index(i));
  const lb = Array.from({ length: b.nRows }, (_, i) => b.rows.index(i));
  const i = firstDifference(la, lb);
  expect(i, at(`rows.index differs first at row ${i}: ${la[i]} vs ${lb[i]}`)).toBe(-1);
}
