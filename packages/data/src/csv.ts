/**
 * Delimited text files (CSV, TSV, `;`-separated): the header, and the
 * streaming read of the requested columns into a {@link Table}.
 *
 * The file is read in bounded chunks (8 MiB by default) and never held whole:
 * memory is that of the typed columns read, whatever the file's size. The
 * records are parsed by {@link RecordParser}; large files are split at line
 * boundaries and parsed by several worker threads (see ./csv-parallel.ts),
 * with the same result to the last bit for any number of workers.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataError, listNames, quote } from './errors.js';
import { RecordParser, type ParsedColumns, type RecordLayout } from './csv-records.js';
import type { LoadProgress } from './progress.js';
import type { KeyColumn, NumericColumn, Table } from './table.js';
import { parseHeader } from './csv-header.js';

export { DETECTED_DELIMITERS, detectDelimiter } from './csv-header.js';

/** Default chunk size of the streaming read. */
export const DEFAULT_CHUNK_BYTES = 8 << 20;

/** A delimited file whose header has been read. */
export interface CsvHeader {
  /** Path as given. */
  readonly file: string;
  /** Column names, trimmed. */
  readonly header: readonly string[];
  /** The field delimiter in use. */
  readonly delimiter: string;
  /** Byte offset where the line after the header starts. */
  readonly bodyStart: number;
  /** File size in bytes. */
  readonly size: number;
}

/** Options of {@link readCsv}. */
export interface CsvReadOptions {
  /** Bytes read per chunk (tests use tiny chunks to exercise the boundaries). */
  chunkBytes?: number;
  /** Called after each chunk. */
  onProgress?: (p: LoadProgress) => void;
  /** Numeric columns to read into one row-major block (Table.direct) instead of columns. */
  direct?: readonly string[];
}

/**
 * Reads the header line of a delimited file: the column names and the
 * delimiter. Only the first line is read, so this is cheap on large files.
 * @param delimiter - The field delimiter; detected from the header line when absent.
 * @throws {@link DataError} if the file is missing, unreadable or empty.
 */
