/**
 * Couplings: a per-node stage between the plan's coefficients and the
 * coefficients the utilities use, for models whose coefficients are functions
 * of several random quantities at once. The plan makes "base" coefficients
 * b_k = sign_k g_k(eta_k) as always (./plan.ts); a coupling turns them into
 * the utility coefficients beta at every node r:
 *
 * - Willingness-to-pay space (Train and Weeks 2005; Scarpa, Thiene and Train
 *   2008; Helveston 2023, logitr), U = lambda (omega'x - p) + e, with the base
 *   coefficient of the price column being the scale lambda and every other
 *   base coefficient a WTP omega_k:
 *
 *       beta_k = lambda omega_k  (k != price),   beta_price = -lambda.
 *
 * - Generalized multinomial logit (Fiebig, Keane, Louviere and Wasi 2010),
 *   with m_k the coefficient's location (its value without draws, mean shifts
 *   included; identity links) and b_k - m_k its random part:
 *
 *       beta_k = sigma m_k + [gamma + sigma (1 - gamma)] (b_k - m_k),
 *       sigma  = exp(-tau^2/2 + tau z)   (z a standard normal draw, E sigma = 1),
 *
 *   gamma = 1/(1 + exp(-theta_gamma)) when free (kept in [0, 1]), or held.
 *   A lognormal coefficient (an exp link: b_k = sign_k exp(eta_k)) is scaled
 *   after its transform, beta_k = sigma b_k (its taste and the scale
 *   multiply; gamma does not enter, as there is no additive random part).
 *
 * The utilities stay sum_k beta_k x_k, so the hot loop is unchanged. Its
 * derivatives G_k = dlog L_r/dbeta_k are mapped back per node through the
 * Jacobian (G <- J'G, the derivatives with respect to the base coefficients),
 * which the usual score mapping (./scores.ts) then chains to theta; the
 * coupling's own parameters (tau, gamma) and the G-MNL location terms (the
 * location enters beta with sigma, not with gamma + sigma (1 - gamma)) are
 * added here, with the same node weights.
 */
import type { Coupling } from './coupling-spec.js';
import type { CoefficientPlan } from './plan.js';
import { Link } from './codes.js';

export { checkCoupling, type Coupling } from './coupling-spec.js';

/** A kernel's scratch for its plan's coupling. */
export interface CouplingState {
  readonly coupling: Coupling;
  /** K×stride: the base coefficients b at every node of the current unit. */
  readonly base: Float64Array;
  /** K: the location m_k = sign_k eta0_k of the current unit (G-MNL). */
  readonly mean: Float64Array;
  /** R: sigma_r (G-MNL). */
  readonly scale: Float64Array;
  /** R: d sigma_r / d tau = sigma_r (z_r - tau) (G-MNL). */
  readonly dscale: Float64Array;
  /** K: a unit's weighted sums of G_k (sigma - a) (G-MNL location terms). */
  readonly locSum: Float64Array;
  /** gamma at the current theta. */
  gamma: number;
}

/** The scratch of a coupling for K coefficients, R nodes, rows of `stride`. */
export function couplingState(c: Coupling, K: number, R: number, stride: number): CouplingState {
  return {
    coupling: c, base: new Float64Array(K * stride), mean: new Float64Array(K),
    scale: new Float64Array(R), dscale: new Float64Array(R), locSum: new Float64Array(K), gamma: 0,
  };
}

/** logistic(x) without overflow. */
function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Turns the base coefficients in `beta` (K rows of `stride`, nodes r < R)
 * into the utility coefficients, in place, keeping the base in the state;
 * eta0[k] is coefficient k's value without draws, e the unit's draws at eOff
 * (rows of R). A padding node (stride > R) repeats node R-1.
 */
