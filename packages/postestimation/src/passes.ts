/**
 * One pass over a range of units, accumulating one statistic by group into a
 * flat array. Every report is a sum over units of such a pass, so a report
 * over the sample is the sum of the passes over fixed unit shards, taken in
 * shard order: the same numbers however many threads ran the shards.
 *
 * At a support point m of unit u (prior weight a_um), situation t, unit
 * weight w_t, reported alternatives j (the outside option last, when there
 * is one) with logit probabilities P_j:
 *
 * - `shares`: total weight, sum_t w_t Pbar_tj, observed choices, the weighted
 *   probability of the chosen alternative and the hits (the chosen
 *   alternative is the most probable one).
 * - `effects` (a small change dx of a variable in the rows of l, see
 *   ./interventions.ts): share derivatives dS[j][l] and elasticity numerators
 *   xdS[j][l] (formulas in ./effects.ts).
 * - `shift` (a discrete change of a variable in the rows of l, utility change
 *   dV_l = sum_k beta_k (x'_lk - x_lk)): with q = P_l and Q = 1 - q computed
 *   as the sum of the other probabilities (no cancellation), the other
 *   alternatives' probabilities change by -P_j q r and l's by q Q r, where
 *
 *       r = expm1(dV) / (Q + q e^dV),
 *
 *   so num[l][j] = sum w a P_j q r and den[l] = sum w a q Q r give Conlon and
 *   Mortimer's D_lj = (S_j(x') - S_j(x)) / (S_l(x) - S_l(x')) as
 *   num[l][j] / den[l]. A small change gives the marginal diversion; an ever
 *   larger price rise (r -> -1/Q) the removal diversion.
 * - `removal` (l taken out of every choice set): the same limit, computed
 *   from the logit without l so that it stays exact where Q underflows.
 */
import type { ChoiceData } from '@mxl/core';
import type { Population } from './population.js';
import { maxAlternatives, situationProbabilities } from './probabilities.js';
import { CoefficientSplit } from './coefficient-split.js';
import { Softmax } from './softmax.js';
import { FusedShares } from './fused-shares.js';

/** Situations in groups (markets, regions, periods): a code per situation and the groups' labels. */
export interface Groups {
  /** The grouping's name (a column, or "situation"). */
  readonly by: string;
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}

/**
 * A small change of a variable, row by row: the columns of X it moves, their
 * derivatives with respect to it, and its value (NaN where it does not enter
 * the row's utility). Arrays may live in shared memory.
 */
export interface Sensitivity {
  readonly variable: string;
  /** Columns of X the variable moves. */
  readonly columns: Int32Array;
  /** nRows × columns.length: d x_rk / d v_r. */
  readonly dx: Float64Array;
  /** nRows: v_r, NaN where the variable does not enter row r. */
  readonly value: Float64Array;
}

/** A discrete change of a variable, row by row: the new values of the columns it moves. */
export interface Shift {
  readonly variable: string;
  readonly columns: Int32Array;
  /** nRows × columns.length: x'_rk (NaN where the row does not change). */
  readonly xNew: Float64Array;
}

/** What a pass accumulates. */
export type PassKind =
  | { readonly kind: 'shares' }
  | { readonly kind: 'effects'; readonly sensitivity: Sensitivity }
  | { readonly kind: 'shift'; readonly shift: Shift }
  | { readonly kind: 'removal' };

/** Number of reported alternatives (the outside option counts). */
export function reportedCount(data: ChoiceData): number {
  return data.altLabels.length + (data.outside ? 1 : 0);
}

/** Length of one group's block of a pass's accumulator. */
export function blockLength(kind: PassKind['kind'], n: number): number {
  switch (kind) {
    case 'shares': return 3 + 2 * n;
    case 'effects': return n + 2 * n * n;
    case 'shift': case 'removal': return n * n + n;
  }
}

/** Length of the accumulator of a pass with G groups. */
export function accumulatorLength(kind: PassKind['kind'], data: ChoiceData, G: number): number {
  return G * blockLength(kind, reportedCount(data));
}

/** Per-row outputs of a `shares` pass: the integrated probability of every row and of the outside option. */
export interface RowOutputs {
  row: Float64Array;
  outside: Float64Array;
}

/** Scratch arrays of a pass (one per thread). */
export class PassScratch {
  readonly beta: Float64Array;
  readonly a: Float64Array;
  readonly P: Float64Array;
  readonly P0: Float64Array;
  readonly V: Float64Array;
  readonly b: Float64Array;
  readonly pbar: Float64Array;
  /** The unit's coefficients split into constant and varying over its support points. */
  readonly split: CoefficientSplit;
  /** The softmax's scratch: P and P0 are its outputs. */
  readonly sm: Softmax;
  /** The fused WebAssembly kernel of `shares` passes (null without WebAssembly SIMD). */
  readonly fused: FusedShares | null;
  /** @param useWasm - false keeps the softmax in JavaScript (tests) */
  constructor(pop: Population, useWasm = true) {
    const J = maxAlternatives(pop.data);
    this.beta = new Float64Array(pop.K * pop.M);
    this.a = new Float64Array(pop.M);
    this.sm = new Softmax(J, pop.M, useWasm);
    this.fused = FusedShares.create(pop.data, J, pop.M, useWasm, pop.affine ?? null);
    this.P = this.sm.P;
    this.P0 = this.sm.P0;
    this.V = new Float64Array(J * pop.M);
    this.b = new Float64Array(pop.M);
    this.pbar = new Float64Array(J + 1);
    this.split = new CoefficientSplit(pop.K);
  }
}

