/**
 * The method of simulated scores (Hajivassiliou and McFadden 1998, "The
 * method of simulated scores for the estimation of LDV models",
 * Econometrica 66(4); Train 2009, sec. 10.2.4): solve sum_n w_n s~_n(theta)
 * = 0 with s~_n an unbiased simulator of individual n's score.
 *
 * Write beta = beta(theta, z) with z ~ N(0, I) the standardized draws (a
 * uniform dimension is Phi(z)). Then L_n(theta) = E_z[L_n(beta(theta, z))] and
 *
 *     s_n(theta) = E[ d log L_n(beta(theta, z)) / d theta | y_n ],
 *
 * the expectation over the posterior of z given n's choices, h(z | y_n) ∝
 * phi(z) L_n(beta(theta, z)). MSL's score weighs prior draws by their
 * normalized likelihoods, a ratio of simulators and so biased for a fixed
 * number of draws; here the R draws come from the posterior itself, by a
 * random-walk Metropolis-Hastings sampler (R chains per individual, run in
 * parallel), and the score is their plain average, unbiased up to the
 * sampler's convergence. The chains start from the MSL draws resampled by
 * their posterior weights at the first-step (MSL) estimate, so a short
 * burn-in suffices; proposals and acceptance uniforms are fixed functions of
 * (individual, sweep, chain), so the simulated score is a deterministic
 * function of theta (common random numbers). The root is found by BHHH
 * iterations theta += (sum_c s_c s_c')^-1 sum_n s_n, stopped when every step
 * is below 5% of its standard error; the covariance is the inverse outer
 * product of the simulated scores, clustered by individual.
 */
import { isLatentClass } from '@mxl/core';
import type { Engine } from '@mxl/engine';
import { invertSPD } from '@mxl/optim';
import { AbortError, EstimationError } from './errors.js';
import type { Prepared } from './prepare.js';
import type { MsmResult } from './msm.js';

/**
 * Convergence: every BHHH step below this share of its standard error. The
 * simulated score is a rough function of theta at a fine scale (an accept or
 * reject decision of a chain flips, and the chain's path after it changes),
 * so steps do not shrink to zero; 5% of a standard error is far below the
 * estimator's sampling and simulation error.
 */
const STEP_TOLERANCE = 0.05;

/** Options of {@link simulatedScores}. */
export interface MssOptions {
  /** Metropolis-Hastings sweeps before the draws are used (default 40). */
  burnIn?: number;
  /** BHHH iterations at most (default 50). */
  maxIterations?: number;
  signal?: AbortSignal;
}

/** Runs the score step from the first-step (MSL) estimate theta1, on the engine (the worker pool). */
export async function simulatedScores(p: Prepared, theta1: Float64Array, engine: Engine, o: MssOptions = {}): Promise<MsmResult> {
  const plan = p.design.plan;
  if (isLatentClass(plan)) throw new EstimationError('estimator "mss" is for mixed logit models; a latent class model is estimated by "msl"');
  if (plan.D === 0 || !p.rule) throw new EstimationError('estimator "mss" simulates scores over random coefficients and this model has none; use "msl" (they coincide)');
  const data = p.data, P = plan.P, N = data.nUnits;

  await engine.startSampler(theta1, o.burnIn ?? 40, o.signal);
  const sc = new Float64Array(data.nClusters * P);
  const total = new Float64Array(P), S = new Float64Array(P * P);
  /** Simulated scores at theta: total (weighted) and the clustered outer product; returns the mean acceptance. */
  const simulate = async (theta: Float64Array, tune: boolean): Promise<number> => {
    const { scores, acceptance } = await engine.posteriorScores(theta, tune, o.signal);
    total.fill(0); sc.fill(0); S.fill(0);
    let acc = 0;
    for (let u = 0; u < N; u++) {
      const w = data.unitWeight ? data.unitWeight[u] : 1, co = data.unitCluster[u] * P;
      for (let q = 0; q < P; q++) { total[q] += w * scores[u * P + q]; sc[co + q] += w * scores[u * P + q]; }
      acc += acceptance[u];
    }
    for (let c = 0; c < data.nClusters; c++) for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) S[a * P + b] += sc[c * P + a] * sc[c * P + b];
    return acc / N;
  };
  const maxIt = o.maxIterations ?? 50;
  const theta = Float64Array.from(theta1);
  let acc = await simulate(theta, true);
  let it = 0, converged = false, message = '';
  for (; it < maxIt; it++) {
    if (o.signal?.aborted) throw new AbortError();
    const inv = invertSPD(P, S);
    if (!inv) throw new EstimationError('the outer product of the simulated scores is singular: the parameters are not identified');
    let worst = 0;
    const step = new Float64Array(P);
    for (let a = 0; a < P; a++) {
      let t = 0;
      for (let b = 0; b < P; b++) t += inv[a * P + b] * total[b];
      step[a] = t;
      worst = Math.max(worst, Math.abs(t) / Math.sqrt(inv[a * P + a]));
    }
    if (worst < STEP_TOLERANCE) {
      converged = true;
      message = `every BHHH step below ${100 * STEP_TOLERANCE}% of its standard error (largest ${(100 * worst).toFixed(2)}%); MH acceptance ${acc.toFixed(2)}`;
      break;
    }
    for (let a = 0; a < P; a++) theta[a] += step[a];
    acc = await simulate(theta, false);
  }
  if (!message) message = `no convergence after ${maxIt} BHHH iterations; MH acceptance ${acc.toFixed(2)}`;
  const cov = invertSPD(P, S);
  if (!cov) throw new EstimationError('the outer product of the simulated scores is singular at the MSS estimate');
  let gmax = 0;
  for (let q = 0; q < P; q++) gmax = Math.max(gmax, Math.abs(total[q]) / data.nSituations);
  return { theta, cov, converged, iterations: it, moments: gmax, message };
}
