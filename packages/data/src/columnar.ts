/**
 * Columns that arrive already split into values (Apache Arrow data from an
 * Arrow IPC or Parquet file, or a caller's arrays) turned into a
 * {@link Table}: numbers into Float64Arrays, identifiers into codes, with the
 * same conventions as delimited text. A null, NaN or infinite value in a
 * numeric column is stored as NaN and reported only where the row matters;
 * strings in a numeric column are parsed as a text cell would be; booleans
 * are 1 and 0.
 */
import { type Data, DataType, makeVector, Precision, Type } from 'apache-arrow';
import { DataError, quote } from './errors.js';
import { parseNumberCell } from './numbers.js';
import { grow, type KeyColumn, type NumericColumn, ROW_INDEX, StringInterner, type Table } from './table.js';

/** The Arrow types a column may have, in words, for messages. */
const ACCEPTED = 'integers, floats, booleans or strings (plain or dictionary-encoded)';

/** Receives one column's values chunk by chunk and keeps them as numbers or codes. */
export class ColumnSink {
  private numeric: Float64Array | null = null;
  private codes: Int32Array | null = null;
  /** Row index (in the column arrays) -> text, or null for a null, of every value stored as NaN. */
  readonly bad = new Map<number, string | null>();
  /** The labels of the codes written (a read on one thread takes it as the column's). */
  readonly interner = new StringInterner();
  private n: number;
  private readonly base: number;
  private readonly fixed: boolean;
  /** Row i's number goes to numeric[i·stride + offset] (a column: 1, 0; a row-major block: K, d). */
  private readonly stride: number;
  private readonly offset: number;

  /**
   * @param file - Source name for messages.
   * @param name - Column name.
   * @param asNumber - Read as numbers.
   * @param asKey - Read as identifiers.
   * @param capacity - Expected number of rows (grows beyond it).
   * @param target - Arrays to write into from row `base` on, instead of new ones (a parallel
   *   read's shared columns); codes are then this sink's own (see {@link ColumnSink.labels}).
   */
  constructor(
    readonly file: string,
    readonly name: string,
    readonly asNumber: boolean,
    readonly asKey: boolean,
    capacity = 1024,
    target?: { numeric: Float64Array | null; codes: Int32Array | null; base: number; stride?: number; offset?: number },
  ) {
    this.fixed = target !== undefined;
    this.stride = target?.stride ?? 1;
    this.offset = target?.offset ?? 0;
    this.base = target?.base ?? 0;
    this.n = this.base;
    if (target) {
      this.numeric = asNumber ? target.numeric : null;
      this.codes = asKey ? target.codes : null;
    } else {
      if (asNumber) this.numeric = new Float64Array(Math.max(1, capacity));
      if (asKey) this.codes = new Int32Array(Math.max(1, capacity));
    }
  }

  /** Rows received. */
  get length(): number {
    return this.n - this.base;
  }

  /** The labels of the codes written, in order of first appearance. */
  get labels(): readonly string[] {
    return this.interner.labels;
  }

  /** The labels as numbers when they all arrived as numbers, else null. */
  numericLabels(): Float64Array | null {
    return this.interner.numericLabels();
  }