/**
 * Runs a pass over units u0..u1-1, adding into `acc` (G blocks, see
 * {@link blockLength}). `rows`, for a `shares` pass, receives the per-row
 * probabilities of those units' rows.
 */
export function runPass(pop: Population, pass: PassKind, groups: Groups | null, u0: number, u1: number, acc: Float64Array, z: PassScratch, rows?: RowOutputs): void {
  const d = pop.data, M = pop.M;
  const n = reportedCount(d);
  const B = blockLength(pass.kind, n);
  const needV = pass.kind === 'removal';
  const fused = pass.kind === 'shares' ? z.fused : null;
  // a fused pass over units of affine coefficients reads their draws; the coefficients are made only for situations it hands back
  const affine = fused && fused.takes(pop.affine) ? pop.affine : null;
  for (let u = u0; u < u1; u++) {
    const w = d.unitWeight ? d.unitWeight[u] : 1;
    let loaded = !affine; // z.beta, z.a and z.split hold unit u
    if (fused && affine) fused.affineUnit(affine, u);
    else {
      loadUnit(pop, u, z);
      if (fused) fused.unit(z.beta, z.a, M, z.split);
    }
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      if (fused && fused.situation(d, s)) {
        sharesBlock(d, s, w, fused.pbar, fused.pbar[fused.pbar.length - 1], acc, (groups ? groups.codes[s] : 0) * B, n, rows);
        continue;
      }
      if (!loaded) {
        loadUnit(pop, u, z);
        loaded = true;
      }
      situationProbabilities(d, s, z.beta, M, z.split, z.sm, needV ? z.V : undefined);
      const o = (groups ? groups.codes[s] : 0) * B;
      switch (pass.kind) {
        case 'shares': sharesAt(d, s, M, w, z, acc, o, n, rows); break;
        case 'effects': effectsAt(d, s, M, w, z, acc, o, n, pass.sensitivity); break;
        case 'shift': shiftAt(d, s, M, w, z, acc, o, n, pass.shift); break;
        case 'removal': removalAt(d, s, M, w, z, acc, o, n); break;
      }
    }
  }
}

/** Unit u's coefficients and prior weights into the scratch, split by whether they vary. */
function loadUnit(pop: Population, u: number, z: PassScratch): void {
  pop.unit(u, z.beta, z.a);
  z.split.scan(z.beta, pop.M);
}

/** Block of `shares`: [weight, sum w Pbar_j (n), observed (n), sum w Pbar_chosen, hits]. */
function sharesAt(d: ChoiceData, s: number, M: number, w: number, z: PassScratch, acc: Float64Array, o: number, n: number, rows?: RowOutputs): void {
  const { a, P, P0, pbar } = z;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0;
  for (let j = 0; j < J; j++) {
    let t = 0;
    for (let m = 0; m < M; m++) t += a[m] * P[j * M + m];
    pbar[j] = t;
  }
  let t0 = 0;
  if (d.outside) for (let m = 0; m < M; m++) t0 += a[m] * P0[m];
  sharesBlock(d, s, w, pbar, t0, acc, o, n, rows);
}

/** Adds situation s's integrated probabilities (pbar of its rows, t0 of the outside option) to a `shares` block. */
function sharesBlock(d: ChoiceData, s: number, w: number, pbar: Float64Array, t0: number, acc: Float64Array, o: number, n: number, rows?: RowOutputs): void {
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, A = d.altLabels.length;
  acc[o] += w;
  let best = -1, bestP = -1;
  for (let j = 0; j < J; j++) {
    const t = pbar[j];
    acc[o + 1 + d.rowAlt[r0 + j]] += w * t;
    if (rows) rows.row[r0 + j] = t;
    if (t > bestP) { bestP = t; best = r0 + j; }
  }
  if (d.outside) {
    acc[o + 1 + A] += w * t0;
    if (t0 > bestP) { bestP = t0; best = -1; }
  }
  if (rows) rows.outside[s] = t0;
  const c = d.sitChosen[s];
  acc[o + 1 + n + (c >= 0 ? d.rowAlt[c] : A)] += w;
  acc[o + 1 + 2 * n] += w * (c >= 0 ? pbar[c - r0] : t0);
  if (best === c) acc[o + 2 + 2 * n] += w;
}

