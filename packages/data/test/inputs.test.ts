/**
 * Every input type gives the same layout, to the last bit: delimited text,
 * Arrow IPC file (.arrow, .feather) and stream (.arrows), Parquet (several
 * compressions, row groups, dictionary encodings, column types), and
 * in-memory columns (plain arrays, typed arrays, Arrow tables); long and wide,
 * with derived columns and a filter. Then the file type detection, truncated
 * files (an error, never a crash or a hang), nulls and unsupported types.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Bool,
  DateDay,
  Dictionary,
  Float64,
  Int32,
  List,
  Field,
  Table,
  Utf8,
  makeVector,
  tableFromArrays,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import type { ChoiceData } from '@mxl/core';
import { listColumns, loadChoiceData, type DataSpec, type LoadOptions } from '../src/index.js';
import { readColumnsInMemory } from '../src/columns.js';
import { dataError, fixture } from './helpers.js';
import { csvText, parquetBytes, writeArrowFile, writeParquetFile, type ParquetCompression } from './formats.js';
import { expectSameLayout } from './layout-compare.js';

// ---------------------------------------------------------------------------
// One small panel in long format: 3 individuals x 2 situations x 3 alternatives
// ---------------------------------------------------------------------------

const ALTS = ['bus', 'car', 'train'];
const IDS = ['A7', 'B2', 'C3'];
const W = [1.5, 0.75, 2];
const INC = [12.5, 40, 33.25];
// prettier-ignore
const PRICE = [1.1, 2.35, 0.1, 7, 0.3, 1e-7, 12.5, 3.3, 2.2, 0.7, 1.05, 9.99, 4.4, 0.15, 123456.789, 5e-3, 8.125, 0.2];
// prettier-ignore
const TIME = [10, 25, 7, 3, 40, 12, 9, 31, 18, 22, 5, 14, 60, 8, 11, 27, 19, 2];
// prettier-ignore
const COMFORT = [-0.5, 1.25, 0.1, 2, -1.75, 0.3, 0.0625, -3, 1.5, 0.9, -0.2, 2.5, 1, -1, 0.45, 0.05, -2.5, 3.75];
const UNAVAILABLE = new Set([2, 13]); // train of A7/1, car of C3/1
const CHOSEN = [1, 3, 8, 10, 12, 17]; // one available row per situation

const N = 18;
const long = {
  id: Array.from({ length: N }, (_, i) => IDS[Math.floor(i / 6)]),
  sit: Array.from({ length: N }, (_, i) => 1 + (Math.floor(i / 3) % 2)),
  alt: Array.from({ length: N }, (_, i) => ALTS[i % 3]),
  choice: Array.from({ length: N }, (_, i) => (CHOSEN.includes(i) ? 1 : 0)),
  price: PRICE,
  time: TIME,
  comfort: COMFORT,
  av: Array.from({ length: N }, (_, i) => !UNAVAILABLE.has(i)),
  w: Array.from({ length: N }, (_, i) => W[Math.floor(i / 6)]),
  inc: Array.from({ length: N }, (_, i) => INC[Math.floor(i / 6)]),
};

const LONG_SPEC = { id: 'id', situation: 'sit', alt: 'alt', choice: 'choice', availability: 'av', weight: 'w' } as const;
const LONG_OPTIONS: LoadOptions = {
  variables: [
    { name: 'price', source: { kind: 'column', column: 'price' } },
    { name: 'time', source: { kind: 'column', column: 'time' } },
    { name: 'asc_train', source: { kind: 'asc', alt: 'train' } },
    { name: 'comfort_car', source: { kind: 'alt-specific', column: 'comfort', alt: 'car' } },
  ],
  characteristics: ['inc'],
};
const DERIVE = { cost: 'price * time / 10', time: 'time + 1' };
const FILTER = 'sit == 1 || inc > 35';
const DERIVED_OPTIONS: LoadOptions = {
  ...LONG_OPTIONS,
  variables: [...LONG_OPTIONS.variables, { name: 'cost', source: { kind: 'column', column: 'cost' } }],
};

interface LongTypes {
  /** Identifier columns as Dictionary<Utf8, Int32> instead of Utf8. */
  dict?: boolean;
  time?: 'int32' | 'int64' | 'float64';
  av?: 'bool' | 'int8';
  sit?: 'int32' | 'int64' | 'utf8';
}

