/**
 * Passes that carry the derivatives of their sums with respect to theta
 * (forward mode), for delta-method standard errors from one pass instead of
 * 2P+1.
 *
 * Per unit, the coefficients beta_um(theta) and prior weights a_um(theta)
 * are differentiated by central differences at fixed draws (a cheap K×M
 * computation per unit; exact for the linear maps of normal coefficients),
 *
 *     B_p = d beta / d theta_p,   A_p = d a / d theta_p,
 *
 * and everything per situation analytically, from the logit derivative
 *
 *     dV_j/dtheta_p = sum_k x_jk B_p,k,    dP_j/dtheta_p = P_j (dV_j - sum_i P_i dV_i)
 *
 * (the outside option has dV = 0). Only the k with a nonzero B_p,k enter
 * dV_j, so the cost is about that of P/K passes for the utilities and no
 * exponentials. The sums of ./passes.ts (shares; share derivatives and
 * elasticity numerators) and their derivatives go side by side into the
 * accumulator: per group, the block of values, then one block per parameter.
 *
 * Where WebAssembly SIMD runs, the M-long loops per situation are the
 * functions of @mxl/core's tangent dots (./wasm/tangent-dots.ts there): the
 * logit derivatives dP of every parameter from dV, the weights c1..c4 of an
 * effects block and their inner products with dP, dP0, db and A for all P
 * parameters in one call; a one-column change at rate 1 reads db in place
 * from B. They equal the JavaScript loops (kept for runtimes without SIMD,
 * and as the tests' reference) to about 1e-15.
 */
import { buildWasmTangentDots, wasmSimdAvailable, type ChoiceData, type WasmTangentDots } from '@mxl/core';
import { blockLength, PassScratch, reportedCount, type Groups, type Sensitivity } from './passes.js';
import type { Population } from './population.js';
import { situationProbabilities } from './probabilities.js';
import { deltaStep } from './uncertainty.js';

/** The passes with a forward-mode version. */
export type TangentKind = { readonly kind: 'shares' } | { readonly kind: 'effects'; readonly sensitivity: Sensitivity };

/** Length of one group's block of a tangent pass (values, then P derivative blocks). */
export function tangentBlockLength(kind: TangentKind['kind'], n: number, P: number): number {
  return blockLength(kind, n) * (1 + P);
}

/** Scratch arrays of a tangent pass. */
export class TangentScratch {
  readonly base: PassScratch;
  readonly B: Float64Array;
  readonly A: Float64Array;
  readonly bp: Float64Array;
  readonly ap: Float64Array;
  readonly dV: Float64Array;
  readonly dP: Float64Array;
  readonly dP0: Float64Array;
  readonly db: Float64Array;
  readonly nz: Int32Array;
  readonly nzCount: Int32Array;
  readonly xbar: Float64Array;
  readonly c1: Float64Array;
  readonly c2: Float64Array;
  readonly c3: Float64Array;
  readonly c4: Float64Array;
  /** Whether the unit's prior weights move with theta (latent classes). */
  weightsMove = false;
  /** The inner products of {@link effectsTangent} and the logit derivatives on WebAssembly SIMD, over the memory that holds the arrays of {@link at} (null: JavaScript). */
  readonly dots: WasmTangentDots | null;
  /** Byte offsets of B, A, dV, dP, dP0, db, c1..c4, Pr and P0 in the dots' memory. */
  readonly at: { B: number; A: number; dV: number; dP: number; dP0: number; db: number; c1: number; c2: number; c3: number; c4: number; Pr: number; P0: number; a: number; b: number };
  /** A copy of the situation's probabilities (J×M) and the outside option's (M) beside the derivatives, for the WebAssembly dprob. */
  readonly Pr: Float64Array;
  readonly P0: Float64Array;
  /** A copy of the unit's prior weights (M) there. */
  readonly a: Float64Array;
  /** An effects pass's b_l (M) there (with WebAssembly; else the base scratch's). */
  readonly b: Float64Array;
  /** @param useWasm - false keeps every loop in JavaScript (tests) */
  constructor(pop: Population, P: number, useWasm = true) {
    const K = pop.K, M = pop.M;
    this.base = new PassScratch(pop, useWasm);
    const J = this.base.P.length / M;
    // the arrays the WebAssembly functions read and write, side by side in its memory
    const sizes = { B: P * K * M, A: P * M, dV: P * J * M, dP: P * J * M, dP0: P * M, db: P * M, c1: M, c2: M, c3: M, c4: M, Pr: J * M, P0: M, a: M, b: M };
    let bytes = 0;
    const at = {} as Record<keyof typeof sizes, number>;
    for (const [k, n] of Object.entries(sizes) as [keyof typeof sizes, number][]) { at[k] = bytes; bytes += n * 8; }
    this.at = at;
    this.dots = useWasm && wasmSimdAvailable() ? buildWasmTangentDots(M, P, bytes) : null;
    const buffer = this.dots ? this.dots.buffer : new ArrayBuffer(bytes);
    const view = (k: keyof typeof sizes) => new Float64Array(buffer, at[k], sizes[k]);
    this.B = view('B');
    this.A = view('A');
    this.bp = new Float64Array(K * M);
    this.ap = new Float64Array(M);
    this.dV = view('dV');
    this.Pr = view('Pr');
    this.P0 = view('P0');
    this.a = view('a');
    this.b = view('b');
    this.dP = view('dP');
    this.dP0 = view('dP0');
    this.db = view('db');
    this.nz = new Int32Array(P * K);
    this.nzCount = new Int32Array(P);
    this.xbar = new Float64Array(K * M);
    this.c1 = view('c1');
    this.c2 = view('c2');
    this.c3 = view('c3');
    this.c4 = view('c4');
  }
}

