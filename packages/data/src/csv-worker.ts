/**
 * The worker of a parallel read (piscina). Two kinds of task over one byte
 * range of a delimited file: `count` finds where the range's records end and
 * how many there are (all fields skipped); `parse` writes the range's columns
 * straight into the read's shared columns at the row offset the counts gave.
 */
import { closeSync } from 'node:fs';
import { openFile, readAt } from './csv.js';
import { parseRange, type RangeResult } from './csv-range.js';
import type { RecordLayout } from './csv-records.js';

/** Counting the records of a range. */
export interface CountTask {
  readonly kind: 'count';
  readonly file: string;
  readonly layout: RecordLayout;
  /** Nominal range start; the worker starts at the first line start at or after it (at it, if `exact`). */
  readonly from: number;
  readonly exact: boolean;
  readonly limit: number;
  readonly size: number;
  readonly chunkBytes: number;
}

/** What a count task returns. */
export interface CountResult {
  /** Where counting started. */
  readonly start: number;
  readonly stop: number;
  /** Rows of the range; an upper bound (blank lines are counted) when `exact` is false. */
  readonly rows: number;
  readonly exact: boolean;
  readonly lines: number;
  readonly error: RangeResult['error'];
}

/** Parsing a range whose records are known, into shared columns. */
export interface ParseTask {
  readonly kind: 'parse';
  readonly file: string;
  readonly layout: RecordLayout;
  readonly start: number;
  readonly stop: number;
  readonly size: number;
  readonly chunkBytes: number;
  /** The read's columns (SharedArrayBuffers), and this range's first row and row count in them. */
  readonly numeric: Float64Array[];
  readonly block: Float64Array | null;
  readonly codes: Int32Array[];
  readonly base: number;
  readonly rows: number;
}

/** What a parse task returns: the range's own labels (its codes are local), bad cells and lines. */
export interface ParseResult {
  /** Rows parsed (at most the count: blank lines were counted). */
  readonly rows: number;
  readonly labels: string[][];
  readonly bad: Map<number, string>[];
  readonly lineRows: Int32Array;
  readonly lineOffsets: Int32Array;
  readonly error: RangeResult['error'];
}

/** Runs one task. */
export default function run(task: CountTask | ParseTask): CountResult | ParseResult {
  return task.kind === 'count' ? count(task) : parse(task);
}

/**
 * Counts the records of a range. A range without any quote has one record per
 * non-blank line, and its lines are counted four bytes at a time; a range with
 * quotes is parsed with every field skipped.
 */
export function count(task: CountTask): CountResult {
  const start = task.exact ? task.from : firstLineStart(task.file, task.from, task.size);
  const limit = Math.max(start, task.limit);
  const fast = countLines(task.file, start, limit, task.size, task.chunkBytes);
  if (fast) return { start, ...fast, exact: false, error: null };
  const skipAll: RecordLayout = { ...task.layout, numericFields: [], keyFields: [], directFields: [] };
  const r = parseRange(task.file, skipAll, start, limit, task.size, task.chunkBytes);
  return { start, stop: r.stop, rows: r.columns.nRows, exact: true, lines: r.lines, error: r.error };
}

/**
 * Lines from `start` to the first line start at or after `limit`, or null if
 * a quote occurs there. Rows: the newlines, plus a last line without one.
 */
function countLines(file: string, start: number, limit: number, size: number, chunkBytes: number): { stop: number; rows: number; lines: number } | null {
  if (start >= limit) return { stop: start, rows: 0, lines: 0 };
  const fd = openFile(file);
  try {
    const buf = new Uint8Array(Math.max(64, Math.min(chunkBytes, limit - start + 64)) & ~3);
    const words = new Uint32Array(buf.buffer);
    let lf = 0;
    let pos = start;
    let last = -1;
    for (;;) {
      const n = readAt(file, fd, buf, pos);
      if (n === 0) return { stop: size, rows: lf + (last !== 10 && pos > start ? 1 : 0), lines: lf };
      // before the limit, every byte; after it, up to the first newline
      let upto = n;
      if (pos + n > limit) {
        const from = Math.max(0, limit - 1 - pos);
        const nl = buf.subarray(from, n).indexOf(10);
        upto = nl >= 0 ? from + nl + 1 : n;
      }
      const full = upto >> 2;
      for (let w = 0; w < full; w++) {
        const x = words[w];
        const l = x ^ 0x0a0a0a0a;
        const q = x ^ 0x22222222;
        // high bit of each zero byte (exact, no borrow between bytes)
        const lz = ~(((l & 0x7f7f7f7f) + 0x7f7f7f7f) | l) & 0x80808080;
        const qz = ~(((q & 0x7f7f7f7f) + 0x7f7f7f7f) | q) & 0x80808080;
        if (qz !== 0) return null;
        if (lz !== 0) lf += Math.imul(lz >>> 7, 0x01010101) >>> 24;
      }
      for (let i = full << 2; i < upto; i++) {
        const c = buf[i];
        if (c === 34) return null;
        if (c === 10) lf++;
      }
      last = buf[upto - 1];
      pos += upto;
      if (pos >= size) return { stop: size, rows: lf + (last !== 10 ? 1 : 0), lines: lf };
      if (pos > limit && last === 10) return { stop: pos, rows: lf, lines: lf };
      if (pos === limit && last === 10) return { stop: pos, rows: lf, lines: lf };
    }
  } finally {
    closeSync(fd);
  }
}

/** Parses a range into the shared columns. */
export function parse(task: ParseTask): ParseResult {
  const target = { numeric: task.numeric, block: task.block, codes: task.codes, base: task.base, rows: task.rows };
  const r = parseRange(task.file, task.layout, task.start, task.stop, task.size, task.chunkBytes, target);
  const c = r.columns;
  if (!r.error && (c.nRows > task.rows || r.stop !== task.stop)) {
    throw new Error(`internal: a range of ${task.file} parsed to ${c.nRows} rows ending at ${r.stop}, counted ${task.rows} ending at ${task.stop}`);
  }
  const { rows, offsets } = c.lines.breakpoints();
  return { rows: c.nRows, labels: c.labels, bad: c.bad, lineRows: rows, lineOffsets: offsets, error: r.error };
}

/**
 * The first offset >= `from` whose previous byte is a newline, or `size`
 * (quotes are ignored here: the caller checks that it is a record start).
 */
export function firstLineStart(file: string, from: number, size: number): number {
  const fd = openFile(file);
  try {
    const buf = new Uint8Array(1 << 16);
    let pos = from - 1;
    while (pos < size) {
      const n = readAt(file, fd, buf, pos);
      if (n === 0) break;
      const i = buf.subarray(0, n).indexOf(10);
      if (i >= 0) return pos + i + 1;
      pos += n;
    }
    return size;
  } finally {
    closeSync(fd);
  }
}
