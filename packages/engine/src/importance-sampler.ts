/**
 * A unit's posterior score by importance sampling with a proposal tuned at the
 * first-step (MSL) estimate (Geweke 1989, "Bayesian inference in econometric
 * models using Monte Carlo integration", Econometrica 57(6); Train 2009, ch.
 * 9): the proposal q_u = N(mu_u, Sigma_u) has the mean and covariance of
 * the unit's posterior h(z | y_u, theta_1) ∝ phi(z) L_u(beta(theta_1, z)),
 * measured on the rule's draws weighted by their likelihoods, shrunk towards
 * the prior by the effective number of those draws and widened 1.5 times
 * (heavier tails than the target keep the weights bounded). Its draws
 * z_r = mu_u + C_u e_r (C_u C_u' = Sigma_u, e_r the rule's standardized draws)
 * are fixed once; at each theta
 *
 *     w_r ∝ phi(z_r) L_u(beta(theta, z_r)) / q_u(z_r),   s_u = Σ_r w_r g_r / Σ_r w_r,
 *
 * with g_r = d log L_u(beta(theta, z_r)) / d theta: self-normalized, so biased
 * for a fixed R like MSL's score (which is the same estimator with the prior
 * as the proposal), but with weights far more even when the proposal is close
 * to the posterior; the effective sample size (Σ w)² / Σ w² says how close.
 * The simulated score is a smooth function of theta. Rule weights (a
 * quadrature rule's) multiply w_r; negative ones are refused.
 */
import { FastKernel, type ChoiceData, type CoefficientPlan, type NodeSource } from '@mxl/core';
import { normalCdf, normalQuantile } from '@mxl/integration';
import type { SamplerOutput, SamplerState } from './sampler-state.js';
import { choleskyLower } from './cholesky.js';

/** The proposal's standard deviations over the posterior's. */
export const WIDEN = 1.5;

/** The importance sampler of one thread. */
export class ImportanceSampler {
  private readonly D: number;
  private readonly R: number;
  private readonly uni: Uint8Array;
  private readonly logL: Float64Array;
  private readonly raw: Float64Array;
  private readonly cov: Float64Array;
  private readonly g: Float64Array;
  /** The kernel over one node: node `node` of the unit asked for. */
  private readonly single: FastKernel;
  private node = 0;

  /**
   * @param chains - the kernel whose unit u's nodes are st.state's draws of unit u
   * @param ruleKernel - the kernel over the rule's own draws
   */
  constructor(data: ChoiceData, plan: CoefficientPlan, private readonly rule: NodeSource, private readonly st: SamplerState, private readonly chains: FastKernel, private readonly ruleKernel: FastKernel) {
    const D = (this.D = plan.D), R = (this.R = rule.size), uni = (this.uni = plan.uniformDims);
    if (rule.weights && rule.weights.some((w) => !(w >= 0))) throw new Error('the importance sampler needs non-negative node weights; this sparse grid has negative ones');
    this.logL = new Float64Array(R);
    this.raw = new Float64Array(D * R);
    this.cov = new Float64Array(D * D);
    this.g = new Float64Array(plan.P);
    const state = st.state, self = this;
    const one: NodeSource = {
      size: 1, weights: null, shared: false,
      fill(u, out) {
        const so = u * D * R + self.node;
        for (let d = 0; d < D; d++) { const z = state[so + d * R]; out[d] = uni[d] === 1 ? normalCdf(z) : z; }
      },
    };
    this.single = new FastKernel(data, plan, one, { cacheDraws: false });
  }

  /** Tunes unit u's proposal at theta (the MSL estimate) and fixes its draws. */
  start(theta: Float64Array, u: number): void {
    const { D, R, uni, logL, raw, cov, rule, st } = this;
    const w = rule.weights;
    this.ruleKernel.nodeLogLik(theta, u, logL);
    rule.fill(u, raw, uni);
    const n = D * R, so = u * n;
    for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) { const x = raw[d * R + r]; st.z0[so + d * R + r] = uni[d] === 1 ? normalQuantile(x) : x; }
    let m = -Infinity;
    for (let r = 0; r < R; r++) if (logL[r] > m) m = logL[r];
    let S = 0, S2 = 0;
    for (let r = 0; r < R; r++) { const p = (w ? w[r] : 1) * Math.exp(logL[r] - m); logL[r] = p; S += p; S2 += p * p; }
    const ess = (S * S) / S2;
    const mu = st.mu, mo = u * D;
    for (let d = 0; d < D; d++) {
      let t = 0;
      for (let r = 0; r < R; r++) t += logL[r] * st.z0[so + d * R + r];
      mu[mo + d] = t / S;
    }
    // posterior covariance, shrunk towards the prior N(0, I) by the effective draws, widened
    const k = D + 1;
    for (let a = 0; a < D; a++) for (let b = 0; b <= a; b++) {
      let t = 0;
      for (let r = 0; r < R; r++) t += logL[r] * (st.z0[so + a * R + r] - mu[mo + a]) * (st.z0[so + b * R + r] - mu[mo + b]);
      const c = (WIDEN * WIDEN * (ess * (t / S) + (a === b ? k : 0))) / (ess + k);
      cov[a * D + b] = c;
      cov[b * D + a] = c;
    }
    const C = st.chol, co = u * D * D;
    choleskyLower(D, cov, 0, C, co, 1e-300); // positive definite by construction
    for (let r = 0; r < R; r++) for (let a = 0; a < D; a++) {
      let z = mu[mo + a];
      for (let b = 0; b <= a; b++) z += C[co + a * D + b] * st.z0[so + b * R + r];
      st.state[so + a * R + r] = z;
    }
  }

  /** Writes unit u's importance-weighted score at theta (row u of out.scores, P wide) and its effective sample size. */
  run(theta: Float64Array, u: number, out: SamplerOutput, P: number): void {
    const { D, R, logL, g, st } = this;
    const w = this.rule.weights;
    const so = u * D * R;
    this.chains.nodeLogLik(theta, u, logL);
    let m = -Infinity;
    for (let r = 0; r < R; r++) {
      let lw = logL[r] + (w ? Math.log(w[r]) : 0);
      for (let d = 0; d < D; d++) { const z = st.state[so + d * R + r], e = st.z0[so + d * R + r]; lw += 0.5 * (e * e - z * z); }
      logL[r] = lw;
      if (lw > m) m = lw;
    }
    let S = 0;
    for (let r = 0; r < R; r++) { logL[r] = Math.exp(logL[r] - m); S += logL[r]; }
    let S2 = 0;
    const o = u * P;
    for (let q = 0; q < P; q++) out.scores[o + q] = 0;
    for (let r = 0; r < R; r++) {
      const wr = logL[r] / S;
      S2 += wr * wr;
      if (!(wr > 1e-16)) continue; // below the precision of the sum
      this.node = r;
      g.fill(0);
      this.single.nodeAverageScore(theta, u, g, 0);
      for (let q = 0; q < P; q++) out.scores[o + q] += wr * g[q];
    }
    out.acceptance[u] = 1;
    out.draws[u] = 1 / S2;
  }
}

