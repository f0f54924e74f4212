/**
 * The generic driver loop shared by every method (after Optim.jl's
 * `optimize`): evaluate the start, then repeat "method step → trace →
 * termination tests" until a test fires.
 *
 * Termination tests, in this order after every accepted step:
 * 1. gradient: max_i |g_i| ≤ gtol;
 * 2. function change: |f_k − f_{k+1}| ≤ ftol·max(1, |f_k|);
 * 3. step size: |Δx_i| ≤ xtol·max(1, |x_i|) for every i;
 * 4. iterations ≥ maxIter.
 * At the start only tests 1 and 4 apply.
 */
import { BfgsRule } from './bfgs.js';
import { BhhhRule } from './bhhh.js';
import { LineSearchDescent } from './descent.js';
import { AbortError } from '@mxl/errors';
import { Evaluator } from './evaluator.js';
import { LbfgsRule } from './lbfgs.js';
import { maxAbs } from './linalg.js';
import { newIterate, type Iterate, type MethodContext, type MethodInstance } from './method.js';
import { checkOptions, OptionError, type CheckedOptions } from './options.js';
import { TrustRegion } from './trust-region.js';
import type { InitialHessian, MinimizeOptions, MinimizeResult, Problem, ScoresResult, TerminationCode } from './types.js';

/** Creates the state of the configured method for one run. */
function createMethod(ctx: MethodContext): MethodInstance {
  const { n, evaluator, options, initialHessian } = ctx;
  switch (options.method) {
    case 'bfgs':
      return new LineSearchDescent(n, evaluator, new BfgsRule(n, evaluator, initialHessian));
    case 'lbfgs':
      return new LineSearchDescent(n, evaluator, new LbfgsRule(n, options.lbfgsMemory, evaluator, initialHessian));
    case 'bhhh':
      return new LineSearchDescent(n, evaluator, new BhhhRule(n, evaluator));
    case 'trust-region':
      return new TrustRegion(ctx);
  }
}

/** Resolves the starting-Hessian choice against the problem (default: 'bhhh' with scores, else 'scaled'). */
function resolveInitialHessian(problem: Problem, options: CheckedOptions): InitialHessian {
  const hasScores = typeof problem.scores === 'function';
  if (options.method === 'bhhh' && !hasScores) {
    throw new OptionError('optimizer.method "bhhh" needs per-observation scores, but the problem has no scores function; received "bhhh"');
  }
  if (options.initialHessian === 'bhhh' && !hasScores) {
    throw new OptionError('optimizer.initialHessian "bhhh" needs per-observation scores, but the problem has no scores function; received "bhhh"');
  }
  return options.initialHessian ?? (hasScores ? 'bhhh' : 'scaled');
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toExponential(3) : String(v));

/**
 * Minimizes `problem` from `x0` with the configured method (default BFGS with
 * a strong Wolfe line search; see {@link MinimizeOptions} for all defaults).
 *
 * Methods: BFGS and L-BFGS (Nocedal & Wright 2006, ch. 6–7), BHHH (Berndt,
 * Hall, Hall & Hausman 1974) and a dogleg trust region on a BFGS model
 * (N&W ch. 4; Byrd, Nocedal & Schnabel 1994). Non-finite trial points shorten
 * the step instead of ending the run; a failed line search resets the
 * Hessian approximation once before giving up. The returned point is never
 * worse than the start: failure terminations return the best finite point
 * evaluated.
 *
 * `result.converged` is true exactly for the terminations `'gradient'` and
 * `'function-change'`.
 *
 * @param problem - the function to minimize (value, gradient, optional scores).
 * @param x0 - starting point, length `problem.n` (not modified).
 * @param options - see {@link MinimizeOptions}; validated by {@link checkOptions}.
 * @throws {@link OptionError} for invalid options (including BHHH without `problem.scores`);
 *   RangeError when `x0.length !== problem.n`; errors thrown by the problem itself.
 */
