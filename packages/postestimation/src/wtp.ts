/**
 * Willingness to pay: WTP_k = -beta_k / beta_c for a cost coefficient c
 * (Train 2009, sec. 6.5; Train and Weeks 2005 on why a random cost
 * coefficient makes the ratio's moments misbehave). Over the population —
 * every unit's support points with prior weights a_um and unit weights — the
 * report gives the mean, standard deviation and (with non-negative weights)
 * the 5%, 50% and 95% quantiles of the ratio. When beta_c takes both signs
 * over the support (a normal cost coefficient, say), the ratio has no finite
 * moments: the mean and sd are still printed as computed on the nodes, but
 * flagged, and the median is the number to read.
 */
import type { Population } from './population.js';
import { TangentScratch, unitDerivatives } from './tangent.js';

/** The population distribution of the willingness to pay for each coefficient. */
export interface WtpDistribution {
  cost: string;
  coefficients: string[];
  mean: number[];
  sd: number[];
  q05: number[];
  median: number[];
  q95: number[];
  /** Share of the support (by prior weight) where the cost coefficient has the sign opposite to its median. */
  wrongSignShare: number;
  notes: string[];
}

/** Weighted quantiles of values with non-negative weights (one sort for all of `ps`, ascending). */
function quantiles(vals: Float64Array, wts: Float64Array, ps: readonly number[]): number[] {
  if (wts.every((x) => x === wts[0])) return equalWeightQuantiles(vals, wts[0], ps);
  const idx = Uint32Array.from({ length: vals.length }, (_, i) => i).filter((i) => Number.isFinite(vals[i]));
  idx.sort((i, j) => vals[i] - vals[j]);
  let total = 0;
  for (let n = 0; n < idx.length; n++) total += wts[idx[n]];
  const out = ps.map(() => NaN);
  let acc = 0, q = 0;
  for (let n = 0; n < idx.length && q < ps.length; n++) {
    acc += wts[idx[n]];
    while (q < ps.length && acc >= ps[q] * total) out[q++] = vals[idx[n]];
  }
  return out;
}

/**
 * The same quantiles when every weight is equal: the weighted rule's running
 * sum gives each quantile's rank, and a selection (Hoare's quickselect,
 * expected linear time) the value of that rank, without sorting.
 */
function equalWeightQuantiles(vals: Float64Array, w: number, ps: readonly number[]): number[] {
  const v = vals.filter((x) => Number.isFinite(x));
  let total = 0;
  for (let n = 0; n < v.length; n++) total += w;
  const out = ps.map(() => NaN);
  let acc = 0, q = 0;
  for (let n = 0; n < v.length && q < ps.length; n++) {
    acc += w;
    while (q < ps.length && acc >= ps[q] * total) out[q++] = select(v, n);
  }
  return out;
}

