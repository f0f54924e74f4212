/**
 * `@mxl/data`: reading choice data (long or wide CSV) into the core data
 * layout, with errors that name the file, line, column and what was expected.
 *
 * @packageDocumentation
 */
export type { ChoiceData } from '@mxl/core/layout';
export { DataError, type DataErrorLocation } from './errors.js';
export { listColumns } from './csv.js';
export { loadChoiceData } from './load.js';
export type { DataSpec, LoadOptions, Variable } from './spec.js';
export { compileExpression, type CompiledExpression } from './expressions.js';
