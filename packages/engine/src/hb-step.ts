/**
 * The per-individual Metropolis-Hastings step of the hierarchical Bayes
 * sampler (Train 2009, sec. 12.6.1, step 3): for individual n of chain c,
 *
 *     beta' = beta_n + rho · v,   v ~ N(0, (H_n + W^-1)^-1)
 *     accept with probability min(1, L_n(alpha, beta') phi(beta' | mu_n, W) / (L_n(alpha, beta_n) phi(beta_n | mu_n, W)))
 *
 * with mu_n = B' w_n. The random walk is shaped like the individual's
 * posterior, as bayesm's rhierMnlRwMixture does (Rossi, Allenby and McCulloch
 * 2005, sec. 5.3): H_n is the Fisher information of n's panel logit in the
 * latent coefficients at the start values (computed once, in the 'init'
 * pass), W^-1 the prior's precision; Train's proposal N(0, rho² W) mixes
 * badly when an individual's choices pin down a combination of coefficients
 * (collinear attributes), and this one does not. Given W the proposal is a
 * symmetric random walk, so the acceptance ratio has no proposal term.
 * Everything in log space, and no utility overflows (see {@link unitLogLik}). The
 * individual's uniforms and normals come from its own counter-based stream
 * (seed, chain; n, sweep), so the step does not depend on the thread that runs it.
 *
 * A uniform, triangular or exponential coefficient (links 4-6, see ./hb-model.ts)
 * has the prior N(0, 1) in place of N(mu_n, W) for its latent coordinate (in
 * the acceptance ratio and in the proposal's precision), and its value
 * c = sign · (a + |h| q(Phi(z))) or sign · m q(Phi(z)) is formed once per
 * individual and proposal, before the panel logit, not per alternative.
 *
 * The panel logit is ./hb-loglik.ts's generated code over utility-difference
 * records staged once ({@link unitLogLik} below is the plain loop over the
 * shared data layout, kept as its reference): @mxl/core's kernels evaluate
 * log L at the nodes of an integration rule for a parameter vector theta, and
 * have no entry point for "log L_n at this individual's coefficients".
 */
import type { ChoiceData } from '@mxl/core';
import { normalCdf } from '@mxl/integration';
import { CounterStream } from './hb-random.js';
import { choleskyLower } from './cholesky.js';
import { hbRecords, PanelLogLik, type HbRecords } from './hb-loglik.js';
import { paramsLayout, type HbModel, type HbPass, type HbState, type ParamsLayout } from './hb-model.js';

/** c = sign · g(eta) for link code `link` (see HbModel.link). */
export function linkValue(link: number, sign: number, eta: number): number {
  switch (link) {
    case 0: return sign * eta;
    case 1: return sign * Math.exp(eta);
    case 2: return sign * (eta > 0 ? eta : 0);
    case 3: return sign / (1 + Math.exp(-eta));
    default: throw new RangeError(`unknown link code ${link}`);
  }
}

/** Link codes of the coefficients that transform a standard normal latent (see HbModel's file comment). */
export const StandardLatent = { uniform: 4, triangular: 5, exponential: 6 } as const;

/** -log Phi(-z) for z >= 0, finite where Phi(-z) underflows (z > 37: the asymptotic series, Abramowitz and Stegun 26.2.12). */
function minusLogUpper(z: number): number {
  if (z <= 37) return -Math.log(normalCdf(-z));
  const r = 1 / (z * z);
  return 0.5 * z * z + Math.log(z) + 0.5 * Math.log(2 * Math.PI) - Math.log(1 - r + 3 * r * r - 15 * r * r * r);
}

/**
 * The standardized draw e = q(Phi(z)) of link 4-6 at latent z, MSL's draw of the same
 * distribution (README "Mixing distributions"): 2u - 1 (uniform), the symmetric triangular
 * quantile on [-1, 1] (sqrt(2u) - 1 below the median, 1 - sqrt(2(1 - u)) above), -log(1 - u)
 * (exponential). u and 1 - u are each taken as Phi of z or -z (@mxl/integration's normalCdf,
 * erfc-based), so neither tail loses digits to 1 - Phi(z).
 */
