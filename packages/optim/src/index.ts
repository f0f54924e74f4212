/**
 * `@mxl/optim`: optimizers for maximum simulated likelihood.
 *
 * - {@link minimize}: BFGS / L-BFGS with a strong Wolfe line search
 *   (Nocedal & Wright 2006), BHHH (Berndt, Hall, Hall & Hausman 1974) and a
 *   dogleg trust region on a BFGS model (Byrd, Nocedal & Schnabel 1994).
 * - {@link multistart}: several starts, best result.
 * - {@link checkOptions}: validation of a JSON `optimizer` section.
 * - Linear algebra for inference: {@link choleskySolve}, {@link invertSPD},
 *   {@link pinvSymmetric}, {@link invertSymmetric}; {@link numericalHessian}.
 *
 * @packageDocumentation
 */
export type {
  Problem,
  ScoresResult,
  Method,
  InitialHessian,
  TerminationCode,
  IterationInfo,
  MinimizeOptions,
  MinimizeResult,
} from './types.js';
export { OptionError, checkOptions, DEFAULT_OPTIONS, METHODS, INITIAL_HESSIANS, type CheckedOptions } from './options.js';
export { minimize } from './driver.js';
export { multistart } from './multistart.js';
export { minimizeWithFallback, FALLBACK_CHAIN, FALLBACK_ON, type Attempt } from './fallback.js';
export { numericalHessian, DEFAULT_HESSIAN_STEP, type GradientFunction } from './hessian.js';
export {
  choleskyDecompose,
  choleskySolve,
  choleskySolveFactor,
  invertSPD,
  invertSymmetric,
  jacobiEigen,
  pinvSymmetric,
  solveGeneral,
} from './linalg.js';
export { outerProductOfScores } from './bhhh.js';
export {
  LineSearch,
  WOLFE_C1,
  WOLFE_C2,
  DEFAULT_LINE_SEARCH,
  cubicMinimizer,
  quadraticMinimizer,
  type LineSearchResult,
  type LineSearchStatus,
  type LineSearchParams,
  type Objective,
} from './line-search.js';
