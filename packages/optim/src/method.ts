/**
 * The contract between the generic driver ({@link minimize}) and one
 * optimization method, after Optim.jl's `initial_state` / `update_state!`
 * split: the driver owns the iterates, the termination tests and the trace;
 * a method only knows how to produce the next accepted point.
 */
import type { Evaluator } from './evaluator.js';
import type { CheckedOptions } from './options.js';
import type { InitialHessian, ScoresResult, TerminationCode } from './types.js';

/** A point with its value and gradient. */
export interface Iterate {
  x: Float64Array;
  f: number;
  g: Float64Array;
}

/** Allocates an iterate for an n-dimensional problem. */
export function newIterate(n: number): Iterate {
  return { x: new Float64Array(n), f: NaN, g: new Float64Array(n) };
}

/** Outcome of one method step: an accepted point, or a reason to stop. */
export type StepResult =
  | { ok: true; /** line search: α; trust region: ‖s‖₂ */ step: number }
  | { ok: false; termination: TerminationCode; message: string };

/** What a method receives when it is created. */
export interface MethodContext {
  readonly n: number;
  readonly evaluator: Evaluator;
  readonly options: CheckedOptions;
  /** `options.initialHessian` resolved against the problem (`'bhhh'` only when scores exist). */
  readonly initialHessian: InitialHessian;
}

/** One optimization method's state for one run (allocated once). */
export interface MethodInstance {
  /** Whether the starting point must be evaluated with `scores` (BHHH matrix at x0). */
  readonly needsScoresAtStart: boolean;
  /** Called once with the evaluated starting point (and its scores when requested). */
  init(cur: Iterate, scores: ScoresResult | null): void;
  /**
   * Produces the next accepted point from `cur` into `next` (both owned by the
   * driver; they must not be retained). On failure `next` is unspecified.
   */
  step(cur: Iterate, next: Iterate): Promise<StepResult>;
  /** The method's inverse-Hessian approximation at the last accepted iterate (null if it has none). */
  inverseHessian(): Float64Array | null;
}