/** The value of rank k (0-based) of v; reorders v. */
function select(v: Float64Array, k: number): number {
  let lo = 0, hi = v.length - 1;
  while (hi > lo) {
    // median of three as the pivot
    const mid = (lo + hi) >>> 1;
    const a = v[lo], b = v[mid], c = v[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { const t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

/** Weighted quantile (see {@link quantiles}). */
function quantile(vals: Float64Array, wts: Float64Array, p: number): number {
  return quantiles(vals, wts, [p])[0];
}

/** Most support-point values kept for the quantiles (per coefficient); more units are subsampled evenly. */
const MAX_KEPT = 1_000_000;

/** Population WTP distribution relative to coefficient `cost` (an index into the coefficients). */
export function wtpDistribution(pop: Population, cost: number): WtpDistribution {
  const d = pop.data, M = pop.M, K = pop.K, N = d.nUnits;
  const beta = new Float64Array(K * M), a = new Float64Array(M);
  const stride = Math.ceil((N * M) / MAX_KEPT);
  const kept = Math.ceil(N / stride) * M;
  const vals = Array.from({ length: K }, () => new Float64Array(kept));
  const wts = new Float64Array(kept);
  const costVals = new Float64Array(kept);
  const sum = new Float64Array(K), sum2 = new Float64Array(K), shift = new Float64Array(K);
  let W = 0, wrongW = 0, costMean = 0;
  for (let u = 0; u < N; u++) {
    const wu = d.unitWeight ? d.unitWeight[u] : 1;
    pop.unit(u, beta, a);
    const keep = u % stride === 0;
    const o = (u / stride) * M;
    for (let m = 0; m < M; m++) {
      const w = wu * a[m], bc = beta[cost * M + m];
      W += w;
      costMean += w * bc;
      if (keep) { wts[o + m] = w; costVals[o + m] = bc; }
      for (let k = 0; k < K; k++) {
        const r = -beta[k * M + m] / bc;
        if (u === 0 && m === 0) shift[k] = r;
        // sums of r - shift: no cancellation in the variance when r hardly varies
        const x = r - shift[k];
        sum[k] += w * x;
        sum2[k] += w * x * x;
        if (keep) vals[k][o + m] = r;
      }
    }
  }
  const notes: string[] = [];
  if (stride > 1) notes.push(`quantiles from every ${stride}th unit (${kept} support points); means and sds from all units`);
  const signed = wts.some((x) => x < 0);
  if (signed) notes.push('signed quadrature weights: quantiles are not defined and are reported as NaN');
  const sgn = Math.sign(signed ? costMean : quantile(costVals, wts, 0.5));
  let keptW = 0;
  for (let i = 0; i < costVals.length; i++) { keptW += wts[i]; if (Math.sign(costVals[i]) !== sgn) wrongW += wts[i]; }
  const wrongSignShare = wrongW / keptW;
  if (wrongSignShare > 0) {
    notes.push(`the cost coefficient ${d.varNames[cost]} takes the other sign (or 0) on ${(100 * wrongSignShare).toPrecision(3)}% of the population: the WTP has no finite mean or variance there; read the median and quantiles`);
  }
  const mean: number[] = [], sd: number[] = [], q05: number[] = [], median: number[] = [], q95: number[] = [];
  for (let k = 0; k < K; k++) {
    const e = sum[k] / W, e2 = sum2[k] / W;
    mean.push(shift[k] + e);
    const v = e2 - e * e;
    sd.push(v >= 0 ? Math.sqrt(v) : v > -1e-12 * (e2 + 1e-300) ? 0 : NaN);
    const [a, b, c] = signed ? [NaN, NaN, NaN] : quantiles(vals[k], wts, [0.05, 0.5, 0.95]);
    q05.push(a);
    median.push(b);
    q95.push(c);
  }
  return { cost: d.varNames[cost], coefficients: [...d.varNames], mean, sd, q05, median, q95, wrongSignShare, notes };
}

/** The statistics of a WTP distribution that carry uncertainty, in the order the numeric paths pack them. */
export const WTP_STATISTICS = ['mean', 'sd', 'q05', 'median', 'q95'] as const;

/** One of {@link WTP_STATISTICS}. */
export type WtpStatistic = (typeof WTP_STATISTICS)[number];

/** The quantiles that are the value of one support point, with their probabilities. */
const QUANTILES = [['q05', 0.05], ['median', 0.5], ['q95', 0.95]] as const;

/** The Jacobians (K×P each, row-major) of the WTP distribution's statistics with respect to theta. */
export type WtpJacobians = Record<WtpStatistic, Float64Array>;

/** The statistics at theta, k by k: [mean, sd, q05, median, q95] (5K). */
export function wtpStatistics(w: WtpDistribution): Float64Array {
  return Float64Array.from(WTP_STATISTICS.flatMap((s) => w[s]));
}

/**
 * The Jacobians of the WTP distribution's statistics with respect to theta,
 * from one pass. At a support point (prior weight a, unit weight w_u, so
 * weight w = w_u a) the ratio r_k = -beta_k / beta_c has
 *
 *     dr_k = -(dbeta_k + r_k dbeta_c) / beta_c
 *
 * with the coefficient and prior-weight derivatives dbeta, da of
 * ./tangent.ts (da is 0 but for latent classes). With W = sum w, the mean
 * mu = sum w r / W and the variance v = sum w (r - mu)^2 / W,
 *
 *     dmu = (sum (w dr + w_u da r) - mu dW) / W,
 *     dv  = (sum (2 w (r - mu) dr + w_u da (r - mu)^2) - v dW) / W,
 *
 * (the term in dmu drops out of dv, since sum w (r - mu) = 0), centred at
 * the reported mean so that nothing cancels when r hardly varies; the sd's is
 * dv / (2 sd), and 0 where the sd is 0 (the ratio is then the same at every
 * support point: both coefficients fixed). A quantile is the value of one
 * support point, whose rank does not change under a small change of theta
 * (almost everywhere): its derivative is that point's dr.
 */
export function wtpJacobian(pop: Population, cost: number, base: WtpDistribution): WtpJacobians {
  return reduceWtpJacobian([wtpJacobianPart(pop, cost, wtpJacobianAt(base), 0, pop.data.nUnits)], base, pop.theta.length);
}

/** What {@link wtpJacobianPart} needs of the distribution at theta: [mean (K), q05 (K), median (K), q95 (K)]. */
export function wtpJacobianAt(base: WtpDistribution): Float64Array {
  return Float64Array.from([...base.mean, ...QUANTILES.flatMap(([q]) => base[q])]);
}

/** Offsets into a part of {@link wtpJacobianPart}. */
function partLayout(K: number, P: number) {
  const oDW = 1, oWs = oDW + P, oDs = oWs + K, oDv = oDs + K * P, oFound = oDv + K * P, oQ = oFound + QUANTILES.length * K;
  return { oDW, oWs, oDs, oDv, oFound, oQ, length: oQ + QUANTILES.length * K * P };
}

/**
 * The sums of {@link wtpJacobian} over units u0..u1-1, packed:
 * [W, dW (P), wsum (K), dsum (K×P), dvsum (K×P), quantile found at (3K; -1
 * if not), quantile derivatives (3K×P)], the quantiles q05, median, q95.
 * `at` is {@link wtpJacobianAt} of the distribution at theta. Parts of
 * consecutive unit ranges combine with {@link reduceWtpJacobian}.
 */
export function wtpJacobianPart(pop: Population, cost: number, at: ArrayLike<number>, u0: number, u1: number): Float64Array {
  const d = pop.data, M = pop.M, K = pop.K, P = pop.theta.length;
  const Q = QUANTILES.length;
  const z = new TangentScratch(pop, P);
  const beta = new Float64Array(K * M), a = new Float64Array(M);
  const { oDW, oWs, oDs, oDv, oFound, oQ, length } = partLayout(K, P);
  const out = new Float64Array(length);
  out.fill(-1, oFound, oQ);
  out.fill(NaN, oQ);
  const KM = K * M;
  const isAt = new Int8Array(Q);
  for (let u = u0; u < u1; u++) {
    const wu = d.unitWeight ? d.unitWeight[u] : 1;
    unitDerivatives(pop, u, z, P, K, M);
    pop.unit(u, beta, a);
    for (let m = 0; m < M; m++) {
      const w = wu * a[m], bc = beta[cost * M + m];
      out[0] += w;
      for (let p = 0; p < P; p++) out[oDW + p] += wu * z.A[p * M + m];
      for (let k = 0; k < K; k++) {
        const r = -beta[k * M + m] / bc, c = r - at[k];
        out[oWs + k] += w * r;
        let any = false;
        for (let q = 0; q < Q; q++) {
          isAt[q] = out[oFound + q * K + k] < 0 && r === at[(1 + q) * K + k] ? 1 : 0;
          if (isAt[q]) { any = true; out[oFound + q * K + k] = u; }
        }
        for (let p = 0; p < P; p++) {
          const dr = -(z.B[p * KM + k * M + m] + r * z.B[p * KM + cost * M + m]) / bc;
          const da = wu * z.A[p * M + m];
          out[oDs + k * P + p] += w * dr + da * r;
          out[oDv + k * P + p] += 2 * w * c * dr + da * c * c;
          if (any) for (let q = 0; q < Q; q++) if (isAt[q]) out[oQ + (q * K + k) * P + p] = dr;
        }
      }
    }
  }
  return out;
}

/**
 * The Jacobians from the parts of consecutive unit ranges, in order (a
 * quantile's from the first part that found it), with the distribution at
 * theta (its means, sds).
 */
export function reduceWtpJacobian(parts: readonly Float64Array[], base: WtpDistribution, P: number): WtpJacobians {
  const K = base.coefficients.length, Q = QUANTILES.length;
  const { oDW, oWs, oDs, oDv, oFound, oQ } = partLayout(K, P);
  let W = 0;
  const dW = new Float64Array(P), wsum = new Float64Array(K), dsum = new Float64Array(K * P), dvsum = new Float64Array(K * P);
  const quant = new Float64Array(Q * K * P).fill(NaN);
  const found = new Uint8Array(Q * K);
  for (const part of parts) {
    W += part[0];
    for (let p = 0; p < P; p++) dW[p] += part[oDW + p];
    for (let k = 0; k < K; k++) {
      wsum[k] += part[oWs + k];
      for (let p = 0; p < P; p++) {
        dsum[k * P + p] += part[oDs + k * P + p];
        dvsum[k * P + p] += part[oDv + k * P + p];
      }
    }
    for (let i = 0; i < Q * K; i++) {
      if (found[i] || part[oFound + i] < 0) continue;
      found[i] = 1;
      quant.set(part.subarray(oQ + i * P, oQ + (i + 1) * P), i * P);
    }
  }
  const mean = new Float64Array(K * P), sd = new Float64Array(K * P);
  for (let k = 0; k < K; k++) {
    const s = base.sd[k], v = s * s;
    for (let p = 0; p < P; p++) {
      mean[k * P + p] = (dsum[k * P + p] - (wsum[k] / W) * dW[p]) / W;
      const dv = (dvsum[k * P + p] - v * dW[p]) / W;
      sd[k * P + p] = s > 0 ? dv / (2 * s) : s === 0 ? 0 : NaN;
    }
  }
  return { mean, sd, q05: quant.subarray(0, K * P), median: quant.subarray(K * P, 2 * K * P), q95: quant.subarray(2 * K * P) };
}