  /** Appends one Arrow data chunk (any offset; nulls allowed). */
  appendArrow(data: Data): void {
    const len = data.length;
    this.reserve(len);
    const type = data.type;
    const nulls = data.nullCount > 0;
    const base = this.n;
    const typeId = type.typeId as Type;
    if (typeId === Type.Int || typeId === Type.Float) {
      const half = DataType.isFloat(type) && type.precision === Precision.HALF;
      const values = typedValues(data);
      if (half) {
        // Float16 has no typed array: take the decoded values
        const vec = arrowVector(data);
        for (let i = 0; i < len; i++) this.put(base + i, nulls && !data.getValid(i) ? null : (vec.get(i) as number));
      } else if (!nulls) {
        this.putTyped(values, len, base);
      } else if (typeof values[0] === 'bigint' || (len > 0 && values instanceof BigInt64Array) || values instanceof BigUint64Array) {
        for (let i = 0; i < len; i++) this.put(base + i, nulls && !data.getValid(i) ? null : (values[i] as bigint));
      } else {
        for (let i = 0; i < len; i++) this.put(base + i, nulls && !data.getValid(i) ? null : (values[i] as number));
      }
    } else if (typeId === Type.Bool) {
      const vec = arrowVector(data);
      for (let i = 0; i < len; i++) this.put(base + i, nulls && !data.getValid(i) ? null : (vec.get(i) as boolean));
    } else if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) {
      const vec = arrowVector(data);
      for (let i = 0; i < len; i++) this.put(base + i, nulls && !data.getValid(i) ? null : (vec.get(i) as string));
    } else if (typeId === Type.Dictionary) {
      const dict = data.dictionary;
      const dictType = dict?.type.typeId as Type | undefined;
      if (!dict || (dictType !== Type.Utf8 && dictType !== Type.LargeUtf8 && dictType !== Type.Int && dictType !== Type.Float)) {
        throw this.typeError(String(type));
      }
      const words: (string | number | bigint | null)[] = [];
      for (let j = 0; j < dict.length; j++) words.push(dict.get(j) as string | number | bigint | null);
      const idx = typedValues(data) as ArrayLike<number>;
      for (let i = 0; i < len; i++) this.put(base + i, nulls && !data.getValid(i) ? null : words[idx[i]]);
    } else if (typeId === Type.Null) {
      for (let i = 0; i < len; i++) this.put(base + i, null);
    } else {
      throw this.typeError(String(type));
    }
    this.n = base + len;
  }

  /**
   * Appends one chunk of numbers without nulls, as {@link ColumnSink.appendArrow}
   * appends an integer or floating-point Arrow chunk with those values and no
   * nulls (a Parquet column chunk read from WebAssembly memory, ./parquet-ffi.ts).
   * @param values - The values (viewed, not kept).
   */
  appendTyped(values: TypedArray): void {
    const len = values.length;
    this.reserve(len);
    const base = this.n;
    this.putTyped(values, len, base);
    this.n = base + len;
  }

  /** Rows `base .. base+len-1` from values without nulls (room reserved by the caller). */
  private putTyped(values: TypedArray, len: number, base: number): void {
    if (typeof values[0] === 'bigint' || (len > 0 && values instanceof BigInt64Array) || values instanceof BigUint64Array) {
      for (let i = 0; i < len; i++) this.put(base + i, values[i] as bigint);
    } else if (this.numeric && !this.codes && this.stride === 1 && isNumberArray(values)) {
      // a typed array: one conversion by set(), then a check of the doubles (integers are finite)
      const out = this.numeric;
      out.set(values.subarray(0, len), base);
      if (values instanceof Float64Array || values instanceof Float32Array) {
        for (let i = base; i < base + len; i++) {
          const v = out[i];
          if (v - v !== 0) this.put(i, v);
        }
      }
    } else if (this.numeric && !this.codes) {
      this.putStrided(values as ArrayLike<number>, len, base); // into a row-major block
    } else if (this.codes && !this.numeric) {
      this.interner.codesOfNumbers(values as ArrayLike<number>, len, this.codes, base);
    } else {
      for (let i = 0; i < len; i++) this.put(base + i, values[i] as number);
    }
  }

  /** Rows `base .. base+len-1` of a row-major block from numbers without nulls. */
  private putStrided(values: ArrayLike<number>, len: number, base: number): void {
    const out = this.numeric!;
    const stride = this.stride;
    let o = base * stride + this.offset;
    for (let i = 0; i < len; i++, o += stride) {
      const v = values[i];
      if (v - v === 0) out[o] = v;
      else this.put(base + i, v);
    }
  }

  /**
   * Appends plain values (a caller's array).
   * @param values - Numbers, strings, booleans, bigints, null/undefined (missing).
   */
  appendValues(values: ArrayLike<unknown>): void {
    const len = values.length;
    this.reserve(len);
    const base = this.n;
    for (let i = 0; i < len; i++) {
      const v = values[i];
      if (v === null || v === undefined) this.put(base + i, null);
      else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') this.put(base + i, v);
      else {
        throw new DataError(
          `row ${base + i} holds ${Array.isArray(v) ? 'an array' : `a value of type ${typeof v}`}; expected a number, a string, a boolean or null`,
          { file: this.file, column: this.name, row: base + i },
        );
      }
    }
    this.n = base + len;
  }

  /** The numeric column (trimmed to length). */
  numericColumn(): NumericColumn {
    return { values: this.numeric!.subarray(0, this.n), bad: this.bad };
  }

  /** The key column (trimmed to length). */
  keyColumn(): KeyColumn {
    return { codes: this.codes!.subarray(0, this.n), labels: this.interner.labels };
  }

  private put(i: number, v: number | string | boolean | bigint | null): void {
    if (this.numeric) {
      let x: number;
      if (v === null) {
        x = NaN;
        this.bad.set(i, null);
      } else if (typeof v === 'number') {
        x = v;
        if (x - x !== 0) {
          this.bad.set(i, String(v));
          x = NaN;
        }
      } else if (typeof v === 'boolean') x = v ? 1 : 0;
      else if (typeof v === 'bigint') x = Number(v);
      else {
        x = parseNumberCell(v);
        if (x !== x) this.bad.set(i, v);
      }
      this.numeric[i * this.stride + this.offset] = x;
    }
    if (this.codes) {
      let c: number;
      if (v === null) c = this.interner.code('');
      else if (typeof v === 'number') c = this.interner.codeOfNumber(v);
      else c = this.interner.code(String(v));
      this.codes[i] = c;
    }
  }

  private reserve(extra: number): void {
    const need = this.n + extra;
    if (this.fixed) {
      const cap = this.codes ? this.codes.length : Math.floor((this.numeric!.length - this.offset - 1) / this.stride) + 1;
      if (need > cap) throw new Error(`internal: column ${this.name} of ${this.file} has more rows than its metadata says`);
      return;
    }
    if (this.numeric && this.numeric.length < need) this.numeric = grow(this.numeric, Math.max(need, this.numeric.length * 1.5)) as Float64Array;
    if (this.codes && this.codes.length < need) this.codes = grow(this.codes, Math.max(need, this.codes.length * 1.5)) as Int32Array;
  }

  private typeError(type: string): DataError {
    return new DataError(`the column has type ${type}; expected ${ACCEPTED} (cast it to a number or a string)`, {
      file: this.file,
      column: this.name,
    });
  }
}