function strings(values: string[], dict: boolean | undefined): Vector {
  return dict ? vectorFromArray(values, new Dictionary(new Utf8(), new Int32())) : vectorFromArray(values, new Utf8());
}

/** The long data as an Arrow table with the given column types. */
function longArrow(t: LongTypes = {}): Table {
  const time =
    t.time === 'int64'
      ? makeVector(BigInt64Array.from(TIME.map(BigInt)))
      : t.time === 'float64'
        ? makeVector(Float64Array.from(TIME))
        : makeVector(Int32Array.from(TIME));
  const sit =
    t.sit === 'int64'
      ? makeVector(BigInt64Array.from(long.sit.map(BigInt)))
      : t.sit === 'utf8'
        ? vectorFromArray(long.sit.map(String), new Utf8())
        : makeVector(Int32Array.from(long.sit));
  return new Table({
    id: strings(long.id, t.dict),
    sit,
    alt: strings(long.alt, t.dict),
    choice: makeVector(Int32Array.from(long.choice)),
    price: makeVector(Float64Array.from(PRICE)),
    time,
    comfort: makeVector(Float64Array.from(COMFORT)),
    av: t.av === 'int8' ? makeVector(Int8Array.from(long.av.map(Number))) : vectorFromArray(long.av, new Bool()),
    w: makeVector(Float64Array.from(long.w)),
    inc: makeVector(Float64Array.from(long.inc)),
    // unused columns of types the reader does not convert
    note: vectorFromArray(long.id.map((s, i) => `${s}/${i}`), new Utf8()),
    day: vectorFromArray(long.id.map((_, i) => new Date(Date.UTC(2024, 0, 1 + i))), new DateDay()),
    tags: vectorFromArray(long.id.map((_, i) => [i, i + 1]), new List(new Field('item', new Int32(), true))),
  });
}

// ---------------------------------------------------------------------------
// The same data in wide format: one row per situation
// ---------------------------------------------------------------------------

const S = N / 3;
const wide: Record<string, unknown[]> = {
  id: Array.from({ length: S }, (_, s) => IDS[Math.floor(s / 2)]),
  sit: Array.from({ length: S }, (_, s) => 1 + (s % 2)),
  choice: Array.from({ length: S }, (_, s) => ALTS[CHOSEN[s] - 3 * s]),
  w: Array.from({ length: S }, (_, s) => W[Math.floor(s / 2)]),
  inc: Array.from({ length: S }, (_, s) => INC[Math.floor(s / 2)]),
};
for (const [j, a] of ALTS.entries()) {
  wide[`price_${a}`] = Array.from({ length: S }, (_, s) => PRICE[3 * s + j]);
  wide[`time_${a}`] = Array.from({ length: S }, (_, s) => TIME[3 * s + j]);
  wide[`comfort_${a}`] = Array.from({ length: S }, (_, s) => COMFORT[3 * s + j]);
  wide[`av_${a}`] = Array.from({ length: S }, (_, s) => !UNAVAILABLE.has(3 * s + j));
}
const WIDE_SPEC: DataSpec = {
  format: 'wide',
  id: 'id',
  choice: 'choice',
  weight: 'w',
  alternatives: Object.fromEntries(ALTS.map((a) => [a, { price: `price_${a}`, time: `time_${a}`, comfort: `comfort_${a}`, av: `av_${a}` }])),
};
/** The same variables: in wide data `column` reads each alternative's attribute of that name. */
const WIDE_OPTIONS: LoadOptions = LONG_OPTIONS;

function wideArrow(dict = false): Table {
  const cols: Record<string, Vector> = {};
  for (const [name, values] of Object.entries(wide)) {
    if (typeof values[0] === 'string') cols[name] = strings(values as string[], dict);
    else if (typeof values[0] === 'boolean') cols[name] = vectorFromArray(values as boolean[], new Bool());
    else if (name === 'sit' || name.startsWith('time_')) cols[name] = makeVector(Int32Array.from(values as number[]));
    else cols[name] = makeVector(Float64Array.from(values as number[]));
  }
  return new Table(cols);
}

