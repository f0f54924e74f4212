/**
 * The worker of a parallel Parquet read (piscina): decodes a run of row groups
 * straight into the read's shared columns, at the rows the file's metadata
 * gives them, and returns what is not in the columns: its identifier labels
 * (its codes are its own) and the rows of unusable values.
 */
import { ColumnSink } from './columnar.js';
import { openParquetHandle, readRowGroups } from './parquet.js';

/** One task: row groups `from .. to-1`, whose first row is `base`. */
export interface RowGroupTask {
  readonly file: string;
  readonly from: number;
  readonly to: number;
  readonly base: number;
  /** The columns to read, with their shared arrays (one or both). */
  readonly columns: readonly { name: string; numeric: Float64Array | null; codes: Int32Array | null }[];
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
    const sinks = task.columns.map(
      (c) => new ColumnSink(task.file, c.name, c.numeric !== null, c.codes !== null, 0, { numeric: c.numeric, codes: c.codes, base: task.base }),
    );
    await readRowGroups(task.file, pf, sinks, task.from, task.to);
    return { labels: sinks.map((s) => (s.asKey ? (s.numericLabels() ?? s.labels) : null)), bad: sinks.map((s) => s.bad) };
  } finally {
    pf.free();
  }
}
