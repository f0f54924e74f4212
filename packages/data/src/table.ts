/**
 * The columns a load reads, whatever the input (delimited text, Parquet, Arrow
 * IPC, in-memory columns): one entry per data row, numbers in Float64Arrays,
 * identifiers as interned codes. Everything after reading (derived columns,
 * the filter, the long and wide layouts) works on a {@link Table} only, so
 * every input gets the same checks and the same numbers.
 */
import type { DataErrorLocation } from './errors.js';
import { NumberCodes } from './number-codes.js';

/** A column read as numbers. Unusable cells hold NaN and their text is kept in `bad`. */
export interface NumericColumn {
  /** One value per data row; NaN where the cell was empty, null or not a finite number. */
  readonly values: Float64Array;
  /** Data row index -> original text (or `null`), for every cell stored as NaN. */
  readonly bad: ReadonlyMap<number, string | null>;
}

/** A column read as identifiers (ids, situations, alternatives, choice codes). */
export interface KeyColumn {
  /** One code per data row, indexing `labels`. */
  readonly codes: Int32Array;
  /** The distinct (trimmed) cell texts in order of first appearance; a null cell is `''`. */
  readonly labels: readonly string[];
}

/**
 * Where data row `row` (0-based, after the header) came from, for messages:
 * a 1-based line of a text file, or a 0-based row index of a columnar input.
 */
export interface RowLocator {
  /** What {@link RowLocator.index} counts: file lines (1-based, header = 1) or row indices (0-based). */
  readonly unit: 'line' | 'row';
  /** The line or row index of data row `row`. */
  index(row: number): number;
  /** The location fields of data row `row`. */
  at(row: number): Pick<DataErrorLocation, 'line' | 'row'>;
}

/** The requested columns of a data source, one entry per data row. */
export interface Table {
  /** The source's name in messages: the file path, or `data.columns`. */
  readonly file: string;
  /** All column names of the source, in order. */
  readonly header: readonly string[];
  /** Number of data rows (empty lines skipped). */
  readonly nRows: number;
  /** Maps data rows to file lines or row indices. */
  readonly rows: RowLocator;
  /** Columns read as numbers, by name. */
  readonly numeric: ReadonlyMap<string, NumericColumn>;
  /** Columns read as identifiers, by name. */
  readonly keys: ReadonlyMap<string, KeyColumn>;
  /**
   * Numeric columns read straight into one row-major block instead (when the
   * load asked for it and the reader can): the model's X when every data row
   * takes part, so the variables are never held as columns and never copied.
   */
  readonly direct?: DirectBlock;
}

/** Columns read into a row-major block: row r, column d at `X[r·names.length + d]`. */
export interface DirectBlock {
  /** The columns' names, in block order. */
  readonly names: readonly string[];
  /** nRows × names.length values (NaN where a cell was unusable). */
  readonly X: Float64Array;
  /** Per column: data row -> text (or null) of every value stored as NaN. */
  readonly bad: readonly ReadonlyMap<number, string | null>[];
}

/** Rows of a columnar input: messages name the 0-based row index. */
export const ROW_INDEX: RowLocator = {
  unit: 'row',
  index: (row) => row,
  at: (row) => ({ row }),
};

/**
 * Lines of a text file, stored as breakpoints rather than one number per row:
 * from data row `rows[i]` on, line = row + `offsets[i]`. A plain file (no
 * blank lines, no multi-line records) has one breakpoint whatever its size.
 */
export class LineMap implements RowLocator {
  private rowAt: Int32Array = new Int32Array(16);
  private offsetAt: Int32Array = new Int32Array(16);
  private n = 0;

  /** Records that data row `row` is on file line `line` (rows in increasing order). */
  set(row: number, line: number): void {
    const off = line - row;
    if (this.n > 0 && this.offsetAt[this.n - 1] === off) return;
    if (this.n === this.rowAt.length) {
      this.rowAt = grow(this.rowAt, this.n * 2);
      this.offsetAt = grow(this.offsetAt, this.n * 2);
    }
    this.rowAt[this.n] = row;
    this.offsetAt[this.n] = off;
    this.n++;
  }

  /** The breakpoints (rows, and line - row from each on). */
  breakpoints(): { rows: Int32Array; offsets: Int32Array } {
    return { rows: this.rowAt.slice(0, this.n), offsets: this.offsetAt.slice(0, this.n) };
  }

  /** Appends breakpoints of a map whose rows start at `rowBase` and lines at `lineBase` (for joining ranges). */
  append(rows: Int32Array, offsets: Int32Array, rowBase: number, lineBase: number): void {
    for (let i = 0; i < rows.length; i++) this.set(rows[i] + rowBase, rows[i] + offsets[i] + lineBase);
  }

