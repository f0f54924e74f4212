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
export { DATA_SPEC_KEYS, type DataSpec, type LoadedChoiceData, type LoadedExtras, type LoadOptions, type LoadProgress, type SituationColumn, type SituationColumnRole, type Variable } from './spec.js';
export type { ColumnValues, InMemoryColumns } from './columns.js';
export type { ArrowTableLike } from './arrow.js';
export type { Substitution } from './frame.js';
export { compileExpression, type CompiledExpression } from './expressions.js';
export { csvColumns, type CsvColumns } from './csv-bytes.js';
// for tools that write a data set back (mxl simulate): the header of a delimited file, and a source's records
export { headerIndex, readCsvHeader, type CsvHeader } from './csv.js';
export { openSource, type DataSource } from './source.js';
