/**
 * Public types of `@mxl/optim`: the problem to minimize, the options, the
 * per-iteration trace and the result.
 *
 * The layout follows Optim.jl: a method is a small configuration, the state of
 * a run is allocated once, one generic driver loop runs every method, and the
 * result carries a termination code and call counts.
 *
 * @packageDocumentation
 */

/**
 * A function to MINIMIZE. Evaluations are async because they may run on a
 * worker pool.
 *
 * The optimizer passes its own buffers: `fg` must not modify `x` and must not
 * keep references to `x` or `g` after the returned promise settles. Calls are
 * made one at a time (never concurrently).
 */
export interface Problem {
  /** Number of parameters. */
  readonly n: number;
  /**
   * Returns f(x) and writes the gradient into `g` (length n). May return a
   * non-finite value (then `g` is garbage); a finite value with a non-finite
   * gradient entry is treated as non-finite too.
   */
  fg(x: Float64Array, g: Float64Array): Promise<number>;
  /**
   * Optional: per-observation gradient contributions of f at x, row-major
   * nObs × n (their column sums equal the gradient). Needed for BHHH and for
   * `initialHessian: 'bhhh'` (Berndt, Hall, Hall & Hausman 1974).
   */
  scores?(x: Float64Array): Promise<{ f: number; g: Float64Array; scores: Float64Array; nObs: number }>;
}

/** The result of {@link Problem.scores}. */
export type ScoresResult = Awaited<ReturnType<NonNullable<Problem['scores']>>>;

/**
 * Optimization methods.
 *
 * - `'bfgs'`: quasi-Newton BFGS with a strong Wolfe line search (Nocedal & Wright 2006, ch. 6, Alg. 6.1).
 * - `'lbfgs'`: limited-memory BFGS, two-loop recursion (Nocedal & Wright 2006, Alg. 7.4/7.5; Byrd, Lu, Nocedal & Zhu 1995).
 * - `'bhhh'`: Berndt, Hall, Hall & Hausman (1974): the outer product of the scores as Hessian approximation.
 * - `'trust-region'`: dogleg trust region on a BFGS Hessian approximation (Nocedal & Wright 2006, Alg. 4.1 and §4.1; Byrd, Nocedal & Schnabel 1994).
 */
export type Method = 'bfgs' | 'lbfgs' | 'bhhh' | 'trust-region';

/** Starting (inverse) Hessian approximation for the quasi-Newton methods. */
export type InitialHessian = 'identity' | 'bhhh' | 'scaled';

/**
 * Why a run stopped.
 *
 * - `'gradient'`: max_i |g_i| ≤ gtol (converged).
 * - `'function-change'`: |f_k − f_{k+1}| ≤ ftol·max(1, |f_k|) after a successful step (converged).
 * - `'step-size'`: every |Δx_i| ≤ xtol·max(1, |x_i|) after a successful step, or the trust radius collapsed (not converged).
 * - `'max-iterations'`: maxIter iterations done (not converged).
 * - `'non-finite'`: the objective is not finite at the start, or nothing finite was found along the search direction.
 * - `'line-search-failed'`: no acceptable step was found, even after resetting the Hessian approximation.
 * - `'aborted'`: the abort signal fired.
 */
export type TerminationCode =
  | 'gradient'
  | 'function-change'
  | 'step-size'
  | 'max-iterations'
  | 'non-finite'
  | 'line-search-failed'
  | 'aborted';

/** What {@link MinimizeOptions.onIteration} receives after the start (iteration 0) and after every accepted step. */
export interface IterationInfo {
  /** 0 for the starting point, then 1, 2, … for each accepted step. */
  iteration: number;
  /** Objective value at the current iterate. */
  f: number;
  /** max_i |g_i| at the current iterate. */
  gradNorm: number;
  /** Line-search methods: the accepted step length α along the search direction; trust region: the Euclidean length of the accepted step; 0 at iteration 0. */
  step: number;
  /** Evaluations so far (fg calls + scores calls). */
  fEvals: number;
}

/** Options of {@link minimize}; every field is optional (see `DEFAULT_OPTIONS`). */
export interface MinimizeOptions {
  /** Optimization method (default `'bfgs'`). */
  method?: Method;
  /** Stop when max_i |g_i| ≤ gtol (default 1e-6). Must be positive. */
  gtol?: number;
  /** Stop when |f_k − f_{k+1}| ≤ ftol·max(1, |f_k|) after a successful step (default 1e-12; 0 disables). */
  ftol?: number;
  /** Stop when |Δx_i| ≤ xtol·max(1, |x_i|) for every i after a successful step (default 1e-10; 0 disables). */
  xtol?: number;
  /** Maximum number of iterations (accepted steps), default 1000. */
  maxIter?: number;
  /**
   * bfgs/lbfgs/trust-region: the starting (inverse) Hessian approximation.
   * `'bhhh'` = (inverse of) the outer product of the scores (needs `problem.scores`);
   * `'identity'` = the identity; `'scaled'` = the identity rescaled after the
   * first step by yᵀs/yᵀy (Nocedal & Wright 2006, eq. 6.20).
   * Default: `'bhhh'` when `problem.scores` exists, else `'scaled'`.
   */
  initialHessian?: InitialHessian;
  /** L-BFGS memory (number of stored pairs), default 10. */
  lbfgsMemory?: number;
  /** Initial trust-region radius (default 1). */
  trustRadius?: number;
  /** Called after the start (iteration 0) and after every accepted step. */
  onIteration?: (info: IterationInfo) => void;
  /** Aborting stops the run before the next evaluation with termination `'aborted'`, returning the best point seen. */
  signal?: AbortSignal;
}

/** The outcome of {@link minimize}. */
export interface MinimizeResult {
  /** Final point (for failure terminations: the best finite point seen). */
  x: Float64Array;
  /** f(x). NaN only when nothing finite was ever evaluated. */
  f: number;
  /** Gradient at x. */
  g: Float64Array;
  /** Number of accepted steps. */
  iterations: number;
  /** Number of evaluations: fg calls plus scores calls. */
  fEvals: number;
  /** True exactly for the terminations `'gradient'` and `'function-change'`; false otherwise. */
  converged: boolean;
  /** Why the run stopped. */
  termination: TerminationCode;
  /** Human-readable explanation of the termination. */
  message: string;
  /**
   * n×n row-major approximation of the inverse Hessian at the last accepted
   * iterate: the BFGS matrix (bfgs), the inverse of the outer product of the
   * scores (bhhh), the inverse of the BFGS Hessian model (trust-region); null
   * for lbfgs and when no iterate was evaluated.
   */
  inverseHessian: Float64Array | null;
}