// ---------------------------------------------------------------------------
// The files
// ---------------------------------------------------------------------------

const csvColumns = (o: Record<string, unknown[]>) => o as Record<string, ArrayLike<unknown>>;
const LONG_CSV = fixture('long.csv', csvText(csvColumns(long)));
const WIDE_CSV = fixture('wide.csv', csvText(csvColumns(wide)));

function bytesFixture(name: string, bytes: Uint8Array): string {
  return fixture(name, Buffer.from(bytes) as unknown as string);
}

const COMPRESSIONS: ParquetCompression[] = ['SNAPPY', 'ZSTD', 'GZIP', 'UNCOMPRESSED', 'BROTLI', 'LZ4_RAW'];
const longFiles: { name: string; path: string }[] = [
  { name: 'arrow file', path: writeArrowFile(fixture('long.arrow', ''), longArrow(), 'file') },
  { name: 'feather', path: writeArrowFile(fixture('long.feather', ''), longArrow({ dict: true, time: 'int64' }), 'file') },
  { name: 'arrow stream', path: writeArrowFile(fixture('long.arrows', ''), longArrow({ av: 'int8', sit: 'int64' }), 'stream') },
  ...COMPRESSIONS.map((c) => ({ name: `parquet ${c}`, path: writeParquetFile(fixture(`long-${c}.parquet`, ''), longArrow(), { compression: c }) })),
  {
    name: 'parquet, row groups of 4, dictionary strings, int64 time',
    path: writeParquetFile(fixture('long-groups.parquet', ''), longArrow({ dict: true, time: 'int64' }), { compression: 'ZSTD', maxRowGroupSize: 4 }),
  },
  {
    name: 'parquet, no dictionary encoding, float64 time, int8 av, string sit',
    path: writeParquetFile(fixture('long-plain.parquet', ''), longArrow({ time: 'float64', av: 'int8', sit: 'utf8' }), {
      dictionary: false,
      maxRowGroupSize: 5,
    }),
  },
  { name: 'parquet named .dat (found by its magic bytes)', path: bytesFixture('long-parquet.dat', parquetBytes(longArrow())) },
  { name: 'arrow named .bin (found by its magic bytes)', path: bytesFixture('long-arrow.bin', tableToIPC(longArrow(), 'file')) },
];

function inMemoryLong(): Record<string, unknown> {
  return {
    id: [...long.id],
    sit: [...long.sit],
    alt: [...long.alt],
    choice: Int32Array.from(long.choice),
    price: Float64Array.from(PRICE),
    time: Int32Array.from(TIME),
    comfort: [...COMFORT],
    av: [...long.av],
    w: Float64Array.from(long.w),
    inc: Float32Array.from(long.inc), // exact in float32
    note: long.id.map((s, i) => ({ s, i })), // unused, of no supported type
  };
}

const longColumns: { name: string; columns: unknown }[] = [
  { name: 'object of arrays', columns: inMemoryLong() },
  { name: 'Arrow table (Utf8)', columns: longArrow() },
  { name: 'Arrow table (dictionary strings, int64 time, int8 av)', columns: longArrow({ dict: true, time: 'int64', av: 'int8' }) },
  {
    name: 'tableFromArrays',
    columns: tableFromArrays({
      id: long.id,
      sit: Int32Array.from(long.sit),
      alt: long.alt,
      choice: Int8Array.from(long.choice),
      price: Float64Array.from(PRICE),
      time: Float64Array.from(TIME),
      comfort: Float64Array.from(COMFORT),
      av: Uint8Array.from(long.av.map(Number)),
      w: Float64Array.from(long.w),
      inc: Float64Array.from(long.inc),
    }),
  },
  {
    name: 'all numbers as Float64Arrays (also the situation, read as a number and an identifier), one a subarray',
    columns: {
      ...inMemoryLong(),
      sit: Float64Array.from(long.sit),
      choice: Float64Array.from(long.choice),
      time: Float64Array.from(TIME),
      comfort: Float64Array.from([99, ...COMFORT]).subarray(1),
      av: Float64Array.from(long.av.map(Number)),
      inc: Float64Array.from(long.inc),
    },
  },
  {
    name: 'Arrow table with numbers as strings (parsed as text cells are)',
    columns: (() => {
      const t = longArrow();
      const cols: Record<string, Vector> = {};
      for (const f of t.schema.fields) cols[f.name] = t.getChild(f.name)!;
      cols.price = vectorFromArray(PRICE.map(String), new Utf8());
      cols.time = vectorFromArray(TIME.map((x) => ` ${x} `), new Dictionary(new Utf8(), new Int32()));
      return new Table(cols);
    })(),
  },
  {
    name: 'Arrow table of several record batches',
    columns: new Table([...[0, 7, 12].map((a, k, all) => longArrow().slice(a, all[k + 1] ?? N).batches).flat()]),
  },
];

