/**
 * What the kernels offer their callers. Every kernel evaluates per-unit
 * log-likelihoods, scores and per-situation scores; a mixed logit kernel
 * ({@link MixedKernel}: the plain reference or the fast one) also gives row
 * probabilities, coefficients and the node-level terms the posterior sampler
 * needs. `kind` tells the two families apart (see `UnitKernel` in ./model-plan.ts).
 * What callers hand a kernel is here too: the {@link NodeSource} of its draws
 * and its {@link KernelOptions} (./draws.ts implements them).
 */
import type { ChoiceData } from './layout.js';
import type { CoefficientPlan } from './plan.js';

/** What the kernel needs from an integration rule (structurally an `IntegrationRule`). */
export interface NodeSource {
  /** Nodes per unit. */
  readonly size: number;
  /** Node weights summing to 1 (may be negative), or null for equal weights. */
  readonly weights: Float64Array | null;
  /** True when every unit shares one node set (quadrature). */
  readonly shared: boolean;
  /** Writes unit `unit`'s points dim-major, out[d*size + r]; uniforms where uniform[d] === 1. */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void;
}

/** Storage for cached draws; see {@link KernelOptions.drawStore}. */
export interface DrawStore {
  values: Float64Array;
  filled: Uint8Array;
}

/** Why an evaluation produced a value that is not a finite number. */
export interface KernelFault {
  unit: number;
  reason: 'non-finite' | 'non-positive-probability';
}

/** Options of a kernel. */
export interface KernelOptions {
  /**
   * Keep each unit's standardized draws after the first evaluation instead of
   * regenerating them every evaluation. Default true; set false to keep memory
   * flat in R.
   */
  cacheDraws?: boolean;
  /**
   * Where cached draws live (possibly in shared memory, so that every worker
   * thread sees the draws whichever thread made them): `values` holds
   * nUnits*D*R doubles, unit u's block at u*D*R; `filled[u]` is 1 once made.
   * Units are never evaluated by two threads at once (shards are disjoint and
   * evaluations sequential), so no locking is needed.
   */
  drawStore?: DrawStore;
}

/** What every kernel evaluates. */
export interface KernelEvaluation {
  /** Set when the last evaluation met a non-finite or non-positive value (first unit only). */
  fault: KernelFault | null;
  /**
   * Evaluates units u0 .. u1-1 at theta.
   * @param unitLL - length nUnits; unitLL[u] receives the weighted LL_u
   * @param unitScore - length nUnits*P or null; row u receives the weighted dLL_u/dtheta
   * @returns the sum of LL_u over the range (in unit order)
   */
  evaluate(theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number;
  /** One unit's (weighted) log-likelihood; its score goes to unitScore[so .. so+P-1] when unitScore is given. */
  unit(theta: Float64Array, u: number, unitScore: Float64Array | null, so: number): number;
  /**
   * Per-situation score contributions: for each situation t of units u0..u1-1,
   * s_t = sum_r q_ur d log P_tr / d theta, with the unit's posterior node
   * weights q_ur (they sum to the unit's score).
   * @param out - nSituations × P, row s receives situation s
   */
  situationScores(theta: Float64Array, u0: number, u1: number, out: Float64Array): void;
}

/** A mixed logit kernel: the plain reference `Kernel` or the `FastKernel`. */
export interface MixedKernel extends KernelEvaluation {
  readonly kind: 'mixed';
  readonly data: ChoiceData;
  readonly plan: CoefficientPlan;
  readonly nodes: NodeSource;
  /** Number of nodes per unit used by this kernel. */
  readonly nodeCount: number;
  /** Coefficients of unit u at every node for theta, K×R, into `out` when given (else a new array). */
  coefficients(theta: Float64Array, u: number, out?: Float64Array): Float64Array;
  /**
   * Integrated (unconditional) probabilities of every row of units u0..u1-1
   * and, when `dprob` (nRows × P) is given, their derivatives.
   */
  rowProbabilities(theta: Float64Array, u0: number, u1: number, prob: Float64Array, dprob: Float64Array | null): void;
  /** log L_u(beta_r) at every node r of unit u into out[0 .. R-1]. */
  nodeLogLik(theta: Float64Array, u: number, out: Float64Array): void;
  /** The plain average over unit u's nodes of d log L_u(beta_r) / d theta into out[o .. o+P-1] (unit weight not applied). */
  nodeAverageScore(theta: Float64Array, u: number, out: Float64Array, o: number): void;
}