export function standardDraw(link: number, z: number): number {
  switch (link) {
    case 4: return z >= 0 ? 1 - 2 * normalCdf(-z) : 2 * normalCdf(z) - 1;
    case 5: return z <= 0 ? Math.sqrt(2 * normalCdf(z)) - 1 : 1 - Math.sqrt(2 * normalCdf(-z));
    case 6: return z <= 0 ? -Math.log1p(-normalCdf(z)) : minusLogUpper(z);
    default: throw new RangeError(`link code ${link} is not a transformation of a standard normal`);
  }
}

/** d q(Phi(z)) / dz of {@link standardDraw}. */
export function standardDrawDerivative(link: number, z: number): number {
  const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  switch (link) {
    case 4: return 2 * phi;
    case 5: return phi / Math.sqrt(2 * normalCdf(-Math.abs(z)));
    case 6: { const t = normalCdf(-z); return t > 0 ? phi / t : z; } // the Mills ratio, ~z far in the tail
    default: throw new RangeError(`link code ${link} is not a transformation of a standard normal`);
  }
}

/**
 * c = sign · (a + |h| q) for uniform and triangular, sign · m q for exponential (q = {@link standardDraw}
 * at latent z; a, h or m from alpha[t..]).
 */
export function standardValue(link: number, sign: number, alpha: Float64Array, t: number, z: number): number {
  const q = standardDraw(link, z);
  return link === 6 ? sign * alpha[t] * q : sign * (alpha[t] + Math.abs(alpha[t + 1]) * q);
}

/** Scratch for {@link unitLogLik}: one utility per row of the largest situation. */
export function utilityScratch(data: ChoiceData): Float64Array {
  let J = 1;
  for (let s = 0; s < data.nSituations; s++) J = Math.max(J, data.sitRow[s + 1] - data.sitRow[s]);
  return new Float64Array(J);
}

/**
 * log L_n: the log-likelihood of unit u's situations at coefficients `coef`
 * (length K); V is {@link utilityScratch}. As @mxl/core's fast kernel does,
 * utilities are taken against the chosen alternative's, w_o = V_o - V_c, so
 * log P_c = -log S with S = 1 + sum_o exp(w_o) >= 1 (one exp fewer per
 * situation, no max pass), and the S of a unit's situations are multiplied,
 * the product flushed into a log when it passes 1e150 (one log per unit). A
 * situation with some w_o above 300 takes the max-shifted form
 * (log P_c = -m - log(exp(-m) + sum_o exp(w_o - m)), m = max_o w_o), so no
 * utility overflows. An outside option has utility 0.
 */
export function unitLogLik(data: ChoiceData, u: number, coef: Float64Array, V: Float64Array): number {
  const { X, sitRow, sitChosen, nVars: K, outside } = data;
  let ll = 0, prod = 1;
  for (let s = data.unitSit[u], s1 = data.unitSit[u + 1]; s < s1; s++) {
    const r0 = sitRow[s], J = sitRow[s + 1] - r0, c = sitChosen[s] - r0;
    let mx = -Infinity;
    for (let j = 0; j < J; j++) {
      let v = 0;
      for (let k = 0, o = (r0 + j) * K; k < K; k++) v += X[o + k] * coef[k];
      V[j] = v;
    }
    const vc = c >= 0 ? V[c] : 0; // an outside choice (sitChosen -1) has utility 0
    for (let j = 0; j < J; j++) { if (j === c) continue; const w = V[j] - vc; V[j] = w; if (w > mx) mx = w; }
    if (outside && c >= 0 && -vc > mx) mx = -vc;
    if (mx <= 300) {
      let S = outside && c >= 0 ? 1 + Math.exp(-vc) : 1;
      for (let j = 0; j < J; j++) if (j !== c) S += Math.exp(V[j]);
      prod *= S;
      if (prod > 1e150) { ll -= Math.log(prod); prod = 1; }
    } else {
      let S = Math.exp(-mx) + (outside && c >= 0 ? Math.exp(-vc - mx) : 0);
      for (let j = 0; j < J; j++) if (j !== c) S += Math.exp(V[j] - mx);
      ll -= mx + Math.log(S);
    }
  }
  return ll - Math.log(prod);
}

