/**
 * Writing test data as Arrow IPC (file and stream) and Parquet (parquet-wasm's
 * writer), and a tiny CSV writer, so that every input type can be compared
 * with the others. Shared by the package tests and the end-to-end tests.
 */
import { writeFileSync } from 'node:fs';
import { makeVector, Table, tableToIPC, Utf8, vectorFromArray, type Table as ArrowTable } from 'apache-arrow';
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm';

export type ParquetCompression = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD' | 'BROTLI' | 'LZ4_RAW';

/** Options of {@link parquetBytes}. */
export interface ParquetOptions {
  compression?: ParquetCompression;
  /** Rows per row group (several row groups when smaller than the table). */
  maxRowGroupSize?: number;
  /** Parquet dictionary encoding (the writer's default is on). */
  dictionary?: boolean;
}

/** An Arrow table as the bytes of a Parquet file. */
export function parquetBytes(table: ArrowTable, o: ParquetOptions = {}): Uint8Array {
  let b = new WriterPropertiesBuilder().setCompression(Compression[o.compression ?? 'SNAPPY']);
  if (o.maxRowGroupSize !== undefined) b = b.setMaxRowGroupSize(o.maxRowGroupSize);
  if (o.dictionary !== undefined) b = b.setDictionaryEnabled(o.dictionary);
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), b.build());
}

/** Writes an Arrow table as a Parquet file. */
export function writeParquetFile(path: string, table: ArrowTable, o: ParquetOptions = {}): string {
  writeFileSync(path, parquetBytes(table, o));
  return path;
}

/** Writes an Arrow table as an Arrow IPC file (Feather v2) or stream. */
export function writeArrowFile(path: string, table: ArrowTable, kind: 'file' | 'stream'): string {
  writeFileSync(path, tableToIPC(table, kind));
  return path;
}

/** A CSV cell: quoted when it holds a delimiter, a quote or a line end. */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Columns (equal lengths) as CSV text. */
export function csvText(columns: Record<string, ArrayLike<unknown>>): string {
  const names = Object.keys(columns);
  const n = columns[names[0]].length;
  const lines = [names.map(csvCell).join(',')];
  for (let i = 0; i < n; i++) lines.push(names.map((c) => csvCell(columns[c][i])).join(','));
  return lines.join('\n') + '\n';
}

/** Numeric columns (and string columns) as an Arrow table: Float64 and Utf8. */
export function arrowTableOf(columns: Record<string, Float64Array | string[]>): ArrowTable {
  const vectors: Record<string, ReturnType<typeof makeVector>> = {};
  for (const [name, v] of Object.entries(columns)) vectors[name] = Array.isArray(v) ? vectorFromArray(v, new Utf8()) : makeVector(v);
  return new Table(vectors);
}
