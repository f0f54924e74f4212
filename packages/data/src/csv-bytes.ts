/**
 * Delimited text held in memory (a file the user picked in a browser, bytes
 * from a request) read into in-memory columns for `data.columns`: no file
 * system, so the browser can use it. The records are parsed by the same
 * {@link RecordParser} as files, so every number is the one the file reader
 * gives, to the last bit. A column whose every cell is a number (or empty)
 * becomes a Float64Array (NaN where empty); any other column an array of its
 * texts.
 */
import { parseHeader } from './csv-header.js';
import { RecordParser, type ParsedColumns } from './csv-records.js';
import { DataError, quote } from './errors.js';

/** What {@link csvColumns} returns. */
export interface CsvColumns {
  /** Column names, in order. */
  header: string[];
  /** Data rows. */
  rows: number;
  /** Every column: numbers, or texts. */
  columns: Record<string, Float64Array | string[]>;
}

/**
 * Reads delimited text (UTF-8 bytes, header line first) into columns.
 * @param options.name - The name in messages (default `data.csv`).
 * @param options.delimiter - The field delimiter (default: detected from the header).
 * @throws {@link DataError} naming the line for malformed records, duplicated names or no rows.
 */
export function csvColumns(bytes: Uint8Array, options: { name?: string; delimiter?: string } = {}): CsvColumns {
  const file = options.name ?? 'data.csv';
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nl = bytes.indexOf(10, start);
  const { header, delimiter } = parseHeader(file, new TextDecoder().decode(bytes.subarray(start, nl < 0 ? bytes.length : nl)), options.delimiter);
  header.forEach((n, i) => {
    const j = header.indexOf(n);
    if (j !== i) throw new DataError(`the header names column ${quote(n)} twice (fields ${j + 1} and ${i + 1}); expected unique names`, { file, line: 1, column: n });
  });
  const body = bytes.subarray(nl < 0 ? bytes.length : nl + 1);
  const parse = (numericFields: number[], keyFields: number[]): ParsedColumns => {
    const parser = new RecordParser({ file, header, delimiter, numericFields, keyFields }, 2, 1024);
    parser.parse(body, 0, body.length, true);
    return parser.result();
  };
  const all = header.map((_, i) => i);
  const nums = parse(all, []);
  const n = nums.nRows;
  if (n === 0) throw new DataError('the file has a header but no data rows (expected at least one row after the header)', { file, line: 2 });
  // a column with a cell that is neither a number nor empty is text
  const text = all.filter((f) => [...nums.bad[f].values()].some((s) => s.trim() !== ''));
  const columns: Record<string, Float64Array | string[]> = {};
  for (const f of all) if (!text.includes(f)) columns[header[f]] = nums.numeric[f].slice(0, n);
  if (text.length > 0) {
    const keys = parse([], text);
    text.forEach((f, k) => {
      const codes = keys.codes[k], labels = keys.labels[k];
      columns[header[f]] = Array.from({ length: n }, (_, r) => labels[codes[r]]);
    });
  }
  // the header's order
  return { header, rows: n, columns: Object.fromEntries(header.map((h) => [h, columns[h]])) };
}
