/**
 * Parsing one byte range of a delimited file, the unit of work of a parallel
 * read: from a record start `start`, every record that starts before `limit`
 * (the last one may run past it). Lines are counted from 0 at `start`; the
 * caller adds the line of `start` once it knows it.
 */
import { estimateRows, streamRecords } from './csv.js';
import { RecordParser, type ParsedColumns, type RecordLayout } from './csv-records.js';
import { DataError } from './errors.js';

/** What {@link parseRange} returns. */
export interface RangeResult {
  /** The columns (line numbers relative: the line of `start` is 0). */
  readonly columns: ParsedColumns;
  /** Offset of the first line start at or after `limit` (in this range's parse), or the file size. */
  readonly stop: number;
  /** Newlines consumed between `start` and `stop`. */
  readonly lines: number;
  /** A problem found in the range (relative line), reported only if the range turns out to start at a record. */
  readonly error: { detail: string; line?: number; column?: string } | null;
}

/** Where a range's rows go: a parallel read's shared columns, from row `base` on. */
export interface RangeTarget {
  readonly numeric: Float64Array[];
  readonly block: Float64Array | null;
  readonly codes: Int32Array[];
  readonly base: number;
  readonly rows: number;
}

/**
 * Parses the records of `file` starting in `[start, limit)`.
 * @param size - The file's size.
 * @param chunkBytes - Bytes per read.
 * @param target - Write into these columns instead of new ones.
 */
export function parseRange(
  file: string,
  layout: RecordLayout,
  start: number,
  limit: number,
  size: number,
  chunkBytes: number,
  target?: RangeTarget,
): RangeResult {
  try {
    const { parser, stop } = streamRecords(file, start, limit, size, chunkBytes, (first, n) =>
      new RecordParser(layout, 0, target ? 0 : estimateRows(first, n, limit - start), target),
    );
    return { columns: parser.result(), stop, lines: parser.nextLine, error: null };
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    const error = { detail: e.detail, line: e.line, column: e.column };
    return { columns: new RecordParser({ ...layout, numericFields: [], keyFields: [], directFields: [] }, 0, 1).result(), stop: -1, lines: 0, error };
  }
}
