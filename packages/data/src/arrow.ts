/**
 * Apache Arrow inputs: IPC files (Feather v2, `.arrow`/`.feather`) and IPC
 * streams, read one record batch at a time (only the batch being converted
 * is in memory, never the whole file), and Arrow tables handed over in memory.
 * Conversion by {@link ColumnSink}, with apache-arrow (the project's own
 * JavaScript implementation) doing the decoding.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { RecordBatchReader, type Data } from 'apache-arrow';
import { ColumnSink, tableFromSinks } from './columnar.js';
import { DataError } from './errors.js';
import { headerIndex } from './csv.js';
import type { LoadProgress } from './progress.js';
import type { Table } from './table.js';

/** The minimal shape of an Arrow table (duck-typed, so any copy of apache-arrow works). */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): { readonly data: readonly Data[] } | null;
  readonly numRows: number;
}

/** Whether `x` looks like an Apache Arrow Table. */
export function isArrowTable(x: unknown): x is ArrowTableLike {
  const t = x as ArrowTableLike;
  return typeof x === 'object' && x !== null && typeof t.getChild === 'function' && Array.isArray(t.schema?.fields);
}

/** An opened Arrow IPC file or stream: its column names, then its columns. */
export interface ArrowSource {
  readonly header: readonly string[];
  read(numeric: Iterable<string>, keys: Iterable<string>, onProgress?: (p: LoadProgress) => void): Promise<Table>;
  close(): Promise<void>;
}

/**
 * Opens an Arrow IPC file (or stream) and reads its schema.
 * @throws {@link DataError} if the file cannot be opened or is not valid Arrow IPC.
 */
export async function openArrowFile(path: string, size: number): Promise<ArrowSource> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new DataError(`cannot open the file: ${(e as Error).message}`, { file: path });
  }
  let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
  try {
    reader = await RecordBatchReader.from(fh);
    await reader.open();
  } catch (e) {
    await fh.close();
    throw corrupt(path, e);
  }
  const header = reader.schema.fields.map((f) => f.name);
  return {
    header,
    async read(numeric, keys, onProgress) {
      const sinks = makeSinks(path, header, numeric, keys);
      let rows = 0;
      try {
        for await (const batch of reader as AsyncIterable<{ numRows: number; getChildAt(i: number): { data: readonly Data[] } | null }>) {
          for (const { sink, index } of sinks) for (const d of batch.getChildAt(index)!.data) sink.appendArrow(d);
          rows += batch.numRows;
          onProgress?.({ phase: 'read', rows, bytes: null, totalBytes: size });
        }
      } catch (e) {
        if (e instanceof DataError) throw e;
        throw corrupt(path, e);
      }
      return tableFromSinks(path, header, sinks.map((s) => s.sink));
    },
    async close() {
      await fh.close();
    },
  };
}

/** Reads the requested columns of an in-memory Arrow table. */
export function readArrowTable(name: string, table: ArrowTableLike, numeric: Iterable<string>, keys: Iterable<string>): Table {
  const header = table.schema.fields.map((f) => f.name);
  const sinks = makeSinks(name, header, numeric, keys, table.numRows);
  for (const { sink } of sinks) for (const d of table.getChild(sink.name)!.data) sink.appendArrow(d);
  return tableFromSinks(name, header, sinks.map((s) => s.sink));
}

/** One sink per requested column (a column may be both numeric and a key). */
export function makeSinks(
  file: string,
  header: readonly string[],
  numeric: Iterable<string>,
  keys: Iterable<string>,
  capacity = 1024,
): { sink: ColumnSink; index: number }[] {
  const num = new Set(numeric);
  const key = new Set(keys);
  const names = [...new Set([...num, ...key])];
  return names.map((n) => ({ sink: new ColumnSink(file, n, num.has(n), key.has(n), capacity), index: headerIndex(file, header, n) }));
}

function corrupt(path: string, e: unknown): DataError {
  return new DataError(
    `not a readable Arrow IPC (Feather v2) file: ${(e as Error).message ?? String(e)} (is it truncated or corrupt?)`,
    { file: path },
  );
}
