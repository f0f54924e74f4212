/**
 * The end of a unit's evaluation, shared by the kernels: the log-sum-exp over
 * nodes with the rule's (possibly signed) weights,
 *
 *     LL_u = log sum_r w_r exp(log L_ur),   q_ur = w_r L_ur / sum_r w_r L_ur,
 *
 * the faults of values that are not finite, and the loops over units.
 */
import type { ChoiceData } from './layout.js';
import type { KernelEvaluation, KernelFault } from './kernel-api.js';
import type { MixedParts } from './coefficients.js';

/** A log-sum-exp over nodes: LL_u = m + log(S) when S > 0 and m is finite. */
export interface NodeSum { m: number; S: number }

/** The weight of unit u (1 without unit weights). */
export function unitWeight(data: ChoiceData, u: number): number {
  return data.unitWeight ? data.unitWeight[u] : 1;
}

/** The rule's node weights as the kernels apply them: null for equal weights (and without random coefficients). */
export function nodeWeights(p: MixedParts): Float64Array | null {
  return p.plan.D > 0 ? p.nodes.weights : null;
}

/** With equal weights, S and post hold sums over nodes; this makes them means. */
export function equalWeights(post: Float64Array, R: number, sum: NodeSum): void {
  sum.S /= R;
  for (let r = 0; r < R; r++) post[r] /= R;
}

/** m = max_r logL[r]; post[r] = w_r exp(logL[r] - m) and S = sum_r post[r] (means with equal weights). */
export function logSumOverNodes(logL: Float64Array, w: Float64Array | null, R: number, post: Float64Array, sum: NodeSum): void {
  let m = -Infinity, S = 0;
  for (let r = 0; r < R; r++) if (logL[r] > m) m = logL[r];
  if (w) for (let r = 0; r < R; r++) { const t = w[r] * Math.exp(logL[r] - m); post[r] = t; S += t; }
  else for (let r = 0; r < R; r++) { const t = Math.exp(logL[r] - m); post[r] = t; S += t; }
  sum.m = m;
  sum.S = S;
  if (!w) equalWeights(post, R, sum);
}

/** Divides post by S when the sum is usable: the posterior node weights q_ur. */
export function normalizeNodeWeights(post: Float64Array, R: number, sum: NodeSum): void {
  if (!(sum.S > 0) || !Number.isFinite(sum.m)) return;
  const invS = 1 / sum.S;
  for (let r = 0; r < R; r++) post[r] *= invS;
}

/**
 * Unit u's weighted log-likelihood wu (m + log S); when S is not positive or
 * m not finite, records the fault (first unit only) and returns -Infinity
 * (no probability) or NaN.
 */
export function unitLogLik(k: { fault: KernelFault | null }, u: number, sum: NodeSum, wu: number): number {
  const { m, S } = sum;
  if (S > 0 && Number.isFinite(m)) return wu * (m + Math.log(S));
  if (k.fault === null) k.fault = { unit: u, reason: Number.isNaN(m) || Number.isNaN(S) || m === Infinity ? 'non-finite' : 'non-positive-probability' };
  return S <= 0 && Number.isFinite(m) ? -Infinity : NaN;
}

/**
 * A unit whose LL is not finite gets NaN scores; a non-finite score or LL is
 * recorded as the evaluation's fault (first unit only). Returns ll.
 */
export function checkUnit(k: { fault: KernelFault | null }, P: number, u: number, ll: number, unitScore: Float64Array | null, so: number): number {
  if (unitScore) {
    if (!Number.isFinite(ll)) for (let p = 0; p < P; p++) unitScore[so + p] = NaN;
    else for (let p = 0; p < P; p++) if (!Number.isFinite(unitScore[so + p]) && k.fault === null) k.fault = { unit: u, reason: 'non-finite' };
  }
  if (Number.isNaN(ll) && k.fault === null) k.fault = { unit: u, reason: 'non-finite' };
  return ll;
}

/** {@link KernelEvaluation.evaluate} over unit() (P parameters). */
export function evaluateUnits(k: KernelEvaluation, P: number, theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number {
  k.fault = null;
  let total = 0;
  for (let u = u0; u < u1; u++) {
    const ll = k.unit(theta, u, unitScore, u * P);
    unitLL[u] = ll;
    total += ll;
  }
  return total;
}

/** A situation's score under the unit's posterior node weights into out[o ..]. */
export type SituationScore = (u: number, s: number, e: Float64Array, eOff: number, wu: number, o: number) => void;

/**
 * {@link KernelEvaluation.situationScores}: each unit is evaluated first (that
 * leaves its posterior node weights), then `score` takes its situations.
 */
export function situationScoresOf(k: KernelEvaluation, p: MixedParts, theta: Float64Array, u0: number, u1: number, score: SituationScore): void {
  const { data, plan } = p;
  for (let u = u0; u < u1; u++) {
    k.unit(theta, u, null, 0);
    const e = p.draws.of(u);
    const eOff = p.draws.offset;
    const wu = unitWeight(data, u);
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) score(u, s, e, eOff, wu, s * plan.P);
  }
}
