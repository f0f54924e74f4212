/**
 * Draws from each unit's posterior of the standardized draws, for the method
 * of simulated scores (see @mxl/estimation's mss.ts for the estimator):
 *
 *     h(z | y_u, theta) ∝ phi(z) L_u(beta(theta, z)),   z ~ N(0, I)
 *
 * (a uniform dimension of the rule is Phi(z)). R random-walk
 * Metropolis-Hastings chains per unit, run together (one kernel call per
 * sweep evaluates all R proposals), start from the rule's draws resampled by
 * their posterior weights (systematic resampling), so a short burn-in
 * suffices. Proposals and acceptance uniforms are fixed functions of (unit,
 * sweep, chain, dimension): the output is a deterministic function of theta
 * (common random numbers) and does not depend on how units are split among
 * threads. Every array in {@link SamplerState} may live in shared memory;
 * units are disjoint between threads.
 */
import { FastKernel, type ChoiceData, type CoefficientPlan, type NodeSource } from '@mxl/core';
import { normalCdf, normalQuantile } from '@mxl/integration';

/** The sampler's arrays (SharedArrayBuffers on the pool). */
export interface SamplerState {
  /** N × D × R starting points (the resampled rule draws). */
  z0: Float64Array;
  /** N × D × R current points of the chains. */
  state: Float64Array;
  /** N random-walk step sizes (tuned per unit). */
  tau: Float64Array;
  /** Sweeps before the draws are used. */
  burnIn: number;
}

/** Allocates the sampler's arrays. */
export function allocateSampler(N: number, D: number, R: number, burnIn: number, shared: boolean): SamplerState {
  const f64 = (n: number) => new Float64Array(shared ? new SharedArrayBuffer(Math.max(1, n) * 8) : new ArrayBuffer(Math.max(1, n) * 8));
  const tau = f64(N).fill(2.38 / Math.sqrt(Math.max(1, D)) / 2);
  return { z0: f64(N * D * R), state: f64(N * D * R), tau, burnIn };
}

/** A counter-based uniform in (0, 1) from four integers (mulberry32 over a hash). */
export function counterUniform(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f) ^ Math.imul(c + 0x165667b1, 0x9e3779b1) ^ Math.imul(d + 0x27220a95, 0x85ebca77);
  h = (h + 0x6d2b79f5) | 0;
  let t = Math.imul(h ^ (h >>> 15), h | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
}

/** A standard normal from the same counters (Box-Muller on two uniforms). */
function gauss(a: number, b: number, c: number, d: number): number {
  return Math.sqrt(-2 * Math.log(counterUniform(a, b, c, 2 * d))) * Math.cos(2 * Math.PI * counterUniform(a, b, c, 2 * d + 1));
}

/** Runs the chains of a range of units; one instance per thread. */
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
  }

  /** Starts the chains of units u0..u1-1: the rule's draws resampled by their posterior weights at theta. */
  start(theta: Float64Array, u0: number, u1: number): void {
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
   * Runs burnIn sweeps from the starting points at theta for units u0..u1-1
   * (tuning each unit's step towards 30% acceptance in the first half when
   * `tune`), then writes each unit's node-average score of the final points
   * into scores[u*P ..] and its mean acceptance rate into acceptance[u].
   */
  run(theta: Float64Array, u0: number, u1: number, tune: boolean, scores: Float64Array, acceptance: Float64Array): void {
    const { D, R, uni, cur, prop, keep } = this;
    const { z0, state, tau, burnIn } = this.st;
    const P = scores.length / this.data.nUnits;
    const n = D * R;
    for (let u = u0; u < u1; u++) {
      const so = u * n;
      for (let i = 0; i < n; i++) state[so + i] = z0[so + i];
      this.chainKernel.nodeLogLik(theta, u, cur);
      let accU = 0;
      for (let sweep = 0; sweep < burnIn; sweep++) {
        for (let i = 0; i < n; i++) keep[i] = state[so + i];
        for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) state[so + d * R + r] += tau[u] * gauss(u, sweep, r, d);
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
      acceptance[u] = accU / burnIn;
      this.chainKernel.nodeAverageScore(theta, u, scores, u * P);
    }
  }
}
