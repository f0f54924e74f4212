/**
 * `@mxl/postestimation`: post-estimation of an estimated model. The entry
 * point is {@link Predictor} (predicted shares, scenarios, elasticities,
 * diversion ratios, individual-level parameters, WTP, each with delta-method
 * or Krinsky-Robb uncertainty); beside it the building blocks that work on a
 * population at given parameters, the delta method for any statistic, and
 * the simulation of choices from a fitted model: what the other packages,
 * the tests and the README use. The pass machinery (passes, tangent passes,
 * the worker pool) stays inside the package.
 *
 * @packageDocumentation
 */
export { PostEstimationError } from './errors.js';
export { Predictor } from './predictor.js';
export type {
  Bands,
  GroupReport,
  MatrixReport,
  PredictorOptions,
  ReportOptions,
  ResultLike,
  ScenarioReport,
  SharesWithBands,
  WithGroups,
  WtpReport,
} from './predictor.js';
export type { AltMatrix, SharesReport } from './reports.js';
export type { Interval } from './uncertainty.js';
export type { IndividualParameters } from './individual.js';
export { parseChange } from './scenario.js';
export type { Change } from './scenario.js';
export { population } from './population.js';
export type { Population } from './population.js';
export type { AffineCoefficients } from './affine.js';
export { predict, shares } from './shares.js';
export type { Predictions, Shares } from './shares.js';
export { variableColumns } from './variables.js';
export type { VariableColumns } from './variables.js';
export { wtpDistribution } from './wtp.js';
export type { WtpDistribution } from './wtp.js';
export { deltaMethod } from './delta.js';
export { simulateChoices, writeSimulatedData } from './simulate.js';
export type { SimulateChoicesOptions, SimulatedChoices, SimulatedFile, SimulationResultLike } from './simulate.js';
