/**
 * The method of simulated moments with optimal instruments (McFadden 1989,
 * "A method of simulated moments for estimation of discrete response models
 * without numerical integration", Econometrica 57(5); Train 2009, sec.
 * 10.2.3 and 10.5):
 *
 *     g(theta) = sum_n w_n sum_t sum_j (d_ntj - Pbar_ntj(theta)) z_ntj = 0,
 *
 * with Pbar the simulated (unconditional, per-situation) choice
 * probabilities, which are unbiased in the draws, so the estimator is
 * consistent for a fixed number of draws, unlike maximum simulated
 * likelihood. The instruments are the optimal ones, z_ntj = d log P_ntj /
 * d theta, evaluated once at a consistent first-step estimate (the MSL
 * estimate) with draws independent of those of the moments (the rule's points
 * for units N..2N-1 instead of 0..N-1), as McFadden requires. Both passes run
 * on the engine (the worker pool), like the log-likelihood. With an outside
 * option its probability 1 - sum_j Pbar_ntj is one more term. The system is
 * exactly identified (P moments, P parameters) and solved by Newton's method
 * on g with the analytic Jacobian
 *
 *     G = dg/dtheta' = -sum_n w_n sum_t sum_j z_ntj dPbar_ntj/dtheta',
 *
 * backtracking on |g|. Covariance: the sandwich G^-1 S G^-T with
 * S = sum_c g_c g_c' over individuals c (clustered, so panels are handled),
 * which includes the simulation noise of the moments in g_c.
 */
import { isLatentClass } from '@mxl/core';
import { createEngine, type Engine } from '@mxl/engine';
import { solveGeneral } from '@mxl/optim';
import { AbortError, EstimationError } from './errors.js';
import type { Prepared } from './prepare.js';
import { NO_NODES } from './problem.js';

/** The outcome of the moment step. */
export interface MsmResult {
  theta: Float64Array;
  /** Sandwich covariance (P×P). */
  cov: Float64Array;
  converged: boolean;
  iterations: number;
  /** max |g_p| / (number of situations) at the solution. */
  moments: number;
  message: string;
}

/**
 * Runs the moment step from the first-step estimate `theta1`.
 * @param onIteration - progress (iteration, max |g|)
 */