const loadLong = (data: Partial<DataSpec>, options = LONG_OPTIONS, extra: Partial<DataSpec> = {}) =>
  loadChoiceData({ ...LONG_SPEC, ...data, ...extra } as DataSpec, options);
const loadWide = (data: Partial<DataSpec>, extra: Partial<DataSpec> = {}) =>
  loadChoiceData({ ...WIDE_SPEC, ...data, ...extra } as DataSpec, WIDE_OPTIONS);

describe('every input type gives the same layout', () => {
  let csvLong: ChoiceData;

  it('the CSV reference is what the data say', async () => {
    csvLong = await loadLong({ path: LONG_CSV });
    const d = csvLong;
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([3, 6, 16]);
    expect(d.altLabels).toEqual(ALTS);
    expect(d.clusterIds).toEqual(IDS);
    expect(Array.from(d.unitWeight!)).toEqual(W);
    expect(Array.from(d.unitChars!)).toEqual(INC);
    expect(Array.from(d.sitRow)).toEqual([0, 2, 5, 8, 11, 13, 16]);
    // the first rows: bus and car of A7/1 (train unavailable), then A7/2
    expect(Array.from(d.X.subarray(0, 12))).toEqual([1.1, 10, 0, 0, 2.35, 25, 0, 1.25, 7, 3, 0, 0]);
    // the wide CSV agrees with the long one, except for nothing: same rows, same order
    expectSameLayout(d, await loadWide({ path: WIDE_CSV }), 'wide csv vs long csv');
  });

  for (const f of longFiles) {
    it(`long: ${f.name}`, async () => {
      csvLong ??= await loadLong({ path: LONG_CSV });
      expectSameLayout(csvLong, await loadLong({ path: f.path }), f.name);
      const ref = await loadLong({ path: LONG_CSV }, DERIVED_OPTIONS, { derive: DERIVE, filter: FILTER });
      expectSameLayout(ref, await loadLong({ path: f.path }, DERIVED_OPTIONS, { derive: DERIVE, filter: FILTER }), `${f.name}, derive + filter`);
    });
  }

  for (const c of longColumns) {
    it(`long, in memory: ${c.name}`, async () => {
      csvLong ??= await loadLong({ path: LONG_CSV });
      expectSameLayout(csvLong, await loadLong({ columns: c.columns as DataSpec['columns'] }), c.name);
      const ref = await loadLong({ path: LONG_CSV }, DERIVED_OPTIONS, { derive: DERIVE, filter: FILTER });
      const got = await loadLong({ columns: c.columns as DataSpec['columns'] }, DERIVED_OPTIONS, { derive: DERIVE, filter: FILTER });
      expectSameLayout(ref, got, `${c.name}, derive + filter`);
    });
  }

  it('derive and filter change the layout (so the comparisons above can fail)', async () => {
    const ref = await loadLong({ path: LONG_CSV }, DERIVED_OPTIONS, { derive: DERIVE, filter: FILTER });
    expect(ref.nSituations).toBe(4); // sit 1 of everyone, sit 2 of B2 only
    expect(ref.X[1]).toBe(11); // time + 1
    expect(ref.X[4]).toBe((1.1 * 10) / 10); // cost from the file's time
  });

  it('wide: CSV, Arrow file and stream, Parquet, in-memory columns and Arrow tables', async () => {
    const ref = await loadWide({ path: WIDE_CSV });
    const sources: [string, Partial<DataSpec>][] = [
      ['arrow', { path: writeArrowFile(fixture('wide.arrow', ''), wideArrow(), 'file') }],
      ['arrows', { path: writeArrowFile(fixture('wide.arrows', ''), wideArrow(true), 'stream') }],
      ['parquet', { path: writeParquetFile(fixture('wide.parquet', ''), wideArrow(true), { compression: 'ZSTD', maxRowGroupSize: 2 }) }],
      ['parquet gzip', { path: writeParquetFile(fixture('wide-gz.parquet', ''), wideArrow(), { compression: 'GZIP' }) }],
      ['columns', { columns: Object.fromEntries(Object.entries(wide).map(([k, v]) => [k, typeof v[0] === 'number' ? Float64Array.from(v as number[]) : v])) as DataSpec['columns'] }],
      ['arrow table', { columns: wideArrow(true) }],
    ];
    const wideDerived = { derive: { tb: 'time_bus / 2' }, filter: 'inc < 35 || sit == 2' };
    const refDerived = await loadChoiceData(
      { ...WIDE_SPEC, ...wideDerived, path: WIDE_CSV, alternatives: { ...WIDE_SPEC.alternatives, bus: { ...WIDE_SPEC.alternatives!.bus, time: 'tb' } } },
      WIDE_OPTIONS,
    );
    expect(refDerived.nSituations).toBe(5); // all but B2's first situation
    for (const [name, data] of sources) {
      expectSameLayout(ref, await loadWide(data), `wide ${name}`);
      const got = await loadChoiceData(
        { ...WIDE_SPEC, ...wideDerived, ...data, alternatives: { ...WIDE_SPEC.alternatives, bus: { ...WIDE_SPEC.alternatives!.bus, time: 'tb' } } } as DataSpec,
        WIDE_OPTIONS,
      );
      expectSameLayout(refDerived, got, `wide ${name}, derive + filter`);
    }
  });

  it('a Float64Array of finite numbers is used without a copy; one with a NaN is not', () => {
    const cols = inMemoryLong();
    const t = readColumnsInMemory(cols as never, ['price', 'w', 'time', 'comfort'], ['id']);
    expect(t.numeric.get('price')!.values).toBe(cols.price);
    expect(t.numeric.get('w')!.values).toBe(cols.w);
    expect(Array.from(t.numeric.get('time')!.values)).toEqual(TIME);
    expect(Array.from(t.numeric.get('comfort')!.values)).toEqual(COMFORT);
    const withNaN = Float64Array.from(PRICE);
    withNaN[4] = NaN;
    const u = readColumnsInMemory({ ...cols, price: withNaN } as never, ['price'], []);
    expect(u.numeric.get('price')!.values).not.toBe(withNaN);
    expect([...u.numeric.get('price')!.bad.keys()]).toEqual([4]);
  });

  it('listColumns reads the header of CSV, Parquet and Arrow files', async () => {
    const all = Object.keys(long);
    expect(await listColumns(LONG_CSV)).toEqual(all);
    const arrowCols = [...all, 'note', 'day', 'tags'];
    for (const f of longFiles) expect(await listColumns(f.path), f.name).toEqual(arrowCols);
    expect(await listColumns(WIDE_CSV)).toEqual(Object.keys(wide));
  });
});