/**
 * Adds unit u's Fisher information in the latent coefficients at `coef` to
 * H (Kr × Kr): sum over situations of sum_j P_j (x_j - xbar)(x_j - xbar)',
 * xbar = sum_j P_j x_j, over the random columns, times dc_k/deta_k on both sides.
 * V is {@link utilityScratch}; `deriv` (length Kr) holds dc/deta; xr (Kr) is scratch.
 */
export function unitInformation(data: ChoiceData, u: number, coef: Float64Array, V: Float64Array, m: HbModel, deriv: Float64Array, xr: Float64Array, H: Float64Array, ho: number): void {
  const { X, sitRow, nVars: K, outside } = data;
  const { Kr, role } = m;
  const xbar = new Float64Array(Kr);
  for (let s = data.unitSit[u], s1 = data.unitSit[u + 1]; s < s1; s++) {
    const r0 = sitRow[s], J = sitRow[s + 1] - r0;
    let mx = outside ? 0 : -Infinity;
    for (let j = 0; j < J; j++) {
      let v = 0;
      for (let k = 0, o = (r0 + j) * K; k < K; k++) v += X[o + k] * coef[k];
      V[j] = v;
      if (v > mx) mx = v;
    }
    let S = outside ? Math.exp(-mx) : 0;
    for (let j = 0; j < J; j++) { V[j] = Math.exp(V[j] - mx); S += V[j]; }
    xbar.fill(0);
    for (let j = 0; j < J; j++) for (let k = 0, o = (r0 + j) * K; k < K; k++) if (role[k] >= 0) xbar[role[k]] += (V[j] / S) * X[o + k];
    // the outside option (x = 0) adds P_0 xbar xbar'
    const p0 = outside ? Math.exp(-mx) / S : 0;
    for (let j = 0; j < J; j++) {
      const p = V[j] / S;
      for (let k = 0, o = (r0 + j) * K; k < K; k++) if (role[k] >= 0) xr[role[k]] = (X[o + k] - xbar[role[k]]) * deriv[role[k]];
      for (let a = 0; a < Kr; a++) for (let b = 0; b < Kr; b++) H[ho + a * Kr + b] += p * xr[a] * xr[b];
    }
    if (p0 > 0) for (let a = 0; a < Kr; a++) for (let b = 0; b < Kr; b++) H[ho + a * Kr + b] += p0 * xbar[a] * deriv[a] * xbar[b] * deriv[b];
  }
}

/** dc/deta of c = sign · g(eta) (0 for a censored coefficient below 0). */
export function linkDerivative(link: number, sign: number, eta: number): number {
  switch (link) {
    case 0: return sign;
    case 1: return sign * Math.exp(eta);
    case 2: return eta > 0 ? sign : 0;
    case 3: { const q = 1 / (1 + Math.exp(-eta)); return sign * q * (1 - q); }
    default: throw new RangeError(`unknown link code ${link}`);
  }
}

/** Runs the passes of the workers over units of one chain; one instance per thread. */
export class HbStepper {
  private readonly lay: ParamsLayout;
  private readonly coef: Float64Array;
  private readonly prop: Float64Array;
  private readonly mu: Float64Array;
  private readonly z: Float64Array;
  private readonly y: Float64Array;
  private readonly V: Float64Array;
  private readonly A: Float64Array;
  private readonly deriv: Float64Array;
  private readonly shifted: Float64Array;
  private readonly rng = new CounterStream();
  /** Length Kr: 1 for a standard normal latent (links 4-6). */
  private readonly std: Uint8Array;
  /** Length Kr: HbModel.transformAlpha (-1 throughout when absent). */
  private readonly ta: Int32Array;
  /** log L_n by the generated kernel of ./hb-loglik.ts. */
  private readonly panel: PanelLogLik;

