/**
 * Exact draws from a unit's posterior by accept-reject (von Neumann 1951;
 * Train 2009, ch. 9): propose z from the prior N(0, I),
 * accept with probability L_u(beta(theta, z)) / M. For a logit, L_u is a
 * product of choice probabilities, so M = 1 bounds it and every accepted z is
 * an exact draw from h(z | y_u, theta) ∝ phi(z) L_u(beta(theta, z)). The price
 * is the acceptance rate, the unit's choice probability P_u(theta) itself:
 * about 1/J in a cross-section of J alternatives, but (1/J)^T and less in a
 * panel of T choices, where accept-reject is impractical (the estimator
 * refuses it upfront, see @mxl/estimation's mss.ts). Proposals come in
 * batches of R (one kernel call each) until R draws are accepted or the
 * budget (budget·R proposals) is spent; a unit short of R accepted draws
 * repeats them in turn (fixed weights on independent exact draws keep the
 * score unbiased), one with none gets a NaN score. Proposals and uniforms are
 * fixed functions of (unit, batch, proposal, dimension): at every theta the
 * same proposals are judged (common random numbers).
 */
import { FastKernel, type ChoiceData, type CoefficientPlan, type NodeSource } from '@mxl/core';
import { normalCdf } from '@mxl/integration';
import { counterGauss, counterUniform, type SamplerOutput, type SamplerState } from './sampler-state.js';

/** The accept-reject sampler of one thread. */
export class AcceptReject {
  private readonly D: number;
  private readonly R: number;
  private readonly proposals: Float64Array;
  private readonly logL: Float64Array;
  private readonly kernel: FastKernel;

  /**
   * @param chains - the kernel whose unit u's nodes are st.state's draws of unit u
   */
  constructor(data: ChoiceData, plan: CoefficientPlan, R: number, private readonly st: SamplerState, private readonly chains: FastKernel) {
    const D = (this.D = plan.D);
    this.R = R;
    const uni = plan.uniformDims;
    const z = (this.proposals = new Float64Array(D * R));
    const source: NodeSource = {
      size: R, weights: null, shared: false,
      fill(_u, out) {
        for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) { const v = z[d * R + r]; out[d * R + r] = uni[d] === 1 ? normalCdf(v) : v; }
      },
    };
    this.kernel = new FastKernel(data, plan, source, { cacheDraws: false });
    this.logL = new Float64Array(R);
  }

  /** Samples unit u's posterior at theta and writes its score (row u of out.scores, P wide), acceptance rate and accepted draws. */
  run(theta: Float64Array, u: number, out: SamplerOutput, P: number): void {
    const { D, R, proposals, logL, st } = this;
    const n = D * R, so = u * n, state = st.state;
    const batches = Math.max(1, Math.ceil(st.budget));
    let accepted = 0, proposed = 0;
    for (let b = 0; b < batches && accepted < R; b++) {
      for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) proposals[d * R + r] = counterGauss(u, b, r, d);
      this.kernel.nodeLogLik(theta, u, logL);
      for (let r = 0; r < R && accepted < R; r++) {
        proposed++;
        if (Math.log(counterUniform(u, b, r, 1 << 20)) < logL[r]) {
          for (let d = 0; d < D; d++) state[so + d * R + accepted] = proposals[d * R + r];
          accepted++;
        }
      }
    }
    out.acceptance[u] = accepted / proposed;
    out.draws[u] = accepted;
    if (accepted === 0) {
      for (let q = 0; q < P; q++) out.scores[u * P + q] = NaN;
      return;
    }
    // short of R: the accepted draws again, in turn
    for (let r = accepted; r < R; r++) for (let d = 0; d < D; d++) state[so + d * R + r] = state[so + d * R + (r % accepted)];
    this.chains.nodeAverageScore(theta, u, out.scores, u * P);
  }
}
