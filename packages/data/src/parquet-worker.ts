/**
 * The worker of a parallel Parquet read (piscina): decodes a run of row groups
 * straight into the read's shared columns, at the rows the file's metadata
 * gives them, and returns what is not in the columns: its identifier labels
 * (its codes are its own) and the rows of unusable values.
 */
import { decodeRowGroups, openParquetHandle } from './parquet.js';
import type { RowGroupResult, RowGroupTask } from './parquet-tasks.js';

export type { RowGroupColumn, RowGroupResult, RowGroupTask } from './parquet-tasks.js';

/** Decodes the task's row groups. */
export default async function run(task: RowGroupTask): Promise<RowGroupResult> {
  const file = await openParquetHandle(task.file);
  try {
    return await decodeRowGroups(file.pf, task);
  } finally {
    file.close();
  }
}
