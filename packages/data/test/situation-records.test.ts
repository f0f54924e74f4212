/**
 * Per-situation columns (LoadOptions.situationColumns) and record indices
 * (LoadOptions.records): long and wide, with a filter, unavailable
 * alternatives and derived columns, from CSV (serial and parallel reader),
 * Parquet, Arrow and in-memory columns; checked against an independent
 * reading of the rows.
 */
import { describe, expect, it } from 'vitest';
import { loadChoiceData, type DataSpec, type LoadedChoiceData, type LoadOptions, type SituationColumnRole } from '../src/index.js';
import { readCsvHeader } from '../src/csv.js';
import { readCsvParallel } from '../src/csv-parallel.js';
import { ColumnPlan } from '../src/frame.js';
import { buildLong, planLong } from '../src/long.js';
import { arrowTableOf, csvText, writeArrowFile, writeParquetFile } from './formats.js';
import { dataError, fixture } from './helpers.js';

// 4 individuals x 3 situations x 3 alternatives; alternative 3 unavailable in some situations
const rows: { id: number; sit: number; alt: string; choice: number; av: number; price: number; region: string; period: number; note: string }[] = [];
const REGIONS = ['north', 'south, east', 'west "x"'];
for (let i = 1; i <= 4; i++) {
  for (let t = 1; t <= 3; t++) {
    const chosen = (i + t) % 2; // alternative index chosen: 0 or 1 (always available)
    for (let j = 0; j < 3; j++) {
      rows.push({
        id: i,
        sit: t,
        alt: ['bus', 'car', 'train'][j],
        choice: j === chosen ? 1 : 0,
        av: j === 2 && (i + t) % 3 === 0 ? 0 : 1,
        price: 1 + i + 0.25 * t + j,
        region: REGIONS[(i * 3 + t) % 3],
        period: 2019 + ((i + t) % 3) + (t === 2 ? 0.5 : 0),
        note: `n${i}.${t}.${j}`,
      });
    }
  }
}
const columnsOf = (rs: typeof rows) => ({
  id: Float64Array.from(rs, (r) => r.id),
  sit: Float64Array.from(rs, (r) => r.sit),
  alt: rs.map((r) => r.alt),
  choice: Float64Array.from(rs, (r) => r.choice),
  av: Float64Array.from(rs, (r) => r.av),
  price: Float64Array.from(rs, (r) => r.price),
  region: rs.map((r) => r.region),
  period: Float64Array.from(rs, (r) => r.period),
  note: rs.map((r) => r.note),
});
const COLS = columnsOf(rows);
const CSV = fixture('sit-long.csv', csvText(COLS));
// the same with blank lines (not data records) and CRLF line ends
const CSV_BLANK = fixture('sit-long-blank.csv', csvText(COLS).split('\n').map((l, k) => (k === 4 || k === 20 ? `\r\n${l}` : l)).join('\r\n'));
const PARQUET = writeParquetFile(fixture('sit-long.parquet', ''), arrowTableOf(COLS), { maxRowGroupSize: 7 });
const ARROW = writeArrowFile(fixture('sit-long.arrow', ''), arrowTableOf(COLS), 'file');

const LONG: Omit<DataSpec, 'path'> = {
  id: 'id',
  situation: 'sit',
  alt: 'alt',
  choice: 'choice',
  availability: 'av',
  derive: { period2: 'period * 2', cost: 'price / 10' },
  // drops individual 2's second situation and the train rows of individual 4 (never chosen)
  filter: '!(id == 2 && sit == 2) && !(id == 4 && price > 7)',
};
const OPTIONS: LoadOptions = {
  variables: [{ name: 'cost', source: { kind: 'column', column: 'cost' } }],
  situationColumns: ['region', 'period', 'period2', 'sit'],
  records: true,
};

/** The expected record indices and per-situation values, from the rows themselves. */
function expected() {
  const kept = (r: (typeof rows)[number]) => !(r.id === 2 && r.sit === 2) && !(r.id === 4 && r.price > 7);
  const sitRecord: number[] = [];
  const rowRecord: number[] = [];
  const region: string[] = [];
  const period: string[] = [];
  let last = '';
  rows.forEach((r, k) => {
    if (!kept(r)) return;
    const key = `${r.id}/${r.sit}`;
    if (key !== last) {
      sitRecord.push(k);
      region.push(r.region);
      period.push(String(r.period));
      last = key;
    }
    if (r.av === 1) rowRecord.push(k);
  });
  return { sitRecord, rowRecord, region, period };
}

const labelsOf = (d: LoadedChoiceData, name: string) => Array.from(d.situationColumns![name].codes, (c) => d.situationColumns![name].labels[c]);

