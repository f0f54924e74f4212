/**
 * The fast kernel: the same per-unit log-likelihoods and scores as
 * {@link Kernel} (to about 1e-15 relative), with the hot part — the sum over a
 * unit's situations at every node — rewritten for speed:
 *
 * - Utilities are taken as differences against the chosen alternative:
 *   w_o = V_o - V_c = sum_k d_ok beta_k with d_o = x_o - x_c for every other
 *   alternative o (the outside option, utility 0, is one more "other" with
 *   d = -x_c; when it is chosen, d_o = x_o). Then
 *       log P_c = -log S,   S = 1 + sum_o exp(w_o)   (S >= 1),
 *       dlog P_c / dbeta_k = -sum_o P_o d_ok,   P_o = exp(w_o) / S,
 *   one exp fewer per node than the max-shifted form, and no separate x_c term.
 *   When some w_o exceeds 300 the node takes the max-shifted form (shift by
 *   m = max_o w_o: S = exp(-m) + sum_o exp(w_o - m), log P_c = -m - log S),
 *   so utilities of any size stay finite; utilities are never clamped.
 * - No log per situation: the S of a unit's situations are multiplied per node
 *   (each S is below 1e137 on the unshifted path, and the product is flushed
 *   into a log when it passes 1e150, so it cannot overflow). Without a shift
 *   or flush, L_r = 1/prod_r: the log-sum-exp over nodes takes one log per unit.
 * - exp is the table-driven one of ./exp.ts (0.51 ulp), inlined.
 * - The hot loop is WebAssembly SIMD emitted for the model (./wasm/):
 *   two nodes per f64x2 lane pair, blocks of 256 nodes. Small counts of
 *   "other" alternatives (J' <= 8, the four most frequent: ../constants.ts)
 *   get a specialized loop: four pairs per iteration, a situation's d_ok
 *   splatted once per block. Every other count — many alternatives, the other
 *   sizes of ragged choice sets — runs the generic loop
 *   (./wasm/generic-loop.ts): the alternatives streamed from memory, each d_ok
 *   splatted once per group of 4 or 8 pairs, one pass with no stored
 *   utilities (G_k -= A_k / S with A_k = sum_o exp(w_o) d_ok: the same
 *   S, so the same log-likelihoods bit for bit away from rare nodes, and
 *   scores to about 1e-16). The coefficients
 *   (identity link, one spread: normal, uniform, triangular, exponential), the
 *   node sum and the score sums run there too; the kernel's beta, G and logL
 *   arrays are views of its memory. An odd node count R is padded there to
 *   R + 1 (the row stride of beta and G): the extra node is a copy of node R-1,
 *   run by the loop but left out of every sum over nodes.
 * - Where that does not apply (no WebAssembly SIMD, a model without random
 *   coefficients) the same loop runs as JavaScript generated at construction
 *   (new Function) for the model's K and counts, with a generic loop for
 *   other counts.
 *
 * The draws, the plan's links, signed node weights, unit weights, mean shifts
 * and faults follow the {@link Kernel}'s conventions exactly; the tests check
 * both paths against it for every kind of model the plan supports.
 */
import type { ChoiceData } from './layout.js';
import { type CoefficientPlan, Link } from './plan.js';
import type { KernelFault, KernelOptions, MixedKernel, NodeSource } from './kernel-api.js';
import { checkProblem, makeCoefficients, mixedParts, splitCoefficients, unitCoefficients, type MixedParts, type RowMaker } from './coefficients.js';
import { situationScratch, type SituationScratch } from './situation.js';
import { mapScores, type CoefficientSums } from './scores.js';
import { rowProbabilities, rowScratch, type RowScratch } from './row-probabilities.js';
import { checkUnit, equalWeights, evaluateUnits, logSumOverNodes, nodeWeights, normalizeNodeWeights, situationScoresOf, unitLogLik, unitWeight, type NodeSum } from './unit-sums.js';
import { situationCounts, specializedCounts, stageRecords, wasmSpecializedCounts, type Stage } from './fast-records.js';
import { buildHot, type Hot } from './js-hot-loop.js';
import { buildWasmHot, wasmSimdAvailable, type WasmHot } from './wasm/index.js';

