/**
 * `@mxl/estimation`: from a spec to estimates. The public surface:
 *
 * - the spec: {@link readSpec}, {@link checkSpec} and its sections' checkers, their types;
 * - {@link prepare} (data, model, rule) and {@link estimate} (MSL, MSM, MSS), the pieces
 *   of an estimation that post-estimation and the benchmarks reuse ({@link engineFor},
 *   {@link defaultStart}, {@link resample}, ...);
 * - results: {@link formatTable}, {@link compareResults}, derived and implied quantities;
 * - the built-in example ({@link simulate});
 * - the errors: {@link SpecError} and {@link EstimationError}, both {@link UserError}s, and {@link AbortError}.
 *
 * @packageDocumentation
 */
export { AbortError, didYouMean, EstimationError, show, SpecError, UserError } from './errors.js';
export {
  checkData,
  checkIntegration,
  checkModel,
  checkOptimizer,
  checkSpec,
  DISTRIBUTIONS,
  ESTIMATORS,
  SE_METHODS,
  type CheckedSpec,
  type DistName,
  type EstimatorName,
  type IntegrationSpec,
  type ModelSpec,
  type OptimizerSpec,
  type RandomSpec,
  type ReflectionMode,
  type SeMethod,
} from './spec.js';
export { buildModel, dataColumns, modelCharacteristics, signNormalization, type ColumnSource, type ModelDesign, type ParamInfo } from './model.js';
export { covariance, type Covariance, type InferenceInput } from './inference.js';
export { distinctOptima, fmt, formatTable, pValue, type EstimationResult, type IterationRecord, type ParameterResult } from './results.js';
export { estimate, recordHistory, VERSION, type EstimateOptions } from './estimate.js';
export { jsonErrorWhere, prepare, readSpec, resample, type Prepared, type PrepareOptions, type SpecLocation } from './prepare.js';
export { engineFor, negLogLik, nullLogLik, restrictProblem, scoreColumns } from './problem.js';
export { defaultStart, mnlEstimates, perturbedStarts } from './starts.js';
export { EXAMPLE_INTEGRATION, exampleSpec, simulate, simulateText, simulationSpec, TRUTH, type SimulationOptions } from './simulate.js';
export { classShares, correlationQuantities, deltaMethod, type DerivedResult } from './derived.js';
export { compareResults, formatComparison, type ComparableResult, type Comparison, type LrTest } from './compare.js';
export { checkReflections, describeChange, judgeReflections, NOISE_SE, reflect, reflectionsOf, reflectionWarning, type Reflection, type ReflectionCheck, type ReflectionVerdict } from './reflections.js';
export { formatSimulationError, randomizations, SCRAMBLES, simulationError, simulationWarning, summarize, type SimulationError } from './simulation-error.js';
export { describeSampler, simulatedScores, type SamplerSummary } from './mss.js';
export { reportedValue } from './scale-model.js';
export { impliedDistributions, type ImpliedDistribution } from './implied.js';
export { loadVariant, type Variant, type VariantOptions } from './variant.js';
export { checkHb, type HbSpec } from './hb/spec.js';
export { estimateHb, ESS_MIN, RHAT_MAX, type HbSummary } from './hb/estimate.js';
export { combineHbChains, type ChainResult } from './hb/combine.js';
export { effectiveSampleSize, splitRhat } from './hb/diagnostics.js';
export { drawInvWishart } from './hb/wishart.js';
export type { PosteriorSummary } from './hb/summary.js';
