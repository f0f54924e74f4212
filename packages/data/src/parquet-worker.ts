/**
 * The worker of a parallel Parquet read (piscina): decodes a run of row groups
 * straight into the read's shared columns, at the rows the file's metadata
 * gives them, and returns what is not in the columns: its identifier labels
 * (its codes are its own) and the rows of unusable values.
 */
import { decodeRowGroups, openParquetHandle } from './parquet.js';

/** One task: row groups `from .. to-1`, whose first row is `base`. */
export interface RowGroupTask {
  readonly file: string;
  readonly from: number;
  readonly to: number;
  readonly base: number;
  /** The columns to read, with their shared arrays (one or both). */
  readonly columns: readonly RowGroupColumn[];
}

/** A column of a task: where its numbers go (row r at r·stride + offset) and its codes. */
export interface RowGroupColumn {
  readonly name: string;
  readonly numeric: Float64Array | null;
  readonly codes: Int32Array | null;
  readonly stride: number;
  readonly offset: number;
}

/**
 * What a task returns, per column (in the task's order): the labels of its
 * codes, as numbers when they all arrived as numbers (no strings to copy
 * between threads), else as strings; null for a column not read as identifiers.
 */
export interface RowGroupResult {
  readonly labels: (Float64Array | readonly string[] | null)[];
  readonly bad: Map<number, string | null>[];
}

/** Decodes the task's row groups. */
export default async function run(task: RowGroupTask): Promise<RowGroupResult> {
  const pf = await openParquetHandle(task.file);
  try {
    return await decodeRowGroups(pf, task);
  } finally {
    pf.free();
  }
}
