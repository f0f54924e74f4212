/**
 * The simulated log-likelihood kernel: per-unit log-likelihood and analytic
 * score of a mixed logit over a contiguous range of integration units. The
 * plain reference implementation; ./fast-kernel.ts computes the same numbers
 * faster.
 *
 * For unit u with situations t, nodes r (weights w_r, sum 1):
 *
 *     log P_tr  = V_t,c,r - m - log sum_j exp(V_t,j,r - m),   m = max_j V_t,j,r
 *     log L_ur  = sum_t log P_tr                              (panel product, in logs)
 *     LL_u      = log sum_r w_r exp(log L_ur)                 (log-sum-exp over nodes)
 *     q_ur      = w_r L_ur / sum_r w_r L_ur                   (posterior node weights)
 *     dLL_u/dbeta_k(r) = sum_t (x_t,c,k - sum_j P_t,j,r x_t,j,k)
 *     dLL_u/dtheta     = sum_r q_ur sum_k dLL/dbeta_k(r) * dbeta_k(r)/dtheta
 *
 * (Train 2009, "Discrete Choice Methods with Simulation", 2nd ed., ch. 6 and
 * 10; Revelt and Train 1998 for the panel form.) Every quantity is computed in
 * log space with max-shifted logits, so utilities of any size give finite
 * values; utilities are never clamped.
 *
 * The kernel writes per-unit results (weighted by the unit weight) into
 * caller-owned arrays; summing them in unit order is the caller's job, which
 * makes the total independent of how units are split among threads.
 *
 * Loop order follows the measurements in the parallel-engine issue: nodes are
 * the innermost loop, a situation's attributes are read once per coefficient.
 * Nothing is allocated per call. The steps are the free functions of
 * ./coefficients.ts, ./situation.ts, ./scores.ts and ./unit-sums.ts.
 */
import type { ChoiceData } from './layout.js';
import type { CoefficientPlan } from './plan.js';
import type { KernelFault, KernelOptions, MixedKernel, NodeSource } from './kernel-api.js';
import { checkProblem, makeCoefficients, mixedParts, unitCoefficients, type MixedParts } from './coefficients.js';
import { situationScratch, situationTerms, type SituationScratch } from './situation.js';
import { mapScores } from './scores.js';
import { rowProbabilities, rowScratch, type RowScratch } from './row-probabilities.js';
import { checkUnit, evaluateUnits, logSumOverNodes, nodeWeights, normalizeNodeWeights, situationScoresOf, unitLogLik, unitWeight, type NodeSum } from './unit-sums.js';

/**
 * Evaluates per-unit simulated log-likelihoods and scores. One instance per
 * thread: it owns its scratch buffers.
 */
export class Kernel implements MixedKernel {
  readonly kind = 'mixed' as const;
  readonly data: ChoiceData;
  readonly plan: CoefficientPlan;
  readonly nodes: NodeSource;
  readonly nodeCount: number;
  fault: KernelFault | null = null;

  private readonly p: MixedParts;
  private readonly sc: SituationScratch;
  private readonly G: Float64Array;     // K*R  dlogL_r/dbeta_k
  private readonly logL: Float64Array;  // R
  private readonly Gs: Float64Array;    // K*R  one situation's part of G
  private readonly logLs: Float64Array; // R    scratch
  private readonly post: Float64Array;  // R    posterior node weights
  private readonly sum: NodeSum = { m: 0, S: 0 };
  private rows: RowScratch | null = null;

  constructor(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource, options: KernelOptions = {}) {
    const R = checkProblem(data, plan, nodes);
    this.p = mixedParts(data, plan, nodes, options, R, R);
    this.sc = situationScratch(data, R);
    this.data = data;
    this.plan = plan;
    this.nodes = nodes;
    this.G = new Float64Array(plan.K * R);
    this.Gs = new Float64Array(plan.K * R);
    this.logL = new Float64Array(R);
    this.logLs = new Float64Array(R);
    this.post = new Float64Array(R);
    this.nodeCount = R;
  }

