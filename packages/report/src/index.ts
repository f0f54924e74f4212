/**
 * `@mxl/report`: the HTML report of an estimation ({@link buildReport}), its
 * charts as Vega-Lite specs ({@link reportCharts}; browser-safe, also the
 * subpath `@mxl/report/charts` with every chart builder) and the reader of
 * the individual-level CSV of `mxl predict` ({@link parseIndividualCsv}).
 * The input shapes (the result and predict JSON) are also the subpath
 * `@mxl/report/types`.
 *
 * @packageDocumentation
 */
export { buildReport } from './html.js';
export type { ReportInput } from './html.js';
export { reportCharts } from './charts.js';
export { FULL_MATRIX_MAX, summarizeMatrix, type AltMatrixLike, type MatrixEntry, type RowSummary } from './substitution.js';
export type { ReportChart } from './charts.js';
export { parseIndividualCsv } from './individual.js';
export type {
  IndividualTable,
  ReportDistribution,
  ReportIteration,
  ReportMatrix,
  ReportParameter,
  ReportPredict,
  ReportResult,
} from './types.js';
