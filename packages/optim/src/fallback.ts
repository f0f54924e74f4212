/**
 * Solver fallback: when a method stops on a failure it cannot get past (its
 * line search finds no acceptable step, or no finite point), the run goes on
 * from the best point found with the next method of the chain BFGS → trust
 * region → BHHH (Train 2009, ch. 8: no one quasi-Newton method is best on
 * every simulated likelihood; a trust region copes with what defeats a line
 * search, BHHH needs only scores). Every attempt is recorded.
 */
import { minimize } from './driver.js';
import type { Method, MinimizeOptions, MinimizeResult, Problem, TerminationCode } from './types.js';

/** The methods tried in turn. */
export const FALLBACK_CHAIN: readonly Method[] = ['bfgs', 'trust-region', 'bhhh'];

/** The terminations that hand over to the next method. */
export const FALLBACK_ON: readonly TerminationCode[] = ['line-search-failed', 'non-finite'];

/** One method's run within {@link minimizeWithFallback}. */
export interface Attempt {
  method: Method;
  termination: TerminationCode;
  /** f at the attempt's end. */
  f: number;
  iterations: number;
}

/**
 * {@link minimize}, continued with the next untried method of
 * {@link FALLBACK_CHAIN} from the best point after a failure in
 * {@link FALLBACK_ON}. The result's iterations and evaluations add up all the
 * attempts; its termination is the last attempt's.
 * @param fallback - false: one attempt only (plain {@link minimize}).
 */
export async function minimizeWithFallback(
  problem: Problem,
  x0: Float64Array,
  options: MinimizeOptions & { method?: Method },
  fallback = true,
): Promise<{ result: MinimizeResult; attempts: Attempt[] }> {
  const first = options.method ?? 'bfgs';
  let result = await minimize(problem, x0, { ...options, method: first });
  const attempts: Attempt[] = [{ method: first, termination: result.termination, f: result.f, iterations: result.iterations }];
  const tried = new Set<Method>([first]);
  while (fallback && FALLBACK_ON.includes(result.termination) && Number.isFinite(result.f)) {
    const method = FALLBACK_CHAIN.find((m) => !tried.has(m));
    if (!method || (method === 'bhhh' && !problem.scores)) break;
    tried.add(method);
    const next = await minimize(problem, result.x, { ...options, method });
    attempts.push({ method, termination: next.termination, f: next.f, iterations: next.iterations });
    const better = next.f <= result.f || !Number.isFinite(result.f);
    result = {
      ...(better ? next : { ...result, termination: next.termination, message: next.message, converged: false }),
      iterations: result.iterations + next.iterations,
      fEvals: result.fEvals + next.fEvals,
    };
    if (next.termination === 'aborted') break;
  }
  return { result, attempts };
}