export async function simulatedMoments(p: Prepared, theta1: Float64Array, engine: Engine, o: { maxIterations?: number; signal?: AbortSignal; onIteration?: (it: number, gmax: number) => void } = {}): Promise<MsmResult> {
  const plan = p.design.plan;
  if (isLatentClass(plan)) throw new EstimationError('estimator "msm" is for mixed logit models; a latent class model is estimated by "msl"');
  const data = p.data;
  const P = plan.P;

  // optimal instruments z = dlog P / dtheta at theta1, with independent draws: the
  // rule's points of units N..2N-1, on an engine of its own (one pass, nothing cached)
  const instruments = createEngine(data, plan, p.rule ?? NO_NODES, {
    workers: engine.workers, pool: engine.workers > 1, rule: p.rule?.toJSON() ?? null, unitOffset: data.nUnits, cacheDraws: false,
  });
  let zi: { prob: Float64Array; dprob: Float64Array };
  try {
    const r = await instruments.rowProbabilities(theta1, true, o.signal);
    zi = { prob: Float64Array.from(r.prob), dprob: Float64Array.from(r.dprob!) };
  } finally {
    await instruments.close();
  }
  const Z = zi.dprob;
  for (let r = 0; r < data.nRows; r++) {
    const inv = 1 / zi.prob[r];
    for (let q = 0; q < P; q++) Z[r * P + q] *= inv;
  }
  const Z0 = new Float64Array(data.outside ? data.nSituations * P : 0); // the outside option's
  if (data.outside) {
    for (let s = 0; s < data.nSituations; s++) {
      let p0 = 1;
      for (let r = data.sitRow[s]; r < data.sitRow[s + 1]; r++) p0 -= zi.prob[r];
      for (let q = 0; q < P; q++) {
        let d = 0;
        for (let r = data.sitRow[s]; r < data.sitRow[s + 1]; r++) d -= zi.dprob[r * P + q] * zi.prob[r];
        Z0[s * P + q] = d / p0;
      }
    }
  }

  let m: { prob: Float64Array; dprob: Float64Array } = { prob: new Float64Array(0), dprob: new Float64Array(0) };
  const g = new Float64Array(P), G = new Float64Array(P * P);
  const gc = new Float64Array(data.nClusters * P);
  /** g (and G, the per-cluster g_c) at theta. */
  const evaluate = async (theta: Float64Array, jacobian: boolean): Promise<number> => {
    const r = await engine.rowProbabilities(theta, jacobian, o.signal);
    m = { prob: r.prob, dprob: r.dprob ?? m.dprob };
    g.fill(0);
    if (jacobian) { G.fill(0); gc.fill(0); }
    for (let u = 0; u < data.nUnits; u++) {
      const w = data.unitWeight ? data.unitWeight[u] : 1;
      const co = data.unitCluster[u] * P;
      for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
        const c = data.sitChosen[s];
        let p0 = 1;
        for (let r = data.sitRow[s]; r < data.sitRow[s + 1]; r++) {
          const e = w * ((r === c ? 1 : 0) - m.prob[r]);
          p0 -= m.prob[r];
          for (let q = 0; q < P; q++) g[q] += e * Z[r * P + q];
          if (jacobian) {
            for (let q = 0; q < P; q++) gc[co + q] += e * Z[r * P + q];
            for (let a = 0; a < P; a++) {
              const za = w * Z[r * P + a];
              if (za === 0) continue;
              for (let b = 0; b < P; b++) G[a * P + b] -= za * m.dprob[r * P + b];
            }
          }
        }
        if (data.outside) {
          const e = w * ((c < 0 ? 1 : 0) - p0);
          for (let q = 0; q < P; q++) g[q] += e * Z0[s * P + q];
          if (jacobian) {
            for (let q = 0; q < P; q++) gc[co + q] += e * Z0[s * P + q];
            for (let a = 0; a < P; a++) {
              const za = w * Z0[s * P + a];
              if (za === 0) continue;
              // dP0/dtheta = -sum_r dP_r/dtheta
              for (let r = data.sitRow[s]; r < data.sitRow[s + 1]; r++) for (let b = 0; b < P; b++) G[a * P + b] += za * m.dprob[r * P + b];
            }
          }
        }
      }
    }
    let n2 = 0;
    for (let q = 0; q < P; q++) n2 += g[q] * g[q];
    return n2;
  };

  const maxIt = o.maxIterations ?? 100;
  const nObs = data.nSituations;
  let theta = Float64Array.from(theta1);
  let n2 = await evaluate(theta, true);
  let it = 0, converged = false, message = '';
  const gmax = () => Math.max(...Array.from(g, Math.abs)) / nObs;
  for (; it < maxIt; it++) {
    if (o.signal?.aborted) throw new AbortError();
    o.onIteration?.(it, gmax());
    const step = solveGeneral(P, G, g, 1);
    if (!step) throw new EstimationError('the moment Jacobian is singular: the parameters are not identified by the simulated moments');
    // Newton step theta - G^-1 g, halved until |g| falls
    let t = 1, accepted = false;
    let trial = new Float64Array(P);
    for (let k = 0; k < 30; k++) {
      for (let q = 0; q < P; q++) trial[q] = theta[q] - t * step[q];
      const m2 = await evaluate(trial, false);
      if (Number.isFinite(m2) && m2 < n2) { accepted = true; n2 = m2; break; }
      t /= 2;
    }
    let dmax = 0;
    for (let q = 0; q < P; q++) dmax = Math.max(dmax, Math.abs(t * step[q]) / Math.max(1, Math.abs(theta[q])));
    if (!accepted) {
      // no decrease along the Newton direction: at the solution up to rounding
      converged = gmax() < 1e-8;
      message = converged ? `moments at rounding level (max |g|/N = ${gmax().toExponential(2)})` : `no decrease of |g| along the Newton step (max |g|/N = ${gmax().toExponential(2)})`;
      break;
    }
    [theta, trial] = [trial, theta];
    n2 = await evaluate(theta, true);
    if (dmax < 1e-9 || gmax() < 1e-12) {
      converged = true;
      message = `Newton step below 1e-9 (max |g|/N = ${gmax().toExponential(2)})`;
      it++;
      break;
    }
  }
  if (!message) message = `no convergence after ${maxIt} Newton iterations (max |g|/N = ${gmax().toExponential(2)})`;
  if (!converged) await evaluate(theta, true);

  // sandwich G^-1 S G^-T, S = sum over individuals of g_c g_c'
  const S = new Float64Array(P * P);
  for (let c = 0; c < data.nClusters; c++) {
    for (let a = 0; a < P; a++) {
      const x = gc[c * P + a];
      if (x === 0) continue;
      for (let b = 0; b < P; b++) S[a * P + b] += x * gc[c * P + b];
    }
  }
  const A = solveGeneral(P, G, S, P); // G^-1 S
  if (!A) throw new EstimationError('the moment Jacobian is singular at the MSM estimate');
  // (G^-1 S) G^-T = (G^-1 (G^-1 S)')'
  const At = new Float64Array(P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) At[a * P + b] = A[b * P + a];
  const B = solveGeneral(P, G, At, P)!;
  const cov = new Float64Array(P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) cov[a * P + b] = 0.5 * (B[a * P + b] + B[b * P + a]);
  return { theta, cov, converged, iterations: it, moments: gmax(), message };
}