describe('long format: situation columns and record indices', () => {
  const e = expected();
  const inputs: [string, () => DataSpec][] = [
    ['CSV', () => ({ path: CSV, ...LONG })],
    ['CSV with blank lines and CRLF', () => ({ path: CSV_BLANK, ...LONG })],
    ['Parquet', () => ({ path: PARQUET, ...LONG })],
    ['Arrow', () => ({ path: ARROW, ...LONG })],
    ['in-memory columns', () => ({ columns: COLS, ...LONG })],
  ];
  for (const [name, spec] of inputs) {
    it(name, async () => {
      const d = await loadChoiceData(spec(), OPTIONS);
      expect(d.nSituations).toBe(e.sitRecord.length);
      expect(Array.from(d.sitRecord!)).toEqual(e.sitRecord);
      expect(Array.from(d.rowRecord!)).toEqual(e.rowRecord);
      expect(labelsOf(d, 'region')).toEqual(e.region);
      expect(labelsOf(d, 'period')).toEqual(e.period);
      expect(labelsOf(d, 'period2')).toEqual(e.period.map((p) => String(2 * Number(p))));
      expect(labelsOf(d, 'sit')).toEqual(e.sitRecord.map((k) => String(rows[k].sit)));
      // labels in order of first appearance, codes dense
      expect(d.situationColumns!.region.labels).toEqual([...new Set(e.region)]);
      // the rows of X are the records given
      for (let r = 0; r < d.nRows; r++) expect(d.X[r]).toBeCloseTo(rows[d.rowRecord![r]].price / 10, 12);
    });
  }

  it('the parallel CSV reader gives the same', async () => {
    const a = await loadChoiceData({ path: CSV_BLANK, ...LONG }, { ...OPTIONS, workers: 1 });
    const b = await loadChoiceData({ path: CSV_BLANK, ...LONG }, { ...OPTIONS, workers: 3 });
    expect(b.sitRecord).toEqual(a.sitRecord);
    expect(b.rowRecord).toEqual(a.rowRecord);
    expect(b.situationColumns).toEqual(a.situationColumns);
  });

  it('the parallel CSV reader in ranges of 50 bytes gives the same (every range boundary)', async () => {
    const spec: DataSpec = { path: CSV_BLANK, ...LONG };
    const ref = await loadChoiceData(spec, { ...OPTIONS, workers: 1 });
    for (const workers of [2, 3]) {
      const header = readCsvHeader(CSV_BLANK);
      const plan = new ColumnPlan(CSV_BLANK, header.header, spec.derive, spec.filter);
      const cols = planLong(spec, OPTIONS, plan);
      const table = await readCsvParallel(header, plan.numericFileColumns(cols.numeric), cols.keys, { workers, rangeBytes: 50 });
      const d = buildLong(spec, OPTIONS, plan.build(table, cols.numeric));
      expect(d.sitRecord).toEqual(ref.sitRecord);
      expect(d.rowRecord).toEqual(ref.rowRecord);
      expect(d.situationColumns).toEqual(ref.situationColumns);
    }
  });

  it('without a filter or availability (X read directly): identity rows', async () => {
    const d = await loadChoiceData(
      { path: CSV, id: 'id', situation: 'sit', alt: 'alt', choice: 'choice' },
      { variables: [{ name: 'price', source: { kind: 'column', column: 'price' } }], situationColumns: ['region'], records: true },
    );
    expect(Array.from(d.rowRecord!)).toEqual(rows.map((_, k) => k));
    expect(Array.from(d.sitRecord!)).toEqual(rows.map((_, k) => k).filter((k) => k % 3 === 0));
    expect(d.situationColumns!.region.labels).toEqual(REGIONS.filter((r) => rows.some((x) => x.region === r)).sort((a, b) => labelsFirst(a) - labelsFirst(b)));
  });

  it('absent unless asked for', async () => {
    const d = await loadChoiceData({ path: CSV, ...LONG }, { variables: OPTIONS.variables });
    expect(d.situationColumns).toBeUndefined();
    expect(d.sitRecord).toBeUndefined();
    expect(d.rowRecord).toBeUndefined();
  });

  it('a value varying within a situation is an error naming the file, line and column', async () => {
    const err = await dataError(() => loadChoiceData({ path: CSV, ...LONG }, { ...OPTIONS, situationColumns: ['note'] }));
    expect(err.message).toContain('note');
    expect(err.message).toMatch(/constant within situation "1" of individual "1"/);
    expect(err).toMatchObject({ file: CSV, line: 3, column: 'note' });
    const err2 = await dataError(() => loadChoiceData({ path: CSV, ...LONG }, { ...OPTIONS, situationColumns: ['price'] }));
    expect(err2).toMatchObject({ line: 3, column: 'price' });
    const err3 = await dataError(() => loadChoiceData({ path: CSV, ...LONG }, { ...OPTIONS, situationColumns: ['nope'] }));
    expect(err3.message).toMatch(/column "nope" \(a situation column\) not found/);
  });

  it('the messages name a column in its caller\'s words (situationColumnRoles)', async () => {
    const role: SituationColumnRole = { role: 'the --by column', why: 'a group is a set of whole situations', takes: '--by takes "situation" or a column', otherNames: ['situation'] };
    const load = (name: string) => dataError(() => loadChoiceData({ path: CSV, ...LONG }, { ...OPTIONS, situationColumns: [name], situationColumnRoles: { [name]: role } }));
    const varies = await load('note');
    expect(varies.detail).toMatch(/^the --by column "note" must be constant within situation "1" of individual "1", but it is "n1\.1\.0" at line 2 and "n1\.1\.1" here \(a group is a set of whole situations\)$/);
    expect(varies).toMatchObject({ file: CSV, line: 3, column: 'note' });
    const typo = await load('regoin');
    expect(typo.detail).toMatch(/^the --by column "regoin" is not a column of the data \(did you mean "region"\?\); --by takes "situation" or a column: "id", "sit", .*"region"/);
    expect(typo).toMatchObject({ file: CSV, column: 'regoin' });
    expect((await load('situatoin')).detail).toMatch(/\(did you mean "situation"\?\)/);
    // a derived value that is not a number
    const derived = await dataError(() => loadChoiceData({ path: CSV, ...LONG, derive: { ...LONG.derive, bad: 'price / 0 * 0' } }, { ...OPTIONS, situationColumns: ['bad'], situationColumnRoles: { bad: role } }));
    expect(derived.message).toMatch(/the --by column "bad"/);
  });
});

