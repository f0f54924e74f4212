/**
 * The messages of a parallel Parquet read: a worker's task (a run of row
 * groups and the shared columns they go into) and what it returns.
 */
import type { DataError, DataErrorLocation } from './errors.js';

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

/**
 * A task that failed with a {@link DataError}, as data: an error thrown in a
 * worker reaches this thread as a plain Error, without its class and location.
 */
export interface RowGroupFailure {
  readonly failure: { readonly detail: string; readonly where: DataErrorLocation };
}