/** Options of {@link FastKernel}. */
export interface FastKernelOptions extends KernelOptions {
  /**
   * Use the WebAssembly SIMD hot loop where it applies (default true): a
   * runtime with WebAssembly SIMD and a model with random coefficients (any
   * node count). False keeps to the generated JavaScript.
   */
  wasm?: boolean;
  /**
   * Give the WebAssembly loop its specialized loops for small counts of
   * alternatives (default true). False runs every situation through the
   * generic loop (for tests and benchmarks; same maths).
   */
  specialize?: boolean;
  /**
   * Fuse the WebAssembly loop's multiply-adds (relaxed SIMD's relaxed_madd)
   * where the runtime has them (default true: Node 22, recent browsers; Node 20
   * with --experimental-wasm-relaxed-simd). The numbers then differ from a
   * runtime without them in the last bits; false keeps the separate multiplies
   * and adds everywhere.
   */
  fma?: boolean;
}

/** Per coefficient: 1 when random with an identity link and one spread term (the WebAssembly helpers' case). */
function simpleCoefficients(plan: CoefficientPlan): Uint8Array {
  const simple = new Uint8Array(plan.K);
  for (let k = 0; k < plan.K; k++) {
    simple[k] = plan.random[k] && plan.link[k] === Link.identity && plan.spreadStart[k + 1] - plan.spreadStart[k] === 1 ? 1 : 0;
  }
  return simple;
}

/** The WebAssembly loop for a model, or null where it does not apply or cannot be built. */
function wasmFor(plan: CoefficientPlan, randomK: readonly number[], special: readonly number[], R: number, maxRec: number, options: FastKernelOptions): WasmHot | null {
  if (!((options.wasm ?? true) && plan.D > 0 && wasmSimdAvailable())) return null;
  try {
    return buildWasmHot(plan.K, randomK, special, R, maxRec, plan.D, options.fma ?? true);
  } catch {
    return null; // e.g. more memory than a 32-bit WebAssembly memory holds: the JavaScript loop does it
  }
}

/** Evaluates per-unit simulated log-likelihoods and scores; the numbers of the plain {@link Kernel} to about 1e-15. */
export class FastKernel implements MixedKernel {
  readonly kind = 'mixed' as const;
  readonly data: ChoiceData;
  readonly plan: CoefficientPlan;
  readonly nodes: NodeSource;
  fault: KernelFault | null = null;
  /** Distinct other-alternative counts with specialized code (in the loop that runs). */
  readonly specialized: readonly number[];
  /** Whether the WebAssembly SIMD loop runs (every unit then runs it). */
  readonly wasm: boolean;
  /** Whether that loop's multiply-adds are fused (relaxed SIMD; see {@link FastKernelOptions.fma}). */
  readonly fma: boolean;
  readonly nodeCount: number;

  private readonly p: MixedParts;
  private readonly hot: Hot;
  private readonly w: WasmHot | null;
  private readonly simple: Uint8Array;
  private readonly anySimple: boolean;
  private readonly stage: Stage;              // the records (rec is in WebAssembly memory on that path)
  // node rows (views of WebAssembly memory on that path, of `stride` doubles)
  private readonly G: Float64Array;           // K*stride dlogL_r/dbeta_k
  private readonly logL: Float64Array;        // the shifts and flushes of rare nodes (usually all zero)
  private readonly prod: Float64Array;        // running products of the situations' S
  private readonly post: Float64Array;        // posterior node weights
  private readonly drawsW: Float64Array | null; // the unit's draws in WebAssembly memory
  private readonly out4: Float64Array | null;   // the helpers' results
  private readonly sum: NodeSum = { m: 0, S: 0 };
  private sc: SituationScratch | null = null;
  private rows: RowScratch | null = null;

  constructor(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource, options: FastKernelOptions = {}) {
    const R = checkProblem(data, plan, nodes);
    this.data = data;
    this.plan = plan;
    this.nodes = nodes;
    const K = plan.K;
    const counts = situationCounts(data, K);
    this.simple = simpleCoefficients(plan);
    this.anySimple = this.simple.includes(1);
    const special = specializedCounts(counts.counts, K);
    const randomK = Array.from(splitCoefficients(plan).randomK);
    this.hot = buildHot(K, randomK, special, counts.maxOther);
    const wasmSpecial = options.specialize === false ? [] : wasmSpecializedCounts(counts.counts, K);
    const w = (this.w = wasmFor(plan, randomK, wasmSpecial, R, counts.maxRec, options));
    this.wasm = w !== null;
    this.fma = w?.fma ?? false;
    this.specialized = w ? wasmSpecial : special;
    this.nodeCount = R;
    const stride = w ? w.layout.stride : R; // R, or R + 1 when R is odd
    const view = (at: keyof WasmHot['layout'], n: number, own: number) => (w ? new Float64Array(w.memory.buffer, w.layout[at], n) : new Float64Array(own));
    this.p = mixedParts(data, plan, nodes, options, R, stride, view('BETA', K * stride, K * R));
    this.G = view('G', K * stride, K * R);
    this.logL = view('LOGL', stride, R);
    this.prod = view('PROD', stride, R);
    this.post = view('Q', stride, R);
    this.stage = { data, nOther: counts.nOther, fixedK: this.p.fixedK, betaConst: this.p.rows.betaConst, rec: view('REC', counts.maxRec, counts.maxRec) };
    this.drawsW = w ? view('E', plan.D * stride, 0) : null;
    this.out4 = w ? view('OUT', 4, 0) : null;
    if (w && nodes.weights) view('WTS', R, 0).set(nodes.weights.subarray(0, R));
  }

