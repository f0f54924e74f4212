/**
 * Parquet columns read from parquet-wasm's memory through the Arrow C Data
 * Interface (src/parquet-ffi.ts) hold exactly the values the Arrow IPC path
 * gives, and a read mixing both paths (plain numbers; nulls, strings and
 * dictionaries through IPC) fills the columns exactly as the IPC path alone.
 */
import { openAsBlob } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dictionary, Float64, Int32, makeVector, Table, tableFromIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { ParquetFile, wasmMemory } from 'parquet-wasm';
import { ColumnSink } from '../src/columnar.js';
import { readRowGroups } from '../src/parquet.js';
import { ffiColumns } from '../src/parquet-ffi.js';
import { writeParquetFile } from './formats.js';
import { fixture } from './helpers.js';

const N = 1000;
const NUMERIC = ['i8', 'i16', 'i32', 'u32', 'i64', 'f32', 'f64'];
const OTHER = ['withNulls', 'text', 'dict'];

/** Every integer and float type, with awkward doubles (NaN, ±Infinity, -0, subnormals), nulls, strings, dictionaries. */
function table(): Table {
  const f64 = Float64Array.from({ length: N }, (_, i) => [NaN, Infinity, -Infinity, -0, 5e-324, 0.1 + 0.2][i % 7] ?? i / 7 - 50);
  return new Table({
    i8: makeVector(Int8Array.from({ length: N }, (_, i) => (i % 256) - 128)),
    i16: makeVector(Int16Array.from({ length: N }, (_, i) => i * 37 - 20000)),
    i32: makeVector(Int32Array.from({ length: N }, (_, i) => (i * 7919) % 1009)),
    u32: makeVector(Uint32Array.from({ length: N }, (_, i) => 4294967295 - i)),
    i64: makeVector(BigInt64Array.from({ length: N }, (_, i) => BigInt(i) * 1234567891234n - 9007199254740993n)),
    f32: makeVector(Float32Array.from({ length: N }, (_, i) => i / 3 - 100)),
    f64: makeVector(f64),
    withNulls: vectorFromArray(Array.from({ length: N }, (_, i) => (i % 97 === 5 ? null : i * 1.5)), new Float64()),
    text: vectorFromArray(Array.from({ length: N }, (_, i) => `t${i % 13}`), new Utf8()),
    dict: vectorFromArray(Array.from({ length: N }, (_, i) => `d${i % 5}`), new Dictionary(new Utf8(), new Int32())),
  });
}

/** The types above, checked (Float32 and Uint32 are easy to lose on the way through Parquet). */
const TYPES = { i8: 'Int8', i16: 'Int16', i32: 'Int32', u32: 'Uint32', i64: 'Int64', f32: 'Float32', f64: 'Float64' };

/** The doubles' bits, to compare to the last bit (NaN and -0 included). */
function bits(a: Float64Array): bigint[] {
  return Array.from(new BigUint64Array(Float64Array.from(a).buffer));
}

const path = writeParquetFile(fixture('ffi.parquet', ''), table(), { maxRowGroupSize: 300, compression: 'ZSTD' });

describe('Parquet through the Arrow C Data Interface', () => {
  it('gives the values of the IPC path for every integer and float column, and null for the others', async () => {
    const pf = await ParquetFile.fromFile(await openAsBlob(path));
    const names = [...NUMERIC, ...OTHER];
    try {
      for (let g = 0; g < 4; g++) {
        const viaIPC = tableFromIPC((await pf.read({ rowGroups: [g], columns: names })).intoIPCStream());
        for (const [n, T] of Object.entries(TYPES)) expect(String(viaIPC.getChild(n)!.type)).toBe(T);
        const stream = (await pf.read({ rowGroups: [g], columns: names })).intoFFI();
        try {
          const chunks = ffiColumns(wasmMemory(), stream, names);
          expect(chunks.slice(NUMERIC.length)).toEqual(OTHER.map(() => null));
          NUMERIC.forEach((n, k) => {
            const got = chunks[k];
            expect(got, n).not.toBeNull();
            const flat = got!.flatMap((c) => Array.from(c as ArrayLike<number | bigint>));
            const want = viaIPC.getChild(n)!.toArray() as ArrayLike<number | bigint>;
            expect(flat.length, n).toBe(g < 3 ? 300 : N - 900);
            for (let i = 0; i < flat.length; i++) if (!Object.is(flat[i], want[i])) expect([n, g, i, flat[i]]).toEqual([n, g, i, want[i]]);
          });
        } finally {
          stream.free();
        }
      }
    } finally {
      pf.free();
    }
  });

  it('fills numbers, codes and unusable rows exactly as the IPC path alone, in columns and in a row-major block', async () => {
    const names = [...NUMERIC, ...OTHER];
    const sinks = (numeric: Float64Array | null) => [
      ...names.map((n) => new ColumnSink(path, n, true, true)),
      ...names.map((n, d) => new ColumnSink(path, n, true, false, 0, { numeric, codes: null, base: 0, stride: names.length, offset: d })),
    ];
    const blockA = new Float64Array(N * names.length);
    const viaRead = sinks(blockA);
    const pf = await ParquetFile.fromFile(await openAsBlob(path));
    try {
      await readRowGroups(path, pf, viaRead, 0, 4);
    } finally {
      pf.free();
    }
    const blockB = new Float64Array(N * names.length);
    const viaIPC = sinks(blockB);
    const whole = await ParquetFile.fromFile(await openAsBlob(path));
    const all = tableFromIPC((await whole.read({ columns: names })).intoIPCStream());
    whole.free();
    for (const s of viaIPC) for (const d of all.getChild(s.name)!.data) s.appendArrow(d);
    expect(bits(blockA)).toEqual(bits(blockB));
    viaRead.forEach((a, k) => {
      const b = viaIPC[k];
      expect(a.length).toBe(N);
      expect([...a.bad]).toEqual([...b.bad]);
      if (k < names.length) {
        expect(bits(a.numericColumn().values)).toEqual(bits(b.numericColumn().values));
        expect(a.keyColumn()).toEqual(b.keyColumn());
      }
    });
    // the awkward doubles are reported where they are
    expect(viaRead[NUMERIC.indexOf('f64')].bad.get(0)).toBe('NaN');
    expect(viaRead[names.indexOf('withNulls')].bad.get(5)).toBeNull();
  });
});
