import { describe, expect, it } from 'vitest';
import { loadProgress } from '../src/progress.js';

/** A non-terminal stream that keeps what is written. */
function sink(tty = false) {
  const out: string[] = [];
  return { out, stream: { isTTY: tty, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('load progress on stderr', () => {
  it('not a terminal: nothing in the first second, then a line every 5 s with bytes, rows and rate', () => {
    let t = 0;
    const { out, stream } = sink();
    const p = loadProgress('panel.csv', stream, () => t);
    const MB = 2 ** 20;
    p.update({ phase: 'read', bytes: 10 * MB, totalBytes: 100 * MB, rows: 1000 });
    expect(out).toEqual([]);
    t = 2000;
    p.update({ phase: 'read', bytes: 40 * MB, totalBytes: 100 * MB, rows: 400000 });
    expect(out).toEqual(['mxl: reading panel.csv: 40 of 100 MB (40%), 400,000 rows, 20 MB/s\n']);
    t = 4000;
    p.update({ phase: 'read', bytes: 60 * MB, totalBytes: 100 * MB, rows: 600000 });
    expect(out.length).toBe(1);
    t = 7000;
    p.update({ phase: 'read', bytes: 99 * MB, totalBytes: 100 * MB, rows: 990000 });
    expect(out.length).toBe(2);
    p.stop();
  });

  it('rows and a row rate when the reader does not count bytes (Parquet, Arrow)', () => {
    let t = 0;
    const { out, stream } = sink();
    const p = loadProgress('panel.parquet', stream, () => t);
    t = 2000;
    p.update({ phase: 'read', bytes: null, totalBytes: 5e8, rows: 4_000_000 });
    expect(out).toEqual(['mxl: reading panel.parquet: 4,000,000 rows, 2.00M rows/s\n']);
  });
});