  /**
   * Runs the hot loop over situations s0..s1-1 (of one unit): G receives
   * dlogL_r/dbeta_k, and log L_r = logL[r] - log(prod[r]). With `gradient`
   * false the WebAssembly loop leaves G alone (the same logL and prod).
   */
  private run(s0: number, s1: number, gradient = true): void {
    const n = stageRecords(this.stage, s0, s1);
    const { G, logL, prod, w } = this;
    if (w) {
      if (gradient) G.fill(0); // the padding slots too: the loop runs the padding node like the others
      logL.fill(0);
      prod.fill(1);
      w!.events.count = 0;
      if (gradient) w!.run(n);
      else w!.runLL(n);
    } else {
      this.hot(this.stage.rec, n, this.p.rows.beta, G, logL, prod, this.p.R, this.p.stride);
    }
  }

  /**
   * Unit u's coefficients. On the WebAssembly path the draws are copied into
   * its memory (rows of stride; a padding node repeats node R-1's draws) and
   * the helpers' coefficients are made there, over whole rows.
   */
  private readonly make = (theta: Float64Array, u: number, e: Float64Array, eOff: number): void => {
    const { plan, R, stride } = this.p;
    const Ev = this.drawsW;
    if (Ev && this.anySimple) {
      Ev.set(e.subarray(eOff, eOff + plan.D * R));
      if (stride !== R) {
        // spread the rows to stride R + 1 (last row first: they move up)
        for (let d = plan.D - 1; d >= 0; d--) {
          if (d > 0) Ev.copyWithin(d * stride, d * R, d * R + R);
          Ev[d * stride + R] = Ev[d * stride + R - 1];
        }
      }
    }
    makeCoefficients(this.p, theta, u, e, eOff, this.w ? this.affineRow : null);
  };

  /** A helpers' coefficient (identity link, one spread) made by the WebAssembly `affine`. */
  private readonly affineRow: RowMaker = (k, eta0, theta) => {
    if (!this.simple[k]) return false;
    const { plan, stride } = this.p;
    const w = this.w!, h0 = plan.spreadStart[k];
    w.affine(w.layout.BETA + k * stride * 8, w.layout.E + plan.spreadDim[h0] * stride * 8, stride, eta0, theta[plan.spreadParam[h0]], plan.sign[k]);
    return true;
  };

  /**
   * Turns log L_r = logL[r] - log(prod[r]) into the unit's node sum (LL_u =
   * m + log S) and the posterior node weights (normalized when the sum is
   * usable). When no node was shifted or flushed, L_r = 1/prod[r] needs no log.
   */
  private nodeSum(): void {
    const { logL, prod, post, sum } = this;
    const R = this.p.R;
    const w = nodeWeights(this.p);
    const wh = this.w;
    if (wh && wh.events.count === 0) {
      const S = wh.nodeSum(R, w ? 1 : 0);
      sum.m = -Math.log(this.out4![2]);
      sum.S = w ? S : S / R;
      if (!(sum.S > 0) || !Number.isFinite(sum.m)) { if (!w) for (let r = 0; r < R; r++) post[r] /= R; }
      else wh.scaleQ(R, 1 / S);
      return;
    }
    let plain = true;
    for (let r = 0; r < R; r++) if (logL[r] !== 0) { plain = false; break; }
    if (plain) {
      let pmin = Infinity, S = 0;
      for (let r = 0; r < R; r++) if (prod[r] < pmin) pmin = prod[r];
      if (w) for (let r = 0; r < R; r++) { const t = w[r] * (pmin / prod[r]); post[r] = t; S += t; }
      else for (let r = 0; r < R; r++) { const t = pmin / prod[r]; post[r] = t; S += t; }
      sum.m = -Math.log(pmin);
      sum.S = S;
      if (!w) equalWeights(post, R, sum);
    } else {
      for (let r = 0; r < R; r++) logL[r] -= Math.log(prod[r]);
      logSumOverNodes(logL, w, R, post, sum);
    }
    normalizeNodeWeights(post, R, sum);
  }

