/**
 * Variables read straight into X (the reader writes the row-major block; no
 * column per variable, no copy) give the layout the column path gives, with
 * the same errors, sequentially and in parallel (blank lines and quoted
 * records make the parallel ranges move their rows), from CSV and Parquet.
 */
import { describe, expect, it } from 'vitest';
import { loadChoiceData, type DataSpec } from '../src/index.js';
import { readCsv, readCsvHeader } from '../src/csv.js';
import { readCsvParallel } from '../src/csv-parallel.js';
import { arrowTableOf, writeParquetFile } from './formats.js';
import { columns, dataError, fixture } from './helpers.js';
import { expectSameLayout, firstDifference } from './layout-compare.js';

const SPEC = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };

/** A panel CSV with blank lines and quoted (multi-line) text in an unused column. */
function panelCsv(nInd: number): string {
  const lines = ['id,sit,alt,ch,x,y,note'];
  for (let i = 1; i <= nInd; i++) {
    for (let t = 1; t <= 2; t++) {
      for (let j = 1; j <= 3; j++) {
        const note = (i + j) % 11 === 0 ? `"said ""no""\nthen left"` : `n${i}`;
        lines.push(`${i},${t},${j},${j === ((i + t) % 3) + 1 ? 1 : 0},${((i * 13 + j * 7) % 101) / 10},${(i + t * j) % 5 - 2.5},${note}`);
        if ((i * 3 + t + j) % 37 === 0) lines.push('');
      }
    }
  }
  return lines.join('\n') + '\n';
}

describe('variables read straight into X', () => {
  const path = fixture('direct.csv', panelCsv(400));

  it('the same layout as through columns (a filter keeping every row takes the column path)', async () => {
    const direct = await loadChoiceData({ path, ...SPEC }, { variables: columns('x', 'y'), workers: 1 });
    const viaColumns = await loadChoiceData({ path, ...SPEC, filter: 'id > 0' }, { variables: columns('x', 'y'), workers: 1 });
    expectSameLayout(direct, viaColumns);
    expect(direct.nRows).toBe(400 * 6);
  });

  it('the parallel read writes the same block (ranges moved over blank lines and quoted records)', async () => {
    const h = readCsvHeader(path);
    const seq = readCsv(h, ['ch', 'x', 'y'], ['id', 'sit', 'alt'], { direct: ['x', 'y'] });
    expect(seq.direct!.names).toEqual(['x', 'y']);
    expect(seq.numeric.has('x')).toBe(false);
    for (const workers of [1, 2, 3]) {
      for (const rangeBytes of [97, 1000, 4096]) {
        const par = await readCsvParallel(h, ['ch', 'x', 'y'], ['id', 'sit', 'alt'], { direct: ['x', 'y'], workers, rangeBytes });
        expect(par.nRows).toBe(seq.nRows);
        expect(firstDifference(par.direct!.X, seq.direct!.X), `workers ${workers}, ranges of ${rangeBytes} bytes`).toBe(-1);
        expect(par.direct!.X.length).toBe(seq.nRows * 2);
        for (let r = 0; r < seq.nRows; r += 97) expect(par.rows.index(r)).toBe(seq.rows.index(r));
      }
    }
  });

  it('a bad value is reported with its line and column, whichever path reads it', async () => {
    const text = panelCsv(50).split('\n');
    text[123] = text[123].replace(/^(\d+,\d+,\d+,\d+,)[^,]+/, '$1oops');
    const bad = fixture('direct-bad.csv', text.join('\n'));
    const messages: string[] = [];
    for (const spec of [{ path: bad, ...SPEC }, { path: bad, ...SPEC, filter: 'id > 0' }] as DataSpec[]) {
      for (const workers of [1, 2]) {
        const e = await dataError(() => loadChoiceData(spec, { variables: columns('x', 'y'), workers }));
        messages.push(e.message);
      }
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toMatch(/direct-bad\.csv, line 124, column "x": "oops" is not a number, expected a number \(variable "x"\)/);
  });

  it('Parquet: the block from row groups on 1 and 2 workers equals the column path', async () => {
    const n = 300;
    const id = new Float64Array(n * 2), sit = new Float64Array(n * 2), alt = new Float64Array(n * 2), ch = new Float64Array(n * 2);
    const x = new Float64Array(n * 2), y = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) {
      const r = i * 2 + j;
      id[r] = i + 1; sit[r] = 1; alt[r] = j + 1; ch[r] = j === i % 2 ? 1 : 0; x[r] = (i * 7 + j) / 3; y[r] = -i / 7;
    }
    const pq = writeParquetFile(fixture('direct.parquet', ''), arrowTableOf({ id, sit, alt, ch, x, y }), { maxRowGroupSize: 64 });
    const ref = await loadChoiceData({ path: pq, ...SPEC, filter: 'id > 0' }, { variables: columns('x', 'y'), workers: 1 });
    for (const workers of [1, 2]) expectSameLayout(await loadChoiceData({ path: pq, ...SPEC }, { variables: columns('x', 'y'), workers }), ref);
  });
});
