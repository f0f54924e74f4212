/**
 * `@mxl/data`: reading choice data (long or wide; delimited text, Parquet,
 * Arrow IPC or in-memory columns) into the core data layout, with errors that
 * name the file, line (or row), column and what was expected.
 *
 * @packageDocumentation
 */
export type { ChoiceData } from '@mxl/core';
export { DataError, type DataErrorLocation } from './errors.js';
export { listColumns } from './list-columns.js';
export { loadChoiceData } from './load.js';
export { DATA_SPEC_KEYS, type DataSpec, type LoadOptions, type LoadProgress, type Variable } from './spec.js';
export type { ColumnValues, InMemoryColumns } from './columns.js';
export type { ArrowTableLike } from './arrow.js';
export { compileExpression, type CompiledExpression } from './expressions.js';
