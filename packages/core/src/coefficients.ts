/**
 * The problem and per-unit state both mixed logit kernels hold, and the
 * coefficients of a unit at every node (./plan.ts):
 *
 *     eta_k = theta[mean_k] + sum_c theta[shift_kc] d_uc + sum_l theta[spread_kl] e_l
 *     beta_k = sign_k g_k(eta_k),   dbeta_k = sign_k g_k'(eta_k)
 *
 * Rows of node values have `stride` doubles (R, or R + 1 when the fast
 * kernel's WebAssembly loop pads an odd R; slot R then repeats node R-1).
 */
import type { ChoiceData } from './layout.js';
import type { CoefficientPlan } from './plan.js';
import type { KernelOptions, NodeSource } from './kernel-api.js';
import { drawStoreFor, UnitDraws } from './draws.js';
import { applyLink, linkDerivative, linkValue } from './links.js';
import { coupleCoefficients, couplingState, type CouplingState } from './coupling.js';

/** A unit's coefficients: random ones at every node (rows of `stride`), the others once. */
export interface CoefficientRows {
  /** K×stride sign·g(eta) of the random coefficients. */
  readonly beta: Float64Array;
  /** K×stride sign·g'(eta) (written by the links; identity rows are read as the sign). */
  readonly dbeta: Float64Array;
  /** K coefficients constant over nodes. */
  readonly betaConst: Float64Array;
  /** K their derivatives. */
  readonly dbetaConst: Float64Array;
  /** K: each coefficient's eta without draws (location and mean shifts) for the current unit. */
  readonly eta0: Float64Array;
}

/** What both mixed logit kernels hold. */
export interface MixedParts {
  readonly data: ChoiceData;
  readonly plan: CoefficientPlan;
  readonly nodes: NodeSource;
  /** Nodes per unit (1 without random coefficients). */
  readonly R: number;
  /** Doubles per node row of beta, dbeta and G. */
  readonly stride: number;
  readonly draws: UnitDraws;
  readonly rows: CoefficientRows;
  /** Indices of the random coefficients, and of those constant over nodes. */
  readonly randomK: Int32Array;
  readonly fixedK: Int32Array;
  /** The scratch of the plan's coupling (./coupling.ts), or null without one. */
  readonly coupling: CouplingState | null;
}

/** Checks that plan, data and nodes fit together; returns the node count R. */
export function checkProblem(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource): number {
  if (plan.K !== data.nVars) throw new RangeError(`plan has ${plan.K} coefficients but the data have ${data.nVars} columns`);
  const R = plan.D === 0 ? 1 : nodes.size;
  if (nodes.shared && plan.D > 0 && nodes.size !== R) throw new RangeError('node count mismatch');
  if (nodes.weights && nodes.weights.length !== nodes.size) throw new RangeError('weights length differs from node count');
  return R;
}

/** Indices of the random coefficients and of the others. */
export function splitCoefficients(plan: CoefficientPlan): { randomK: Int32Array; fixedK: Int32Array } {
  const rk: number[] = [], fk: number[] = [];
  for (let k = 0; k < plan.K; k++) (plan.random[k] ? rk : fk).push(k);
  return { randomK: Int32Array.from(rk), fixedK: Int32Array.from(fk) };
}

/** The parts of a kernel with R nodes and rows of `stride` (beta given when it lives elsewhere, e.g. in WebAssembly memory). */
export function mixedParts(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource, options: KernelOptions, R: number, stride: number, beta?: Float64Array): MixedParts {
  const K = plan.K;
  const rows: CoefficientRows = {
    beta: beta ?? new Float64Array(K * stride), dbeta: new Float64Array(K * stride),
    betaConst: new Float64Array(K), dbetaConst: new Float64Array(K), eta0: new Float64Array(K),
  };
  const draws = new UnitDraws(plan, nodes, R, drawStoreFor(plan.D, nodes, data.nUnits, R, options));
  const coupling = plan.coupling ? couplingState(plan.coupling, K, R, stride) : null;
  return { data, plan, nodes, R, stride, draws, rows, ...splitCoefficients(plan), coupling };
}

/** Makes random coefficient k's row itself from eta0 (its value without draws) and returns true, or returns false. */
export type RowMaker = (k: number, eta0: number, theta: Float64Array) => boolean;

/**
 * Fills the coefficient rows of unit u for theta from its draws e (block at
 * eOff); with a coupling (./coupling.ts) the rows then hold the utility
 * coefficients it makes of them.
 */
export function makeCoefficients(p: MixedParts, theta: Float64Array, u: number, e: Float64Array, eOff: number, rowMaker?: RowMaker | null): void {
  const { plan, R, stride } = p;
  const { beta, dbeta, betaConst, dbetaConst, eta0: eta0s } = p.rows;
  const chars = p.data.unitChars;
  const nc = p.data.charNames.length;
  for (let k = 0; k < plan.K; k++) {
    const mp = plan.meanParam[k];
    let eta0 = mp >= 0 ? theta[mp] : 0;
    for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) eta0 += theta[plan.shiftParam[h]] * chars![u * nc + plan.shiftChar[h]];
    eta0s[k] = eta0;
    if (rowMaker && rowMaker(k, eta0, theta)) continue;
    const sgn = plan.sign[k];
    const link = plan.link[k];
    if (!plan.random[k]) {
      betaConst[k] = sgn * linkValue(link, eta0);
      dbetaConst[k] = sgn * linkDerivative(link, eta0);
      continue;
    }
    const o = k * stride;
    for (let r = 0; r < R; r++) beta[o + r] = eta0;
    for (let h = plan.spreadStart[k]; h < plan.spreadStart[k + 1]; h++) {
      const s = theta[plan.spreadParam[h]];
      const eo = eOff + plan.spreadDim[h] * R;
      for (let r = 0; r < R; r++) beta[o + r] += s * e[eo + r];
    }
    // beta holds eta; apply the link
    applyLink(link, sgn, beta, dbeta, o, R);
    if (stride !== R) beta[o + R] = beta[o + R - 1]; // the padding node
  }
  if (p.coupling) coupleCoefficients(p.coupling, plan, beta, eta0s, theta, e, eOff, R, stride);
}

/** Makes unit u's coefficients for theta with `make` and copies them out, K×R (node-major rows of R). */
export function unitCoefficients(p: MixedParts, theta: Float64Array, u: number, out: Float64Array,
  make: (theta: Float64Array, u: number, e: Float64Array, eOff: number) => void): Float64Array {
  const { plan, R, stride } = p;
  make(theta, u, p.draws.of(u), p.draws.offset);
  const { beta, betaConst } = p.rows;
  for (let k = 0; k < plan.K; k++) {
    for (let r = 0; r < R; r++) out[k * R + r] = plan.random[k] ? beta[k * stride + r] : betaConst[k];
  }
  return out;
}
