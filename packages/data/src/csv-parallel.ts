/**
 * Parallel reading of a large delimited file, in two passes over byte ranges
 * of fixed size (32 MiB) shared out to worker threads (piscina):
 *
 * Ranges are submitted a few at a time ahead of the join (./ordered-tasks.ts).
 *
 * 1. count: each worker finds, from the first line start in its range, where
 *    the range's records end and how many there are;
 * 2. parse: each worker writes its range's columns straight into the final
 *    columns (SharedArrayBuffers), at the row offset the counts gave, so the
 *    data are written once and never copied or joined.
 *
 * A worker's first line start is a record start unless that newline is inside
 * a quoted field. The counts are checked in file order: range i+1 is taken only
 * if it started exactly where the count of range i stopped; otherwise it is
 * counted again from there, on this thread. Identifier codes are then mapped
 * to first appearance in the whole file and line numbers shifted, so the table
 * is the one a single sequential read gives, whatever the number of workers.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DEFAULT_CHUNK_BYTES, recordLayout, toTable, type CsvHeader, type CsvReadOptions } from './csv.js';
import { count, type CountResult, type CountTask, type ParseResult, type ParseTask } from './csv-worker.js';
import { DataError } from './errors.js';
import { OrderedTasks } from './ordered-tasks.js';
import { LineMap, type Table } from './table.js';

/** Default byte range per task. */
export const DEFAULT_RANGE_BYTES = 32 << 20;

/** Options of {@link readCsvParallel}. */
export interface ParallelReadOptions extends CsvReadOptions {
  /** Worker threads (default: the number of cores). */
  workers?: number;
  /** Bytes per range (tests use small ranges). */
  rangeBytes?: number;
}

/** The compiled worker (next to this file in dist; from src under a test runner, the built one). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./csv-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../dist/csv-worker.js', import.meta.url));
}

/**
 * Reads the requested columns of a delimited file with several worker threads.
 * Same result and errors as {@link readCsv}; the columns live in SharedArrayBuffers.
 */
export async function readCsvParallel(
  src: CsvHeader,
  numeric: Iterable<string>,
  keys: Iterable<string>,
  options: ParallelReadOptions = {},
): Promise<Table> {
  const layout = recordLayout(src, numeric, keys, options.direct);
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const rangeBytes = Math.max(1, Math.floor(options.rangeBytes ?? DEFAULT_RANGE_BYTES));
  const chunkBytes = Math.max(1, Math.floor(options.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  const { file, size } = src;
  const counts: CountTask[] = [];
  for (let from = src.bodyStart; from < size || counts.length === 0; from += rangeBytes) {
    counts.push({ kind: 'count', file, layout, from, exact: counts.length === 0, limit: Math.min(size, from + rangeBytes), size, chunkBytes });
  }
  const pool = new Piscina({ filename: workerFile(), minThreads: 1, maxThreads: Math.min(workers, counts.length), idleTimeout: 1000 });
  const window = 2 * workers;
  const countTasks = new OrderedTasks<CountResult>(pool, counts, window);
  let parseTasks: OrderedTasks<ParseResult> | null = null;
  try {
    // 1. counts, checked in file order
    const ranges: { start: number; stop: number; rows: number; base: number; lineBase: number }[] = [];
    let expected = src.bodyStart;
    let lineBase = 2;
    let total = 0;
    // a count that reads every field reports errors; a fast count (no quote in the range) does not,
    // so an error found by a count is thrown only after the ranges before it are parsed
    let countError: DataError | null = null;
    for (let i = 0; i < counts.length; i++) {
      let r = await countTasks.get(i);
      if (r.start !== expected) r = count({ ...counts[i], from: expected, exact: true, limit: Math.max(expected, counts[i].limit) });
      if (r.error) {
        countError = rangeError(file, r.error, lineBase);
        break;
      }
      ranges.push({ start: r.start, stop: r.stop, rows: r.rows, base: total, lineBase });
      total += r.rows;
      lineBase += r.lines;
      expected = r.stop;
      options.onProgress?.({ phase: 'scan', bytes: r.stop, totalBytes: size, rows: total });
    }
    // 2. parses into the shared columns; a range whose count was an upper bound (blank lines)
    //    may fill less than its slot, and is then moved left (in place) as the ranges are joined
    const K = layout.directFields?.length ?? 0;
    const cols = {
      numeric: layout.numericFields.map(() => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, total)))),
      block: K > 0 ? new Float64Array(new SharedArrayBuffer(8 * Math.max(1, total) * K)) : null,
      codes: layout.keyFields.map(() => new Int32Array(new SharedArrayBuffer(4 * Math.max(1, total)))),
    };
    const parses = ranges.filter((r) => r.rows > 0);
    parseTasks = new OrderedTasks<ParseResult>(
      pool,
      parses.map((r): ParseTask => ({ kind: 'parse', file, layout, start: r.start, stop: r.stop, size, chunkBytes, ...cols, base: r.base, rows: r.rows })),
      window,
    );
    const join = new Join(cols, layout.numericFields.length + K, K);
    for (let i = 0; i < parses.length; i++) {
      const r = await parseTasks.get(i);
      if (r.error) throw rangeError(file, r.error, parses[i].lineBase);
      join.add(r, parses[i].base, parses[i].lineBase);
      options.onProgress?.({ phase: 'read', bytes: parses[i].stop, totalBytes: size, rows: join.nRows });
    }
    if (countError) throw countError;
    const n = join.nRows;
    return toTable(src, layout, {
      nRows: n,
      numeric: cols.numeric.map((a) => a.subarray(0, n)),
      block: cols.block,
      codes: cols.codes.map((a) => a.subarray(0, n)),
      bad: join.bad,
      labels: join.labels,
      lines: join.lines,
    });
  } catch (e) {
    await countTasks.settle();
    await parseTasks?.settle();
    throw e;
  } finally {
    await pool.destroy();
  }
}

