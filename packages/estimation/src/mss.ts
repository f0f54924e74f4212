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
 * function of theta (common random numbers). Two other samplers (spec
 * `mss.sampler`, @mxl/engine): "accept-reject", exact posterior draws
 * (prior proposals accepted with probability L_n ≤ 1; Train 2009, ch. 9),
 * impractical when the choice probabilities are small (long panels:
 * refused upfront against `mss.budget`); and "importance", the rule's draws
 * moved to a normal proposal with each individual's posterior mean and
 * covariance at the MSL estimate and weighted by phi L / q, self-normalized
 * (biased for a fixed R like MSL, but with far more even weights; the
 * effective sample size is reported). The root is found by BHHH
 * iterations theta += (sum_c s_c s_c')^-1 sum_n s_n, stopped when every step
 * is below 5% of its standard error; the covariance is the sandwich
 * H⁻¹ S H⁻¹ of the outer product S of the simulated scores, clustered by
 * individual, and the information H (see {@link scoreSandwich}; where the simulated
 * log-likelihood is not concave at the MSS estimate, H at the first-step estimate).
 * The BHHH steps are damped once they oscillate (see {@link MIN_DAMPING}).
 */
import { isLatentClass } from '@mxl/core';
import type { Engine } from '@mxl/engine';
import { invertSPD, numericalHessian } from '@mxl/optim';
import { AbortError, EstimationError } from './errors.js';
import type { Prepared } from './prepare.js';
import type { MsmResult } from './msm.js';
import { MSS_DEFAULTS } from './spec/mss.js';
import { negLogLik } from './problem.js';

/** What the sampler did, over individuals, at the MSS estimate. */
export interface SamplerSummary {
  sampler: 'mh' | 'accept-reject' | 'importance';
  /** Mean acceptance rate (MH, accept-reject); 1 for importance sampling. */
  acceptance: number;
  /** Mean and smallest number of draws behind an individual's score (accept-reject's accepted draws, importance sampling's effective sample size; R for MH). */
  meanDraws: number;
  minDraws: number;
  /** Draws per individual R. */
  draws: number;
}

/**
 * Convergence: every BHHH step below this share of its standard error. The
 * simulated score is a rough function of theta at a fine scale (an accept or
 * reject decision of a chain flips, and the chain's path after it changes),
 * so steps do not shrink to zero; 5% of a standard error is far below the
 * estimator's sampling and simulation error.
 */
const STEP_TOLERANCE = 0.05;

/**
 * The smallest step length of the damped BHHH iterations. The BHHH step S⁻¹ Σ s_n takes the
 * outer product S for the slope of the simulated score, but at a fixed set of posterior draws
 * (the chains hardly move when theta moves a little) its slope is the complete-data
 * information, larger than S where the random part carries much of the information (G-MNL's τ
 * and γ): there the full step overshoots and the iterations oscillate about the root without
 * settling. Each step that turns back on the previous one halves the step length, down to this.
 */
const MIN_DAMPING = 1 / 8;

/** Options of {@link simulatedScores}. */
export interface MssOptions {
  /** Metropolis-Hastings sweeps before the draws are used (default: spec.mss.burnIn, 40). */
  burnIn?: number;
  /** BHHH iterations at most (default 50). */
  maxIterations?: number;
  signal?: AbortSignal;
}

/** Runs the score step from the first-step (MSL) estimate theta1, on the engine (the worker pool). */
export async function simulatedScores(p: Prepared, theta1: Float64Array, engine: Engine, o: MssOptions = {}): Promise<MsmResult & { sampler: SamplerSummary }> {
  const plan = p.design.plan;
  if (isLatentClass(plan)) throw new EstimationError('estimator "mss" is for mixed logit models; a latent class model is estimated by "msl"');
  if (plan.D === 0 || !p.rule) throw new EstimationError('estimator "mss" simulates scores over random coefficients and this model has none; use "msl" (they coincide)');
  const data = p.data, P = plan.P, N = data.nUnits;

  const mss = p.spec.mss ?? MSS_DEFAULTS;
  const kind = mss.sampler;
  if (kind === 'accept-reject') await acceptRejectFeasible(p, theta1, engine, mss.budget, o.signal);
  await engine.startSampler(theta1, { kind, burnIn: o.burnIn ?? mss.burnIn, budget: mss.budget }, o.signal);
  const sc = new Float64Array(data.nClusters * P);
  const total = new Float64Array(P), S = new Float64Array(P * P);
  const R = p.rule.size;
  /** Simulated scores at theta: total (weighted) and the clustered outer product; returns what the sampler did. */
  const simulate = async (theta: Float64Array, tune: boolean): Promise<SamplerSummary> => {
    const { scores, acceptance, draws } = await engine.posteriorScores(theta, tune, o.signal);
    total.fill(0); sc.fill(0); S.fill(0);
    let acc = 0, sumDraws = 0, minDraws = Infinity;
    for (let u = 0; u < N; u++) {
      const w = data.unitWeight ? data.unitWeight[u] : 1, co = data.unitCluster[u] * P;
      if (kind === 'accept-reject' && draws[u] === 0) {
        throw new EstimationError(`mss.sampler "accept-reject": individual ${data.unitCluster[u] + 1} had none of its ${mss.budget * R} proposals accepted (its choice probability is too small for accept-reject); raise mss.budget or use the "importance" or "mh" sampler`);
      }
      for (let q = 0; q < P; q++) { total[q] += w * scores[u * P + q]; sc[co + q] += w * scores[u * P + q]; }
      acc += acceptance[u];
      sumDraws += draws[u];
      minDraws = Math.min(minDraws, draws[u]);
    }
    for (let c = 0; c < data.nClusters; c++) for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) S[a * P + b] += sc[c * P + a] * sc[c * P + b];
    return { sampler: kind, acceptance: acc / N, meanDraws: sumDraws / N, minDraws, draws: R };
  };
  const maxIt = o.maxIterations ?? 50;
  const theta = Float64Array.from(theta1);
  let acc = await simulate(theta, true);
  let it = 0, converged = false, message = '';
  let damping = 1, previous: Float64Array | null = null;
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
      message = `every BHHH step below ${100 * STEP_TOLERANCE}% of its standard error (largest ${(100 * worst).toFixed(2)}%); ${describeSampler(acc)}`;
      break;
    }
    // a step that turns back on the last one (a negative inner product in the metric of S) overshot: halve the step length
    if (previous) {
      let turn = 0;
      for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) turn += step[a] * S[a * P + b] * previous[b];
      if (turn < 0) damping = Math.max(MIN_DAMPING, damping / 2);
    }
    for (let a = 0; a < P; a++) theta[a] += damping * step[a];
    previous = step;
    acc = await simulate(theta, false);
  }
  if (!message) message = `no convergence after ${maxIt} BHHH iterations; ${describeSampler(acc)}`;
  let cov = await scoreSandwich(engine, theta, S, o.signal);
  if (!cov) {
    // the information at the first-step (MSL) estimate, as consistent for it as at the MSS estimate (where a likelihood
    // that is not concave, G-MNL's in γ, can bend the other way)
    cov = await scoreSandwich(engine, theta1, S, o.signal);
    if (cov) message += '; the Hessian of the simulated log-likelihood is not positive definite at the MSS estimate, so the sandwich takes the information at the first-step (MSL) estimate';
  }
  if (!cov) {
    // no information matrix to stand on: the outer product alone (standard errors understated by the simulation noise)
    cov = invertSPD(P, S);
    if (!cov) throw new EstimationError('the outer product of the simulated scores is singular at the MSS estimate: the parameters are not identified there');
    message += '; the Hessian of the simulated log-likelihood is not positive definite at the MSS estimate, so the standard errors are from the outer product of the simulated scores alone (understated by their simulation noise)';
  }
  let gmax = 0;
  for (let q = 0; q < P; q++) gmax = Math.max(gmax, Math.abs(total[q]) / data.nSituations);
  return { theta, cov, converged, iterations: it, moments: gmax, message, sampler: acc };
}