// ---------------------------------------------------------------------------
// File types
// ---------------------------------------------------------------------------

describe('file type detection', () => {
  const parquet = parquetBytes(longArrow());

  it('a .parquet file holding CSV text: an error naming the file and the magic bytes', async () => {
    const path = fixture('text.parquet', readFileSync(LONG_CSV, 'utf8'));
    const e = await dataError(() => loadLong({ path }));
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/does not start with the magic bytes PAR1/);
    await dataError(() => listColumns(path));
  });

  it('an .arrow or .feather file holding CSV text, a .csv file holding CSV', async () => {
    for (const name of ['text.arrow', 'text.feather', 'text.arrows']) {
      const e = await dataError(() => loadLong({ path: fixture(name, readFileSync(LONG_CSV, 'utf8')) }));
      expect(e.message).toMatch(/ARROW1/);
    }
    expect((await loadLong({ path: fixture('plain.csv', readFileSync(LONG_CSV, 'utf8')) })).nRows).toBe(16);
  });

  it('fileType must match the file', async () => {
    const e1 = await dataError(() => loadLong({ path: LONG_CSV, fileType: 'parquet' }));
    expect(e1.message).toMatch(/fileType is "parquet".*PAR1/);
    expect(e1.file).toBe(LONG_CSV);
    const pq = bytesFixture('typed.parquet', parquet);
    const e2 = await dataError(() => loadLong({ path: pq, fileType: 'csv' }));
    expect(e2.message).toMatch(/fileType is "csv"/);
    expect(e2.message).toContain(pq);
    const e3 = await dataError(() => loadLong({ path: pq, fileType: 'arrow' }));
    expect(e3.message).toMatch(/fileType is "arrow"/);
    expect((await loadLong({ path: pq, fileType: 'parquet' })).nRows).toBe(16);
    expect((await loadLong({ path: LONG_CSV, fileType: 'csv' })).nRows).toBe(16);
    const e4 = await dataError(() => loadLong({ path: pq, delimiter: ';' }));
    expect(e4.message).toMatch(/"delimiter" is for delimited text/);
  });

  it('gzip, zstd, zip, OLE and Feather v1 files: clear errors', async () => {
    const cases: [string, number[], RegExp][] = [
      ['data.csv.gz', [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], /gzip-compressed/],
      ['data.csv.zst', [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0], /zstd-compressed/],
      ['data.xlsx', [0x50, 0x4b, 3, 4, 20, 0, 6, 0], /zip archive/],
      ['data.xls', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], /old Excel/],
      ['data.feather', [...Buffer.from('FEA1'), 0, 0, 0, 0], /Feather v1/],
      ['v1.dat', [...Buffer.from('FEA1'), 0, 0, 0, 0], /Feather v1/],
    ];
    for (const [name, bytes, re] of cases) {
      const path = bytesFixture(name, Uint8Array.from([...bytes, ...Buffer.from('\nmore bytes\n')]));
      const e = await dataError(() => loadLong({ path }));
      expect(e.message, name).toMatch(re);
      expect(e.file, name).toBe(path);
    }
  });
});

