/**
 * The worker of a parallel Parquet read (piscina): decodes a run of row groups
 * straight into the read's shared columns, at the rows the file's metadata
 * gives them, and returns what is not in the columns: its identifier labels
 * (its codes are its own) and the rows of unusable values.
 */
import { DataError } from './errors.js';
import { decodeRowGroups, openParquetHandle } from './parquet.js';
import type { RowGroupFailure, RowGroupResult, RowGroupTask } from './parquet-tasks.js';

export type { RowGroupColumn, RowGroupFailure, RowGroupResult, RowGroupTask } from './parquet-tasks.js';

/** Decodes the task's row groups; a {@link DataError} comes back as data (see {@link RowGroupFailure}). */
export default async function run(task: RowGroupTask): Promise<RowGroupResult | RowGroupFailure> {
  try {
    const file = await openParquetHandle(task.file);
    try {
      return await decodeRowGroups(file, task);
    } finally {
      file.close();
    }
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return { failure: { detail: e.detail, where: { file: e.file, line: e.line, row: e.row, column: e.column } } };
  }
}
