/**
 * Latent class (mixed) logit: a finite mixture over C classes, each with its
 * own coefficient plan, with class membership by a logit on individual
 * characteristics (Greene and Hensher 2003; Train 2009, sec. 6.7):
 *
 *     L_u      = sum_c pi_uc L_uc,     pi_uc = exp(g_uc) / sum_c' exp(g_uc'),
 *     g_u1     = 0,   g_uc = gamma_c0 + sum_j gamma_cj z_uj   (c >= 2)
 *     dLL_u/dtheta = sum_c h_uc dLL_uc/dtheta          (class coefficients)
 *     dLL_u/dgamma_cj = z_uj (h_uc - pi_uc)            (membership; z_u0 = 1)
 *
 * with h_uc = pi_uc L_uc / L_u the posterior class probabilities. Each class
 * is evaluated by a {@link FastKernel} (with random coefficients inside
 * classes, its own simulated L_uc); all classes share the unit's draws.
 */
import type { ChoiceData } from './layout.js';
import type { CoefficientPlan } from './plan.js';
import { drawStoreFor } from './draws.js';
import type { KernelEvaluation, KernelFault, KernelOptions, MixedKernel, NodeSource } from './kernel-api.js';
import { FastKernel } from './fast-kernel.js';
import { evaluateUnits } from './unit-sums.js';

/** A latent class model's plan. */
export interface LatentClassPlan {
  readonly kind: 'latent-class';
  /** Number of parameters (all classes and the membership model). */
  readonly P: number;
  /** Random dimensions (shared by all classes). */
  readonly D: number;
  readonly K: number;
  /** One plan per class over the full parameter vector. */
  readonly classes: readonly CoefficientPlan[];
  /** (C-1) × (1 + nz): parameter index of gamma_cj for classes 2..C; j = 0 is the intercept. */
  readonly membershipParam: Int32Array;
  /** nz: characteristic (column of unitChars) of each membership variable. */
  readonly membershipChar: Int32Array;
  /** Length D: 1 where the rule must deliver a uniform. */
  readonly uniformDims: Uint8Array;
}

/** Evaluates a latent class model per unit. */
export class LatentClassKernel implements KernelEvaluation {
  readonly kind = 'latent-class' as const;
  readonly data: ChoiceData;
  readonly plan: LatentClassPlan;
  fault: KernelFault | null = null;
  private readonly kernels: MixedKernel[];
  private readonly llc: Float64Array;     // C
  private readonly pi: Float64Array;      // C
  private readonly scc: Float64Array;     // C*P
  private readonly nz: number;

  constructor(data: ChoiceData, plan: LatentClassPlan, nodes: NodeSource, options: KernelOptions = {}) {
    this.data = data;
    this.plan = plan;
    const C = plan.classes.length;
    // classes see unweighted data; the unit weight is applied to the mixture
    const unweighted: ChoiceData = { ...data, unitWeight: null };
    const R = plan.D === 0 ? 1 : nodes.size;
    const store = drawStoreFor(plan.D, nodes, data.nUnits, R, options);
    this.kernels = plan.classes.map((cp) => new FastKernel(unweighted, cp, nodes, { cacheDraws: store !== null, drawStore: store ?? undefined }));
    this.llc = new Float64Array(C);
    this.pi = new Float64Array(C);
    this.scc = new Float64Array(C * plan.P);
    this.nz = plan.membershipChar.length;
  }

  /** Class membership probabilities of unit u at theta (written into `out`, length C). */
  membership(theta: Float64Array, u: number, out: Float64Array): void {
    this.logMembership(theta, u, out);
    for (let c = 0; c < out.length; c++) out[c] = Math.exp(out[c]);
  }

  /** Log class membership probabilities (log-softmax, so no share underflows to log 0). */
  logMembership(theta: Float64Array, u: number, out: Float64Array): void {
    const { plan, nz } = this;
    const C = plan.classes.length;
    const chars = this.data.unitChars;
    const nc = this.data.charNames.length;
    let m = 0;
    out[0] = 0;
    for (let c = 1; c < C; c++) {
      const o = (c - 1) * (1 + nz);
      let g = theta[plan.membershipParam[o]];
      for (let j = 0; j < nz; j++) g += theta[plan.membershipParam[o + 1 + j]] * chars![u * nc + plan.membershipChar[j]];
      out[c] = g;
      if (g > m) m = g;
    }
    let S = 0;
    for (let c = 0; c < C; c++) S += Math.exp(out[c] - m);
    const lse = m + Math.log(S);
    for (let c = 0; c < C; c++) out[c] -= lse;
  }

  evaluate(theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number {
    for (const k of this.kernels) k.fault = null;
    return evaluateUnits(this, this.plan.P, theta, u0, u1, unitLL, unitScore);
  }

  /** One unit's weighted log-likelihood and score (at unitScore[so..]). */
  unit(theta: Float64Array, u: number, unitScore: Float64Array | null, so: number): number {
    const { plan, kernels, llc, pi, scc, nz } = this;
    const C = kernels.length, P = plan.P;
    this.logMembership(theta, u, pi); // pi holds log pi_c until the end
    // llc[c] = log pi_c + LL_c, combined by log-sum-exp
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      llc[c] = pi[c] + kernels[c].unit(theta, u, unitScore ? scc : null, c * P);
      if (kernels[c].fault && !this.fault) this.fault = kernels[c].fault;
      if (llc[c] > m) m = llc[c];
    }
    let S = 0;
    for (let c = 0; c < C; c++) { llc[c] = Math.exp(llc[c] - m); S += llc[c]; } // llc now holds pi_c L_c / e^m
    const wu = this.data.unitWeight ? this.data.unitWeight[u] : 1;
    const ll = wu * (m + Math.log(S));
    if (!Number.isFinite(ll) && !this.fault) this.fault = { unit: u, reason: 'non-finite' };
    if (unitScore) {
      for (let p = 0; p < P; p++) unitScore[so + p] = 0;
      for (let c = 0; c < C; c++) {
        const h = llc[c] / S;
        if (h === 0) continue;
        const o = c * P;
        for (let p = 0; p < P; p++) unitScore[so + p] += wu * h * scc[o + p];
      }
      const chars = this.data.unitChars;
      const nc = this.data.charNames.length;
      for (let c = 1; c < C; c++) {
        const d = wu * (llc[c] / S - Math.exp(pi[c]));
        const o = (c - 1) * (1 + nz);
        unitScore[so + plan.membershipParam[o]] += d;
        for (let j = 0; j < nz; j++) unitScore[so + plan.membershipParam[o + 1 + j]] += d * chars![u * nc + plan.membershipChar[j]];
      }
    }
    return ll;
  }

  /** Posterior class probabilities h_uc of unit u (length C). */
  posterior(theta: Float64Array, u: number): Float64Array {
    const C = this.kernels.length;
    this.logMembership(theta, u, this.pi);
    let m = -Infinity;
    for (let c = 0; c < C; c++) { this.llc[c] = this.pi[c] + this.kernels[c].unit(theta, u, null, 0); if (this.llc[c] > m) m = this.llc[c]; }
    const out = new Float64Array(C);
    let S = 0;
    for (let c = 0; c < C; c++) { out[c] = Math.exp(this.llc[c] - m); S += out[c]; }
    for (let c = 0; c < C; c++) out[c] /= S;
    return out;
  }

  /** Per-situation scores are not defined for the mixture's membership part. */
  situationScores(): void {
    throw new RangeError('per-situation scores (se "bhhh-situations") are not available for latent class models; use bhhh, robust or cluster');
  }
}