// ---------------------------------------------------------------------------
// Truncated and corrupt files: an error, never a crash, never a hang
// ---------------------------------------------------------------------------

describe('truncated and corrupt files', () => {
  const parquet = parquetBytes(longArrow(), { maxRowGroupSize: 6 });
  const footerLen = Buffer.from(parquet).readUInt32LE(parquet.length - 8);
  const arrowFile = tableToIPC(longArrow(), 'file');
  const arrowStream = tableToIPC(new Table([0, 6, 12].map((a) => longArrow().slice(a, a + 6).batches).flat()), 'stream');

  const cases: [string, Uint8Array, RegExp][] = [
    ['half.parquet', parquet.subarray(0, parquet.length >> 1), /truncated or corrupt Parquet file/],
    ['ten.parquet', parquet.subarray(0, 10), /truncated or corrupt Parquet file/],
    ['magic-only.parquet', Buffer.from('PAR1'), /truncated or corrupt Parquet file/],
    ['no-footer.parquet', parquet.subarray(0, parquet.length - 8 - footerLen), /Parquet/],
    // the data without the footer, then a footer length and the end magic
    ['no-metadata.parquet', Buffer.concat([parquet.subarray(0, parquet.length - 8 - footerLen), parquet.subarray(parquet.length - 8)]), /Parquet/],
    ['zero-metadata.parquet', (() => {
      const b = Buffer.from(parquet);
      b.fill(0, parquet.length - 8 - footerLen, parquet.length - 8);
      return b;
    })(), /Parquet/],
    ['half.arrow', arrowFile.subarray(0, arrowFile.length >> 1), /Arrow IPC/],
    ['tail-cut.arrow', arrowFile.subarray(0, arrowFile.length - 10), /Arrow IPC/],
    ['magic-only.arrow', Buffer.from('ARROW1'), /Arrow IPC/],
    ['half.arrows', arrowStream.subarray(0, arrowStream.length >> 1), /Arrow IPC/],
  ];

  for (const [name, bytes, re] of cases) {
    it(`${name} (${bytes.length} bytes)`, { timeout: 5000 }, async () => {
      const path = bytesFixture(name, bytes);
      const e = await dataError(() => loadLong({ path }));
      expect(e.message).toMatch(re);
      expect(e.file).toBe(path);
    });
  }
});