function rangeError(file: string, e: NonNullable<CountResult['error']>, lineBase: number): DataError {
  return new DataError(e.detail, {
    file,
    ...(e.line !== undefined ? { line: e.line + lineBase } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
  });
}

/**
 * Joins the ranges in file order: maps each range's identifier codes to first
 * appearance in the file and moves its rows next to the previous range's (in
 * place); gathers bad cells and lines.
 */
class Join {
  readonly labels: string[][];
  readonly bad: Map<number, string>[];
  readonly lines = new LineMap();
  private readonly index: Map<string, number>[];
  private n = 0;

  constructor(
    private readonly cols: { numeric: Float64Array[]; block: Float64Array | null; codes: Int32Array[] },
    nNumeric: number,
    /** Columns of the block. */
    private readonly K: number,
  ) {
    this.labels = cols.codes.map(() => []);
    this.index = cols.codes.map(() => new Map());
    this.bad = Array.from({ length: nNumeric }, () => new Map());
  }

  /** Rows joined so far. */
  get nRows(): number {
    return this.n;
  }

  /** Adds the range parsed into rows `slot .. slot + r.rows - 1`. */
  add(r: ParseResult, slot: number, lineBase: number): void {
    const base = this.n;
    const rows = r.rows;
    r.labels.forEach((local, k) => {
      const remap = new Int32Array(local.length);
      const index = this.index[k];
      const labels = this.labels[k];
      let identity = true;
      for (let j = 0; j < local.length; j++) {
        let g = index.get(local[j]);
        if (g === undefined) {
          g = labels.length;
          index.set(local[j], g);
          labels.push(local[j]);
        }
        remap[j] = g;
        if (g !== j) identity = false;
      }
      if (!identity) remapCodes(this.cols.codes[k], remap, slot, slot + rows);
    });
    if (slot !== base) {
      for (const a of this.cols.numeric) a.copyWithin(base, slot, slot + rows);
      for (const a of this.cols.codes) a.copyWithin(base, slot, slot + rows);
      const b = this.cols.block;
      const K = this.K;
      if (b) b.copyWithin(base * K, slot * K, (slot + rows) * K);
    }
    r.bad.forEach((map, k) => map.forEach((text, row) => this.bad[k].set(row + base, text)));
    this.lines.append(r.lineRows, r.lineOffsets, base, lineBase);
    this.n = base + rows;
  }
}

/** codes[i] = remap[codes[i]] for i in [a, b). */
function remapCodes(codes: Int32Array, remap: Int32Array, a: number, b: number): void {
  for (let i = a; i < b; i++) codes[i] = remap[codes[i]];
}