/** An Arrow vector over one data chunk (for `get`). */
function arrowVector(data: Data): { get(i: number): unknown } {
  return makeVector(data);
}

/** The typed arrays an Arrow data chunk keeps its values in. */
export type TypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** Whether the values are numbers (not 64-bit integers as bigints). */
function isNumberArray(v: TypedArray): v is Exclude<TypedArray, BigInt64Array | BigUint64Array> {
  return !(v instanceof BigInt64Array || v instanceof BigUint64Array);
}

/** The values buffer of a numeric or dictionary-index data chunk. */
function typedValues(data: Data): TypedArray {
  const v: unknown = data.values;
  if (!isTypedArray(v)) throw new TypeError(`Arrow data of type ${String(data.type)} has no typed values buffer`);
  return v;
}

/**
 * Builds a {@link Table} from column sinks of equal length.
 * @param locator - How rows are named in messages (row indices for columnar inputs).
 */
export function tableFromSinks(file: string, header: readonly string[], sinks: readonly ColumnSink[], locator = ROW_INDEX): Table {
  const n = sinks.length > 0 ? sinks[0].length : 0;
  for (const s of sinks) {
    if (s.length !== n) {
      throw new DataError(`column ${quote(s.name)} has ${s.length} rows, expected ${n} as column ${quote(sinks[0].name)}`, {
        file,
        column: s.name,
      });
    }
  }
  if (n === 0) throw new DataError('the data have no rows (expected at least one)', { file });
  const numeric = new Map<string, NumericColumn>();
  const keys = new Map<string, KeyColumn>();
  for (const s of sinks) {
    if (s.asNumber) numeric.set(s.name, s.numericColumn());
    if (s.asKey) keys.set(s.name, s.keyColumn());
  }
  return { file, header, nRows: n, rows: locator, numeric, keys };
}
