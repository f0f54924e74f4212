/**
 * The data sources in a browser (the `browser` field of package.json puts
 * this module in place of ./source.ts): in-memory columns only, since there
 * is no file system. A file the user picks is read into columns first
 * ({@link csvColumns} in ./csv-bytes.ts).
 */
import { columnNames, COLUMNS_NAME, readColumnsInMemory, type InMemoryColumns } from './columns.js';
import { DataError } from './errors.js';
import type { DataSpec, LoadOptions } from './spec.js';
import type { Table } from './table.js';
import type { DataSource, FileType } from './source.js';

export type { DataSource, FileType };

/** Opens in-memory columns; a path is an error here. */
export async function openSource(spec: DataSpec, _options: LoadOptions): Promise<DataSource> {
  if (spec.columns === undefined) {
    throw new DataError('in a browser the data are in-memory columns (data.columns): read the file into columns first (csvColumns), there is no file system for data.path', { file: spec.path });
  }
  if (spec.path !== undefined) throw new DataError('give either "path" (a file) or "columns" (in-memory data), not both');
  const columns = spec.columns as InMemoryColumns;
  return {
    name: COLUMNS_NAME,
    kind: 'columns',
    header: columnNames(columns),
    read: async (numeric, keys): Promise<Table> => readColumnsInMemory(columns, numeric, keys),
    close: async () => {},
  };
}

/** Files are not read in a browser. */
export function sniffFileType(path: string): FileType {
  throw new DataError('there is no file system in a browser', { file: path });
}
