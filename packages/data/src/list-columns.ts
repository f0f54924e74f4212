/** The column names of a data source, without reading its rows. */
import { openSource } from './source.js';
import type { DataSpec } from './spec.js';

/**
 * Reads the column names of a data file (delimited text: the header line;
 * Parquet and Arrow: the schema), e.g. for checking a spec against it.
 * @param path - The data file.
 * @param delimiter - Delimited text: the field delimiter; detected from the header line when absent.
 * @throws {@link DataError} if the file is missing, empty or unreadable.
 */
export async function listColumns(path: string, delimiter?: string): Promise<string[]> {
  const spec: DataSpec = { path, choice: '', ...(delimiter !== undefined ? { delimiter } : {}) };
  const source = await openSource(spec, { variables: [] });
  try {
    return [...source.header];
  } finally {
    await source.close();
  }
}
