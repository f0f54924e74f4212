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
 * - The hot loop is WebAssembly SIMD emitted for the model (./wasm-kernel.ts):
 *   two nodes per f64x2 lane pair, four pairs per iteration, a situation's d_ok
 *   splatted once per block of 256 nodes, one specialized loop per number of
 *   "other" alternatives in the data (at most six counts). The coefficients
 *   (identity link, one spread: normal, uniform, triangular, exponential), the
 *   node sum and the score sums run there too; the kernel's beta, G and logL
 *   arrays are views of its memory. An odd node count R is padded there to
 *   R + 1 (the row stride of beta and G): the extra node is a copy of node R-1,
 *   run by the loop but left out of every sum over nodes.
 * - Where that does not apply (no WebAssembly SIMD, a model without random
 *   coefficients, a situation whose count has no specialization) the same
 *   loop runs as JavaScript generated at construction (new Function) for the
 *   model's K and counts, with a generic loop for other counts.
 *
 * The draws, the plan's links, signed node weights, unit weights, mean shifts
 * and faults follow the {@link Kernel}'s conventions exactly; the tests check
 * both paths against it for every kind of model the plan supports.
 */
import type { ChoiceData } from './layout.js';
import { type CoefficientPlan, Link } from './plan.js';
import { applyLink, Kernel, linkDerivative, linkValue, type KernelOptions, type NodeSource } from './kernel.js';
import { buildWasmHot, wasmSimdAvailable, type WasmHot } from './wasm/index.js';
import { BLOCK, FLUSH_ABOVE, MAX_SPECIAL_TERMS, MAX_SPECIALIZED, SHIFT_ABOVE } from './constants.js';
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_INV_LN2N, EXP_LN2HI_N, EXP_LN2LO_N, EXP_POW2, EXP_POW2_OFFSET, EXP_SHIFT, EXP_T, EXP_TAIL, expSlow } from './exp.js';

/** Signature of the generated hot function (nodes r < R; row k of beta and G at k × stride). */
type Hot = (rec: Float64Array, nRec: number, beta: Float64Array, G: Float64Array, logL: Float64Array, prod: Float64Array, R: number, stride: number) => void;

/**
 * Doubles of one situation record: [J', then J' groups of (f_a, d_a0 .. d_a,K-1)],
 * with f_a the part of w_a from coefficients constant over nodes.
 */
function recordSize(jp: number, K: number): number {
  return 1 + jp * (K + 1);
}

/** Options of {@link FastKernel}. */
export interface FastKernelOptions extends KernelOptions {
  /**
   * Use the WebAssembly SIMD hot loop where it applies (default true): a
   * runtime with WebAssembly SIMD and a model with random coefficients (any
   * node count). False keeps to the generated JavaScript.
   */
  wasm?: boolean;
}

/** Evaluates per-unit simulated log-likelihoods and scores; a drop-in {@link Kernel}. */
export class FastKernel extends Kernel {
  /** Distinct other-alternative counts with specialized code. */
  readonly specialized: readonly number[];
  /** Whether the WebAssembly SIMD loop runs (for units whose counts are all specialized). */
  readonly wasm: boolean;
  /**
   * Row stride of beta, G and dbeta: R, or R + 1 for an odd R on the
   * WebAssembly path (slot R of each row is the padding node, never summed).
   */
  private readonly stride: number;
  private readonly hot: Hot;
  private readonly wasmRun: ((nRec: number) => void) | null = null;
  private readonly w: WasmHot | null = null;
  private readonly Ev: Float64Array | null = null;   // the unit's draws in WebAssembly memory
  private readonly outv: Float64Array | null = null; // helper results
  /** Per coefficient: 1 when random with an identity link and one spread term (the helpers' case). */
  private readonly simple: Uint8Array;
  private anySimple = false;
  private readonly rec: Float64Array;
  private readonly prod: Float64Array;
  private readonly nOther: Int32Array;  // per situation
  private readonly unitWasm: Uint8Array; // per unit: 1 when every count is specialized
  private readonly randomIdx: number[];
  private readonly dbeta: Float64Array;      // K*stride dbeta/deta for non-identity links
  private readonly dbetaConst: Float64Array; // K
  private post: Float64Array;                // R posterior node weights
  private readonly fixedIdx: number[];

