/**
 * The mixing distribution as the post-estimation sees it: for each
 * integration unit u, M support points beta_um (the coefficients at every
 * node, K each, observed heterogeneity included) with prior weights a_um
 * (summing to 1; negative for signed quadrature rules). A mixed logit has
 * M = R nodes with the rule's weights; a latent class model has M = C·R, the
 * class membership probabilities pi_uc times the node weights (Train 2009,
 * ch. 6 and 11). The draws are the estimation's own (same rule, same seed),
 * so predictions are the simulated model that was estimated.
 */
import { allocateDrawStore, isLatentClass, Kernel, LatentClassKernel, type ChoiceData, type ModelPlan, type NodeSource } from '@mxl/core';
import type { Prepared } from '@mxl/estimation';
import { affineCoefficients, type AffineCoefficients } from './affine.js';

const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

/** Largest draw cache a population keeps (per thread). */
export const DRAW_CACHE_BYTES = 128 * 2 ** 20;

/** Coefficients and prior weights of every unit's support points. */
export interface Population {
  readonly data: ChoiceData;
  /** Coefficients (columns of X). */
  readonly K: number;
  /** Support points per unit. */
  readonly M: number;
  /** True when some prior weight is negative (signed quadrature). */
  readonly signed: boolean;
  /** Latent classes (1 without): support points c·(M/classes) .. (c+1)·(M/classes)-1 belong to class c. */
  readonly classes: number;
  /** The parameters it is at: read at every `unit` call (a caller may move them). */
  readonly theta: Float64Array;
  /**
   * Fills unit u's coefficients (K×M, k-major: beta[k*M + m]) and prior
   * weights a (length M). The draws are kept when they take at most
   * {@link DRAW_CACHE_BYTES}, else regenerated at every call.
   */
  unit(u: number, beta: Float64Array, a: Float64Array): void;
  /**
   * The coefficients as an affine map of the draws (./affine.ts), at the
   * same theta, where they are one (else null or absent): a shares pass then
   * reads the draws instead of calling {@link Population.unit}.
   */
  readonly affine?: AffineCoefficients | null;
}

/**
 * Builds the population of a prepared problem at theta (the optimizer's raw
 * parameters, `EstimationResult.raw`, not the sign-normalized report).
 */
export function population(p: Prepared, theta: Float64Array): Population {
  return populationOf(p.data, p.design.plan, p.rule, theta);
}

/**
 * The population of a model plan over data with a node source (null without
 * random coefficients). `theta` is read at every `unit` call, so a caller may
 * overwrite it between calls to move the population to other parameters.
 */
export function populationOf(data: ChoiceData, plan: ModelPlan, rule: NodeSource | null, theta: Float64Array): Population {
  const nodes: NodeSource = rule ?? NO_NODES;
  const R = plan.D === 0 ? 1 : nodes.size;
  const w = plan.D > 0 ? nodes.weights : null;
  const signed = w !== null && w.some((x) => x < 0);
  const nodeWeight = (r: number) => (w ? w[r] : 1 / R);
  const K = data.nVars;
  const cacheDraws = data.nUnits * Math.max(1, plan.D) * R * 8 <= DRAW_CACHE_BYTES;
  if (!isLatentClass(plan)) {
    // the draw cache is ours (the kernel's, as it would make it) so that the affine form can read it
    const store = cacheDraws && plan.D > 0 && !nodes.shared ? allocateDrawStore(data.nUnits, plan.D, R, false) : null;
    const kernel = new Kernel(data, plan, nodes, store ? { cacheDraws, drawStore: store } : { cacheDraws });
    const weights = Float64Array.from({ length: R }, (_, r) => nodeWeight(r));
    let scratch: Float64Array | null = null; // coefficients made only to fill the draw cache
    const fill = (u: number) => { kernel.coefficients(theta, u, (scratch ??= new Float64Array(K * R))); };
    return {
      data, K, M: R, signed, classes: 1, theta,
      unit(u, beta, a) {
        kernel.coefficients(theta, u, beta);
        for (let r = 0; r < R; r++) a[r] = weights[r];
      },
      affine: affineCoefficients(data, plan, theta, weights, store ? { store, fill } : null),
    };
  }
  const C = plan.classes.length;
  const kernels = plan.classes.map((cp) => new Kernel({ ...data, unitWeight: null }, cp, nodes, { cacheDraws }));
  const lc = new LatentClassKernel(data, plan, nodes, { cacheDraws: false });
  const logPi = new Float64Array(C);
  const b = new Float64Array(K * R); // one class's coefficients
  const M = C * R;
  return {
    data, K, M, signed, classes: C, theta,
    unit(u, beta, a) {
      lc.logMembership(theta, u, logPi);
      for (let c = 0; c < C; c++) {
        kernels[c].coefficients(theta, u, b);
        const pi = Math.exp(logPi[c]);
        for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) beta[k * M + c * R + r] = b[k * R + r];
        for (let r = 0; r < R; r++) a[c * R + r] = pi * nodeWeight(r);
      }
    },
  };
}
