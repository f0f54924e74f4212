/**
 * `mxl`: mixed logit estimation as a library, the API of the `mxl` command.
 *
 * ```ts
 * import { prepare, estimate, formatTable, Predictor } from 'mxl';
 * const problem = await prepare(spec, { baseDir });        // load and check data and spec once
 * const result = await estimate(problem, { workers: 2 });  // the JSON `mxl estimate` writes
 * const shares = await new Predictor(problem, result).shares();
 * ```
 *
 * Re-exports, with their types: `@mxl/estimation` (spec checking, {@link prepare},
 * {@link estimate}, results and tables, model comparison, the built-in simulation),
 * `@mxl/postestimation` ({@link Predictor}: shares, elasticities, diversion ratios,
 * individual-level parameters, WTP, delta-method standard errors), `@mxl/data` (loading
 * choice data), `@mxl/batch` (batch files, local and queued runs, the bootstrap) and the
 * integration rules of `@mxl/integration`.
 *
 * @packageDocumentation
 */
export * from '@mxl/estimation';
export * from '@mxl/postestimation';
export * from '@mxl/data';
export * from '@mxl/batch';
/**
 * Both layers have a delta method: `deltaMethod` (from `@mxl/estimation`) for functions of
 * the parameters computed synchronously; `deltaMethodAsync` (the `deltaMethod` of
 * `@mxl/postestimation`) for functions that pass over the data, such as predicted shares.
 */
export { deltaMethod } from '@mxl/estimation';
export { deltaMethod as deltaMethodAsync } from '@mxl/postestimation';
export {
  createRule,
  nodesForFirstUnit,
  RULE_NAMES,
  RuleConfigError,
  type IntegrationRule,
  type NodeTable,
  type RuleConfig,
  type RuleName,
} from '@mxl/integration';
