/**
 * The mean, standard deviation and quantiles of β = sign·g(b + s·e) for each mixing
 * distribution (the README's table "Mixing distributions"), with their derivatives with
 * respect to the location b and the spread s, exactly: closed forms, except the Johnson SB's
 * mean and sd (and their derivatives), which have none and come from
 * {@link normalExpectations} to about 1e-14.
 *
 * With σ = |s| (every draw but the exponential is symmetric about 0, so s and −s give one
 * distribution) and Y = g(b + σe):
 *
 * | dist | e | mean of Y | sd of Y |
 * |---|---|---|---|
 * | normal, uniform, triangular | z; 2u − 1; symmetric triangular on [−1, 1] | b | σ, σ/√3, σ/√6 |
 * | lognormal | z | exp(b + σ²/2) | exp(b + σ²/2)·√expm1(σ²) |
 * | cn | z | σ·m(b/σ), m(a) = a Φ(a) + φ(a) | σ·√v(b/σ) (see {@link censoredNormalMoments}) |
 * | sb | z | ∫ L(b + σz) φ(z) dz, L the logistic | by the same quadrature, centred |
 *
 * The p-quantile of Y is g(b + σ e_p) (g is non-decreasing); for sign −1 the p-quantile of
 * β = −Y is −(the (1 − p)-quantile of Y) = −g(b − σ e_p). The exponential (β = sign·m·e,
 * e ~ Exp(1), b = 0, s = m) is not symmetric: with c = sign·m, mean c, sd |c|, p-quantile
 * c·E(p) for c ≥ 0 and c·E(1 − p) below, E(p) = −log(1 − p).
 *
 * Derivatives (σ > 0; dσ/ds = sign(s)): lognormal d mean = mean·(db + σ dσ), d sd/dσ =
 * exp(b + σ²/2)·(σ√E + σe^{σ²}/√E), E = expm1(σ²); censored normal (a = b/σ; its moments:
 * Greene 2012, Econometric Analysis, 7th ed., Theorem 19.3) ∂mean/∂b = Φ(a), ∂mean/∂σ = φ(a),
 * ∂sd/∂b = m Φ(−a)/√v, ∂sd/∂σ = (v − a m Φ(−a))/√v; Johnson SB ∂mean/∂b = E[L′],
 * ∂mean/∂σ = E[L′ z], ∂sd/∂b = E[(L − mean) L′]/sd, ∂sd/∂σ = E[(L − mean) L′ z]/sd.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { censoredNormalMoments, normalPdf } from './censored-normal.js';
import { normalExpectations } from './normal-expectation.js';

/** A statistic of β and its derivatives with respect to the location b and the spread s. */
export interface Stat {
  value: number;
  db: number;
  ds: number;
}

/** The statistics of β = sign·g(b + s·e). */
export interface DrawStatistics {
  mean: Stat;
  sd: Stat;
  /** The p-quantile. */
  quantile(p: number): Stat;
}

/** The standardized draw's p-quantile (the README's mixing distributions table). */
export function drawQuantile(dist: string, p: number): number {
  if (dist === 'uniform') return 2 * p - 1;
  if (dist === 'triangular') return p < 0.5 ? Math.sqrt(2 * p) - 1 : 1 - Math.sqrt(2 * (1 - p));
  if (dist === 'exponential') return -Math.log1p(-p);
  return normalQuantile(p, 0, 1);
}