  /** `records`: the data's utility-difference records (staged here when not given). */
  constructor(private readonly data: ChoiceData, private readonly m: HbModel, private readonly st: HbState, records?: HbRecords) {
    this.lay = paramsLayout(m);
    this.panel = new PanelLogLik(records ?? hbRecords(data), m.K);
    this.coef = new Float64Array(m.K);
    this.prop = new Float64Array(m.Kr);
    this.mu = new Float64Array(m.Kr);
    this.z = new Float64Array(m.Kr);
    this.y = new Float64Array(m.Kr);
    this.V = utilityScratch(data);
    this.A = new Float64Array(m.Kr * m.Kr);
    this.deriv = new Float64Array(m.Kr);
    this.shifted = new Float64Array(m.Kr);
    this.std = Uint8Array.from(m.link, (l) => (l >= 4 && l <= 6 ? 1 : 0));
    this.ta = m.transformAlpha ?? new Int32Array(m.Kr).fill(-1);
    for (let r = 0; r < m.Kr; r++) {
      if (this.std[r] && !(this.ta[r] >= 0 && this.ta[r] + (m.link[r] === 6 ? 0 : 1) < m.Kf)) throw new RangeError(`random coefficient ${r} (link ${m.link[r]}) needs its parameters' index in alpha (HbModel.transformAlpha)`);
    }
  }

  /** Coefficients of unit u at fixed coefficients params[ao..] and latent beta[bo..] into this.coef. */
  private coefficients(params: Float64Array, ao: number, beta: Float64Array, bo: number): Float64Array {
    const { role, K } = this.m;
    const coef = this.coef;
    for (let k = 0; k < K; k++) {
      const r = role[k];
      coef[k] = r >= 0 ? this.value(r, params, ao, beta[bo + r]) : params[ao - r - 1];
    }
    return coef;
  }

  /** Random coefficient r at latent value `eta`, with the fixed coefficients at params[ao..]. */
  private value(r: number, params: Float64Array, ao: number, eta: number): number {
    const l = this.m.link[r];
    return !this.std[r] ? linkValue(l, this.m.sign[r], eta) : standardValue(l, this.m.sign[r], params, ao + this.ta[r], eta);
  }

  /** dc_r/deta at latent `eta` (fixed coefficients at params[ao..]). */
  private derivative(r: number, params: Float64Array, ao: number, eta: number): number {
    const l = this.m.link[r], s = this.m.sign[r];
    if (!this.std[r]) return linkDerivative(l, s, eta);
    const d = standardDrawDerivative(l, eta), t = ao + this.ta[r];
    return l === 6 ? s * params[t] * d : s * Math.abs(params[t + 1]) * d;
  }

  /** (x - mu)' W^-1 (x - mu) with W = L L' (forward substitution). */
  private quad(x: Float64Array, xo: number, L: Float64Array, lo: number): number {
    const { Kr } = this.m;
    const { mu, y, std } = this;
    let q = 0;
    for (let i = 0; i < Kr; i++) {
      // a standard normal latent: N(0, 1), independent of the others (it is in no correlated block)
      if (std[i]) { y[i] = 0; q += x[xo + i] * x[xo + i]; continue; }
      let t = x[xo + i] - mu[i];
      for (let j = 0; j < i; j++) t -= L[lo + i * Kr + j] * y[j];
      t /= L[lo + i * Kr + i];
      y[i] = t;
      q += t * t;
    }
    return q;
  }

