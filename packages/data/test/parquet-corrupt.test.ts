/**
 * Corrupt Parquet files: parquet-wasm panics on some damaged column chunks
 * inside its own microtasks (src/parquet-panic.ts). Every damaged copy of a
 * file must either load (damage the format cannot detect: Parquet files rarely
 * carry page checksums) or fail with a DataError naming the file, on 1 and 2
 * workers, without ending the process; and the good file still loads after
 * (the module is instantiated afresh after a panic).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeVector, Table } from 'apache-arrow';
import { DataError, loadChoiceData } from '../src/index.js';
import { writeParquetFile } from './formats.js';
import { columns, fixture } from './helpers.js';
import { expectSameLayout } from './layout-compare.js';

/** A panel of 120 individuals × 5 situations × 3 alternatives in row groups of 300 rows. */
function writePanel(): string {
  const n = 120 * 15;
  const id = new Int32Array(n), sit = new Int32Array(n), alt = new Int32Array(n), ch = new Int32Array(n);
  const x1 = new Float64Array(n), x2 = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const t = Math.floor(r / 3);
    id[r] = 1 + Math.floor(r / 15);
    sit[r] = 1 + (t % 5);
    alt[r] = 1 + (r % 3);
    ch[r] = r % 3 === t % 3 ? 1 : 0;
    x1[r] = Math.sin(r);
    x2[r] = Math.cos(1.3 * r);
  }
  const cols = { id, sit, alt, ch, x1, x2 };
  const table = new Table(Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, makeVector(v)])));
  return writeParquetFile(fixture('corrupt-good.parquet', ''), table, { compression: 'SNAPPY', maxRowGroupSize: 300 });
}

const SPEC = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };
const OPTIONS = { variables: columns('x1', 'x2') };

describe('corrupt Parquet files', () => {
  it('a damaged copy loads or fails with a DataError naming the file, on 1 and 2 workers; the good file loads after', async () => {
    const good = writePanel();
    const want = await loadChoiceData({ path: good, ...SPEC }, { ...OPTIONS, workers: 1 });
    const bytes = readFileSync(good);
    const stopped = [0, 0, 0]; // by worker count: the decoder's panic turned into a DataError
    for (let k = 1; k < 30; k++) {
      const bad = Buffer.from(bytes);
      const at = Math.floor((bytes.length * k) / 30);
      for (let i = 0; i < 16; i++) bad[at + i] ^= 0xa5;
      const path = fixture(`corrupt-${k}.parquet`, '');
      writeFileSync(path, bad);
      for (const workers of [1, 2]) {
        try {
          await loadChoiceData({ path, ...SPEC }, { ...OPTIONS, workers }); // damage the format cannot see
        } catch (e) {
          expect(e, `damage at byte ${at}, ${workers} worker(s): ${String(e)}`).toBeInstanceOf(DataError);
          expect((e as DataError).file).toBe(path);
          if (/the decoder stopped on invalid data/.test((e as Error).message)) stopped[workers]++;
        }
      }
    }
    // the decoder's panic was met, and turned into a DataError, on both worker counts
    expect(stopped[1]).toBeGreaterThan(0);
    expect(stopped[2]).toBeGreaterThan(0);
    for (const workers of [1, 2]) expectSameLayout(await loadChoiceData({ path: good, ...SPEC }, { ...OPTIONS, workers }), want, `the good file after, ${workers} worker(s)`);
  });
});