export function coupleCoefficients(st: CouplingState, plan: CoefficientPlan, beta: Float64Array, eta0: Float64Array,
  theta: Float64Array, e: Float64Array, eOff: number, R: number, stride: number): void {
  const c = st.coupling, K = plan.K, base = st.base;
  base.set(beta.subarray(0, K * stride));
  if (c.kind === 'wtp') {
    const lo = c.price * stride;
    for (let k = 0; k < K; k++) {
      if (k === c.price) continue;
      const o = k * stride;
      for (let r = 0; r < R; r++) beta[o + r] = base[lo + r] * base[o + r];
    }
    for (let r = 0; r < R; r++) beta[lo + r] = -base[lo + r];
  } else {
    const tau = theta[c.tauParam];
    const gamma = (st.gamma = c.gammaParam >= 0 ? logistic(theta[c.gammaParam]) : c.gamma);
    const { scale, dscale, mean } = st;
    const zo = eOff + c.scaleDim * R;
    for (let r = 0; r < R; r++) {
      const z = e[zo + r];
      const s = Math.exp(-0.5 * tau * tau + tau * z);
      scale[r] = s;
      dscale[r] = s * (z - tau);
    }
    for (let k = 0; k < K; k++) {
      const o = k * stride;
      if (plan.link[k] !== Link.identity) {
        // a lognormal coefficient is scaled after its transform: beta = sigma b
        mean[k] = 0;
        for (let r = 0; r < R; r++) beta[o + r] = scale[r] * base[o + r];
        continue;
      }
      const m = (mean[k] = plan.sign[k] * eta0[k]);
      for (let r = 0; r < R; r++) {
        const s = scale[r];
        beta[o + r] = s * m + (gamma + s * (1 - gamma)) * (base[o + r] - m);
      }
    }
  }
  if (stride !== R) for (let k = 0; k < K; k++) beta[k * stride + R] = beta[k * stride + R - 1];
}

/**
 * Maps G (dlog L_r/dbeta_k, K rows of `stride`) in place to the derivatives
 * with respect to the base coefficients, and adds the coupling's own terms,
 * sum_r q_r (...) times wu, to out[o ..]: tau and gamma, and the G-MNL
 * location correction of each coefficient's location and mean shifts.
 * `chars` holds unit u's characteristics at co (nc of them).
 */
export function coupleScores(st: CouplingState, plan: CoefficientPlan, G: Float64Array, weights: Float64Array, R: number, stride: number,
  wu: number, out: Float64Array, o: number, chars: Float64Array | null, co: number): void {
  const c = st.coupling, K = plan.K, base = st.base;
  if (c.kind === 'wtp') {
    const lo = c.price * stride;
    for (let r = 0; r < R; r++) {
      const lambda = base[lo + r];
      let t = -G[lo + r];
      for (let k = 0; k < K; k++) {
        if (k === c.price) continue;
        const i = k * stride + r;
        t += G[i] * base[i];
        G[i] *= lambda;
      }
      G[lo + r] = t;
    }
    return;
  }
  const { scale, dscale, mean, locSum } = st;
  const gamma = st.gamma, g1 = 1 - gamma;
  locSum.fill(0);
  let dTau = 0, dGamma = 0;
  for (let r = 0; r < R; r++) {
    const s = scale[r], a = gamma + s * g1, q = weights[r];
    let tTau = 0, tGamma = 0;
    for (let k = 0; k < K; k++) {
      const i = k * stride + r, g = G[i];
      if (plan.link[k] !== Link.identity) { tTau += g * base[i]; G[i] = s * g; continue; }
      const m = mean[k], eta = base[i] - m;
      tTau += g * (m + g1 * eta);
      tGamma += g * eta;
      locSum[k] += q * g * (s - 1);
      G[i] = a * g;
    }
    dTau += q * dscale[r] * tTau;
    dGamma += q * (1 - s) * tGamma;
  }
  out[o + c.tauParam] += wu * dTau;
  if (c.gammaParam >= 0) out[o + c.gammaParam] += wu * dGamma * gamma * g1;
  // the location enters beta with sigma, the score mapping gave it a = gamma + sigma (1 - gamma): add sigma - a = gamma (sigma - 1)
  if (gamma === 0) return;
  for (let k = 0; k < K; k++) {
    const v = wu * gamma * plan.sign[k] * locSum[k];
    const mp = plan.meanParam[k];
    if (mp >= 0) out[o + mp] += v;
    for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) out[o + plan.shiftParam[h]] += v * chars![co + plan.shiftChar[h]];
  }
}
