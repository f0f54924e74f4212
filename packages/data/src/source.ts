/**
 * Where the data come from: a delimited text file, a Parquet file, an Arrow
 * IPC file or stream, or in-memory columns. A file's type is read from its
 * first bytes, not trusted from its name; every source yields the same
 * {@link Table}, so everything after reading is shared.
 */
import { closeSync, fstatSync } from 'node:fs';
import { openArrowFile } from './arrow.js';
import { columnNames, COLUMNS_NAME, readColumnsInMemory, type InMemoryColumns } from './columns.js';
import { openFile, readAt, readCsv, readCsvHeader } from './csv.js';
import { readCsvParallel } from './csv-parallel.js';
import { DataError } from './errors.js';
import { openParquetFile } from './parquet.js';
import type { DataSpec, LoadOptions } from './spec.js';
import type { Table } from './table.js';

/** An opened data source: its column names, then the requested columns. */
export interface DataSource {
  /** The name in messages: the file path, or `data.columns`. */
  readonly name: string;
  /** What it is: `csv`, `parquet`, `arrow` or `columns`. */
  readonly kind: 'csv' | 'parquet' | 'arrow' | 'columns';
  /** All column names, in order. */
  readonly header: readonly string[];
  /**
   * Reads the requested columns (a name may be in both lists). Numeric columns
   * also listed in `direct` may come back in one row-major block instead
   * (`Table.direct`; delimited text and Parquet do this, other inputs ignore it).
   */
  read(numeric: Iterable<string>, keys: Iterable<string>, direct?: readonly string[]): Promise<Table>;
  /** Releases the file. */
  close(): Promise<void>;
}

/** File types by their first bytes. */
export type FileType = 'csv' | 'parquet' | 'arrow';

const EXTENSION_TYPES: [RegExp, FileType][] = [
  [/\.parquet$|\.pq$/i, 'parquet'],
  [/\.arrows?$|\.feather$|\.ipc$/i, 'arrow'],
];

/**
 * The type of a file from its first bytes: `PAR1` (Parquet), `ARROW1` (Arrow
 * IPC file, Feather v2), `FF FF FF FF` (Arrow IPC stream); formats that are
 * recognised but not read give an error; anything else is delimited text.
 * @throws {@link DataError} for Feather v1, gzip, zip (Excel) and similar files.
 */
export function sniffFileType(path: string, head: Uint8Array): FileType {
  const ascii = (a: number, b: number) => String.fromCharCode(...head.subarray(a, b));
  if (ascii(0, 4) === 'PAR1') return 'parquet';
  if (ascii(0, 6) === 'ARROW1') return 'arrow';
  if (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return 'arrow';
  const unsupported = (what: string) => new DataError(`the file is ${what}; expected delimited text, Parquet or Arrow IPC (Feather v2)`, { file: path });
  if (ascii(0, 4) === 'FEA1') throw unsupported('Feather v1 (re-save it as Feather v2, e.g. pyarrow.feather.write_feather(df, path, version=2))');
  if (head[0] === 0x1f && head[1] === 0x8b) throw unsupported('gzip-compressed (decompress it first, e.g. gunzip)');
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) throw unsupported('zstd-compressed (decompress it first, e.g. unzstd)');
  if (ascii(0, 4) === 'PK\x03\x04') throw unsupported('a zip archive (an Excel workbook? save the sheet as CSV)');
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) throw unsupported('an old Excel/OLE document (save the sheet as CSV)');
  return 'csv';
}

/**
 * Opens the source a spec describes.
 * @throws {@link DataError} naming the file and what was expected.
 */
export async function openSource(spec: DataSpec, options: LoadOptions): Promise<DataSource> {
  if (spec.columns !== undefined) {
    if (spec.path !== undefined) throw new DataError('give either "path" (a file) or "columns" (in-memory data), not both');
    if (spec.fileType !== undefined) throw new DataError('"fileType" describes a file; in-memory "columns" have none');
    const columns = spec.columns as InMemoryColumns;
    const header = columnNames(columns);
    return {
      name: COLUMNS_NAME,
      kind: 'columns',
      header,
      read: async (numeric, keys) => readColumnsInMemory(columns, numeric, keys),
      close: async () => {},
    };
  }
  if (typeof spec.path !== 'string' || spec.path === '') {
    throw new DataError('the data spec needs "path" (the data file to read) or "columns" (in-memory data)');
  }
  const file = spec.path;
  const declared = spec.fileType;
  if (declared !== undefined && declared !== 'csv' && declared !== 'parquet' && declared !== 'arrow') {
    throw new DataError(`fileType is ${JSON.stringify(declared)}, expected "csv", "parquet" or "arrow"`, { file });
  }
  const fd = openFile(file);
  let size: number;
  const head = new Uint8Array(8);
  try {
    size = fstatSync(fd).size;
    readAt(file, fd, head, 0);
  } finally {
    closeSync(fd);
  }
  const sniffed = sniffFileType(file, head);
  const byName = EXTENSION_TYPES.find(([re]) => re.test(file))?.[1];
  const expected = declared ?? byName;
  if (expected !== undefined && expected !== sniffed) {
    const why = declared !== undefined ? `fileType is "${declared}"` : `its name ends in ${file.slice(file.lastIndexOf('.'))}`;
    const magic = expected === 'parquet' ? 'the magic bytes PAR1' : expected === 'arrow' ? 'the magic bytes ARROW1 (or an IPC stream marker)' : 'text';
    throw new DataError(
      `${why}, but the file does not start with ${magic} (it looks like ${sniffed === 'csv' ? 'delimited text or another format' : sniffed}); expected a ${expected} file`,
      { file },
    );
  }
  if (sniffed !== 'csv' && spec.delimiter !== undefined) {
    throw new DataError(`"delimiter" is for delimited text, but the file is ${sniffed}`, { file });
  }
  if (sniffed === 'parquet') {
    const src = await openParquetFile(file, size);
    return { name: file, kind: 'parquet', header: src.header, read: (n, k, d) => src.read(n, k, options.onProgress, options.workers, d), close: () => src.close() };
  }
  if (sniffed === 'arrow') {
    const src = await openArrowFile(file, size);
    return { name: file, kind: 'arrow', header: src.header, read: (n, k) => src.read(n, k, options.onProgress), close: () => src.close() };
  }
  const header = readCsvHeader(file, spec.delimiter);
  return {
    name: file,
    kind: 'csv',
    header: header.header,
    read: async (numeric, keys, direct): Promise<Table> => {
      const opts = { chunkBytes: options.chunkBytes, onProgress: options.onProgress, direct };
      const workers = options.workers;
      const parallel = workers === undefined ? header.size > 64 * 2 ** 20 : workers > 1;
      return parallel ? readCsvParallel(header, numeric, keys, { ...opts, workers }) : readCsv(header, numeric, keys, opts);
    },
    close: async () => {},
  };
}
