/**
 * The input type never changes the numbers: the same simulated data read from
 * CSV, Parquet, Arrow IPC (file and stream) and in-memory columns (typed
 * arrays, an Arrow table) give a log-likelihood and gradient identical to the
 * last bit, with 1 and 2 workers, and the same estimate.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '@mxl/engine';
import { defaultStart, estimate, prepare, simulate } from '@mxl/estimation';
import { arrowTableOf, writeArrowFile, writeParquetFile } from '../packages/data/test/formats.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-inputs-'));
const files = simulate(dir, { individuals: 80, situations: 4, alternatives: 3, seed: 17 });
const spec = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'halton', draws: 40 } };
const { path: _relative, ...dataSpec } = spec.data as Record<string, unknown>;

/** The simulated CSV parsed here, independently of the package's reader (it has no quotes). */
function parseCsv(file: string): Record<string, Float64Array> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const header = lines[0].split(',');
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    expect(cells.length).toBe(header.length);
    cells.forEach((c, k) => (cols[k][i - 1] = Number(c)));
  }
  return Object.fromEntries(header.map((h, k) => [h, cols[k]]));
}

const numeric = parseCsv(files.data);
const table = arrowTableOf(numeric);
// identifiers as strings in one of the in-memory forms (labels "1", "2", ... as in the file)
const withStrings = { ...numeric, id: Array.from(numeric.id, String), alt: Array.from(numeric.alt, String) };

const forms: [string, Record<string, unknown>][] = [
  ['csv', { path: files.data }],
  ['parquet', { path: writeParquetFile(path.join(dir, 'data.parquet'), table, { compression: 'ZSTD', maxRowGroupSize: 300 }) }],
  ['arrow file', { path: writeArrowFile(path.join(dir, 'data.arrow'), table, 'file') }],
  ['arrow stream', { path: writeArrowFile(path.join(dir, 'data.arrows'), table, 'stream') }],
  ['columns (Float64Arrays)', { columns: numeric }],
  ['columns (strings and Float64Arrays)', { columns: withStrings }],
  ['columns (Arrow table)', { columns: table }],
];

const specOf = (data: Record<string, unknown>) => ({ ...spec, data: { ...dataSpec, ...data } });

describe('the log-likelihood does not depend on the input type', () => {
  const engines: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
  });

  it('CSV, Parquet, Arrow and in-memory columns: identical log-likelihood and gradient, 1 and 2 workers', async () => {
    let theta: Float64Array | null = null;
    let ref: { ll: number; grad: Float64Array } | null = null;
    for (const [name, data] of forms) {
      const p = await prepare(specOf(data), null);
      expect(p.data.nUnits, name).toBe(80);
      expect(p.data.nRows, name).toBe(80 * 4 * 3);
      if (!theta) {
        theta = Float64Array.from(await defaultStart(p));
        for (let k = 0; k < theta.length; k++) theta[k] += 0.1 * ((k % 3) - 1); // away from the start values
      }
      for (const workers of [1, 2]) {
        const e = createEngine(p.data, p.design.plan, p.rule!, { workers, rule: p.rule!.toJSON() });
        engines.push(e);
        const ev = await e.evaluate(theta);
        const cur = { ll: ev.ll, grad: Float64Array.from(ev.grad) };
        await e.close();
        expect(Number.isFinite(cur.ll), name).toBe(true);
        if (!ref) {
          ref = cur;
          continue;
        }
        expect(Object.is(cur.ll, ref.ll), `${name}, ${workers} workers: ll ${cur.ll} vs ${ref.ll}`).toBe(true);
        expect(cur.grad.length).toBe(ref.grad.length);
        for (let k = 0; k < cur.grad.length; k++) {
          expect(Object.is(cur.grad[k], ref.grad[k]), `${name}, ${workers} workers: gradient ${k}: ${cur.grad[k]} vs ${ref.grad[k]}`).toBe(true);
        }
      }
    }
  });

  it('a full estimation from data.columns gives the loglik of the CSV file', async () => {
    const a = await estimate({ ...specOf({ path: files.data }), workers: 1 }, null);
    const b = await estimate({ ...specOf({ columns: numeric }), workers: 1 }, null);
    expect(a.converged).toBe(true);
    expect(b.loglik).toBe(a.loglik);
    expect(b.parameters.map((q) => q.estimate)).toEqual(a.parameters.map((q) => q.estimate));
    expect(b.parameters.map((q) => q.se)).toEqual(a.parameters.map((q) => q.se));
  });
});
