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
import { FastKernel, Kernel, type CoefficientPlan, type NodeSource } from '@mxl/core';
import { normalCdf, normalQuantile } from '@mxl/integration';
import { invertSPD } from '@mxl/optim';
import { EstimationError } from './errors.js';
import type { Prepared } from './estimate.js';
import { yieldToEventLoop, type MsmResult } from './msm.js';

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

/** A counter-based uniform in (0, 1) from four integers (mulberry32 over a hash). */
function uniform(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f) ^ Math.imul(c + 0x165667b1, 0x9e3779b1) ^ Math.imul(d + 0x27220a95, 0x85ebca77);
  h = (h + 0x6d2b79f5) | 0;
  let t = Math.imul(h ^ (h >>> 15), h | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
}

/** A standard normal from the same counters (Box-Muller on two uniforms). */
function gauss(a: number, b: number, c: number, d: number): number {
  return Math.sqrt(-2 * Math.log(uniform(a, b, c, 2 * d))) * Math.cos(2 * Math.PI * uniform(a, b, c, 2 * d + 1));
}

/** Runs the score step from the first-step (MSL) estimate theta1. */
export async function simulatedScores(p: Prepared, theta1: Float64Array, o: MssOptions = {}): Promise<MsmResult> {
  const plan = p.design.plan as CoefficientPlan;
  if ((plan as { kind?: string }).kind === 'latent-class') throw new EstimationError('estimator "mss" is for mixed logit models; a latent class model is estimated by "msl"');
  if (plan.D === 0 || !p.rule) throw new EstimationError('estimator "mss" simulates scores over random coefficients and this model has none; use "msl" (they coincide)');
  const data = p.data, P = plan.P, D = plan.D, N = data.nUnits;
  const rule = p.rule;
  const R = rule.size;
  const uni = plan.uniformDims;
  const burnIn = o.burnIn ?? 40;

  // the chains' states z (N × D × R), read by the kernel through this node source
  let state = new Float64Array(N * D * R);
  const chains: NodeSource = {
    size: R, weights: null, shared: false,
    fill(u, out) {
      for (let d = 0; d < D; d++) {
        const so = (u * D + d) * R, oo = d * R;
        for (let r = 0; r < R; r++) { const z = state[so + r]; out[oo + r] = uni[d] === 1 ? normalCdf(z) : z; }
      }
    },
  };
  // the fast (WebAssembly) loop: the sampler's sweeps are nearly all of the cost
  const kernel = new FastKernel(data, plan, chains, { cacheDraws: false });

  // start: the MSL draws resampled by their posterior weights at theta1 (systematic resampling)
  const z0 = new Float64Array(N * D * R);
  {
    const msl = new Kernel(data, plan, rule, { cacheDraws: false });
    const raw = new Float64Array(D * R), logL = new Float64Array(R), cum = new Float64Array(R);
    const w = rule.weights;
    for (let u = 0; u < N; u++) {
      msl.nodeLogLik(theta1, u, logL);
      rule.fill(u, raw, uni);
      let m = -Infinity;
      for (let r = 0; r < R; r++) if (logL[r] > m) m = logL[r];
      let S = 0;
      for (let r = 0; r < R; r++) { S += Math.max(0, w ? w[r] : 1) * Math.exp(logL[r] - m); cum[r] = S; }
      let j = 0;
      for (let r = 0; r < R; r++) {
        const target = ((r + uniform(u, -1, 0, 0)) / R) * S;
        while (j < R - 1 && cum[j] < target) j++;
        for (let d = 0; d < D; d++) {
          const x = raw[d * R + j];
          z0[(u * D + d) * R + r] = uni[d] === 1 ? normalQuantile(x) : x;
        }
      }
    }
  }

  // random-walk step per unit, tuned once at theta1 towards an acceptance rate of about 0.3
  const tau = new Float64Array(N).fill(2.38 / Math.sqrt(D) / 2);
  const cur = new Float64Array(R), prop = new Float64Array(R);
  const proposal = new Float64Array(D * R);

  /** Runs the chains of every unit from z0 for burnIn sweeps at theta; returns the mean acceptance. */
  let clock = performance.now();
  /** Yields to the event loop every 50 ms or so (aborts, timers, job locks). */
  const breathe = async () => {
    if (performance.now() - clock < 50) return;
    await yieldToEventLoop();
    if (o.signal?.aborted) throw new EstimationError('estimation aborted');
    clock = performance.now();
  };
  const sample = async (theta: Float64Array, tune: boolean): Promise<number> => {
    state.set(z0);
    let accepted = 0;
    for (let u = 0; u < N; u++) {
      await breathe();
      kernel.nodeLogLik(theta, u, cur);
      let accU = 0;
      for (let sweep = 0; sweep < burnIn; sweep++) {
        const so = u * D * R;
        const keep = state.subarray(so, so + D * R);
        proposal.set(keep);
        for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) state[so + d * R + r] += tau[u] * gauss(u, sweep, r, d);
        kernel.nodeLogLik(theta, u, prop);
        let accS = 0;
        for (let r = 0; r < R; r++) {
          let lp = prop[r] - cur[r];
          for (let d = 0; d < D; d++) {
            const zn = state[so + d * R + r], zo = proposal[d * R + r];
            lp -= 0.5 * (zn * zn - zo * zo);
            // a uniform dimension mapped to exactly 0 or 1 has no density there
            if (uni[d] === 1) { const x = normalCdf(zn); if (!(x > 0 && x < 1)) lp = -Infinity; }
          }
          if (Math.log(uniform(u, sweep, r, 1 << 20)) < lp) { cur[r] = prop[r]; accS++; }
          else for (let d = 0; d < D; d++) state[so + d * R + r] = proposal[d * R + r];
        }
        accU += accS / R;
        if (tune && sweep < burnIn / 2) tau[u] *= Math.exp(accS / R - 0.3);
      }
      accepted += accU / burnIn;
    }
    return accepted / N;
  };

  const scores = new Float64Array(N * P);
  const sc = new Float64Array(data.nClusters * P);
  const total = new Float64Array(P), S = new Float64Array(P * P);
  /** Simulated scores at theta: total (weighted) and the clustered outer product. */
  const simulate = async (theta: Float64Array, tune: boolean): Promise<number> => {
    const acc = await sample(theta, tune);
    total.fill(0); sc.fill(0); S.fill(0);
    for (let u = 0; u < N; u++) {
      await breathe();
      kernel.nodeAverageScore(theta, u, scores, u * P);
      const w = data.unitWeight ? data.unitWeight[u] : 1, co = data.unitCluster[u] * P;
      for (let q = 0; q < P; q++) { total[q] += w * scores[u * P + q]; sc[co + q] += w * scores[u * P + q]; }
    }
    for (let c = 0; c < data.nClusters; c++) for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) S[a * P + b] += sc[c * P + a] * sc[c * P + b];
    return acc;
  };

  const maxIt = o.maxIterations ?? 50;
  const theta = Float64Array.from(theta1);
  let acc = await simulate(theta, true);
  let it = 0, converged = false, message = '';
  for (; it < maxIt; it++) {
    if (o.signal?.aborted) throw new EstimationError('estimation aborted');
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
  state = new Float64Array(0);
  let gmax = 0;
  for (let q = 0; q < P; q++) gmax = Math.max(gmax, Math.abs(total[q]) / data.nSituations);
  return { theta, cov, converged, iterations: it, moments: gmax, message };
}