/**
 * The covariance of the MSS estimate, the sandwich H⁻¹ S H⁻¹ (Hajivassiliou and McFadden
 * 1998, Theorem 2): S is the clustered outer product of the simulated scores, H the
 * derivative of their expectation, the information (the Hessian of the negative simulated
 * log-likelihood at the estimate, by central differences of its analytic gradient). The
 * simulated scores carry the simulation noise of their R draws on top of the sampling
 * variation, so S exceeds the information by the noise's variance, and S⁻¹ alone (the
 * textbook BHHH of the simulated scores) understates the variance by it: in a cross-section,
 * where a spread's score varies little over individuals, by half and more. Null when the
 * Hessian is not positive definite there (the caller falls back to S⁻¹ and says so).
 */
async function scoreSandwich(engine: Engine, theta: Float64Array, S: Float64Array, signal?: AbortSignal): Promise<Float64Array | null> {
  const P = theta.length;
  const H = await numericalHessian(negLogLik(engine, signal), theta);
  for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) { const m = (H[a * P + b] + H[b * P + a]) / 2; H[a * P + b] = m; H[b * P + a] = m; }
  const Hinv = invertSPD(P, H);
  if (!Hinv) return null;
  const T = new Float64Array(P * P), C = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) { let t = 0; for (let k = 0; k < P; k++) t += Hinv[i * P + k] * S[k * P + j]; T[i * P + j] = t; }
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) { let t = 0; for (let k = 0; k < P; k++) t += T[i * P + k] * Hinv[k * P + j]; C[i * P + j] = t; }
  return C;
}