/**
 * Runs a tangent pass over units u0..u1-1, adding into `acc` (G blocks of
 * {@link tangentBlockLength}). The population's theta is moved during the
 * pass and restored.
 */
export function runTangentPass(pop: Population, pass: TangentKind, groups: Groups | null, u0: number, u1: number, acc: Float64Array, z: TangentScratch): void {
  const d = pop.data, M = pop.M, K = pop.K, P = pop.theta.length;
  const n = reportedCount(d);
  const B0 = blockLength(pass.kind, n);
  const BT = B0 * (1 + P);
  const zb = z.base;
  for (let u = u0; u < u1; u++) {
    const w = d.unitWeight ? d.unitWeight[u] : 1;
    unitDerivatives(pop, u, z, P, K, M);
    pop.unit(u, zb.beta, zb.a);
    zb.split.scan(zb.beta, M);
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      const o = (groups ? groups.codes[s] : 0) * BT;
      situationProbabilities(d, s, zb.beta, M, zb.split, zb.sm);
      if (pass.kind === 'shares') {
        sharesTangent(d, s, M, P, w, z, acc, o, n, B0);
      } else {
        probabilityDerivatives(d, s, z, P, M);
        effectsTangent(d, s, M, P, w, z, acc, o, n, B0, pass.sensitivity);
      }
    }
  }
}

/** B_p and A_p of unit u, and for each p the coefficients it moves. */
export function unitDerivatives(pop: Population, u: number, z: TangentScratch, P: number, K: number, M: number): void {
  const theta = pop.theta, { B, A, bp, ap, nz, nzCount } = z;
  const KM = K * M;
  for (let p = 0; p < P; p++) {
    const t = theta[p], h = deltaStep(t);
    theta[p] = t + h;
    pop.unit(u, bp, ap);
    B.set(bp, p * KM);
    A.set(ap, p * M);
    theta[p] = t - h;
    pop.unit(u, bp, ap);
    theta[p] = t;
    const inv = 1 / (2 * h);
    for (let i = 0; i < KM; i++) B[p * KM + i] = (B[p * KM + i] - bp[i]) * inv;
    for (let m = 0; m < M; m++) A[p * M + m] = (A[p * M + m] - ap[m]) * inv;
    let c = 0;
    for (let k = 0; k < K; k++) {
      let any = false;
      for (let m = 0; m < M && !any; m++) any = B[p * KM + k * M + m] !== 0;
      if (any) nz[p * K + c++] = k;
    }
    nzCount[p] = c;
  }
  z.weightsMove = false;
  for (let i = 0; i < P * M && !z.weightsMove; i++) z.weightsMove = A[i] !== 0;
}

