/**
 * Delimited text: the result never depends on how the file is cut. The same
 * layout for any chunk size of the streaming read (records, quoted fields,
 * CRLF pairs and multi-byte characters cut anywhere), and the same table and
 * the same errors from the parallel reader for any number of workers and any
 * range size (range boundaries inside quoted fields included).
 *
 * The parallel reader runs its workers from the built file
 * packages/data/dist/csv-worker.js: build before running these tests.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import { loadChoiceData, type DataSpec, type LoadOptions } from '../src/index.js';
import { readCsv, readCsvHeader } from '../src/csv.js';
import { readCsvParallel } from '../src/csv-parallel.js';
import type { Table } from '../src/table.js';
import { dataError, fixture } from './helpers.js';
import { expectSameLayout, expectSameTable } from './layout-compare.js';

const WORKER = fileURLToPath(new URL('../dist/csv-worker.js', import.meta.url));

// ---------------------------------------------------------------------------
// Small files: one data set written in several ways
// ---------------------------------------------------------------------------

const HEADER = ['id', 'sit', 'alt', 'ch', 'av', 'x', 'y', 'inc', 'note'];

/**
 * Rows as raw cells (already quoted where quoted). `{NL}` in a note is the
 * file's line end; the alternative label "multi\nline" always holds a bare LF.
 */
const ROWS: string[][] = [
  ['p1', '1', 'café', '1', '1', '0.5', '"10"', '20', '"a, b"'],
  ['p1', '1', '日本', '0', '1', '"-1.25"', '20', '20', '"multi{NL}line ""quoted"" note"'],
  ['p1', '1', '"a ""q"" alt"', '0', '0', 'NA', '7', '20', ''], // unavailable: its bad x takes no part
  ['p1', '2', '"café"', '0', '1', '3e-1', '30', '20', '"x,{NL},y"'],
  ['p1', '2', '"a ""q"" alt"', '1', '1', '4', '"40"', '20', 'x'],
  ['"p 2"', '1', 'café', '0', '1', '5', '50', '31.5', '"{NL}"'],
  ['"p 2"', '1', '日本', '1', '1', '6', '60', '31.5', 'z'],
  ['"p 2"', '2', '"日本"', '1', '1', '0.1', '0.2', '31.5', '"end"'],
  ['"p 2"', '2', '"multi\nline"', '0', '1', '1e3', '-0', '31.5', 'q'],
];

interface Variant {
  name: string;
  eol: '\n' | '\r\n';
  bom?: boolean;
  /** Line end after the last row ('' = none). */
  final: string;
  /** Blank lines after these row indices. */
  blanks?: number[];
  delimiter?: string;
  /** Quote the last row's last field. */
  quotedLast?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'lf.csv', eol: '\n', final: '\n' },
  { name: 'crlf.csv', eol: '\r\n', final: '\r\n' },
  { name: 'bom-crlf-nofinal.csv', eol: '\r\n', final: '', bom: true },
  { name: 'blank-lines.csv', eol: '\n', final: '\n\n', blanks: [0, 4, 4] },
  { name: 'bom-crlf-blank.csv', eol: '\r\n', final: '\r\n', bom: true, blanks: [1, 6] },
  { name: 'quoted-last-nofinal.csv', eol: '\n', final: '', quotedLast: true },
  { name: 'quoted-last-crlf.csv', eol: '\r\n', final: '\r\n', quotedLast: true },
  { name: 'tab.tsv', eol: '\n', final: '\n', delimiter: '\t' },
];

function render(v: Variant): string {
  const d = v.delimiter ?? ',';
  const lines: string[] = [HEADER.join(d)];
  ROWS.forEach((cells, i) => {
    let row = cells.map((c) => c.replaceAll('{NL}', v.eol));
    if (v.quotedLast && i === ROWS.length - 1) row = [...row.slice(0, -1), '"la,st"'];
    lines.push(row.join(d));
    for (const b of v.blanks ?? []) if (b === i) lines.push('');
  });
  return (v.bom ? '\uFEFF' : '') + lines.join(v.eol) + v.final;
}