/** "MH acceptance 0.31", "accept-reject acceptance 0.274, 50.0 accepted draws per individual (fewest 50)", "importance sampling: effective sample size 41.2 of 50 per individual (smallest 12.3)". */
export function describeSampler(s: SamplerSummary): string {
  if (s.sampler === 'mh') return `MH acceptance ${s.acceptance.toFixed(2)}`;
  if (s.sampler === 'accept-reject') return `accept-reject acceptance ${s.acceptance.toPrecision(3)}, ${s.meanDraws.toFixed(1)} accepted draws per individual (fewest ${s.minDraws})`;
  return `importance sampling: effective sample size ${s.meanDraws.toFixed(1)} of ${s.draws} per individual (smallest ${s.minDraws.toFixed(1)})`;
}

/**
 * Accept-reject accepts a proposal with probability L_n ≤ 1, so an accepted draw costs
 * 1/P_n proposals on average (P_n the individual's choice probability). Refuses, upfront and
 * with the numbers, a problem where some individual needs more than mss.budget of them (a
 * panel of many choices), instead of spending the budget on every iteration.
 */
async function acceptRejectFeasible(p: Prepared, theta1: Float64Array, engine: Engine, budget: number, signal?: AbortSignal): Promise<void> {
  const data = p.data;
  const ev = await engine.evaluate(theta1, signal);
  const cost: number[] = [];
  for (let u = 0; u < data.nUnits; u++) {
    const w = data.unitWeight ? data.unitWeight[u] : 1;
    if (w > 0) cost.push(Math.exp(-ev.unitLL[u] / w));
  }
  cost.sort((a, b) => a - b);
  const worst = cost[cost.length - 1] ?? 0;
  if (!(worst > budget)) return;
  const over = cost.filter((c) => c > budget).length;
  const T = data.nSituations / data.nUnits;
  const fmt = (x: number) => (x < 1e6 ? Math.round(x).toLocaleString('en-US') : x.toExponential(1));
  throw new EstimationError(
    `mss.sampler "accept-reject" is impractical here: an accepted draw costs 1/P_n proposals (P_n an individual's choice probability at the MSL estimate), ` +
    `${fmt(cost[Math.floor(cost.length / 2)])} for the median individual and ${fmt(worst)} for the least likely, above mss.budget = ${budget} for ${over} of ${cost.length} ` +
    `(${T > 1 ? `panels of ${T.toFixed(1)} choices per individual` : 'one choice per individual'}); use the "importance" or "mh" sampler, or raise mss.budget`,
  );
}