/** Block of `effects`: [share (n), dS (n×n), xdS (n×n)]. */
function effectsAt(d: ChoiceData, s: number, M: number, w: number, z: PassScratch, acc: Float64Array, o: number, n: number, v: Sensitivity): void {
  const { a, P, P0, b, beta } = z;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, O = d.altLabels.length;
  const cols = v.columns, C = cols.length;
  const dS = o + n, xdS = o + n + n * n;
  for (let j = 0; j < J; j++) {
    let t = 0;
    for (let m = 0; m < M; m++) t += a[m] * P[j * M + m];
    acc[o + d.rowAlt[r0 + j]] += w * t;
  }
  if (d.outside) {
    let t = 0;
    for (let m = 0; m < M; m++) t += a[m] * P0[m];
    acc[o + O] += w * t;
  }
  for (let l = 0; l < J; l++) {
    const r = r0 + l;
    const x = v.value[r];
    if (x !== x) continue;
    // dV_l/dv at every support point: sum_k beta_k dx_k/dv
    b.fill(0, 0, M);
    for (let i = 0; i < C; i++) {
      const g = v.dx[r * C + i];
      if (g === 0) continue;
      const bo = cols[i] * M;
      for (let m = 0; m < M; m++) b[m] += g * beta[bo + m];
    }
    const al = d.rowAlt[r];
    for (let j = 0; j < J; j++) {
      let g = 0;
      if (j === l) for (let m = 0; m < M; m++) { const p = P[l * M + m]; g += a[m] * p * (1 - p) * b[m]; }
      else for (let m = 0; m < M; m++) g -= a[m] * P[j * M + m] * P[l * M + m] * b[m];
      const at = d.rowAlt[r0 + j] * n + al;
      acc[dS + at] += w * g;
      acc[xdS + at] += w * x * g;
    }
    if (d.outside) {
      let g = 0;
      for (let m = 0; m < M; m++) g -= a[m] * P0[m] * P[l * M + m] * b[m];
      acc[dS + O * n + al] += w * g;
      acc[xdS + O * n + al] += w * x * g;
    }
  }
}

/** Block of `shift`: [num (n×n, row l), den (n)]; see the file comment. */
function shiftAt(d: ChoiceData, s: number, M: number, w: number, z: PassScratch, acc: Float64Array, o: number, n: number, shift: Shift): void {
  const { a, P, P0, beta } = z;
  const X = d.X, K = d.nVars;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, O = d.altLabels.length;
  const den = o + n * n;
  const C = shift.columns.length;
  for (let l = 0; l < J; l++) {
    const r = r0 + l;
    if (shift.xNew[r * C] !== shift.xNew[r * C]) continue; // the row does not change
    const al = d.rowAlt[r];
    for (let m = 0; m < M; m++) {
      const q = P[l * M + m];
      let Q = d.outside ? P0[m] : 0;
      for (let j = 0; j < J; j++) if (j !== l) Q += P[j * M + m];
      let dv = 0;
      for (let i = 0; i < C; i++) {
        const k = shift.columns[i];
        dv += beta[k * M + m] * (shift.xNew[r * C + i] - X[r * K + k]);
      }
      const f = w * a[m] * q * shiftRatio(dv, q, Q);
      if (f === 0) continue;
      acc[den + al] += f * Q;
      for (let j = 0; j < J; j++) if (j !== l) acc[o + al * n + d.rowAlt[r0 + j]] += f * P[j * M + m];
      if (d.outside) acc[o + al * n + O] += f * P0[m];
    }
  }
}

/**
 * Block of `removal`: [num (n×n, row l), den (n)], num[l][j] = sum w a P_l
 * P_j^{-l} and den[l] = sum w a P_l, with P_j^{-l} the logit without l from
 * the utilities (max-shifted: exact even where 1 - P_l underflows). Situations
 * with nowhere to divert to (l alone, no outside option) are left out.
 */
function removalAt(d: ChoiceData, s: number, M: number, w: number, z: PassScratch, acc: Float64Array, o: number, n: number): void {
  const { a, P, V } = z;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, O = d.altLabels.length;
  if (J === 1 && !d.outside) return;
  const den = o + n * n;
  for (let l = 0; l < J; l++) {
    const al = d.rowAlt[r0 + l];
    for (let m = 0; m < M; m++) {
      const f = w * a[m] * P[l * M + m];
      acc[den + al] += f;
      let c = d.outside ? 0 : -Infinity;
      for (let j = 0; j < J; j++) if (j !== l && V[j * M + m] > c) c = V[j * M + m];
      let S = d.outside ? Math.exp(-c) : 0;
      for (let j = 0; j < J; j++) if (j !== l) S += Math.exp(V[j * M + m] - c);
      const g = f / S;
      for (let j = 0; j < J; j++) if (j !== l) acc[o + al * n + d.rowAlt[r0 + j]] += g * Math.exp(V[j * M + m] - c);
      if (d.outside) acc[o + al * n + O] += g * Math.exp(-c);
    }
  }
}

/**
 * r = expm1(dv) / (Q + q e^dv), without overflow for large dv and 0 when the
 * denominator vanishes (no other alternative has any probability).
 */
export function shiftRatio(dv: number, q: number, Q: number): number {
  if (dv > 30) {
    const e = Math.exp(-dv);
    const den = q + Q * e;
    return den > 0 ? (1 - e) / den : 0;
  }
  const E = Math.expm1(dv);
  const den = Q + q * (1 + E);
  return den > 0 ? E / den : 0;
}
