/**
 * Parquet file ranges read into buffers reused from one row group to the
 * next (src/parquet.ts, FileRanges): a file whose used columns lie far apart
 * makes parquet-wasm ask for several ranges at once (more than the buffers
 * kept for reuse), and the layout still equals the CSV's of the same data, to
 * the last bit, on 1, 2 and 3 workers (this thread and worker threads taking
 * row groups from both ends).
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeVector, Table } from 'apache-arrow';
import { loadChoiceData } from '../src/index.js';
import { csvText, writeParquetFile } from './formats.js';
import { columns, fixture } from './helpers.js';
import { expectSameLayout } from './layout-compare.js';

const WIDTH = 40;
/** Where the used columns are among the padding. */
const AT: Record<string, number> = { id: 0, sit: 8, alt: 16, ch: 24, x1: 32, x2: 39 };

/** A panel of `nInd` individuals × 3 situations × 4 alternatives, its columns spread over WIDTH columns. */
function widePanel(nInd: number): Record<string, Float64Array | Int32Array> {
  const n = nInd * 12;
  const id = new Int32Array(n), sit = new Int32Array(n), alt = new Int32Array(n), ch = new Int32Array(n);
  const x1 = new Float64Array(n), x2 = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const i = Math.floor(r / 12), t = Math.floor(r / 4) % 3, j = r % 4;
    id[r] = 1000 + i * 3;
    sit[r] = t + 1;
    alt[r] = j + 1;
    ch[r] = j === (i + t) % 4 ? 1 : 0;
    x1[r] = Math.round(Math.sin(r) * 1e4) / 1e4 + 0; // + 0: no -0 (the CSV would write 0)
    x2[r] = Math.round(Math.cos(r * 0.7) * 1e4) / 1e4 + 0;
  }
  const used: Record<string, Float64Array | Int32Array> = { id, sit, alt, ch, x1, x2 };
  const byPosition = new Map(Object.entries(AT).map(([name, k]) => [k, name]));
  const out: Record<string, Float64Array | Int32Array> = {};
  for (let k = 0; k < WIDTH; k++) {
    const name = byPosition.get(k);
    if (name !== undefined) out[name] = used[name];
    else out[`pad${k}`] = Float64Array.from({ length: n }, (_, r) => (r * (k + 1)) % 97);
  }
  return out;
}

describe('Parquet ranges read into reused buffers', () => {
  it('columns far apart (several ranges per row group): the CSV layout, on 1, 2 and 3 workers', async () => {
    const cols = widePanel(500);
    const table = new Table(Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, makeVector(v)])));
    const path = writeParquetFile(fixture('wide-ranges.parquet', ''), table, { compression: 'UNCOMPRESSED', dictionary: false, maxRowGroupSize: 700 });
    const csv = fixture('wide-ranges.csv', '');
    writeFileSync(csv, csvText(cols));
    const spec = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };
    const options = { variables: columns('x1', 'x2') };
    const want = await loadChoiceData({ path: csv, ...spec }, { ...options, workers: 1 });
    expect(want.nUnits).toBe(500);
    for (const workers of [1, 2, 3]) {
      const rows: number[] = [];
      const got = await loadChoiceData({ path, ...spec }, { ...options, workers, onProgress: (p) => rows.push(p.rows) });
      expectSameLayout(got, want, `${workers} worker(s)`);
      // rows read so far: increasing, up to every row
      expect(rows.every((r, i) => i === 0 || r > rows[i - 1]), `${workers} worker(s): ${rows.join(',')}`).toBe(true);
      expect(rows[rows.length - 1]).toBe(6000);
    }
  });
});
