/**
 * The page's fit line under the estimates. Its iteration count is the
 * result's, which the trace's x axis ends at (0 is the start: a run of n
 * iterations is n + 1 points); when the result counts iterations the trace
 * does not show (further starts, a reflection search), the line says so.
 */
import type { EstimationResult } from '@mxl/estimation';

/** What the fit line reads of a result. */
export type FitResult = Pick<EstimationResult, 'loglik' | 'nullLoglik' | 'rho2' | 'aic' | 'bic' | 'sample' | 'integration' | 'converged' | 'iterations' | 'seconds' | 'workers'>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The fit line.
 * @param traced - The last iteration of the trace drawn (undefined: no trace).
 */
export function fitText(r: FitResult, traced?: number): string {
  const shown = traced === undefined || traced === r.iterations ? '' : ` (the trace shows the first optimizer run's ${plural(traced, 'iteration')})`;
  return (
    `log-likelihood ${r.loglik.toFixed(4)}, null ${r.nullLoglik.toFixed(4)}, rho2 ${r.rho2.toFixed(4)}, AIC ${r.aic.toFixed(2)}, BIC ${r.bic.toFixed(2)}; ` +
    `${r.sample.individuals} individuals, ${r.sample.situations} situations; ${r.integration.description}; ` +
    `${r.converged ? 'converged' : 'NOT converged'} after ${plural(r.iterations, 'iteration')}${shown}, ${r.seconds.toFixed(2)} s on ${plural(r.workers, 'worker')}.`
  );
}