/** dV and dP of the situation's rows (and dP0 of the outside option) for every parameter. */
function probabilityDerivatives(d: ChoiceData, s: number, z: TangentScratch, P: number, M: number): void {
  const K = d.nVars, X = d.X;
  const { B, dV, dP, dP0, nz, nzCount } = z;
  const Pr = z.base.P, P0 = z.base.P0;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0;
  const KM = K * M, JM = J * M;
  for (let p = 0; p < P; p++) {
    const dv = p * JM;
    for (let j = 0; j < J; j++) {
      const o = dv + j * M, xo = (r0 + j) * K;
      for (let m = 0; m < M; m++) dV[o + m] = 0;
      for (let c = 0; c < nzCount[p]; c++) {
        const k = nz[p * K + c];
        const x = X[xo + k];
        if (x === 0) continue;
        const bo = p * KM + k * M;
        for (let m = 0; m < M; m++) dV[o + m] += x * B[bo + m];
      }
    }
    if (z.dots) continue;
    for (let m = 0; m < M; m++) {
      let sp = 0;
      for (let j = 0; j < J; j++) sp += Pr[j * M + m] * dV[dv + j * M + m];
      for (let j = 0; j < J; j++) dP[dv + j * M + m] = Pr[j * M + m] * (dV[dv + j * M + m] - sp);
      dP0[p * M + m] = d.outside ? -P0[m] * sp : 0;
    }
  }
  if (z.dots) {
    const mem = z.at;
    const Pc = z.Pr, P0c = z.P0;
    for (let i = 0; i < JM; i++) Pc[i] = Pr[i];
    for (let m = 0; m < M; m++) P0c[m] = P0[m];
    z.dots.dprob(mem.Pr, mem.P0, mem.dV, mem.dP, mem.dP0, J, P, d.outside ? 1 : 0);
  }
}

/**
 * Shares block ([weight, sums (n), observed (n), chosen, hits]) and its
 * derivatives (the sums only: the rest does not move). Without the dP of every
 * row: sum_m a dP_j = sum_m a P_j (dV_j - s) with s = sum_k xbar_k B_p,k and
 * xbar_k = sum_i P_i x_ik, over the k that parameter p moves.
 */