  /** 1-based file line of data row `row`. */
  line(row: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rowAt[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return row + (this.n > 0 ? this.offsetAt[lo] : 2);
  }

  readonly unit = 'line';

  index(row: number): number {
    return this.line(row);
  }

  at(row: number): { line: number } {
    return { line: this.line(row) };
  }
}

/** A growable Int32Array. */
export class I32Builder {
  private buf: Int32Array;
  private n = 0;
  constructor(capacity = 64) {
    this.buf = new Int32Array(Math.max(1, capacity));
  }
  get length(): number {
    return this.n;
  }
  push(v: number): void {
    if (this.n === this.buf.length) this.buf = grow(this.buf, this.n * 2);
    this.buf[this.n++] = v;
  }
  /** The values, trimmed to length (no copy when the capacity was exact). */
  finish(): Int32Array {
    return this.n === this.buf.length ? this.buf : this.buf.slice(0, this.n);
  }
}

/** A copy of `a` with capacity `n` (at least a.length). */
export function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T {
  const len = Math.max(Math.ceil(n), a.length + 1);
  // a shared array stays shared
  const out = (
    a.buffer instanceof SharedArrayBuffer
      ? new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(len * a.BYTES_PER_ELEMENT))
      : new (a.constructor as new (n: number) => T)(len)
  ) as T;
  out.set(a as never);
  return out;
}

/**
 * Interns labels as codes in order of first appearance (for columnar inputs).
 * A label that arrives as a number is kept as the number, and its string
 * (`String(v)`) made only when the labels are asked for: an integer id column
 * of a million individuals costs a table of a million codes
 * ({@link NumberCodes}), not a million strings, until the end. A number and a
 * string that read the same (`7` and `"7"`) share one code.
 */
export class StringInterner {
  /** The labels as strings, as far as made (a label that arrived as a number is made when asked for). */
  private readonly strings: (string | undefined)[] = [];
  /** Each code's number, NaN for a label that arrived as a string. */
  private values = new Float64Array(64);
  /** Codes given. */
  private count = 0;
  private readonly map = new Map<string, number>();
  private readonly numbers = new NumberCodes();
  private stringBorn = 0;
  private lastNumber = NaN;
  private lastNumberCode = -1;
  private materialized = 0;

  /** The labels as strings, in code order. */
  get labels(): string[] {
    // room for every label at once (a million labels appended one by one cost half as much again);
    // not for tens of millions, where V8 would turn the array into a dictionary
    if (this.count - this.strings.length > 1024 && this.count <= 1 << 24) this.strings.length = this.count;
    for (let c = this.materialized; c < this.count; c++) this.strings[c] ??= String(this.values[c]);
    this.materialized = this.count;
    return this.strings as string[];
  }

  /** The labels' numbers when every label arrived as a number, else null. */
  numericLabels(): Float64Array | null {
    return this.stringBorn === 0 ? this.values.slice(0, this.count) : null;
  }

  /** A new code, for a label that arrived as the number `v` (NaN: as a string). */
  private add(v: number): number {
    if (this.count === this.values.length) this.values = grow(this.values, 2 * this.count);
    this.values[this.count] = v;
    return this.count++;
  }

  /** The code of a number's label (`String(v)`), with a cache of the last one. */
  codeOfNumber(v: number): number {
    if (v === this.lastNumber) return this.lastNumberCode;
    let c = this.numbers.get(v);
    if (c < 0) {
      const s = this.map.size > 0 ? this.map.get(String(v)) : undefined;
      c = s ?? this.add(v);
      this.numbers.set(v, c);
    }
    this.lastNumber = v;
    this.lastNumberCode = c;
    return c;
  }

  /**
   * Writes the codes of `values[0 .. len-1]` (numbers, e.g. an integer id
   * column) to `out` from index `at` on, as {@link StringInterner.codeOfNumber} would.
   */
  codesOfNumbers(values: ArrayLike<number>, len: number, out: Int32Array, at: number): void {
    this.numbers.fill(values, len, out, at, this.missing);
  }

  /** The code of a number not in the table (codeOfNumber's path for a new number). */
  private readonly missing = (v: number): number => this.codeOfNumber(v);

  /** The code of `s` (trimmed), adding it if new. */
  code(s: string): number {
    const t = s.trim();
    let c = this.map.get(t);
    if (c === undefined) {
      if (this.numbers.size > 0 && t !== '') {
        const v = Number(t);
        const n = String(v) === t ? this.numbers.get(v) : -1;
        if (n >= 0) {
          this.map.set(t, n);
          return n;
        }
      }
      c = this.add(NaN);
      this.strings[c] = t;
      this.stringBorn++;
      this.map.set(t, c);
    }
    return c;
  }
}

/**
 * Data row indices in order (each at most once), stored only once they stop
 * being 0, 1, 2, ...: with no filter and no unavailable row the index is the
 * identity and costs no memory ({@link RowIndexBuilder.finish} gives null).
 */
export class RowIndexBuilder {
  private buf: Int32Array | null = null;
  private n = 0;
  constructor(private readonly capacity: number) {}
  get length(): number {
    return this.n;
  }
  push(row: number): void {
    if (this.buf === null) {
      if (row === this.n) {
        this.n++;
        return;
      }
      this.buf = new Int32Array(Math.max(this.capacity, this.n + 1));
      for (let i = 0; i < this.n; i++) this.buf[i] = i;
    }
    if (this.n === this.buf.length) this.buf = grow(this.buf, this.n * 2);
    this.buf[this.n++] = row;
  }
  /** The indices, or null for 0 .. length-1. */
  finish(): Int32Array | null {
    return this.buf === null ? null : this.buf.subarray(0, this.n);
  }
}