const SPEC = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch', availability: 'av' } as const;
const OPTIONS: LoadOptions = {
  variables: [
    { name: 'x', source: { kind: 'column', column: 'x' } },
    { name: 'y', source: { kind: 'column', column: 'y' } },
    { name: 'asc_jp', source: { kind: 'asc', alt: '日本' } },
    { name: 'y_cafe', source: { kind: 'alt-specific', column: 'y', alt: 'café' } },
  ],
  characteristics: ['inc'],
};
const CHUNKS = [1, 2, 3, 5, 7, 64, undefined];

const files = VARIANTS.map((v) => ({ ...v, path: fixture(v.name, render(v)) }));

async function load(path: string, chunkBytes?: number, extra: Partial<DataSpec> = {}): Promise<ChoiceData> {
  return loadChoiceData({ path, ...SPEC, ...extra }, { ...OPTIONS, workers: 1, ...(chunkBytes !== undefined ? { chunkBytes } : {}) });
}

describe('chunk boundaries of the streaming read', () => {
  it('the reference file gives the expected layout', async () => {
    const d = await load(files[0].path);
    expect(d.altLabels).toEqual(['café', '日本', 'a "q" alt', 'multi\nline']);
    expect(d.clusterIds).toEqual(['p1', 'p 2']);
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([2, 4, 8]);
    expect(Array.from(d.sitRow)).toEqual([0, 2, 4, 6, 8]);
    expect(Array.from(d.sitChosen)).toEqual([0, 3, 5, 6]);
    expect(Array.from(d.rowAlt)).toEqual([0, 1, 0, 2, 0, 1, 1, 3]);
    expect(Array.from(d.unitChars!)).toEqual([20, 31.5]);
    // prettier-ignore
    expect(Array.from(d.X)).toEqual([
      0.5, 10, 0, 10,
      -1.25, 20, 1, 0,
      0.3, 30, 0, 30,
      4, 40, 0, 0,
      5, 50, 0, 50,
      6, 60, 1, 0,
      0.1, 0.2, 1, 0,
      1000, -0, 0, 0,
    ]);
  });

  for (const f of files) {
    it(`${f.name}: the same layout for chunks of ${CHUNKS.map((k) => k ?? 'default').join(', ')} bytes, equal to the reference`, async () => {
      const ref = await load(files[0].path);
      for (const k of CHUNKS) expectSameLayout(ref, await load(f.path, k), `${f.name}, chunkBytes ${k ?? 'default'}`);
    });
  }

  it('a bad cell is reported at the same line for every chunk size (a multi-line record before it)', async () => {
    // the last record starts at line 15: two blank lines and three two-line records before it
    const text = render({ name: '', eol: '\r\n', final: '\r\n', blanks: [0, 4] }).replace('1e3', 'oops');
    const path = fixture('bad-cell.csv', text);
    for (const k of CHUNKS) {
      const e = await dataError(() => load(path, k));
      expect(e.message, `chunkBytes ${k}`).toMatch(/line 15, column "x": "oops"/);
    }
  });
});

// ---------------------------------------------------------------------------
// The parallel reader
// ---------------------------------------------------------------------------

/** A deterministic generator (LCG), so the big file is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A long file of a few thousand rows: plain rows, quoted numbers, quoted
 * multi-line notes of ~40 to ~200 bytes and one of ~3000 bytes (so that many
 * range boundaries fall inside quotes, some ranges entirely), mixed LF/CRLF
 * line ends, blank lines, bad numeric cells, multi-byte labels.
 */
