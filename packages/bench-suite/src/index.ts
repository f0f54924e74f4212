/**
 * `@mxl/bench-suite`: the integration-rule benchmark behind `mxl bench integration`, and the
 * estimator benchmark behind `mxl bench estimators`.
 *
 * @packageDocumentation
 */
export { runIntegrationBench, rerenderIntegrationBench, defaultElectricityPath, type IntegrationBenchOptions, type IntegrationBenchResult } from './run.js';
export { ELECTRICITY_THETA, QUICK, FULL, type SuiteConfig } from './config.js';
export { simulatePanel, trueValues, randomColumns, MAX_SIM_DIM, type SimDesign, type SimData } from './dgp.js';
export { VARIANTS, VARIANT_ORDER, quadratureLevels, levelNear, type RuleVariant } from './rules.js';
export { computeReference, evaluateRule, sweep, type LLCase, type Reference } from './ll-accuracy.js';
export { estimatorStudy, estimatorRules, runEstimation } from './estimator.js';
export { COLUMNS, toCsv, fromCsv, type Row } from './table.js';
export { writePlots, render } from './plot.js';
export { writeReport } from './report.js';
export { ESTIMATOR_VARIANTS, ESTIMATORS_FULL, ESTIMATORS_QUICK, estimatorsStudy, type EstimatorDesign, type EstimatorRow, type EstimatorsConfig, type EstimatorVariant } from './estimators-study.js';
export { estimatorsCsv, estimatorsTable, runEstimatorsBench, spreadBiasTable, type EstimatorsBenchOptions, type EstimatorsBenchResult } from './estimators-bench.js';
