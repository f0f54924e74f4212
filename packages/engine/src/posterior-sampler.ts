/**
 * Draws from each unit's posterior of the standardized draws, for the method
 * of simulated scores (see @mxl/estimation's mss.ts for the estimator):
 *
 *     h(z | y_u, theta) ∝ phi(z) L_u(beta(theta, z)),   z ~ N(0, I)
 *
 * (a uniform dimension of the rule is Phi(z)), and each unit's score averaged
 * over them, by one of three samplers ({@link SamplerKind}):
 *
 * - "mh": R random-walk Metropolis-Hastings chains per unit, run together (one
 *   kernel call per sweep evaluates all R proposals), started from the rule's
 *   draws resampled by their posterior weights (systematic resampling), so a
 *   short burn-in suffices; the score is the plain average over the chains'
 *   final points;
 * - "accept-reject": exact draws (./accept-reject.ts);
 * - "importance": a proposal tuned at the first-step estimate, weighted draws
 *   (./importance-sampler.ts).
 *
 * Proposals and uniforms are fixed functions of (unit, sweep or batch,
 * draw, dimension): the output is a deterministic function of theta (common
 * random numbers) and does not depend on how units are split among threads.
 * Every array in {@link SamplerState} may live in shared memory; units are
 * disjoint between threads.
 */
import { FastKernel, type ChoiceData, type CoefficientPlan, type NodeSource } from '@mxl/core';
import { normalCdf, normalQuantile } from '@mxl/integration';
import { AcceptReject } from './accept-reject.js';
import { ImportanceSampler } from './importance-sampler.js';
import { counterGauss, counterUniform, type SamplerOutput, type SamplerState } from './sampler-state.js';

export { allocateSampler, counterUniform, SAMPLERS, type SamplerKind, type SamplerOptions, type SamplerOutput, type SamplerState } from './sampler-state.js';

/** Runs the samplers of a range of units; one instance per thread. */
export class PosteriorSampler {
  private readonly chainKernel: FastKernel;
  private readonly ruleKernel: FastKernel;
  private readonly D: number;
  private readonly R: number;
  private readonly uni: Uint8Array;
  private readonly cur: Float64Array;
  private readonly prop: Float64Array;
  private readonly keep: Float64Array;
  private readonly raw: Float64Array;
  private readonly cum: Float64Array;
  private readonly ar: AcceptReject | null;
  private readonly is: ImportanceSampler | null;

  constructor(private readonly data: ChoiceData, plan: CoefficientPlan, private readonly rule: NodeSource, private readonly st: SamplerState) {
    const D = (this.D = plan.D), R = (this.R = rule.size), uni = (this.uni = plan.uniformDims);
    const state = st.state;
    const chains: NodeSource = {
      size: R, weights: null, shared: false,
      fill(u, out) {
        for (let d = 0; d < D; d++) {
          const so = (u * D + d) * R, oo = d * R;
          for (let r = 0; r < R; r++) { const z = state[so + r]; out[oo + r] = uni[d] === 1 ? normalCdf(z) : z; }
        }
      },
    };
    this.chainKernel = new FastKernel(data, plan, chains, { cacheDraws: false });
    this.ruleKernel = new FastKernel(data, plan, rule, { cacheDraws: false });
    this.cur = new Float64Array(R);
    this.prop = new Float64Array(R);
    this.keep = new Float64Array(D * R);
    this.raw = new Float64Array(D * R);
    this.cum = new Float64Array(R);
    this.ar = st.kind === 'accept-reject' ? new AcceptReject(data, plan, R, st, this.chainKernel) : null;
    this.is = st.kind === 'importance' ? new ImportanceSampler(data, plan, rule, st, this.chainKernel, this.ruleKernel) : null;
  }

  /**
   * Prepares units u0..u1-1 at theta (the first-step estimate): MH's chains start at the
   * rule's draws resampled by their posterior weights; the importance sampler tunes its
   * proposals; accept-reject needs nothing.
   */
  start(theta: Float64Array, u0: number, u1: number): void {
    if (this.is) { for (let u = u0; u < u1; u++) this.is.start(theta, u); return; }
    if (this.ar) return;
    const { D, R, uni, raw, cum, rule } = this;
    const logL = this.cur, z0 = this.st.z0, w = rule.weights;
    for (let u = u0; u < u1; u++) {
      this.ruleKernel.nodeLogLik(theta, u, logL);
      rule.fill(u, raw, uni);
      let m = -Infinity;
      for (let r = 0; r < R; r++) if (logL[r] > m) m = logL[r];
      let S = 0;
      for (let r = 0; r < R; r++) { S += Math.max(0, w ? w[r] : 1) * Math.exp(logL[r] - m); cum[r] = S; }
      let j = 0;
      const offset = counterUniform(u, -1, 0, 0);
      for (let r = 0; r < R; r++) {
        const target = ((r + offset) / R) * S;
        while (j < R - 1 && cum[j] < target) j++;
        for (let d = 0; d < D; d++) {
          const x = raw[d * R + j];
          z0[(u * D + d) * R + r] = uni[d] === 1 ? normalQuantile(x) : x;
        }
      }
    }
  }

  /**
   * Samples units u0..u1-1 at theta and writes each unit's score (row u of out.scores),
   * acceptance and draws (see {@link SamplerOutput}). MH runs burnIn sweeps from the
   * starting points (tuning each unit's step towards 30% acceptance in the first half when
   * `tune`) and averages the score over the final points.
   */
  run(theta: Float64Array, u0: number, u1: number, tune: boolean, out: SamplerOutput): void {
    const P = out.scores.length / this.data.nUnits;
    if (this.ar) { for (let u = u0; u < u1; u++) this.ar.run(theta, u, out, P); return; }
    if (this.is) { for (let u = u0; u < u1; u++) this.is.run(theta, u, out, P); return; }
    const { D, R, uni, cur, prop, keep } = this;
    const { z0, state, tau, burnIn } = this.st;
    const n = D * R;
    for (let u = u0; u < u1; u++) {
      const so = u * n;
      for (let i = 0; i < n; i++) state[so + i] = z0[so + i];
      this.chainKernel.nodeLogLik(theta, u, cur);
      let accU = 0;
      for (let sweep = 0; sweep < burnIn; sweep++) {
        for (let i = 0; i < n; i++) keep[i] = state[so + i];
        for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) state[so + d * R + r] += tau[u] * counterGauss(u, sweep, r, d);
        this.chainKernel.nodeLogLik(theta, u, prop);
        let accS = 0;
        for (let r = 0; r < R; r++) {
          let lp = prop[r] - cur[r];
          for (let d = 0; d < D; d++) {
            const zn = state[so + d * R + r], zo = keep[d * R + r];
            lp -= 0.5 * (zn * zn - zo * zo);
            // a uniform dimension mapped to exactly 0 or 1 has no density there
            if (uni[d] === 1) { const x = normalCdf(zn); if (!(x > 0 && x < 1)) lp = -Infinity; }
          }
          if (Math.log(counterUniform(u, sweep, r, 1 << 20)) < lp) { cur[r] = prop[r]; accS++; }
          else for (let d = 0; d < D; d++) state[so + d * R + r] = keep[d * R + r];
        }
        accU += accS / R;
        if (tune && sweep < burnIn / 2) tau[u] *= Math.exp(accS / R - 0.3);
      }
      out.acceptance[u] = accU / burnIn;
      out.draws[u] = R;
      this.chainKernel.nodeAverageScore(theta, u, out.scores, u * P);
    }
  }
}