function bigFile(rows: number, seed = 7): string {
  const rnd = lcg(seed);
  const alts = ['a', '"b"', 'ç', '"d, e"', '"multi\nline"'];
  const lines = ['id,sit,alt,ch,x,y,note'];
  for (let i = 0; i < rows; i++) {
    const id = Math.floor(i / 15);
    const sit = Math.floor(i / 5) % 3;
    const j = i % 5;
    const x = (Math.round(rnd() * 1e6) / 1e3 - 500).toString();
    const r = rnd();
    const xCell = r < 0.1 ? `"${x}"` : r < 0.12 ? 'NA' : r < 0.13 ? '' : x;
    const y = rnd() < 0.05 ? '"1,5"' : String(Math.floor(rnd() * 100));
    let note = '';
    const q = rnd();
    if (i === Math.floor(rows / 2)) note = `"${'long ""quoted"" note, line\n'.repeat(110)}"`;
    else if (q < 0.15) note = `"${'n'.repeat(Math.floor(rnd() * 60))},\n${'m'.repeat(Math.floor(rnd() * 80))}\r\n""x"""`;
    else if (q < 0.25) note = `"${'p'.repeat(Math.floor(rnd() * 30))}"`;
    else if (q < 0.3) note = 'plain';
    lines.push([`id${id}`, String(sit), alts[j], j === sit ? '1' : '0', xCell, y, note].join(','));
    if (rnd() < 0.02) lines.push('');
  }
  let text = '';
  for (let i = 0; i < lines.length; i++) text += lines[i] + (i % 3 === 0 ? '\r\n' : '\n');
  return text;
}

const BIG_ROWS = 800;
const BIG = fixture('big.csv', bigFile(BIG_ROWS));
const NUMERIC = ['ch', 'x', 'y', 'sit'];
const KEYS = ['id', 'sit', 'alt'];

function sequential(path: string, numeric = NUMERIC, keys = KEYS): Table {
  return readCsv(readCsvHeader(path), numeric, keys);
}

async function parallel(path: string, workers: number, rangeBytes: number, chunkBytes?: number, numeric = NUMERIC, keys = KEYS): Promise<Table> {
  return readCsvParallel(readCsvHeader(path), numeric, keys, { workers, rangeBytes, ...(chunkBytes !== undefined ? { chunkBytes } : {}) });
}

