/**
 * The spread of each unit's simulated probability over its nodes: the raw
 * material of a fit's simulation error (see @mxl/estimation's
 * simulation-error.ts). With equal-weight nodes β_1..β_R,
 *
 *     P̂_u = (1/R) Σ_r L_u(β_r),   relVar_u = 1/(R−1) Σ_r (L_u(β_r)/P̂_u − 1)²,
 *
 * so that for independent draws Var(P̂_u)/P_u² ≈ relVar_u / R (Train 2009,
 * sec. 10.5.1). Computed from log L_u(β_r) in log space (shifted by the
 * largest node), so long panels, whose L_u underflows a double, lose nothing.
 */
import type { MixedKernel } from '@mxl/core';

/** What {@link Engine.nodeSpread} returns (owned by the engine; overwritten by the next call). */
export interface NodeSpread {
  /** log P̂_u per unit (unweighted): the log of the mean of L_u over the unit's nodes. */
  logP: Float64Array;
  /** relVar_u per unit: the sample variance of L_u(β_r)/P̂_u over the nodes (0 with one node; NaN when P̂_u is 0). */
  relVar: Float64Array;
}

/**
 * Writes logP[u] and relVar[u] for units u0..u1-1 from the kernel's node
 * log-likelihoods; `scratch` holds at least the kernel's node count.
 * Node weights are ignored: this is for simulation rules (equal weights).
 */
export function nodeSpreadOf(kernel: MixedKernel, theta: Float64Array, u0: number, u1: number, out: NodeSpread, scratch: Float64Array): void {
  const R = kernel.nodeCount;
  for (let u = u0; u < u1; u++) {
    kernel.nodeLogLik(theta, u, scratch);
    let m = -Infinity;
    for (let r = 0; r < R; r++) if (scratch[r] > m) m = scratch[r];
    let S = 0;
    for (let r = 0; r < R; r++) S += Math.exp(scratch[r] - m);
    const logP = m + Math.log(S / R);
    out.logP[u] = logP;
    if (!Number.isFinite(logP)) { out.relVar[u] = NaN; continue; }
    let V = 0;
    for (let r = 0; r < R; r++) { const d = Math.exp(scratch[r] - logP) - 1; V += d * d; }
    out.relVar[u] = R > 1 ? V / (R - 1) : 0;
  }
}