  evaluate(theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number {
    return evaluateUnits(this, this.plan.P, theta, u0, u1, unitLL, unitScore);
  }

  coefficients(theta: Float64Array, u: number, out: Float64Array = new Float64Array(this.plan.K * this.p.R)): Float64Array {
    return unitCoefficients(this.p, theta, u, out, this.make);
  }

  private readonly make = (theta: Float64Array, u: number, e: Float64Array, eOff: number): void => makeCoefficients(this.p, theta, u, e, eOff);

  unit(theta: Float64Array, u: number, unitScore: Float64Array | null, so: number): number {
    const { p, G, logL, post, sum } = this;
    const e = this.unitTerms(theta, u, G, logL);
    const eOff = p.draws.offset;
    logSumOverNodes(logL, nodeWeights(p), p.R, post, sum);
    const wu = unitWeight(this.data, u);
    const ll = unitLogLik(this, u, sum, wu);
    normalizeNodeWeights(post, p.R, sum);
    if (unitScore) mapScores(p, u, e, eOff, G, post, wu, unitScore, so);
    return checkUnit(this, this.plan.P, u, ll, unitScore, so);
  }

  /**
   * Unit u's draws, coefficients and node terms: logL[r] = log L_ur and
   * G[k*R + r] = dlog L_ur/dbeta_k (both zeroed first). Returns the draws
   * (the unit's block starts at the draws' offset).
   */
  private unitTerms(theta: Float64Array, u: number, G: Float64Array, logL: Float64Array): Float64Array {
    const p = this.p;
    const e = p.draws.of(u);
    makeCoefficients(p, theta, u, e, p.draws.offset);
    G.fill(0);
    logL.fill(0);
    for (let s = this.data.unitSit[u]; s < this.data.unitSit[u + 1]; s++) situationTerms(p, this.sc, s, G, logL);
    return e;
  }

  /**
   * Per-situation score contributions (their outer product is the "BHHH"
   * matrix mlogit and xlogit use for panels; Train 2009, sec. 10.2 discusses
   * the per-individual form that is consistent for panels).
   */
  situationScores(theta: Float64Array, u0: number, u1: number, out: Float64Array): void {
    const { p, Gs, logLs } = this;
    situationScoresOf(this, p, theta, u0, u1, (u, s, e, eOff, wu, o) => {
      Gs.fill(0);
      situationTerms(p, this.sc, s, Gs, logLs);
      mapScores(p, u, e, eOff, Gs, this.post, wu, out, o);
    });
  }

  /**
   * log L_u(beta_r) at every node r of unit u (the product over the unit's
   * situations of its chosen alternatives' logit probabilities, in logs) into
   * out[0 .. R-1]. For samplers of the posterior of a unit's draws.
   */
  nodeLogLik(theta: Float64Array, u: number, out: Float64Array): void {
    const logL = this.logLs;
    this.unitTerms(theta, u, this.Gs, logL);
    for (let r = 0; r < this.p.R; r++) out[r] = logL[r];
  }

  /**
   * The plain average over unit u's nodes of d log L_u(beta_r) / d theta
   * (not the posterior-weighted sum that is the MSL score; with nodes drawn
   * from the posterior of the unit's draws it simulates the score without
   * bias, as the method of simulated scores needs) into out[o .. o+P-1].
   * The unit weight is not applied.
   */
  nodeAverageScore(theta: Float64Array, u: number, out: Float64Array, o: number): void {
    const { p, Gs, post } = this;
    const e = this.unitTerms(theta, u, Gs, this.logLs);
    for (let r = 0; r < p.R; r++) post[r] = 1 / p.R;
    mapScores(p, u, e, p.draws.offset, Gs, post, 1, out, o);
  }

  rowProbabilities(theta: Float64Array, u0: number, u1: number, prob: Float64Array, dprob: Float64Array | null): void {
    this.rows ??= rowScratch(this.p);
    rowProbabilities(this.p, this.sc, this.rows, this.make, theta, u0, u1, prob, dprob);
  }
}

/**
 * Sums per-unit log-likelihoods and scores in unit order (the fixed reduction
 * order that makes results independent of the number of threads).
 */
export function reduceUnits(unitLL: Float64Array, unitScore: Float64Array | null, P: number, grad: Float64Array | null): number {
  let ll = 0;
  const N = unitLL.length;
  for (let u = 0; u < N; u++) ll += unitLL[u];
  if (grad && unitScore) {
    grad.fill(0);
    for (let u = 0; u < N; u++) {
      const o = u * P;
      for (let p = 0; p < P; p++) grad[p] += unitScore[o + p];
    }
  }
  return ll;
}