describe('parallel read: the same table as the sequential read', () => {
  it('the built worker exists (run the build first)', () => {
    expect(existsSync(WORKER), `${WORKER} is missing: run the build`).toBe(true);
  });

  it('the big file is what it should be (quotes across ranges, bad cells, blank lines)', () => {
    const t = sequential(BIG);
    expect(t.nRows).toBe(BIG_ROWS);
    expect(t.keys.get('alt')!.labels).toEqual(['a', 'b', 'ç', 'd, e', 'multi\nline']);
    const x = t.numeric.get('x')!;
    expect(x.bad.size).toBeGreaterThan(5);
    expect([...x.bad.values()].every((v) => v === 'NA' || v === '')).toBe(true);
    expect(t.numeric.get('y')!.bad.size).toBeGreaterThan(15); // "1,5"
    // multi-line records and blank lines: the last row is well past line BIG_ROWS + 1
    expect(t.rows.index(t.nRows - 1)).toBeGreaterThan(BIG_ROWS + 1 + 80);
  });

  // every (workers, range) pair of {1, 2, 3} x {7, 50, 333} is run on one of the files (two per file)
  const PAIRS = [1, 2, 3].flatMap((w) => [7, 50, 333].map((r) => [w, r] as const));
  files.forEach((f, i) => {
    const combos = [0, 1].map((k) => {
      const [w, r] = PAIRS[(2 * i + k) % PAIRS.length];
      return [w, r, [3, 64, undefined][(i + k) % 3]] as const;
    });
    it(`${f.name}: workers x ranges ${combos.map(([w, r]) => `${w}x${r}`).join(', ')}`, async () => {
      const numeric = ['ch', 'av', 'x', 'y', 'inc', 'sit'];
      const keys = ['id', 'sit', 'alt'];
      const ref = sequential(f.path, numeric, keys);
      expect(ref.nRows).toBe(9);
      expect(ref.keys.get('alt')!.labels).toEqual(['café', '日本', 'a "q" alt', 'multi\nline']);
      expect(ref.numeric.get('x')!.bad).toEqual(new Map([[2, 'NA']]));
      for (const [w, r, chunk] of combos) {
        expectSameTable(ref, await parallel(f.path, w, r, chunk, numeric, keys), `workers ${w}, range ${r}, chunk ${chunk}`);
      }
    });
  });

  it('big file: workers 1, 2, 3 with ranges of 50, 333, 4096 bytes', async () => {
    const ref = sequential(BIG);
    for (const [w, r] of [[1, 333], [2, 50], [3, 4096]] as const) {
      expectSameTable(ref, await parallel(BIG, w, r, r === 50 ? 64 : undefined), `workers ${w}, range ${r}`);
    }
  });

  it('a short file: range sizes from 1 byte up, boundaries at every kind of place', async () => {
    const path = fixture('short.csv', bigFile(12, 3));
    const ref = sequential(path);
    expect(ref.nRows).toBe(12);
    for (const r of [1, 8, 55]) expectSameTable(ref, await parallel(path, 2, r, r % 2 ? 5 : undefined), `range ${r}`);
  });

  it('loadChoiceData gives the same layout with workers 1 and 2, chunked or not', async () => {
    const spec: DataSpec = { path: BIG, id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };
    // x and y hold bad cells, so the variables come from sit and the alternatives
    const opts: LoadOptions = {
      variables: [
        { name: 'sit', source: { kind: 'column', column: 'sit' } },
        { name: 'asc_c', source: { kind: 'asc', alt: 'ç' } },
        { name: 'asc_m', source: { kind: 'asc', alt: 'multi\nline' } },
      ],
    };
    const ref = await loadChoiceData(spec, { ...opts, workers: 1 });
    expect(ref.nRows).toBe(BIG_ROWS);
    expect(ref.altLabels).toEqual(['a', 'b', 'ç', 'd, e', 'multi\nline']);
    expectSameLayout(ref, await loadChoiceData(spec, { ...opts, workers: 2 }), 'workers 2');
    expectSameLayout(ref, await loadChoiceData(spec, { ...opts, workers: 1, chunkBytes: 7 }), 'chunk 7');
  });
});

// ---------------------------------------------------------------------------
// Errors: the same message (with the same line) in sequential and parallel reads
// ---------------------------------------------------------------------------

async function errorOf(f: () => unknown): Promise<string> {
  return (await dataError(f)).message;
}

function withLine(text: string, lineNo: number, replace: (line: string) => string): string {
  // lineNo is 1-based over physical lines; only for lines outside quoted fields
  const lines = text.split('\n');
  lines[lineNo - 1] = replace(lines[lineNo - 1]);
  return lines.join('\n');
}

/** A quote-free long file of n rows (fast count path of the parallel reader). */
function plainFile(n: number): string {
  const lines = ['id,sit,alt,ch,x,y,note'];
  for (let i = 0; i < n; i++) lines.push(`id${Math.floor(i / 6)},${Math.floor(i / 3) % 2},${'abc'[i % 3]},${i % 3 === 0 ? 1 : 0},${i * 0.25},${i % 7},n${i}`);
  return lines.join('\n') + '\n';
}