export function readCsvHeader(path: string, delimiter?: string): CsvHeader {
  const fd = openFile(path);
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(65536);
    let total = 0;
    let nl = -1;
    for (;;) {
      const n = readAt(path, fd, buf, total);
      if (n === 0) break;
      const chunk = Buffer.from(buf.subarray(0, n));
      nl = chunk.indexOf(10);
      if (nl >= 0) {
        chunks.push(chunk.subarray(0, nl));
        nl += total;
        break;
      }
      chunks.push(chunk);
      total += n;
    }
    let bytes = Buffer.concat(chunks);
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const { header, delimiter: d } = parseHeader(path, bytes.toString('utf8'), delimiter);
    return { file: path, header, delimiter: d, bodyStart: nl < 0 ? size : nl + 1, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams the body of a delimited file and converts the requested columns.
 *
 * Numeric cells are parsed exactly (`Number()` semantics); an empty cell, a
 * non-number, or a non-finite literal (`Inf`, `NaN`, ...) is stored as NaN and
 * its text kept in {@link NumericColumn.bad}, so the caller can decide whether
 * the row matters (a filtered-out or unavailable row may hold anything) and
 * report the cell with its line.
 * @param numeric - Names of the columns to read as numbers (must be in the header).
 * @param keys - Names of the columns to read as identifiers (must be in the header).
 * @throws {@link DataError} on a row with the wrong number of fields, malformed
 *   quoting, a duplicated header name among the requested ones, or no data rows.
 */
export function readCsv(src: CsvHeader, numeric: Iterable<string>, keys: Iterable<string>, options: CsvReadOptions = {}): Table {
  const layout = recordLayout(src, numeric, keys, options.direct);
  const { parser } = streamRecords(
    src.file,
    src.bodyStart,
    Infinity,
    src.size,
    options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    (first, n) => new RecordParser(layout, 2, estimateRows(first, n, src.size - src.bodyStart)),
    (pos, p) => options.onProgress?.({ phase: 'read', bytes: pos, totalBytes: src.size, rows: p.nRows }),
  );
  return toTable(src, layout, parser.result());
}

/**
 * Streams the records of `file` from the record start `start` through a
 * parser, `chunkBytes` at a time: a record cut by a chunk's end is kept and
 * parsed whole with the next chunk (the buffer grows when one record is
 * longer than it). Stops after the records starting before `limit`.
 * @param makeParser - Makes the parser from the first chunk (to size its columns).
 * @param onChunk - Called after each chunk with the file offset read up to.
 * @returns The parser, and where parsing stopped: the first line start at or
 *   after `limit` (in the parse's own view of quoting), or the file's size.
 * @throws {@link DataError} from the parser (a malformed record) or the file.
 */
export function streamRecords(
  file: string,
  start: number,
  limit: number,
  size: number,
  chunkBytes: number,
  makeParser: (first: Uint8Array, n: number) => RecordParser,
  onChunk?: (pos: number, parser: RecordParser) => void,
): { parser: RecordParser; stop: number } {
  const chunk = Math.max(1, Math.floor(Math.min(chunkBytes, Math.max(0, limit - start) + 65536)));
  const fd = openFile(file);
  try {
    let buf = new Uint8Array(Math.max(chunk, 16));
    let filled = 0;
    let bufStart = start; // file offset of buf[0]
    let pos = start;
    let parser: RecordParser | null = null;
    for (;;) {
      const n = readAt(file, fd, buf.subarray(filled), pos, chunk);
      pos += n;
      const end = filled + n;
      const final = n === 0 || pos >= size;
      parser ??= makeParser(buf, end);
      const used = parser.parse(buf, 0, end, final, limit - bufStart);
      onChunk?.(pos, parser);
      if (final || bufStart + used >= limit) return { parser, stop: Math.min(bufStart + used, size) };
      // keep the cut record for the next round; grow when one record exceeds the buffer
      filled = end - used;
      buf.copyWithin(0, used, end);
      bufStart += used;
      if (buf.length - filled < chunk) {
        const bigger = new Uint8Array(Math.max(buf.length * 2, filled + chunk));
        bigger.set(buf.subarray(0, filled));
        buf = bigger;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The fields to read, checked against the header. */
export function recordLayout(src: CsvHeader, numeric: Iterable<string>, keys: Iterable<string>, direct: readonly string[] = []): RecordLayout {
  const dir = new Set(direct);
  const numNames = [...new Set(numeric)].filter((n) => !dir.has(n));
  const keyNames = [...new Set(keys)];
  return {
    file: src.file,
    header: src.header,
    delimiter: src.delimiter,
    numericFields: numNames.map((n) => headerIndex(src.file, src.header, n)),
    keyFields: keyNames.map((n) => headerIndex(src.file, src.header, n)),
    directFields: direct.map((n) => headerIndex(src.file, src.header, n)),
  };
}

/** Wraps parsed columns as a {@link Table}. */
export function toTable(src: CsvHeader, layout: RecordLayout, cols: ParsedColumns): Table {
  const n = cols.nRows;
  if (n === 0) {
    throw new DataError('the file has a header but no data rows (expected at least one row after the header)', {
      file: src.file,
      line: 2,
    });
  }
  const numeric = new Map<string, NumericColumn>();
  layout.numericFields.forEach((f, k) =>
    numeric.set(src.header[f], { values: cols.numeric[k].subarray(0, n), bad: cols.bad[k] }),
  );
  const keys = new Map<string, KeyColumn>();
  layout.keyFields.forEach((f, k) => keys.set(src.header[f], { codes: cols.codes[k].subarray(0, n), labels: cols.labels[k] }));
  const dir = layout.directFields ?? [];
  const nc = layout.numericFields.length;
  const direct =
    dir.length > 0 ? { names: dir.map((f) => src.header[f]), X: cols.block!.subarray(0, n * dir.length), bad: cols.bad.slice(nc, nc + dir.length) } : undefined;
  return { file: src.file, header: src.header, nRows: n, rows: cols.lines, numeric, keys, ...(direct ? { direct } : {}) };
}

/**
 * Rows expected in `total` bytes, from the newlines in the first `n` bytes,
 * with a margin (unused capacity is never touched, so it costs no memory).
 */
export function estimateRows(buf: Uint8Array, n: number, total: number): number {
  let lines = 0;
  if (n >= total) {
    for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
    return lines + 1;
  }
  n = Math.min(n, 1 << 20); // a sample is enough
  for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  const perByte = (lines + 1) / Math.max(1, n);
  return Math.ceil(total * perByte * 1.15) + 1024;
}

/** Returns the header index of a column, or throws a missing-column error naming the available ones. */
export function headerIndex(file: string, header: readonly string[], name: string): number {
  const first = header.indexOf(name);
  if (first < 0) {
    throw new DataError(`column ${quote(name)} not found; available columns: ${listNames(header)}`, { file, column: name });
  }
  const second = header.indexOf(name, first + 1);
  if (second >= 0) {
    throw new DataError(
      `the header names column ${quote(name)} twice (fields ${first + 1} and ${second + 1}); expected unique names`,
      { file, line: 1, column: name },
    );
  }
  return first;
}

/** Opens a file for reading, with the file's errors as {@link DataError}. */
export function openFile(path: string): number {
  try {
    const fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return fd;
  } catch (e) {
    throw fileError(path, e);
  }
}

/** Reads up to `max` bytes (default: as many as fit) at `pos`. */
export function readAt(path: string, fd: number, buf: Uint8Array, pos: number, max = buf.length): number {
  try {
    let total = 0;
    const want = Math.min(max, buf.length);
    while (total < want) {
      const n = readSync(fd, buf, total, want - total, pos + total);
      if (n === 0) break;
      total += n;
    }
    return total;
  } catch (e) {
    throw fileError(path, e);
  }
}

/** A file-system error as a {@link DataError}. */
export function fileError(path: string, e: unknown): DataError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new DataError('file not found (expected an existing data file)', { file: path });
  if (code === 'EISDIR') return new DataError('is a directory, expected a data file', { file: path });
  return new DataError(`cannot read the file: ${(e as Error).message}`, { file: path });
}