  /** The WebAssembly helpers' node sums (G and the unit's draws are in its memory) for fixed and helpers' coefficients. */
  private readonly wasmSums: CoefficientSums = (k, go, out, o, wu) => {
    const { plan, R, stride } = this.p;
    const w = this.w!, L = w.layout, ov = this.out4!;
    if (!plan.random[k]) {
      w.dots(L.G + go * 8, -1, R);
      return ov[0] * this.p.rows.dbetaConst[k];
    }
    if (!this.simple[k]) return undefined;
    const h0 = plan.spreadStart[k], sgn = plan.sign[k];
    w.dots(L.G + go * 8, L.E + plan.spreadDim[h0] * stride * 8, R);
    out[o + plan.spreadParam[h0]] += wu * (sgn * ov[1]);
    return sgn * ov[0];
  };

  /** mapScores over this.G, with the WebAssembly helpers where they apply. */
  private scores(u: number, e: Float64Array, eOff: number, wu: number, out: Float64Array, o: number): void {
    mapScores(this.p, u, e, eOff, this.G, this.post, wu, out, o, this.w ? this.wasmSums : null);
  }

  evaluate(theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number {
    return evaluateUnits(this, this.plan.P, theta, u0, u1, unitLL, unitScore);
  }

  unit(theta: Float64Array, u: number, unitScore: Float64Array | null, so: number): number {
    const e = this.unitTerms(theta, u, unitScore !== null);
    const eOff = this.p.draws.offset;
    const wu = unitWeight(this.data, u);
    this.nodeSum();
    const ll = unitLogLik(this, u, this.sum, wu);
    if (unitScore) this.scores(u, e, eOff, wu, unitScore, so);
    return checkUnit(this, this.plan.P, u, ll, unitScore, so);
  }

  /** Unit u's coefficients and node terms on the fast loop (log L_r = logL[r] - log prod[r]; G with `gradient`); returns its draws. */
  private unitTerms(theta: Float64Array, u: number, gradient = true): Float64Array {
    const e = this.p.draws.of(u);
    this.make(theta, u, e, this.p.draws.offset);
    this.run(this.data.unitSit[u], this.data.unitSit[u + 1], gradient);
    return e;
  }

  nodeLogLik(theta: Float64Array, u: number, out: Float64Array): void {
    const { logL, prod } = this;
    this.unitTerms(theta, u, false);
    for (let r = 0; r < this.p.R; r++) out[r] = logL[r] - Math.log(prod[r]);
  }

  nodeAverageScore(theta: Float64Array, u: number, out: Float64Array, o: number): void {
    const R = this.p.R;
    const e = this.unitTerms(theta, u);
    const eOff = this.p.draws.offset;
    for (let r = 0; r < R; r++) this.post[r] = 1 / R; // the node weights the scores apply
    this.scores(u, e, eOff, 1, out, o);
  }

  situationScores(theta: Float64Array, u0: number, u1: number, out: Float64Array): void {
    const P = this.plan.P;
    const nOther = this.stage.nOther;
    situationScoresOf(this, this.p, theta, u0, u1, (u, s, e, eOff, wu, o) => {
      if (nOther[s] === 0) {
        for (let i = 0; i < P; i++) out[o + i] = 0;
        return;
      }
      this.run(s, s + 1);
      this.scores(u, e, eOff, wu, out, o);
    });
  }

  coefficients(theta: Float64Array, u: number, out: Float64Array = new Float64Array(this.plan.K * this.p.R)): Float64Array {
    return unitCoefficients(this.p, theta, u, out, this.make);
  }

  rowProbabilities(theta: Float64Array, u0: number, u1: number, prob: Float64Array, dprob: Float64Array | null): void {
    this.sc ??= situationScratch(this.data, this.p.R);
    this.rows ??= rowScratch(this.p);
    rowProbabilities(this.p, this.sc, this.rows, this.make, theta, u0, u1, prob, dprob);
  }
}
