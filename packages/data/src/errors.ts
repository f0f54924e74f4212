/**
 * The error type of `@mxl/data`: every problem with a data file or a data spec
 * is reported as a {@link DataError} whose message names the file, the line
 * (1-based, the header being line 1) or the row (0-based, in columnar inputs),
 * the column and what was expected.
 */

import { UserError } from '@mxl/errors';

/** Where a {@link DataError} happened; every field is optional. */
export interface DataErrorLocation {
  /** Path of the data file, as given in the spec. */
  file?: string;
  /** 1-based line in the file; the header is line 1, the first data row line 2. */
  line?: number;
  /** 0-based row index in a columnar input (Parquet, Arrow, in-memory columns), which has no lines. */
  row?: number;
  /** Name of the column (or derived column) concerned. */
  column?: string;
}

/**
 * A problem with input data or with the data spec.
 *
 * The message starts with the location (`file, line N, column "c": `, or
 * `file, row N, column "c": ` with a 0-based row index for columnar inputs) followed
 * by what is wrong and what was expected; the same location is available as
 * the `file`, `line` and `column` properties.
 */
export class DataError extends UserError {
  /** Path of the data file, if the error concerns one. */
  readonly file?: string;
  /** 1-based line (header = line 1), if the error concerns one line. */
  readonly line?: number;
  /** 0-based row index of a columnar input, if the error concerns one row. */
  readonly row?: number;
  /** Column name, if the error concerns one column. */
  readonly column?: string;
  /** What is wrong and what was expected, without the location. */
  readonly detail: string;

  /**
   * @param detail - What is wrong and what was expected (without the location).
   * @param where - File, line and column, prepended to the message.
   */
  constructor(detail: string, where: DataErrorLocation = {}) {
    super(formatLocation(where) + detail);
    this.name = 'DataError';
    this.detail = detail;
    if (where.file !== undefined) this.file = where.file;
    if (where.line !== undefined) this.line = where.line;
    if (where.row !== undefined) this.row = where.row;
    if (where.column !== undefined) this.column = where.column;
  }
}

function formatLocation(where: DataErrorLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.column !== undefined) parts.push(`column "${where.column}"`);
  return parts.length > 0 ? parts.join(', ') + ': ' : '';
}

/** Quotes a cell value for a message, shortening very long ones. */
export function quote(value: string): string {
  const v = value.length > 40 ? value.slice(0, 37) + '...' : value;
  return JSON.stringify(v);
}

/** Lists names for a message: `"a", "b", "c"`, cut after `max` names. */
export function listNames(names: readonly string[], max = 30): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n)).join(', ');
  return names.length > max ? `${shown}, ... (${names.length} in all)` : shown;
}