export async function minimize(problem: Problem, x0: Float64Array, options?: MinimizeOptions): Promise<MinimizeResult> {
  const opts = checkOptions(options);
  const n = problem.n;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`problem.n must be a positive integer; received ${n}`);
  if (x0.length !== n) throw new RangeError(`x0 has length ${x0.length} but problem.n is ${n}`);
  const initialHessian = resolveInitialHessian(problem, opts);
  const evaluator = new Evaluator(problem, opts.signal);
  const method = createMethod({ n, evaluator, options: opts, initialHessian });

  let cur: Iterate = newIterate(n);
  let next: Iterate = newIterate(n);
  cur.x.set(x0);
  let iterations = 0;
  let started = false;

  const finish = (termination: TerminationCode, message: string): MinimizeResult => {
    const converged = termination === 'gradient' || termination === 'function-change';
    let x = cur.x;
    let f = cur.f;
    let g = cur.g;
    // Failure terminations: never return a worse point than the best evaluated.
    if (!converged && evaluator.bestF < (Number.isFinite(f) ? f : Infinity)) {
      x = evaluator.bestX;
      f = evaluator.bestF;
      g = evaluator.bestG;
    }
    if (!started && !Number.isFinite(f)) g = new Float64Array(n).fill(NaN);
    return {
      x: Float64Array.from(x),
      f,
      g: Float64Array.from(g),
      iterations,
      fEvals: evaluator.count,
      converged,
      termination,
      message,
      inverseHessian: started ? method.inverseHessian() : null,
    };
  };

  try {
    // Starting point.
    let scores: ScoresResult | null = null;
    if (method.needsScoresAtStart) {
      scores = await evaluator.scores(cur.x);
      cur.f = scores.f;
      cur.g.set(scores.g);
    } else {
      cur.f = await evaluator.fg(cur.x, cur.g);
    }
    if (!Number.isFinite(cur.f)) {
      return finish('non-finite', 'the objective (or its gradient) is not finite at the starting point');
    }
    method.init(cur, scores);
    started = true;
    let gradNorm = maxAbs(cur.g);
    opts.onIteration?.({ iteration: 0, f: cur.f, gradNorm, step: 0, fEvals: evaluator.count });
    if (gradNorm <= opts.gtol) {
      return finish('gradient', `max |g_i| = ${fmt(gradNorm)} <= gtol = ${fmt(opts.gtol)} at the starting point`);
    }
    if (opts.maxIter <= 0) return finish('max-iterations', `reached maxIter = ${opts.maxIter} iterations`);

    for (;;) {
      const r = await method.step(cur, next);
      if (!r.ok) return finish(r.termination, r.message);
      iterations++;
      const fPrev = cur.f;
      let stepSmall = true;
      let maxRelStep = 0;
      for (let i = 0; i < n; i++) {
        const scale = Math.max(1, Math.abs(next.x[i]!));
        const dx = Math.abs(next.x[i]! - cur.x[i]!);
        maxRelStep = Math.max(maxRelStep, dx / scale);
        if (!(dx <= opts.xtol * scale)) stepSmall = false;
      }
      [cur, next] = [next, cur];
      gradNorm = maxAbs(cur.g);
      opts.onIteration?.({ iteration: iterations, f: cur.f, gradNorm, step: r.step, fEvals: evaluator.count });
      const df = Math.abs(fPrev - cur.f);
      const fScale = Math.max(1, Math.abs(fPrev));
      if (gradNorm <= opts.gtol) {
        return finish('gradient', `max |g_i| = ${fmt(gradNorm)} <= gtol = ${fmt(opts.gtol)}`);
      }
      if (df <= opts.ftol * fScale) {
        return finish('function-change', `|f change| = ${fmt(df)} <= ftol * max(1, |f|) = ${fmt(opts.ftol * fScale)}`);
      }
      if (stepSmall) {
        return finish('step-size', `max |dx_i| / max(1, |x_i|) = ${fmt(maxRelStep)} <= xtol = ${fmt(opts.xtol)}`);
      }
      if (iterations >= opts.maxIter) return finish('max-iterations', `reached maxIter = ${opts.maxIter} iterations`);
    }
  } catch (e) {
    // the evaluator's abort (the signal fired); an AbortError of the problem's own signal propagates
    if (e instanceof AbortError && opts.signal?.aborted) {
      return finish('aborted', `aborted by signal after ${iterations} iterations and ${evaluator.count} evaluations`);
    }
    throw e;
  }
}