  constructor(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource, options: FastKernelOptions = {}) {
    super(data, plan, nodes, options);
    const K = plan.K, R = this.R;
    const nOther = new Int32Array(data.nSituations);
    const counts = new Map<number, number>();
    let maxRec = 1;
    for (let u = 0; u < data.nUnits; u++) {
      let size = 0;
      for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
        const J = data.sitRow[s + 1] - data.sitRow[s];
        const jp = data.outside ? J : J - 1;
        nOther[s] = jp;
        if (jp > 0) {
          counts.set(jp, (counts.get(jp) ?? 0) + 1);
          size += recordSize(jp, K);
        }
      }
      if (size > maxRec) maxRec = size;
    }
    this.nOther = nOther;
    this.simple = new Uint8Array(K);
    for (let k = 0; k < K; k++) {
      this.simple[k] = plan.random[k] && plan.link[k] === Link.identity && plan.spreadStart[k + 1] - plan.spreadStart[k] === 1 ? 1 : 0;
      if (this.simple[k]) this.anySimple = true;
    }
    this.dbetaConst = new Float64Array(K);
    this.post = new Float64Array(R);
    const special = [...counts.entries()]
      .filter(([jp]) => jp * K <= MAX_SPECIAL_TERMS)
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_SPECIALIZED)
      .map(([jp]) => jp)
      .sort((a, b) => a - b);
    this.specialized = special;
    let jmaxOther = 1;
    for (const jp of counts.keys()) jmaxOther = Math.max(jmaxOther, jp);
    this.randomIdx = [];
    this.fixedIdx = [];
    for (let k = 0; k < K; k++) (plan.random[k] ? this.randomIdx : this.fixedIdx).push(k);
    this.hot = buildHot(K, this.randomIdx, special, jmaxOther);
    const isSpecial = new Uint8Array(jmaxOther + 1);
    for (const jp of special) isSpecial[jp] = 1;
    this.unitWasm = new Uint8Array(data.nUnits);
    for (let u = 0; u < data.nUnits; u++) {
      let ok = 1;
      for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) if (nOther[s] > 0 && !isSpecial[nOther[s]]) ok = 0;
      this.unitWasm[u] = ok;
    }
    const useWasm = (options.wasm ?? true) && plan.D > 0 && special.length > 0 && wasmSimdAvailable();
    let w: WasmHot | null = null;
    if (useWasm) {
      try {
        w = buildWasmHot(K, this.randomIdx, special, R, maxRec, plan.D);
      } catch {
        w = null; // e.g. more memory than a 32-bit WebAssembly memory holds: the JavaScript loop does it
      }
    }
    if (w) {
      const buf = w.memory.buffer, L = w.layout;
      const Rp = (this.stride = L.stride); // R, or R + 1 when R is odd
      // The kernel's own arrays become views of the WebAssembly memory (never
      // grown), rows of Rp doubles. (Kernel.coefficients() writes beta with
      // row stride R and reads it back the same way; unit() rewrites it.)
      Object.assign(this, {
        beta: new Float64Array(buf, L.BETA, K * Rp),
        G: new Float64Array(buf, L.G, K * Rp),
        logL: new Float64Array(buf, L.LOGL, Rp),
      });
      this.prod = new Float64Array(buf, L.PROD, Rp);
      this.rec = new Float64Array(buf, L.REC, maxRec);
      this.wasmRun = w.run;
      this.w = w;
      this.Ev = new Float64Array(buf, L.E, plan.D * Rp);
      this.outv = new Float64Array(buf, L.OUT, 4);
      this.post = new Float64Array(buf, L.Q, Rp);
      if (nodes.weights) new Float64Array(buf, L.WTS, R).set(nodes.weights.subarray(0, R));
      this.wasm = true;
    } else {
      this.stride = R;
      this.prod = new Float64Array(R);
      this.rec = new Float64Array(maxRec);
      this.wasm = false;
    }
    this.dbeta = new Float64Array(K * this.stride);
  }

  /** Writes the records of situations s0..s1-1 into this.rec; returns their count. */
  private stage(s0: number, s1: number): number {
    const { data, plan, rec, nOther, bconst, fixedIdx } = this;
    const K = plan.K;
    const X = data.X;
    const nf = fixedIdx.length;
    let o = 0, n = 0;
    for (let s = s0; s < s1; s++) {
      const jp = nOther[s];
      if (jp === 0) continue;
      const j0 = data.sitRow[s], j1 = data.sitRow[s + 1];
      const c = data.sitChosen[s];
      rec[o++] = jp;
      for (let j = j0; j <= j1; j++) {
        // rows other than the chosen one, then (index j1) the outside option
        if (j === c) continue;
        if (j === j1 && (!data.outside || c < 0)) break;
        const xo = j * K, co = c * K;
        const a = o;
        o++;
        if (j === j1) for (let k = 0; k < K; k++) rec[o++] = -X[co + k];
        else if (c >= 0) for (let k = 0; k < K; k++) rec[o++] = X[xo + k] - X[co + k];
        else for (let k = 0; k < K; k++) rec[o++] = X[xo + k];
        let f = 0;
        for (let i = 0; i < nf; i++) { const k = fixedIdx[i]; f += rec[a + 1 + k] * bconst[k]; }
        rec[a] = f;
      }
      n++;
    }
    return n;
  }

  /**
   * Runs the hot loop over situations s0..s1-1 of unit u: G receives
   * dlogL_r/dbeta_k, and log L_r = logL[r] - log(prod[r]) (logL holds only
   * the shifts and flushes of rare nodes, usually all zero).
   */
  private run(u: number, s0: number, s1: number, G: Float64Array, logL: Float64Array): void {
    const n = this.stage(s0, s1);
    const { R, prod, stride } = this;
    this.unitWasmNow = this.wasmRun !== null && this.unitWasm[u] === 1;
    if (this.unitWasmNow) {
      G.fill(0); // the padding slots too: the loop runs the padding node like the others
      logL.fill(0);
      prod.fill(1);
      this.w!.events.count = 0;
      this.wasmRun!(n);
    } else {
      this.hot(this.rec, n, this.beta, G, logL, prod, R, stride);
    }
  }

  /**
   * Coefficients of unit u at every node (beta, gp for non-identity links,
   * bconst, gpconst). With a padding node (stride R + 1), its slot in every
   * random coefficient's row is a copy of node R-1's.
   */
  private makeCoefficients(theta: Float64Array, u: number, e: Float64Array, eOff: number): void {
    const { plan, R, beta, bconst, stride } = this;
    const gp = this.dbeta, gpconst = this.dbetaConst;
    const chars = this.data.unitChars;
    const nc = this.data.charNames.length;
    const w = this.w;
    const pad = stride !== R;
    if (w && this.anySimple) {
      const Ev = this.Ev!;
      Ev.set(e.subarray(eOff, eOff + plan.D * R));
      if (pad) {
        // spread the rows to stride R + 1 (last row first: they move up), and
        // node R repeats node R-1's draws
        for (let d = plan.D - 1; d >= 0; d--) {
          if (d > 0) Ev.copyWithin(d * stride, d * R, d * R + R);
          Ev[d * stride + R] = Ev[d * stride + R - 1];
        }
      }
    }
    for (let k = 0; k < plan.K; k++) {
      const mp = plan.meanParam[k];
      let eta0 = mp >= 0 ? theta[mp] : 0;
      for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) eta0 += theta[plan.shiftParam[h]] * chars![u * nc + plan.shiftChar[h]];
      if (w && this.simple[k]) {
        // over whole rows: the padding node takes its copied draw
        const h0 = plan.spreadStart[k];
        w.affine(w.layout.BETA + k * stride * 8, w.layout.E + plan.spreadDim[h0] * stride * 8, stride, eta0, theta[plan.spreadParam[h0]], plan.sign[k]);
        continue;
      }
      const sgn = plan.sign[k];
      const link = plan.link[k];
      if (!plan.random[k]) {
        bconst[k] = sgn * linkValue(link, eta0);
        gpconst[k] = sgn * linkDerivative(link, eta0);
        continue;
      }
      const o = k * stride;
      const h0 = plan.spreadStart[k], h1 = plan.spreadStart[k + 1];
      if (h1 - h0 === 1 && link === Link.identity) {
        const sd = theta[plan.spreadParam[h0]];
        const eo = eOff + plan.spreadDim[h0] * R;
        for (let r = 0; r < R; r++) beta[o + r] = sgn * (eta0 + sd * e[eo + r]);
      } else {
        for (let r = 0; r < R; r++) beta[o + r] = eta0;
        for (let h = h0; h < h1; h++) {
          const sd = theta[plan.spreadParam[h]];
          const eo = eOff + plan.spreadDim[h] * R;
          for (let r = 0; r < R; r++) beta[o + r] += sd * e[eo + r];
        }
        applyLink(link, sgn, beta, gp, o, R);
      }
      if (pad) beta[o + R] = beta[o + R - 1]; // the padding node (its gp slot is never read)
    }
  }

  /**
   * Turns log L_r = logL[r] - log(prod[r]) into the unit's log-likelihood
   * (log-sum-exp over nodes with the rule's weights) and the posterior node
   * weights q: LL_u = lastM + log(lastS); false when that is not finite
   * (q is then not normalized). When no node was shifted, L_r = 1/prod[r]
   * needs no log.
   */
  private nodeSum(logL: Float64Array): boolean {
    const { R, prod } = this;
    const q = this.post;
    const w = this.plan.D > 0 ? this.nodes.weights : null;
    let m: number, S = 0;
    const wh = this.w;
    if (wh && wh.events.count === 0 && this.unitWasmNow) {
      S = wh.nodeSum(R, w ? 1 : 0);
      m = -Math.log(this.outv![2]);
      const S1 = w ? S : S / R;
      this.lastM = m;
      this.lastS = S1;
      if (!(S1 > 0) || !Number.isFinite(m)) {
        if (!w) for (let r = 0; r < R; r++) q[r] /= R;
        return false;
      }
      wh.scaleQ(R, 1 / S);
      return true;
    }
    let plain = true;
    for (let r = 0; r < R; r++) if (logL[r] !== 0) { plain = false; break; }
    if (plain) {
      let pmin = Infinity;
      for (let r = 0; r < R; r++) if (prod[r] < pmin) pmin = prod[r];
      m = -Math.log(pmin);
      if (w) for (let r = 0; r < R; r++) { const t = w[r] * (pmin / prod[r]); q[r] = t; S += t; }
      else for (let r = 0; r < R; r++) { const t = pmin / prod[r]; q[r] = t; S += t; }
    } else {
      for (let r = 0; r < R; r++) logL[r] -= Math.log(prod[r]);
      m = -Infinity;
      for (let r = 0; r < R; r++) if (logL[r] > m) m = logL[r];
      if (w) for (let r = 0; r < R; r++) { const t = w[r] * Math.exp(logL[r] - m); q[r] = t; S += t; }
      else for (let r = 0; r < R; r++) { const t = Math.exp(logL[r] - m); q[r] = t; S += t; }
    }
    if (!w) {
      S /= R;
      for (let r = 0; r < R; r++) q[r] /= R;
    }
    this.lastM = m;
    this.lastS = S;
    if (!(S > 0) || !Number.isFinite(m)) return false;
    const invS = 1 / S;
    for (let r = 0; r < R; r++) q[r] *= invS;
    return true;
  }

  private lastM = 0;
  private unitWasmNow = false;
  private lastS = 0;

  /**
   * Maps G (K rows of `stride`, nodes r < R) through q and dbeta/dtheta into
   * out[o .. o+P-1], times wu (one pass per coefficient).
   */
  private mapScoresFast(u: number, e: Float64Array, eOff: number, G: Float64Array, wu: number, out: Float64Array, o: number): void {
    const { data, plan, R, stride } = this;
    const gp = this.dbeta, gpconst = this.dbetaConst, q = this.post;
    const K = plan.K, P = plan.P;
    for (let p = 0; p < P; p++) out[o + p] = 0;
    const chars = data.unitChars;
    const nc = data.charNames.length;
    const w = this.w;
    for (let k = 0; k < K; k++) {
      const go = k * stride;
      let hsum = 0;
      if (w && G === this.G) {
        // the WebAssembly helpers (G and the unit's draws are in its memory; sums over r < R)
        const L = w.layout, ov = this.outv!;
        if (!plan.random[k]) {
          w.dots(L.G + go * 8, -1, R);
          hsum = ov[0] * gpconst[k];
        } else if (this.simple[k]) {
          const h0 = plan.spreadStart[k], sgn = plan.sign[k];
          w.dots(L.G + go * 8, L.E + plan.spreadDim[h0] * stride * 8, R);
          hsum = sgn * ov[0];
          out[o + plan.spreadParam[h0]] += wu * (sgn * ov[1]);
        }
      }
      if (w && G === this.G && (!plan.random[k] || this.simple[k])) {
        // done above
      } else if (!plan.random[k]) {
        let t = 0;
        for (let r = 0; r < R; r++) t += q[r] * G[go + r];
        hsum = t * gpconst[k];
      } else {
        const h0 = plan.spreadStart[k], h1 = plan.spreadStart[k + 1];
        const ident = plan.link[k] === Link.identity;
        const sgn = plan.sign[k];
        if (h1 - h0 === 1) {
          const eo = eOff + plan.spreadDim[h0] * R;
          let t = 0;
          if (ident) for (let r = 0; r < R; r++) { const a = q[r] * G[go + r] * sgn; hsum += a; t += a * e[eo + r]; }
          else for (let r = 0; r < R; r++) { const a = q[r] * G[go + r] * gp[go + r]; hsum += a; t += a * e[eo + r]; }
          out[o + plan.spreadParam[h0]] += wu * t;
        } else {
          if (ident) for (let r = 0; r < R; r++) hsum += q[r] * G[go + r] * sgn;
          else for (let r = 0; r < R; r++) hsum += q[r] * G[go + r] * gp[go + r];
          for (let h = h0; h < h1; h++) {
            const eo = eOff + plan.spreadDim[h] * R;
            let t = 0;
            if (ident) for (let r = 0; r < R; r++) t += q[r] * G[go + r] * sgn * e[eo + r];
            else for (let r = 0; r < R; r++) t += q[r] * G[go + r] * gp[go + r] * e[eo + r];
            out[o + plan.spreadParam[h]] += wu * t;
          }
        }
      }
      const mp = plan.meanParam[k];
      if (mp >= 0) out[o + mp] += wu * hsum;
      for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) out[o + plan.shiftParam[h]] += wu * hsum * chars![u * nc + plan.shiftChar[h]];
    }
  }

  /** One unit's (weighted) log-likelihood; its score goes to unitScore[so .. so+P-1] when given. */
  override unit(theta: Float64Array, u: number, unitScore: Float64Array | null, so: number): number {
    const { data, G, logL } = this;
    const e = this.fastUnitTerms(theta, u);
    const eOff = this.eOff;
    const wu = data.unitWeight ? data.unitWeight[u] : 1;
    let ll: number;
    if (this.nodeSum(logL)) ll = wu * (this.lastM + Math.log(this.lastS));
    else {
      const m = this.lastM, S = this.lastS;
      if (this.fault === null) this.fault = { unit: u, reason: Number.isNaN(m) || Number.isNaN(S) || m === Infinity ? 'non-finite' : 'non-positive-probability' };
      ll = S <= 0 && Number.isFinite(m) ? -Infinity : NaN;
    }
    if (unitScore) this.mapScoresFast(u, e, eOff, G, wu, unitScore, so);
    return this.checkUnit(u, ll, unitScore, so);
  }

  /** Unit u's coefficients and node terms on the fast loop (log L_r = logL[r] - log prod[r]); returns its draws. */
  private fastUnitTerms(theta: Float64Array, u: number): Float64Array {
    const e = this.draws(u);
    this.makeCoefficients(theta, u, e, this.eOff);
    this.run(u, this.data.unitSit[u], this.data.unitSit[u + 1], this.G, this.logL);
    return e;
  }

  /** Same contract as {@link Kernel.nodeLogLik}, on the fast loop: log L_r = logL[r] - log prod[r]. */
  override nodeLogLik(theta: Float64Array, u: number, out: Float64Array): void {
    const { logL, prod, R } = this;
    this.fastUnitTerms(theta, u);
    for (let r = 0; r < R; r++) out[r] = logL[r] - Math.log(prod[r]);
  }

  /** Same contract as {@link Kernel.nodeAverageScore}, on the fast loop. */
  override nodeAverageScore(theta: Float64Array, u: number, out: Float64Array, o: number): void {
    const { G, R } = this;
    const e = this.fastUnitTerms(theta, u);
    const eOff = this.eOff;
    const q = this.post; // the node weights mapScoresFast applies (a view of WebAssembly memory on that path)
    for (let r = 0; r < R; r++) q[r] = 1 / R;
    this.mapScoresFast(u, e, eOff, G, 1, out, o);
  }

  override situationScores(theta: Float64Array, u0: number, u1: number, out: Float64Array): void {
    const { data, plan, G, logL } = this;
    const P = plan.P;
    for (let u = u0; u < u1; u++) {
      this.unit(theta, u, null, 0); // leaves q (posterior weights) and beta for u; G and logL are free again
      const e = this.draws(u);
      const eOff = this.eOff;
      const wu = data.unitWeight ? data.unitWeight[u] : 1;
      for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
        if (this.nOther[s] === 0) {
          for (let p = 0; p < P; p++) out[s * P + p] = 0;
          continue;
        }
        this.run(u, s, s + 1, G, logL);
        this.mapScoresFast(u, e, eOff, G, wu, out, s * P);
      }
    }
  }
}

