/**
 * Multistart: run {@link minimize} from several starting points, one after
 * another, and keep the best local optimum — a simple global strategy for
 * the multimodal simulated likelihoods of mixed logit models (Train 2009,
 * *Discrete Choice Methods with Simulation*, §8).
 */
import { minimize } from './driver.js';
import { OptionError } from './options.js';
import type { MinimizeOptions, MinimizeResult, Problem } from './types.js';

/**
 * Runs {@link minimize} from each start sequentially with the same options
 * and returns the best result and all runs (in start order).
 *
 * "Best" is the lowest finite `f`; among equal values, a converged run is
 * preferred, then the earlier one. If every run is non-finite the first run is
 * returned. When the abort signal fires, no further starts are run, so `runs`
 * may be shorter than `starts`.
 *
 * @throws {@link OptionError} when `starts` is empty; whatever {@link minimize} throws.
 */
export async function multistart(
  problem: Problem,
  starts: Float64Array[],
  options?: MinimizeOptions,
): Promise<{ best: MinimizeResult; runs: MinimizeResult[] }> {
  if (starts.length === 0) throw new OptionError('multistart needs at least one starting point; received 0 starts');
  const runs: MinimizeResult[] = [];
  let best: MinimizeResult | null = null;
  for (const x0 of starts) {
    const r = await minimize(problem, x0, options);
    runs.push(r);
    if (best === null || better(r, best)) best = r;
    if (r.termination === 'aborted' || options?.signal?.aborted) break;
  }
  return { best: best!, runs };
}

function better(a: MinimizeResult, b: MinimizeResult): boolean {
  const fa = Number.isFinite(a.f) ? a.f : Infinity;
  const fb = Number.isFinite(b.f) ? b.f : Infinity;
  if (fa !== fb) return fa < fb;
  return a.converged && !b.converged;
}
