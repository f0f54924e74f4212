/**
 * The evaluation boundary between the optimizer and the {@link Problem}:
 * counts calls, honours the abort signal, normalizes non-finite results and
 * remembers the best finite point seen.
 */
import { AbortError } from '@mxl/errors';
import { allFinite } from './linalg.js';
import type { Problem, ScoresResult } from './types.js';

/** Thrown when the abort signal fires at an evaluation boundary; `minimize` turns it into termination `'aborted'`. */
function aborted(): AbortError {
  return new AbortError('optimization aborted');
}

/**
 * Wraps a {@link Problem} for one run. Every `fg`/`scores` call first checks
 * the abort signal, then counts as one evaluation. A result whose value or
 * gradient is not finite is reported as NaN. The lowest finite value seen,
 * with its point and gradient, is kept so that a failed or aborted run never
 * returns a point worse than the best one evaluated.
 */
export class Evaluator {
  /** Evaluations so far (fg + scores calls). */
  count = 0;
  /** Best finite value seen (Infinity until one is seen). */
  bestF = Infinity;
  /** The point of `bestF`. */
  readonly bestX: Float64Array;
  /** The gradient at `bestX`. */
  readonly bestG: Float64Array;
  private readonly n: number;

  constructor(
    private readonly problem: Problem,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.n = problem.n;
    this.bestX = new Float64Array(problem.n);
    this.bestG = new Float64Array(problem.n);
  }

  /** Whether the problem provides per-observation scores. */
  get hasScores(): boolean {
    return typeof this.problem.scores === 'function';
  }

  private checkAbort(): void {
    if (this.signal?.aborted) throw aborted();
  }

  private record(x: Float64Array, f: number, g: Float64Array): void {
    if (f < this.bestF) {
      this.bestF = f;
      this.bestX.set(x);
      this.bestG.set(g);
    }
  }

  /** f(x) with the gradient written into g; NaN when the value or the gradient is not finite. */
  readonly fg = async (x: Float64Array, g: Float64Array): Promise<number> => {
    this.checkAbort();
    this.count++;
    let f: number;
    try {
      f = await this.problem.fg(x, g);
    } catch (e) {
      if (this.signal?.aborted) throw aborted();
      throw e;
    }
    if (typeof f !== 'number' || !Number.isFinite(f) || !allFinite(g)) return NaN;
    this.record(x, f, g);
    return f;
  };

  /**
   * Per-observation scores at x (one evaluation). The returned `f` is NaN when
   * the value, the gradient or any score is not finite.
   *
   * @throws Error when the problem has no `scores` or returns arrays of the wrong length.
   */
  async scores(x: Float64Array): Promise<ScoresResult> {
    const scores = this.problem.scores;
    if (typeof scores !== 'function') throw new Error('problem.scores is not defined');
    this.checkAbort();
    this.count++;
    let r: ScoresResult;
    try {
      r = await scores.call(this.problem, x);
    } catch (e) {
      if (this.signal?.aborted) throw aborted();
      throw e;
    }
    const n = this.n;
    if (!Number.isInteger(r.nObs) || r.nObs < 0 || r.scores.length !== r.nObs * n || r.g.length !== n) {
      throw new Error(
        `problem.scores returned inconsistent sizes: nObs = ${r.nObs}, scores.length = ${r.scores.length}, g.length = ${r.g.length} (n = ${n})`,
      );
    }
    if (typeof r.f !== 'number' || !Number.isFinite(r.f) || !allFinite(r.g) || !allFinite(r.scores)) {
      return { f: NaN, g: r.g, scores: r.scores, nObs: r.nObs };
    }
    this.record(x, r.f, r.g);
    return r;
  }
}
