/**
 * In-memory data for library calls (`data.columns`): an object of column name
 * -> values (Float64Array, Int32Array or any typed array, number[],
 * string[], boolean[], with null/undefined as missing), or an Apache Arrow
 * Table. A Float64Array of finite numbers is used as it is, without a copy.
 */
import { isArrowTable, makeSinks, readArrowTable, type ArrowTableLike } from './arrow.js';
import { tableFromSinks } from './columnar.js';
import { DataError, quote } from './errors.js';
import { ROW_INDEX, type NumericColumn, type Table } from './table.js';

/** One in-memory column. */
export type ColumnValues =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | readonly (number | string | boolean | null | undefined)[];

/** `data.columns`: named columns of equal length, or an Arrow Table. */
export type InMemoryColumns = Readonly<Record<string, ColumnValues>> | ArrowTableLike;

/** The name in messages. */
export const COLUMNS_NAME = 'data.columns';

/**
 * The column names of in-memory data.
 * @throws {@link DataError} if `columns` is neither an object of arrays nor an Arrow Table.
 */
export function columnNames(columns: unknown): string[] {
  if (isArrowTable(columns)) return columns.schema.fields.map((f) => f.name);
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
    throw new DataError(
      `data.columns must be an object of column name -> array (Float64Array, Int32Array, number[], string[]) or an Apache Arrow Table; received ${Array.isArray(columns) ? 'an array' : typeof columns}`,
    );
  }
  for (const [name, v] of Object.entries(columns)) {
    if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      throw new DataError(`expected an array of values (Float64Array, Int32Array, number[], string[]), found ${v === null ? 'null' : typeof v}`, {
        file: COLUMNS_NAME,
        column: name,
      });
    }
  }
  return Object.keys(columns);
}

/** Reads the requested in-memory columns into a {@link Table}. */
export function readColumnsInMemory(columns: InMemoryColumns, numeric: Iterable<string>, keys: Iterable<string>): Table {
  if (isArrowTable(columns)) return readArrowTable(COLUMNS_NAME, columns, numeric, keys);
  const header = columnNames(columns);
  const obj = columns as Readonly<Record<string, ColumnValues>>;
  const numSet = new Set(numeric);
  const keySet = new Set(keys);
  const sinks = makeSinks(COLUMNS_NAME, header, [...numSet].filter((n) => keySet.has(n) || !isFiniteF64(obj[n])), keySet);
  for (const { sink } of sinks) sink.appendValues(obj[sink.name] as ArrayLike<unknown>);
  // Float64Arrays of finite numbers are used in place (no copy)
  const direct = new Map<string, NumericColumn>();
  for (const n of numSet) if (!keySet.has(n) && isFiniteF64(obj[n])) direct.set(n, { values: obj[n] as Float64Array, bad: new Map() });
  const lengths = header.filter((n) => numSet.has(n) || keySet.has(n)).map((n) => ({ n, len: obj[n].length }));
  for (const { n, len } of lengths) {
    if (len !== lengths[0].len) {
      throw new DataError(`column ${quote(n)} has ${len} rows, expected ${lengths[0].len} as column ${quote(lengths[0].n)}`, {
        file: COLUMNS_NAME,
        column: n,
      });
    }
  }
  if (sinks.length === 0) {
    const n = lengths.length > 0 ? lengths[0].len : 0;
    if (n === 0) throw new DataError('the data have no rows (expected at least one)', { file: COLUMNS_NAME });
    return { file: COLUMNS_NAME, header, nRows: n, rows: ROW_INDEX, numeric: direct, keys: new Map() };
  }
  const t = tableFromSinks(COLUMNS_NAME, header, sinks.map((s) => s.sink));
  const numericCols = new Map(t.numeric);
  for (const [n, c] of direct) numericCols.set(n, c);
  return { ...t, numeric: numericCols };
}

function isFiniteF64(v: ColumnValues | undefined): v is Float64Array {
  if (!(v instanceof Float64Array)) return false;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x !== 0) return false;
  }
  return true;
}