// ---------------------------------------------------------------------------
// Nulls, NaN, lengths, types
// ---------------------------------------------------------------------------

describe('nulls, NaN, lengths and types in columnar inputs', () => {
  /** The long table with column `name` replaced. */
  function replaced(name: string, vector: Vector): Table {
    const t = longArrow();
    const cols: Record<string, Vector> = {};
    for (const f of t.schema.fields) cols[f.name] = f.name === name ? vector : t.getChild(f.name)!;
    return new Table(cols);
  }
  const priceWithNull = (row: number) => vectorFromArray(PRICE.map((p, i) => (i === row ? null : p)), new Float64());

  it('a null in a used numeric column: an error naming the column and the row (Arrow table, Arrow file, Parquet)', async () => {
    const t = replaced('price', priceWithNull(7));
    const inputs: [string, Partial<DataSpec>][] = [
      ['data.columns', { columns: t }],
      ['arrow', { path: writeArrowFile(fixture('null.arrow', ''), t, 'file') }],
      ['parquet', { path: writeParquetFile(fixture('null.parquet', ''), t, { maxRowGroupSize: 4 }) }],
    ];
    for (const [name, data] of inputs) {
      const e = await dataError(() => loadLong(data));
      expect(e.message, name).toMatch(/row 7, column "price": null value, expected a number/);
      expect(e.row, name).toBe(7);
    }
  });

  it('a null where the row takes no part (unavailable, or filtered out) is fine', async () => {
    const ref = await loadLong({ path: LONG_CSV });
    // row 2 is unavailable
    expectSameLayout(ref, await loadLong({ columns: replaced('price', priceWithNull(2)) }), 'unavailable row');
    const pq = writeParquetFile(fixture('null-unavailable.parquet', ''), replaced('price', priceWithNull(2)));
    expectSameLayout(ref, await loadLong({ path: pq }), 'parquet, unavailable row');
    // row 8 is in A7's second situation, which the filter drops
    const filtered = await loadLong({ path: LONG_CSV }, LONG_OPTIONS, { filter: 'sit == 1 || inc > 35' });
    const got = await loadLong({ columns: replaced('price', priceWithNull(4)) }, LONG_OPTIONS, { filter: 'sit == 1 || inc > 35' });
    expectSameLayout(filtered, got, 'filtered-out row');
  });

  it('a null in an identifier column: an error naming the column and the row (as an empty cell would be)', async () => {
    const t = replaced('alt', vectorFromArray(long.alt.map((a, i) => (i === 2 ? null : a)), new Utf8()));
    for (const data of [{ columns: t }, { path: writeParquetFile(fixture('null-alt.parquet', ''), t) }]) {
      const e = await dataError(() => loadLong(data));
      expect(e.message).toMatch(/row 2, column "alt": empty cell, expected an alternative label/);
    }
  });

  it('a NaN or an Infinity in a Float64Array: an error naming the column and the row', async () => {
    for (const bad of [NaN, Infinity]) {
      const cols = inMemoryLong();
      const price = Float64Array.from(PRICE);
      price[9] = bad;
      const e = await dataError(() => loadLong({ columns: { ...cols, price } as never }));
      expect(e.message).toMatch(new RegExp(`^data.columns, row 9, column "price": "${bad}" is not a finite number`));
    }
  });

  it('a null or undefined in a number[]: an error naming the column and the row', async () => {
    for (const bad of [null, undefined]) {
      const cols = inMemoryLong();
      const comfort = [...COMFORT] as (number | null | undefined)[];
      comfort[4] = bad; // car of A7/2: used by comfort_car
      const e = await dataError(() => loadLong({ columns: { ...cols, comfort } as never }));
      expect(e.message).toMatch(/row 4, column "comfort": null value/);
    }
  });

  it('columns of different lengths: an error naming both columns', async () => {
    const cols = inMemoryLong();
    const e = await dataError(() => loadLong({ columns: { ...cols, time: Int32Array.from(TIME.slice(1)) } as never }));
    expect(e.message).toMatch(/"time"/);
    expect(e.message).toMatch(/"id"|"sit"|"alt"|"choice"|"price"/);
    expect(e.message).toMatch(/17 rows, expected 18/);
    // a Float64Array used in place, shorter than the others
    const f = await dataError(() => loadLong({ columns: { ...cols, price: Float64Array.from(PRICE.slice(2)) } as never }));
    expect(f.message).toMatch(/"price" has 16 rows, expected 18 as column "id"/);
  });

  it('an unsupported Arrow type used by the spec: an error naming the column and its type; unused ones are fine', async () => {
    const t = longArrow();
    // the unused note, day and tags columns are fine: the reference loads from this very table
    expect((await loadLong({ columns: t })).nRows).toBe(16);
    const opts = (column: string): LoadOptions => ({ variables: [{ name: 'v', source: { kind: 'column', column } }] });
    const d = await dataError(() => loadLong({ columns: t }, opts('day')));
    expect(d.message).toMatch(/column "day": the column has type Date/);
    const l = await dataError(() => loadLong({ columns: t }, opts('tags')));
    expect(l.message).toMatch(/column "tags": the column has type List/);
    // the same from files
    const pq = writeParquetFile(fixture('types.parquet', ''), t);
    expect((await dataError(() => loadLong({ path: pq }, opts('day')))).message).toMatch(/column "day": the column has type Date/);
    const ar = writeArrowFile(fixture('types.arrow', ''), t, 'file');
    expect((await dataError(() => loadLong({ path: ar }, opts('tags')))).message).toMatch(/column "tags": the column has type List/);
    // a non-string identifier column of another type
    const e = await dataError(() => loadLong({ columns: t }, LONG_OPTIONS, { id: 'day' }));
    expect(e.message).toMatch(/column "day": the column has type Date/);
  });

  it('no rows: an error from every input type', async () => {
    const empty = longArrow().slice(0, 0);
    const inputs: [string, Partial<DataSpec>][] = [
      ['csv', { path: fixture('empty.csv', readFileSync(LONG_CSV, 'utf8').split('\n')[0] + '\n') }],
      ['arrow', { path: writeArrowFile(fixture('empty.arrow', ''), empty, 'file') }],
      ['arrows', { path: writeArrowFile(fixture('empty.arrows', ''), empty, 'stream') }],
      ['parquet', { path: writeParquetFile(fixture('empty.parquet', ''), empty) }],
      ['arrow table', { columns: empty }],
      ['arrays', { columns: Object.fromEntries(Object.keys(long).map((k) => [k, []])) }],
    ];
    for (const [name, data] of inputs) {
      const e = await dataError(() => loadLong(data));
      expect(e.message, name).toMatch(/no (data )?rows/);
    }
  });

  it('in-memory values of no supported type: an error naming the column and the row', async () => {
    const cols = inMemoryLong();
    const e = await dataError(() => loadLong({ columns: { ...cols, time: TIME.map((t, i) => (i === 5 ? { t } : t)) } as never }));
    expect(e.message).toMatch(/row 5, column "time": row 5 holds a value of type object/);
  });

  it('Int64 and Float32 columns convert exactly', async () => {
    const t = replaced('time', makeVector(BigInt64Array.from(TIME.map(BigInt))));
    const u = replaced('inc', makeVector(Float32Array.from(long.inc)));
    const ref = await loadLong({ path: LONG_CSV });
    expectSameLayout(ref, await loadLong({ columns: t }), 'int64');
    expectSameLayout(ref, await loadLong({ columns: u }), 'float32');
  });
});