/** Source of `dst = exp(src)` for src <= 300 (inlined table exp; NaN and tiny values go to expSlow). */
function expSource(dst: string, src: string): string {
  return `{ const x_ = ${src};
      if (x_ > -708) {
        const kd_ = x_ * ${EXP_INV_LN2N} + ${EXP_SHIFT} - ${EXP_SHIFT};
        const r_ = x_ - kd_ * ${EXP_LN2HI_N} - kd_ * ${EXP_LN2LO_N};
        const ki_ = kd_ | 0;
        const j_ = ki_ & 127;
        const q_ = r_ * r_;
        const t_ = TL[j_] + r_ + q_ * (${EXP_C2} + r_ * ${EXP_C3}) + q_ * q_ * (${EXP_C4} + r_ * ${EXP_C5});
        const s_ = T[j_] * P2[(ki_ >> 7) + ${EXP_POW2_OFFSET}];
        ${dst} = s_ + s_ * t_;
      } else ${dst} = expSlow(x_); }`;
}

/**
 * Generates the hot function for a model: K coefficients of which `rk` vary
 * over nodes, specialized loops for the other-alternative counts in
 * `special`, a generic loop for the rest.
 */
function buildHot(K: number, rk: readonly number[], special: readonly number[], jmaxOther: number): Hot {
  const L: string[] = [];
  const line = (s: string) => L.push(s);
  const S1 = K + 1;
  line(`"use strict";`);
  line(`const W = new Float64Array(${jmaxOther}), E = new Float64Array(${jmaxOther});`);
  line(`return function hot(rec, nRec, beta, G, logL, prod, R, stride) {`);
  line(`const T = T0, TL = TL0, P2 = P20;`);
  for (const k of rk) line(`const o${k} = ${k} * stride;`);
  for (let k = 0; k < K; k++) line(`const g${k} = ${k} * stride;`);
  line(`G.fill(0);`);
  line(`for (let r = 0; r < R; r++) { logL[r] = 0; prod[r] = 1; }`);
  line(`for (let r0 = 0; r0 < R; r0 += ${BLOCK}) {`);
  line(`const r1 = Math.min(R, r0 + ${BLOCK});`);
  line(`let o = 0;`);
  line(`for (let t = 0; t < nRec; t++) {`);
  line(`const jp = rec[o];`);
  let first = true;
  for (const jp of special) {
    line(`${first ? '' : 'else '}if (jp === ${jp}) {`);
    first = false;
    for (let a = 0; a < jp; a++) {
      line(`const f${a} = rec[o + ${1 + a * S1}];`);
      for (let k = 0; k < K; k++) line(`const d${a}_${k} = rec[o + ${2 + a * S1 + k}];`);
    }
    line(`for (let r = r0; r < r1; r++) {`);
    for (const k of rk) line(`const b${k} = beta[o${k} + r];`);
    for (let a = 0; a < jp; a++) line(`const w${a} = f${a}${rk.map((k) => ` + d${a}_${k} * b${k}`).join('')};`);
    line(`let m = w0;`);
    for (let a = 1; a < jp; a++) line(`if (w${a} > m) m = w${a};`);
    line(`let sh = 0, ec = 1;`);
    line(`if (m > ${SHIFT_ABOVE}) { sh = m; ec = Math.exp(-m); logL[r] -= m; }`);
    for (let a = 0; a < jp; a++) { line(`let e${a};`); line(expSource(`e${a}`, `w${a} - sh`)); }
    line(`const S = ec${Array.from({ length: jp }, (_, a) => ` + e${a}`).join('')};`);
    line(`const iS = 1 / S;`);
    for (let a = 0; a < jp; a++) line(`const p${a} = e${a} * iS;`);
    for (let k = 0; k < K; k++) line(`G[g${k} + r] -= ${Array.from({ length: jp }, (_, a) => `p${a} * d${a}_${k}`).join(' + ')};`);
    line(`let pr = prod[r] * S;`);
    line(`if (pr > ${FLUSH_ABOVE}) { logL[r] -= Math.log(pr); pr = 1; }`);
    line(`prod[r] = pr;`);
    line(`}`);
    line(`}`);
  }
  // generic loop
  line(`${first ? '' : 'else '}{`);
  line(`for (let r = r0; r < r1; r++) {`);
  line(`let m = -Infinity;`);
  line(`for (let a = 0; a < jp; a++) {`);
  line(`const d = o + 1 + a * ${S1};`);
  line(`let w = rec[d];`);
  for (const k of rk) line(`w += rec[d + ${1 + k}] * beta[o${k} + r];`);
  line(`W[a] = w; if (w > m) m = w;`);
  line(`}`);
  line(`let sh = 0, S = 1;`);
  line(`if (m > ${SHIFT_ABOVE}) { sh = m; S = Math.exp(-m); logL[r] -= m; }`);
  line(`for (let a = 0; a < jp; a++) { let e; ${expSource('e', 'W[a] - sh')} E[a] = e; S += e; }`);
  line(`const iS = 1 / S;`);
  line(`for (let a = 0; a < jp; a++) {`);
  line(`const p = E[a] * iS, d = o + 2 + a * ${S1};`);
  for (let k = 0; k < K; k++) line(`G[g${k} + r] -= p * rec[d + ${k}];`);
  line(`}`);
  line(`let pr = prod[r] * S;`);
  line(`if (pr > ${FLUSH_ABOVE}) { logL[r] -= Math.log(pr); pr = 1; }`);
  line(`prod[r] = pr;`);
  line(`}`);
  line(`}`);
  line(`o += 1 + jp * ${S1};`);
  line(`}`); // situations
  line(`}`); // blocks
  line(`};`);
  const src = L.join('\n');
  const make = new Function('T0', 'TL0', 'P20', 'expSlow', src) as (t: Float64Array, tl: Float64Array, p2: Float64Array, slow: (x: number) => number) => Hot;
  return make(EXP_T, EXP_TAIL, EXP_POW2, expSlow);
}
