/**
 * Delta-method standard errors of any smooth statistic f(theta): the
 * Jacobian by central differences (the simulation draws are fixed, so f is a
 * smooth function of theta), then se_i = sqrt(diag(J V J')) with V the
 * covariance of theta (Greene 2018, "Econometric Analysis", sec. 4.6; the
 * approach of Apollo's apollo_deltaMethod and Stata's nlcom).
 */
import { deltaStep, seFromJacobian } from './uncertainty.js';
import { yieldToEventLoop } from '@mxl/core';

/**
 * @param f - the statistic (any length); called 2P+1 times
 * @param theta - the estimates
 * @param cov - P×P covariance of theta, row-major
 * @returns the statistic at theta and its standard errors (NaN where a
 *   variance is undefined, e.g. a parameter without a standard error)
 */
export async function deltaMethod(f: (theta: Float64Array) => Float64Array, theta: Float64Array, cov: Float64Array): Promise<{ value: Float64Array; se: Float64Array }> {
  const P = theta.length;
  const value = f(theta);
  const n = value.length;
  const J = new Float64Array(n * P);
  const t = Float64Array.from(theta);
  for (let p = 0; p < P; p++) {
    const h = deltaStep(theta[p]);
    // between passes, let timers and signals (Ctrl-C, aborts) through
    await yieldToEventLoop();
    t[p] = theta[p] + h;
    const up = f(t);
    t[p] = theta[p] - h;
    const down = f(t);
    t[p] = theta[p];
    for (let i = 0; i < n; i++) J[i * P + p] = (up[i] - down[i]) / (2 * h);
  }
  return { value, se: seFromJacobian(J, n, cov) };
}