function sharesTangent(d: ChoiceData, s: number, M: number, P: number, w: number, z: TangentScratch, acc: Float64Array, o: number, n: number, B0: number): void {
  const { a, P: Pr, P0 } = z.base;
  const { A, B, nz, nzCount } = z;
  const X = d.X, K = d.nVars, KM = K * M;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, O = d.altLabels.length;
  const xbar = z.xbar, sp = z.db, dv = z.c1;
  acc[o] += w;
  let best = -1, bestP = -1, chosenP = 0;
  const c = d.sitChosen[s];
  for (let j = 0; j < J; j++) {
    let t = 0;
    for (let m = 0; m < M; m++) t += a[m] * Pr[j * M + m];
    acc[o + 1 + d.rowAlt[r0 + j]] += w * t;
    if (t > bestP) { bestP = t; best = r0 + j; }
    if (r0 + j === c) chosenP = t;
  }
  let t0 = 0;
  if (d.outside) {
    for (let m = 0; m < M; m++) t0 += a[m] * P0[m];
    acc[o + 1 + O] += w * t0;
    if (t0 > bestP) { bestP = t0; best = -1; }
    if (c < 0) chosenP = t0;
  }
  acc[o + 1 + n + (c >= 0 ? d.rowAlt[c] : O)] += w;
  acc[o + 1 + 2 * n] += w * chosenP;
  if (best === c) acc[o + 2 + 2 * n] += w;
  if (z.dots) {
    // on WebAssembly: dP of every row (dprob), then sum_m a dP_j (+ A_p P_j) for all p at once
    const { dots, at: mem } = z;
    probabilityDerivatives(d, s, z, P, M);
    const ac = z.a;
    for (let m = 0; m < M; m++) ac[m] = a[m];
    const JM = J * M, nt = z.weightsMove ? 2 : 1;
    for (let j = 0; j <= J; j++) {
      if (j === J && !d.outside) break;
      if (j < J) dots.dots(mem.dP + j * M * 8, JM * 8, mem.a, mem.A, M * 8, mem.Pr + j * M * 8, 0, 0, 0, 0, 0, 0, nt, P);
      else dots.dots(mem.dP0, M * 8, mem.a, mem.A, M * 8, mem.P0, 0, 0, 0, 0, 0, 0, nt, P);
      const at = j < J ? d.rowAlt[r0 + j] : O;
      for (let p = 0; p < P; p++) acc[o + (1 + p) * B0 + 1 + at] += w * dots.result[p];
    }
    return;
  }
  // xbar_km = sum_j P_jm x_jk
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < M; m++) xbar[k * M + m] = 0;
    for (let j = 0; j < J; j++) {
      const x = X[(r0 + j) * K + k];
      if (x === 0) continue;
      for (let m = 0; m < M; m++) xbar[k * M + m] += x * Pr[j * M + m];
    }
  }
  for (let p = 0; p < P; p++) {
    const od = o + (1 + p) * B0 + 1;
    for (let m = 0; m < M; m++) sp[m] = 0;
    for (let q = 0; q < nzCount[p]; q++) {
      const k = nz[p * K + q], bo = p * KM + k * M;
      for (let m = 0; m < M; m++) sp[m] += xbar[k * M + m] * B[bo + m];
    }
    for (let j = 0; j < J; j++) {
      const xo = (r0 + j) * K;
      for (let m = 0; m < M; m++) dv[m] = -sp[m];
      for (let q = 0; q < nzCount[p]; q++) {
        const k = nz[p * K + q], x = X[xo + k];
        if (x === 0) continue;
        const bo = p * KM + k * M;
        for (let m = 0; m < M; m++) dv[m] += x * B[bo + m];
      }
      let g = 0;
      for (let m = 0; m < M; m++) g += a[m] * Pr[j * M + m] * dv[m];
      if (z.weightsMove) for (let m = 0; m < M; m++) g += A[p * M + m] * Pr[j * M + m];
      acc[od + d.rowAlt[r0 + j]] += w * g;
    }
    if (d.outside) {
      let g = 0;
      for (let m = 0; m < M; m++) g -= a[m] * P0[m] * sp[m];
      if (z.weightsMove) for (let m = 0; m < M; m++) g += A[p * M + m] * P0[m];
      acc[od + O] += w * g;
    }
  }
}