/** The logistic L(η) = 1/(1 + e^{−η}). */
function logistic(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

/** L′(η) = L(1 − L), accurate in both tails. */
function logisticSlope(eta: number): number {
  const t = Math.exp(-Math.abs(eta));
  return t / ((1 + t) * (1 + t));
}

/** g and its derivative g′ (cn: 1 above the kink, 0 at and below it). */
function link(dist: string, eta: number): [number, number] {
  if (dist === 'lognormal') {
    const y = Math.exp(eta);
    return [y, y];
  }
  if (dist === 'cn') return eta > 0 ? [eta, 1] : [0, 0];
  if (dist === 'sb') return [logistic(eta), logisticSlope(eta)];
  return [eta, 1];
}

/** Standard deviations of the symmetric linear draws. */
const LINEAR_SD: Record<string, number> = { normal: 1, uniform: 1 / Math.sqrt(3), triangular: 1 / Math.sqrt(6) };

/** Mean and sd of Y = g(b + σe), σ ≥ 0, with derivatives in (b, σ). */
function symmetricMoments(dist: string, b: number, sigma: number): { mean: Stat; sd: Stat } {
  if (dist in LINEAR_SD) {
    const k = LINEAR_SD[dist];
    return { mean: { value: b, db: 1, ds: 0 }, sd: { value: k * sigma, db: 0, ds: k } };
  }
  if (dist === 'lognormal') {
    const mean = Math.exp(b + (sigma * sigma) / 2);
    const e = Math.expm1(sigma * sigma);
    const root = Math.sqrt(e);
    // σ/√expm1(σ²) → 1 as σ → 0
    const ratio = e > 0 ? sigma / root : 1;
    return {
      mean: { value: mean, db: mean, ds: sigma * mean },
      sd: { value: mean * root, db: mean * root, ds: mean * (sigma * root + ratio * Math.exp(sigma * sigma)) },
    };
  }
  if (dist === 'cn') {
    if (sigma === 0) {
      // the limits σ → 0+ of the formulas below
      const at0 = censoredNormalMoments(0);
      return {
        mean: { value: Math.max(0, b), db: b > 0 ? 1 : 0, ds: b === 0 ? normalPdf(0) : 0 },
        sd: { value: 0, db: 0, ds: b > 0 ? 1 : b === 0 ? Math.sqrt(at0.variance) : 0 },
      };
    }
    const a = b / sigma;
    const { mean: m, variance: v, cdf, ccdf } = censoredNormalMoments(a);
    const root = Math.sqrt(v);
    return {
      mean: { value: sigma * m, db: cdf, ds: normalPdf(a) },
      sd: root > 0 ? { value: sigma * root, db: (m * ccdf) / root, ds: (v - a * m * ccdf) / root } : { value: 0, db: 0, ds: 0 },
    };
  }
  if (dist === 'sb') return sbMoments(b, sigma);
  throw new RangeError(`implied distributions: unknown distribution ${dist}`);
}

/**
 * L(x) − L(y) = ½ sinh((x − y)/2) / (cosh(x/2) cosh(y/2)) (L(x) = ½(1 + tanh(x/2))): full
 * relative accuracy when x is near y, where the plain difference cancels.
 */
function logisticDiff(x: number, y: number): number {
  const d = (0.5 * Math.sinh((x - y) / 2)) / Math.cosh(x / 2) / Math.cosh(y / 2);
  return Number.isFinite(d) ? d : logistic(x) - logistic(y);
}

/**
 * Johnson SB: mean and sd of L(b + σZ) by quadrature, in two passes over the deviations
 * D(z) = L(b + σz) − L(b), computed without cancellation: mean = L(b) + E[D], then the sd's
 * integrands centred at E[D] (for a small σ, D is O(σ) and E[D] is O(σ²)).
 */
function sbMoments(b: number, sigma: number): { mean: Stat; sd: Stat } {
  const median = logistic(b);
  const slope = logisticSlope(b);
  if (sigma === 0) return { mean: { value: median, db: slope, ds: 0 }, sd: { value: 0, db: 0, ds: slope } };
  // L(b + σz) has poles at z = (−b ± iπ(2j+1))/σ: the first step is 1/σ at most, and the
  // rule converges like exp(−2π²/(σh)) (three halvings from h = 1/σ reach ε). The integrands
  // are powers of L, 1 − L and L′ times φ: negligible 10 beyond their peaks, which the
  // logistic's tails e^{±kη} move at most min(3σ, |b|/σ) away from 0.
  const opts = { halfWidth: 10 + Math.min(3 * sigma, Math.abs(b) / sigma), step: Math.min(0.5, 1 / sigma) };
  const [shift, dmb, dms] = normalExpectations((z, out) => {
    const eta = b + sigma * z;
    const d = logisticSlope(eta);
    out[0] = logisticDiff(eta, b);
    out[1] = d;
    out[2] = d * z;
  }, 3, opts);
  const [v, dvb, dvs] = normalExpectations((z, out) => {
    const eta = b + sigma * z;
    const c = logisticDiff(eta, b) - shift;
    const d = c * logisticSlope(eta);
    out[0] = c * c;
    out[1] = d;
    out[2] = d * z;
  }, 3, opts);
  // d sd = d var / (2 sd), d var = 2 E[(L − mean) dL]
  const sd = Math.sqrt(v);
  return { mean: { value: median + shift, db: dmb, ds: dms }, sd: { value: sd, db: dvb / sd, ds: dvs / sd } };
}

/**
 * The statistics of β = sign·g(b + s·e), with derivatives in (b, s), for s as estimated
 * (either sign). For the exponential, b is unused and s is its scale m.
 */
export function drawStatistics(dist: string, sign: number, b: number, s: number): DrawStatistics {
  if (dist === 'exponential') {
    const c = sign * s;
    return {
      mean: { value: c, db: 0, ds: sign },
      sd: { value: Math.abs(c), db: 0, ds: Math.sign(s) },
      quantile(p) {
        const e = drawQuantile(dist, c >= 0 ? p : 1 - p);
        return { value: c * e, db: 0, ds: sign * e };
      },
    };
  }
  const sigma = Math.abs(s);
  const dsigma = Math.sign(s);
  const { mean, sd } = symmetricMoments(dist, b, sigma);
  return {
    mean: { value: sign * mean.value, db: sign * mean.db, ds: sign * mean.ds * dsigma },
    sd: { value: sd.value, db: sd.db, ds: sd.ds * dsigma },
    quantile(p) {
      // the draw is symmetric: sign·(the p-quantile of sign·Y) uses e_p for sign 1, −e_p for −1
      const e = sign * drawQuantile(dist, p);
      const [y, dy] = link(dist, b + sigma * e);
      return { value: sign * y, db: sign * dy, ds: sign * dy * e * dsigma };
    },
  };
}