function labelsFirst(r: string): number {
  return rows.findIndex((x) => x.region === r);
}

describe('wide format: situation columns and record indices', () => {
  // one record per situation; alternative C unavailable where avC = 0
  const n = 9;
  const W = {
    id: Float64Array.from({ length: n }, (_, k) => 1 + Math.floor(k / 3)),
    choice: Array.from({ length: n }, (_, k) => ['A', 'B', 'C'][k % 2]),
    pA: Float64Array.from({ length: n }, (_, k) => 1 + k),
    pB: Float64Array.from({ length: n }, (_, k) => 2 + k / 2),
    pC: Float64Array.from({ length: n }, (_, k) => 3 + k / 3),
    avC: Float64Array.from({ length: n }, (_, k) => (k % 4 === 3 ? 0 : 1)),
    market: Array.from({ length: n }, (_, k) => `m${k % 4}`),
    year: Float64Array.from({ length: n }, (_, k) => 2000 + (k % 2)),
  };
  const spec = (path: string | null): DataSpec => ({
    ...(path === null ? { columns: W } : { path }),
    format: 'wide',
    id: 'id',
    choice: 'choice',
    derive: { decade: 'year - 2000' },
    filter: 'pA != 5',
    alternatives: { A: { p: 'pA' }, B: { p: 'pB' }, C: { p: 'pC', av: 'avC' } },
  });
  const opts: LoadOptions = { variables: [{ name: 'p', source: { kind: 'column', column: 'p' } }], situationColumns: ['market', 'decade', 'choice'], records: true };
  const keptRecords = Array.from({ length: n }, (_, k) => k).filter((k) => 1 + k !== 5);
  const csv = fixture('sit-wide.csv', csvText(W));
  const pq = writeParquetFile(fixture('sit-wide.parquet', ''), arrowTableOf(W));
  for (const [name, path] of [['CSV', csv], ['Parquet', pq], ['in-memory', null]] as const) {
    it(name, async () => {
      const d = await loadChoiceData(spec(path), opts);
      expect(Array.from(d.sitRecord!)).toEqual(keptRecords);
      const rowRec: number[] = [];
      for (const k of keptRecords) for (let j = 0; j < 3; j++) if (j < 2 || W.avC[k] === 1) rowRec.push(k);
      expect(Array.from(d.rowRecord!)).toEqual(rowRec);
      expect(labelsOf(d, 'market')).toEqual(keptRecords.map((k) => W.market[k]));
      expect(labelsOf(d, 'decade')).toEqual(keptRecords.map((k) => String(W.year[k] - 2000)));
      expect(labelsOf(d, 'choice')).toEqual(keptRecords.map((k) => W.choice[k]));
    });
  }
});
