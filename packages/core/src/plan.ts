/**
 * The coefficient plan: how each coefficient beta_k of a unit is produced from
 * the parameter vector theta, the unit's characteristics d_u and the unit's
 * standardized draws e_l.
 *
 *     eta_k = theta[mean_k] + sum_c theta[shift_kc] * d_uc + sum_l theta[spread_kl] * e_l
 *     beta_k = sign_k * g_k(eta_k)
 *
 * A fixed coefficient has no spread terms and g = identity. The link g and the
 * kind of draw e_l carry the distribution (Train 2009, ch. 6):
 *
 * | distribution        | e_l from the rule's point       | g(eta)           |
 * |---------------------|---------------------------------|------------------|
 * | normal              | z                               | eta              |
 * | lognormal           | z                               | exp(eta)         |
 * | censored normal     | z                               | max(0, eta)      |
 * | Johnson SB          | z                               | 1/(1+exp(-eta))  |
 * | uniform             | 2u - 1                          | eta              |
 * | triangular          | symmetric triangular on [-1, 1] | eta              |
 * | exponential         | -log(1 - u)  (no location)      | eta              |
 *
 * Correlated coefficients are several spread terms per coefficient (a row of
 * the Cholesky factor L). Every derivative the kernel needs follows from
 * d beta_k / d eta_k = sign_k * g'(eta_k) and d eta_k / d theta (1, d_uc or e_l).
 * The kernel stays free of distribution particulars beyond this table.
 */

import { checkCoupling, type Coupling } from './coupling-spec.js';
import { DrawKind, Link, type DrawKindCode, type LinkCode } from './codes.js';

export { DrawKind, Link, type DrawKindCode, type LinkCode } from './codes.js';



/** A compiled, typed-array description of how theta maps to coefficients. */
export interface CoefficientPlan {
  /** Absent or 'mixed' (a latent class plan says 'latent-class'). */
  readonly kind?: 'mixed';
  /** Number of coefficients (= columns of X). */
  readonly K: number;
  /** Number of parameters (length of theta). */
  readonly P: number;
  /** Number of random dimensions (draws per point). */
  readonly D: number;
  /** Length K: index into theta of the location, or -1 (no location, e.g. exponential, error component). */
  readonly meanParam: Int32Array;
  /** Length K: Link code. */
  readonly link: Int32Array;
  /** Length K: +1 or -1 (e.g. -1 for a negative lognormal). */
  readonly sign: Float64Array;
  /** Length K: 1 if the coefficient varies over draws. */
  readonly random: Uint8Array;
  /** Length K+1: spread terms of coefficient k are spreadStart[k] .. spreadStart[k+1]-1. */
  readonly spreadStart: Int32Array;
  /** Parameter index of each spread term. */
  readonly spreadParam: Int32Array;
  /** Draw dimension of each spread term. */
  readonly spreadDim: Int32Array;
  /** Length K+1: mean-shift terms of coefficient k. */
  readonly shiftStart: Int32Array;
  /** Parameter index of each mean-shift term. */
  readonly shiftParam: Int32Array;
  /** Characteristic (column of unitChars) of each mean-shift term. */
  readonly shiftChar: Int32Array;
  /** Length D: DrawKind code of each dimension. */
  readonly drawKind: Int32Array;
  /** Length D: 1 where the rule must deliver a uniform rather than a normal. */
  readonly uniformDims: Uint8Array;
  /**
   * A per-node map from the coefficients above to the utility coefficients
   * (WTP space, G-MNL: ./coupling.ts), or absent. With one, every coefficient
   * is random (it varies over nodes through the coupling).
   */
  readonly coupling?: Coupling | null;
}

/** One coefficient as the model describes it (before compiling). */
export interface CoefficientSpec {
  /** theta index of the location, or -1. */
  mean: number;
  link: LinkCode;
  sign?: 1 | -1;
  /** Spread terms: theta index and draw dimension. */
  spreads?: { param: number; dim: number }[];
  /** Mean-shift terms: theta index and characteristic column. */
  shifts?: { param: number; char: number }[];
}

/**
 * Compiles coefficient descriptions into a {@link CoefficientPlan}.
 * @param coefs - one entry per column of X
 * @param P - number of parameters
 * @param drawKinds - DrawKind of each random dimension
 * @param coupling - a coupling of the coefficients (./coupling.ts), or null
 */
export function compilePlan(coefs: readonly CoefficientSpec[], P: number, drawKinds: readonly DrawKindCode[], coupling: Coupling | null = null): CoefficientPlan {
  const K = coefs.length;
  const D = drawKinds.length;
  const meanParam = new Int32Array(K);
  const link = new Int32Array(K);
  const sign = new Float64Array(K);
  const random = new Uint8Array(K);
  const spreadStart = new Int32Array(K + 1);
  const shiftStart = new Int32Array(K + 1);
  const sp: number[] = [], sd: number[] = [], hp: number[] = [], hc: number[] = [];
  for (let k = 0; k < K; k++) {
    const c = coefs[k];
    meanParam[k] = c.mean;
    link[k] = c.link;
    sign[k] = c.sign ?? 1;
    spreadStart[k] = sp.length;
    for (const s of c.spreads ?? []) {
      if (s.dim < 0 || s.dim >= D) throw new RangeError(`coefficient ${k}: spread dimension ${s.dim} out of range 0..${D - 1}`);
      sp.push(s.param); sd.push(s.dim);
    }
    shiftStart[k] = hp.length;
    for (const s of c.shifts ?? []) { hp.push(s.param); hc.push(s.char); }
    random[k] = (c.spreads?.length ?? 0) > 0 || coupling ? 1 : 0;
    for (const p of [c.mean, ...(c.spreads ?? []).map((s) => s.param), ...(c.shifts ?? []).map((s) => s.param)]) {
      if (p >= P || p < -1) throw new RangeError(`coefficient ${k}: parameter index ${p} out of range`);
    }
  }
  spreadStart[K] = sp.length;
  shiftStart[K] = hp.length;
  const drawKind = Int32Array.from(drawKinds);
  const uniformDims = new Uint8Array(D);
  for (let d = 0; d < D; d++) uniformDims[d] = drawKind[d] === DrawKind.normal ? 0 : 1;
  if (coupling) checkCoupling(coupling, K, P, drawKind, link);
  return {
    K, P, D, meanParam, link, sign, random,
    spreadStart, spreadParam: Int32Array.from(sp), spreadDim: Int32Array.from(sd),
    shiftStart, shiftParam: Int32Array.from(hp), shiftChar: Int32Array.from(hc),
    drawKind, uniformDims, ...(coupling ? { coupling } : {}),
  };
}

/**
 * Turns the rule's points (normal z, or uniform u where uniformDims says so)
 * into standardized draws e, in place, dim-major (e[d*R + r]).
 */
export function standardizeDraws(plan: CoefficientPlan, R: number, e: Float64Array): void {
  for (let d = 0; d < plan.D; d++) {
    const kind = plan.drawKind[d];
    if (kind === DrawKind.normal) continue;
    const o = d * R;
    for (let r = 0; r < R; r++) {
      const u = e[o + r];
      if (kind === DrawKind.uniform) e[o + r] = 2 * u - 1;
      else if (kind === DrawKind.triangular) e[o + r] = u < 0.5 ? Math.sqrt(2 * u) - 1 : 1 - Math.sqrt(2 * (1 - u));
      else e[o + r] = -Math.log1p(-u);
    }
  }
}
