/**
 * Individual-level parameters: the distribution of a unit's coefficients
 * conditional on its observed choices (Revelt and Train 2000, "Customer-
 * specific taste parameters and mixed logit"; Train 2009, ch. 11):
 *
 *     q_um = a_um L_u(beta_um) / sum_m' a_um' L_u(beta_um'),
 *     E[beta_k | y_u] = sum_m q_um beta_kum,
 *     sd[beta_k | y_u] = sqrt(sum_m q_um beta_kum^2 - E^2),
 *
 * and, in a latent class model, the posterior class probabilities
 * h_uc = sum over class c's support points of q_um (Greene and Hensher 2003),
 * with L_u the product of the unit's chosen-alternative probabilities, in
 * logs (max-shifted, so long panels do not underflow). With a cost
 * coefficient c, the conditional mean of the willingness to pay
 * -beta_k / beta_c is reported too. Signed quadrature weights can make a
 * conditional variance negative: it is then reported as NaN, never clamped.
 */
import type { Population } from './population.js';
import { PassScratch } from './passes.js';
import { situationProbabilities } from './probabilities.js';

/** Conditional means and standard deviations of every unit's coefficients. */
export interface IndividualParameters {
  /** Coefficient names (columns of X). */
  coefficients: string[];
  /** nUnits×K conditional means. */
  mean: Float64Array;
  /** nUnits×K conditional standard deviations. */
  sd: Float64Array;
  /** nUnits×K unconditional (prior) means, for comparison. */
  prior: Float64Array;
  /** nUnits×K conditional mean willingness to pay, when a cost coefficient was given. */
  wtp: Float64Array | null;
  /** Latent class models: nUnits×C posterior class membership probabilities (else null). */
  classProbabilities: Float64Array | null;
}

/**
 * Conditional distributions of every unit's coefficients.
 * @param cost - index of the cost coefficient for conditional WTP, or -1
 */
export function individualParameters(pop: Population, cost = -1): IndividualParameters {
  const d = pop.data, M = pop.M, K = pop.K, N = d.nUnits;
  const z = new PassScratch(pop);
  const logL = new Float64Array(M), q = new Float64Array(M);
  const mean = new Float64Array(N * K), sd = new Float64Array(N * K), prior = new Float64Array(N * K);
  const wtp = cost >= 0 ? new Float64Array(N * K) : null;
  const C = pop.classes, perClass = M / C;
  const classProbabilities = C > 1 ? new Float64Array(N * C) : null;
  for (let u = 0; u < N; u++) {
    pop.unit(u, z.beta, z.a);
    z.split.scan(z.beta, M);
    logL.fill(0);
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      situationProbabilities(d, s, z.beta, M, z.split, z.sm, z.V);
      const c = d.sitChosen[s];
      if (c >= 0) {
        // log P_c from utilities (max-shifted), not log of a probability that may underflow
        const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, jc = c - r0;
        for (let m = 0; m < M; m++) {
          let mx = d.outside ? 0 : -Infinity;
          for (let j = 0; j < J; j++) if (z.V[j * M + m] > mx) mx = z.V[j * M + m];
          let S = d.outside ? Math.exp(-mx) : 0;
          for (let j = 0; j < J; j++) S += Math.exp(z.V[j * M + m] - mx);
          logL[m] += z.V[jc * M + m] - mx - Math.log(S);
        }
      } else {
        for (let m = 0; m < M; m++) logL[m] += Math.log(z.P0[m]);
      }
    }
    let top = -Infinity;
    for (let m = 0; m < M; m++) if (z.a[m] !== 0 && logL[m] > top) top = logL[m];
    let S = 0;
    for (let m = 0; m < M; m++) { q[m] = z.a[m] * Math.exp(logL[m] - top); S += q[m]; }
    for (let m = 0; m < M; m++) q[m] /= S;
    if (classProbabilities) {
      for (let c = 0; c < C; c++) {
        let t = 0;
        for (let m = c * perClass; m < (c + 1) * perClass; m++) t += q[m];
        classProbabilities[u * C + c] = t;
      }
    }
    for (let k = 0; k < K; k++) {
      const o = k * M;
      // moments of beta - beta_0 (exact zero variance for a coefficient constant over nodes)
      const b0 = z.beta[o];
      let e = 0, e2 = 0, pr = 0;
      for (let m = 0; m < M; m++) { const b = z.beta[o + m] - b0; e += q[m] * b; e2 += q[m] * b * b; pr += z.a[m] * b; }
      mean[u * K + k] = b0 + e;
      const v = e2 - e * e;
      // rounding can leave a tiny negative variance for a coefficient constant over nodes
      sd[u * K + k] = v >= 0 ? Math.sqrt(v) : v > -1e-12 * (e2 + 1e-300) ? 0 : NaN;
      prior[u * K + k] = b0 + pr;
      if (wtp) {
        let t = 0;
        for (let m = 0; m < M; m++) t -= (q[m] * z.beta[o + m]) / z.beta[cost * M + m];
        wtp[u * K + k] = t;
      }
    }
  }
  return { coefficients: [...d.varNames], mean, sd, prior, wtp, classProbabilities };
}
