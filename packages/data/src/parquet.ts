/**
 * Parquet files, decoded by parquet-wasm (the Rust arrow-rs Parquet reader
 * compiled to WebAssembly: snappy, zstd, gzip, brotli, lz4; dictionary, RLE
 * and delta encodings) one row group at a time, and only the columns used,
 * handed over as Arrow IPC and converted by {@link ColumnSink}. The file is
 * opened as a lazily read Blob (`fs.openAsBlob`), so only the column chunks
 * being decoded are in memory, never the whole file. Large files are decoded
 * by several worker threads, a share of the row groups each (./parquet-parallel.ts).
 */
import { closeSync, openAsBlob } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { ColumnSink, tableFromSinks } from './columnar.js';
import { openFile, readAt } from './csv.js';
import { DataError } from './errors.js';
import { makeSinks } from './arrow.js';
import type { LoadProgress } from './spec.js';
import type { Table } from './table.js';

type ParquetWasm = typeof import('parquet-wasm');
type ParquetFileHandle = Awaited<ReturnType<ParquetWasm['ParquetFile']['fromFile']>>;

let wasm: Promise<ParquetWasm> | null = null;
/** Loads parquet-wasm once, on first use (its WebAssembly module is 4 MB). */
function parquetWasm(): Promise<ParquetWasm> {
  wasm ??= import('parquet-wasm');
  return wasm;
}

/** An opened Parquet file: its column names and row groups, then its columns. */
export interface ParquetSource {
  readonly header: readonly string[];
  /** Rows of each row group. */
  readonly rowGroupRows: readonly number[];
  read(numeric: Iterable<string>, keys: Iterable<string>, onProgress?: (p: LoadProgress) => void): Promise<Table>;
  close(): Promise<void>;
}

/**
 * Opens a Parquet file and reads its footer.
 * @throws {@link DataError} for a truncated or corrupt file.
 */
export async function openParquetFile(path: string, size: number): Promise<ParquetSource> {
  checkFooter(path, size);
  const { ParquetFile } = await parquetWasm();
  let pf: ParquetFileHandle;
  let header: string[];
  let rowGroupRows: number[];
  try {
    pf = await ParquetFile.fromFile(await openAsBlob(path));
    header = tableFromIPC(pf.schema().intoIPCStream()).schema.fields.map((f) => f.name);
    const md = pf.metadata();
    rowGroupRows = Array.from({ length: md.numRowGroups() }, (_, g) => Number(md.rowGroup(g).numRows()));
  } catch (e) {
    throw corrupt(path, e);
  }
  let closed = false;
  return {
    header,
    rowGroupRows,
    async read(numeric, keys, onProgress) {
      const total = rowGroupRows.reduce((a, b) => a + b, 0);
      const sinks = makeSinks(path, header, numeric, keys, total);
      await readRowGroups(path, pf, sinks.map((s) => s.sink), 0, rowGroupRows.length, (rows) =>
        onProgress?.({ phase: 'read', rows, bytes: null, totalBytes: size }),
      );
      return tableFromSinks(path, header, sinks.map((s) => s.sink));
    },
    async close() {
      if (!closed) pf.free();
      closed = true;
    },
  };
}

/**
 * Decodes row groups `from .. to-1` into the sinks (one per column to read).
 * @throws {@link DataError} naming the file and row group if decoding fails.
 */
export async function readRowGroups(
  path: string,
  pf: ParquetFileHandle,
  sinks: readonly ColumnSink[],
  from: number,
  to: number,
  onRows?: (rows: number) => void,
): Promise<void> {
  const columns = sinks.map((s) => s.name);
  for (let g = from; g < to; g++) {
    let t;
    try {
      const w = await pf.read({ rowGroups: [g], columns, batchSize: 1 << 20 });
      t = tableFromIPC(w.intoIPCStream());
    } catch (e) {
      throw corrupt(path, e, g);
    }
    for (const s of sinks) {
      const child = t.getChild(s.name);
      if (!child) throw new DataError(`row group ${g} has no column "${s.name}"`, { file: path, column: s.name });
      for (const d of child.data) s.appendArrow(d);
    }
    onRows?.(sinks[0]?.length ?? 0);
  }
}

/** Opens a Parquet file in a worker (see ./parquet-worker.ts). */
export async function openParquetHandle(path: string): Promise<ParquetFileHandle> {
  const { ParquetFile } = await parquetWasm();
  try {
    return await ParquetFile.fromFile(await openAsBlob(path));
  } catch (e) {
    throw corrupt(path, e);
  }
}

/** A Parquet file ends with its footer length and `PAR1`; a file cut short does not. */
function checkFooter(path: string, size: number): void {
  const fd = openFile(path);
  try {
    const tail = new Uint8Array(8);
    const n = size >= 12 ? readAt(path, fd, tail, size - 8) : 0;
    const magic = n === 8 ? String.fromCharCode(...tail.subarray(4)) : '';
    if (magic !== 'PAR1') {
      throw new DataError('truncated or corrupt Parquet file: it does not end with the magic bytes PAR1 (was the copy or download cut short?)', {
        file: path,
      });
    }
    const footer = tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24);
    if (footer <= 0 || footer > size - 12) {
      throw new DataError(`corrupt Parquet file: its footer length ${footer} does not fit in a file of ${size} bytes`, { file: path });
    }
  } finally {
    closeSync(fd);
  }
}

function corrupt(path: string, e: unknown, rowGroup?: number): DataError {
  if (e instanceof DataError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DataError(
    `cannot decode the Parquet file${rowGroup !== undefined ? ` (row group ${rowGroup})` : ''}: ${msg} (is it truncated or corrupt?)`,
    { file: path },
  );
}