  /** Runs `pass` on units u0..u1-1 of chain c. */
  run(pass: HbPass, c: number, u0: number, u1: number): void {
    const { data, m, st, lay, prop, mu, z } = this;
    const { Kr, M, chars } = m;
    const N = data.nUnits, P = lay.length;
    const params = st.params, po = c * P;
    const alphaO = po + lay.alpha, altO = po + lay.alphaProp, BO = po + lay.B, LO = po + lay.L, WO = po + lay.Winv, SO = po + lay.shift;
    const A = this.A;
    const rho = params[po + lay.rho];
    const nc = data.charNames.length, uc = data.unitChars;
    for (let u = u0; u < u1; u++) {
      const cu = c * N + u, bo = cu * Kr;
      // mu_n = B' w_n
      for (let k = 0; k < Kr; k++) {
        let v = params[BO + k];
        for (let j = 1; j < M; j++) v += params[BO + j * Kr + k] * uc![u * nc + chars[j - 1]];
        mu[k] = this.std[k] ? 0 : v; // a standard normal latent's prior mean is 0 (B's entry for it is not used)
      }
      if (pass.kind === 'init') {
        st.ll[cu] = this.panel.unit(u, this.coefficients(params, alphaO, st.beta, bo));
        if (c === 0 && pass.info !== false) {
          const ho = u * Kr * Kr;
          st.hess.fill(0, ho, ho + Kr * Kr);
          for (let r = 0; r < Kr; r++) this.deriv[r] = this.derivative(r, params, alphaO, mu[r]);
          unitInformation(data, u, this.coefficients(params, alphaO, mu, 0), this.V, m, this.deriv, z, st.hess, ho);
        }
        continue;
      }
      const rng = this.rng.reset(m.seed, c + (m.chain0 ?? 0), u, pass.sweep, 0);
      for (let i = 0; i < Kr; i++) z[i] = rng.normal();
      // A = H_n + W^-1 = R R' (Cholesky, in place); the step R'^-1 z has covariance A^-1
      const ho = u * Kr * Kr;
      // the prior precision: W^-1, with 1 (and no covariances) for a standard normal latent
      for (let i = 0; i < Kr; i++) for (let j = 0; j < Kr; j++) {
        const w = this.std[i] || this.std[j] ? (i === j ? 1 : 0) : params[WO + i * Kr + j];
        A[i * Kr + j] = st.hess[ho + i * Kr + j] + w;
      }
      choleskyLower(Kr, A, 0, A, 0);
      for (let i = Kr - 1; i >= 0; i--) {
        let s = z[i];
        for (let k = i + 1; k < Kr; k++) s -= A[k * Kr + i] * prop[k];
        prop[i] = s / A[i * Kr + i];
      }
      for (let i = 0; i < Kr; i++) prop[i] = st.beta[bo + i] + rho * prop[i];
      const llProp = this.panel.unit(u, this.coefficients(params, alphaO, prop, 0));
      const logRatio = llProp - st.ll[cu] - 0.5 * (this.quad(prop, 0, params, LO) - this.quad(st.beta, bo, params, LO));
      // log u < 0 for every u in (0, 1): a ratio >= 0 accepts without drawing u (the same decision, one log and one Philox block fewer)
      const accept = logRatio >= 0 || Math.log(rng.uniform32()) < logRatio;
      if (accept) {
        for (let i = 0; i < Kr; i++) st.beta[bo + i] = prop[i];
        st.ll[cu] = llProp;
      }
      st.accepted[cu] = accept ? 1 : 0;
      if (pass.alt) {
        const sh = this.shifted;
        for (let i = 0; i < Kr; i++) sh[i] = st.beta[bo + i] + params[SO + i];
        st.llAlt[cu] = this.panel.unit(u, this.coefficients(params, altO, sh, 0));
      }
      if (pass.keep) {
        for (let r = 0; r < Kr; r++) {
          const v = this.value(r, params, alphaO, st.beta[bo + r]);
          st.sum[bo + r] += v;
          st.sumSq[bo + r] += v * v;
        }
      }
    }
  }
}
