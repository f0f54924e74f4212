/**
 * The shared iteration of the line-search methods (BFGS, L-BFGS, BHHH):
 * direction → strong Wolfe line search (Nocedal & Wright 2006, Alg. 3.5/3.6)
 * → update of the Hessian approximation; on failure, reset the approximation
 * (steepest descent or BHHH) before giving up. A step that was cut short by
 * non-finite trial points without meeting the curvature condition also resets
 * the approximation (its direction led out of the finite region).
 */
import type { Evaluator } from './evaluator.js';
import { dot } from './linalg.js';
import { LineSearch, type LineSearchStatus } from './line-search.js';
import type { Iterate, MethodInstance, StepResult } from './method.js';
import type { ScoresResult } from './types.js';

/** How a line-search method chooses its direction and updates its curvature model. */
export interface DirectionRule {
  /** Try backtracking Armijo when the strong Wolfe search fails (BHHH). */
  readonly armijoFallback: boolean;
  /**
   * Whether the model accumulates curvature over iterations (BFGS, L-BFGS).
   * Such a model is reset, not updated, after a step cut short by non-finite
   * values; a model rebuilt at every point (BHHH) is always updated.
   */
  readonly accumulates: boolean;
  /** Whether the starting point must be evaluated with `scores`. */
  readonly needsScoresAtStart: boolean;
  /** Set up the curvature model at the starting point. */
  init(cur: Iterate, scores: ScoresResult | null): void;
  /** Writes the search direction at `cur` into `d`. */
  direction(cur: Iterate, d: Float64Array): void;
  /** First trial step length for the current direction. */
  initialAlpha(cur: Iterate): number;
  /**
   * Falls back to a simpler model after a failed line search (e.g. BFGS →
   * BHHH/steepest descent). Returns false when there is nothing left to fall
   * back to; each successful reset must change the direction.
   */
  reset(cur: Iterate): Promise<boolean>;
  /** Updates the model after an accepted step s = x₊ − x, y = g₊ − g. */
  update(next: Iterate, s: Float64Array, y: Float64Array): Promise<void>;
  /** The inverse-Hessian approximation, or null. */
  inverseHessian(): Float64Array | null;
}

/**
 * A line-search method: one {@link DirectionRule} plus the shared loop.
 * Buffers are allocated once per run.
 */
export class LineSearchDescent implements MethodInstance {
  private readonly d: Float64Array;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  private readonly ls: LineSearch;

  constructor(
    private readonly n: number,
    private readonly evaluator: Evaluator,
    private readonly rule: DirectionRule,
  ) {
    this.d = new Float64Array(n);
    this.s = new Float64Array(n);
    this.y = new Float64Array(n);
    this.ls = new LineSearch(n);
  }

  get needsScoresAtStart(): boolean {
    return this.rule.needsScoresAtStart;
  }

  init(cur: Iterate, scores: ScoresResult | null): void {
    this.rule.init(cur, scores);
  }

  inverseHessian(): Float64Array | null {
    return this.rule.inverseHessian();
  }

  async step(cur: Iterate, next: Iterate): Promise<StepResult> {
    const { n, d, s, y, rule, ls } = this;
    const fg = this.evaluator.fg;
    let last: LineSearchStatus | 'not-descent' = 'failed';
    let resets = 0;
    for (;;) {
      rule.direction(cur, d);
      const dphi0 = dot(cur.g, d, n);
      if (Number.isFinite(dphi0) && dphi0 < 0) {
        const alpha1 = rule.initialAlpha(cur);
        let r = await ls.strongWolfe(fg, cur.x, cur.f, cur.g, d, alpha1, next.x, next.g);
        if ((r.status === 'failed' || r.status === 'non-finite') && rule.armijoFallback) {
          const b = await ls.backtracking(fg, cur.x, cur.f, cur.g, d, alpha1, next.x, next.g);
          if (b.status === 'armijo' || r.status === 'failed') r = b;
        }
        if (r.status === 'wolfe' || r.status === 'armijo') {
          next.f = r.f;
          for (let i = 0; i < n; i++) {
            s[i] = next.x[i]! - cur.x[i]!;
            y[i] = next.g[i]! - cur.g[i]!;
          }
          if (rule.accumulates && r.status === 'armijo' && r.nonFiniteTrials > 0) {
            // The step was cut short by the edge of the finite region and gave
            // no curvature information: the model pointed the wrong way, so
            // restart it at the new point instead of updating it.
            await rule.reset(next);
          } else {
            await rule.update(next, s, y);
          }
          return { ok: true, step: r.alpha };
        }
        last = r.status;
      } else {
        last = 'not-descent';
      }
      if (!(await rule.reset(cur))) break;
      resets++;
    }
    const after = resets > 0 ? ` (after ${resets} reset${resets > 1 ? 's' : ''} of the Hessian approximation)` : '';
    if (last === 'non-finite') {
      return { ok: false, termination: 'non-finite', message: `no finite point found along the search direction${after}` };
    }
    if (last === 'not-descent') {
      return { ok: false, termination: 'line-search-failed', message: `no descent direction${after}` };
    }
    return {
      ok: false,
      termination: 'line-search-failed',
      message: `line search found no point with sufficient decrease${after}`,
    };
  }
}