/** Effects block ([share (n), dS (n×n), xdS (n×n)]) and its derivatives. */
function effectsTangent(d: ChoiceData, s: number, M: number, P: number, w: number, z: TangentScratch, acc: Float64Array, o: number, n: number, B0: number, v: Sensitivity): void {
  const { a, P: Pr, P0, beta } = z.base;
  const b = z.dots ? z.b : z.base.b;
  if (z.dots) { const ac = z.a; for (let m = 0; m < M; m++) ac[m] = a[m]; }
  const { A, B, dP, dP0, db } = z;
  const K = d.nVars, KM = K * M;
  const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0, O = d.altLabels.length;
  const JM = J * M;
  const cols = v.columns, C = cols.length;
  const dS = n, xdS = n + n * n;
  for (let j = 0; j < J; j++) {
    let t = 0;
    for (let m = 0; m < M; m++) t += a[m] * Pr[j * M + m];
    acc[o + d.rowAlt[r0 + j]] += w * t;
    for (let p = 0; p < P; p++) {
      let g = 0;
      for (let m = 0; m < M; m++) g += a[m] * dP[p * JM + j * M + m] + A[p * M + m] * Pr[j * M + m];
      acc[o + (1 + p) * B0 + d.rowAlt[r0 + j]] += w * g;
    }
  }
  if (d.outside) {
    let t = 0;
    for (let m = 0; m < M; m++) t += a[m] * P0[m];
    acc[o + O] += w * t;
    for (let p = 0; p < P; p++) {
      let g = 0;
      for (let m = 0; m < M; m++) g += a[m] * dP0[p * M + m] + A[p * M + m] * P0[m];
      acc[o + (1 + p) * B0 + O] += w * g;
    }
  }
  for (let l = 0; l < J; l++) {
    const r = r0 + l;
    const x = v.value[r];
    if (x !== x) continue;
    // b_l = dV_l/dv and its derivatives db_l/dtheta_p
    const { c1, c2, c3, c4, dots, at: mem } = z;
    b.fill(0, 0, M);
    // one column moved at rate 1 (a variable that is itself a column): db_p is row k of B_p, read in place by the dots
    const single = dots !== null && C === 1 && v.dx[r] === 1;
    const dbAt = single ? mem.B + cols[0] * M * 8 : mem.db, dbStride = single ? KM * 8 : M * 8;
    if (single) {
      const bo = cols[0] * M;
      for (let m = 0; m < M; m++) b[m] += beta[bo + m];
    } else {
      db.fill(0);
      for (let i = 0; i < C; i++) {
        const g = v.dx[r * C + i];
        if (g === 0) continue;
        const k = cols[i];
        for (let m = 0; m < M; m++) b[m] += g * beta[k * M + m];
        for (let p = 0; p < P; p++) for (let m = 0; m < M; m++) db[p * M + m] += g * B[p * KM + k * M + m];
      }
    }
    const al = d.rowAlt[r];
    // rows j (the outside option as j = J): g_jl = sum_m a P_j (delta_jl - P_l) b_l, and
    // dg_jl/dtheta_p = sum_m A_p c1 + dP_j c2 + dP_l c3 + db_p c4 with the c's below
    for (let j = 0; j <= J; j++) {
      if (j === J && !d.outside) break;
      const own = j === l ? 1 : 0;
      let g = 0;
      if (dots) {
        dots.weights(j === J ? mem.P0 : mem.Pr + j * M * 8, mem.Pr + l * M * 8, mem.a, mem.b, mem.c1, mem.c2, mem.c3, mem.c4, own);
        g = dots.result[P];
      } else {
        const Pj = j === J ? P0 : Pr.subarray(j * M, (j + 1) * M);
        for (let m = 0; m < M; m++) {
          const q = own - Pr[l * M + m];
          c1[m] = Pj[m] * q * b[m];
          c2[m] = a[m] * q * b[m];
          c3[m] = -(a[m] * Pj[m] * b[m]);
          c4[m] = a[m] * Pj[m] * q;
          g += a[m] * c1[m];
        }
      }
      const at = (j === J ? O : d.rowAlt[r0 + j]) * n + al;
      acc[o + dS + at] += w * g;
      acc[o + xdS + at] += w * x * g;
      if (dots) {
        dots.dots(
          j === J ? mem.dP0 : mem.dP + j * M * 8, j === J ? M * 8 : JM * 8, mem.c2,
          mem.dP + l * M * 8, JM * 8, mem.c3,
          dbAt, dbStride, mem.c4,
          mem.A, M * 8, mem.c1,
              z.weightsMove ? 4 : 3, P,
        );
      }
      for (let p = 0; p < P; p++) {
        let gp = 0;
        if (dots) gp = dots.result[p];
        else {
          const dPj = j === J ? p * M : p * JM + j * M;
          const dPjArr = j === J ? dP0 : dP;
          const dPl = p * JM + l * M, pm = p * M;
          for (let m = 0; m < M; m++) gp += dPjArr[dPj + m] * c2[m] + dP[dPl + m] * c3[m] + db[pm + m] * c4[m];
          if (z.weightsMove) for (let m = 0; m < M; m++) gp += A[pm + m] * c1[m];
        }
        acc[o + (1 + p) * B0 + dS + at] += w * gp;
        acc[o + (1 + p) * B0 + xdS + at] += w * x * gp;
      }
    }
  }
}