describe('parallel read: the same errors as the sequential read', () => {
  const cases: { name: string; text: string; message: RegExp }[] = [
    {
      name: 'too few fields deep in a quote-free file',
      text: withLine(plainFile(800), 700, (l) => l.slice(0, l.lastIndexOf(','))),
      message: /line 700: found 6 fields, expected 7/,
    },
    {
      name: 'too many fields deep in a quote-free file',
      text: withLine(plainFile(800), 760, (l) => l + ',extra'),
      message: /line 760: found 8 fields, expected 7/,
    },
    {
      name: 'a quote inside an unquoted field',
      text: withLine(plainFile(800), 600, (l) => l.replace(/,n(\d+)$/, ',n"$1')),
      message: /line 600, column "note": malformed CSV: a quote inside an unquoted field/,
    },
    {
      name: 'too few fields after multi-line quoted fields',
      text: (() => {
        const t = bigFile(800, 11);
        const i = t.indexOf('\nid40,');
        const j = t.indexOf(',', t.indexOf(',', i + 1) + 1);
        return t.slice(0, j) + t.slice(t.indexOf(',', j + 1)); // drop the alt field of that record
      })(),
      message: /found 6 fields, expected 7/,
    },
    {
      name: 'a character after a closing quote, deep in the file',
      text: withLine(plainFile(800), 555, (l) => l.replace(/,n(\d+)$/, ',"n$1"x')),
      message: /line 555, column "note": malformed CSV: "x" after a closing quote/,
    },
    {
      name: 'a quoted field never closed at the end',
      text: plainFile(600) + 'id9,0,a,1,2,3,"never closed\nreally\n',
      message: /line 602, column "note": malformed CSV: the quoted field starting here is never closed/,
    },
    {
      name: 'two errors: the first (wrong field count, quote-free part) is reported, not a later quote error',
      text: (() => {
        let t = withLine(plainFile(800), 150, (l) => l + ',extra');
        t = withLine(t, 700, (l) => l.replace(/,n(\d+)$/, ',"n\n$1"'));
        return withLine(t, 760, (l) => l.replace(/,n(\d+)$/, ',n"$1'));
      })(),
      message: /line 150: found 8 fields, expected 7/,
    },
    {
      name: 'two errors: the first (quote inside a field) is reported, not a later field count error in a quoted part',
      text: (() => {
        let t = withLine(plainFile(800), 150, (l) => l.replace(/,n(\d+)$/, ',n"$1'));
        t = withLine(t, 600, (l) => l.replace(/,n(\d+)$/, ',"n\n$1"'));
        return withLine(t, 700, (l) => l + ',extra');
      })(),
      message: /line 150, column "note": malformed CSV: a quote inside an unquoted field/,
    },
  ];

  for (const c of cases) {
    const pairs = (cases.indexOf(c) % 2 === 0 ? [[1, 333], [3, 50]] : [[2, 50], [3, 1000]]) as [number, number][];
    it(c.name, async () => {
      const path = fixture(`err-${c.name.replace(/\W+/g, '-')}.csv`, c.text);
      const seq = await errorOf(() => sequential(path));
      expect(seq).toMatch(c.message);
      expect(await errorOf(() => readCsv(readCsvHeader(path), NUMERIC, KEYS, { chunkBytes: 5 }))).toBe(seq);
      for (const [w, r] of pairs) {
        expect(await errorOf(() => parallel(path, w, r)), `workers ${w}, range ${r}`).toBe(seq);
      }
    });
  }

  it('loadChoiceData reports the same error with workers 1 and 2', async () => {
    const path = fixture('err-load.csv', withLine(plainFile(600), 444, (l) => l + ',extra'));
    const spec: DataSpec = { path, id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };
    const opts: LoadOptions = { variables: [{ name: 'x', source: { kind: 'column', column: 'x' } }] };
    const a = await errorOf(() => loadChoiceData(spec, { ...opts, workers: 1 }));
    expect(a).toMatch(/line 444: found 8 fields/);
    expect(await errorOf(() => loadChoiceData(spec, { ...opts, workers: 2 }))).toBe(a);
  });

  it('an error while other ranges are still being parsed: no stray worker message reaches the process afterwards', async () => {
    // the first range holds the error; dozens of parse tasks are in flight when it is thrown
    const path = fixture('err-early.csv', withLine(plainFile(3000), 4, (l) => l + ',extra'));
    const stray: string[] = [];
    const onUncaught = (e: Error) => stray.push(e.message.slice(0, 80));
    process.on('uncaughtException', onUncaught);
    try {
      for (let k = 0; k < 4; k++) {
        expect(await errorOf(() => parallel(path, 3, 64))).toMatch(/line 4: found 8 fields, expected 7/);
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(stray).toEqual([]);
  });
});
