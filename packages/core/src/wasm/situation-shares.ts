/**
 * The integrated logit probabilities of one choice situation, fused on
 * WebAssembly SIMD (f64x2, two nodes per vector): the exponents, their
 * exponentials, the softmax and the prior-weighted sum over nodes in one
 * loop, with nothing but the n + 1 sums written to memory. A situation's
 * utilities relative to one of its alternatives (the base, b), t_im = U_im
 * - U_bm for the n others, are affine in rows E_v of node values (the
 * caller's choice: a unit's varying coefficients, or its draws when the
 * coefficients are affine in them, see @mxl/postestimation):
 *
 *     t_im = g_i + sum_v h_vi E_vm,   S_m = 1 + sum_i exp(t_im),
 *     Pbar_b = sum_m a_m / S_m,   Pbar_i = sum_m (a_m / S_m) exp(t_im),
 *
 * the shares pass of the post-estimation (an outside option is one more
 * "other" alternative, t = -U_b). Its JavaScript twin shifts by the largest
 * utility instead; shifting by the base, as the LL loop shifts by the chosen
 * alternative, saves an exponential per node and gives the same
 * probabilities to a few ulps while every t lies in [-708, 700] (the sums
 * in order: t from g_i, then the v terms in order; S from 1, then i in
 * order; the weighted terms a/S and (a/S)·exp(t) in node order). One
 * function per n = 0..maxN (at most {@link MAX_FUSED_J}), unrolled over the
 * alternatives so that exponents and exponentials stay in registers, as in
 * the LL loop, and per number of rows nv up to MAX_FIXED_V (their slopes in
 * registers too; more: nv read at run time); two node pairs per iteration,
 * independent but for the sums. Each Pbar is left as two lanes (even and
 * odd nodes) for the caller to add. Where the runtime has relaxed SIMD
 * and `fma` is asked for, the multiply-adds (exp's included) are fused, as
 * in the LL loop. A function returns nonzero when some t lay outside [-708, 700] (the
 * table exp's fast path, and no overflow of S; infinities included, NaN
 * not: it gives NaN sums), and the caller redoes the situation another way.
 *
 * Memory (fixed size; stride = M rounded up to even, the pad node carrying
 * weight 0 and finite values): TABLE, CONST (as the kernel's), then A
 * (stride), E (maxV × stride: the rows), G (maxN: g_i), H (maxV × maxN: h_vi,
 * v-major), SUM ((maxN + 1) × 2: the lanes of Pbar_b, then of each Pbar_i).
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { assembleModule } from './emitter/module.js';
import { CONST_BYTES, loadConstants } from './constants.js';
import { expEmitter } from './exp.js';
import { CONST, PAGE } from './layout.js';
import { instantiateKernel } from './instantiate.js';

/** Largest exponent taken (the sum of up to MAX_FUSED_J + 1 terms of at most e^700 stays finite). */
const OVER = 700;

/** Largest situation the fused kernel takes, and its largest number of other alternatives n (more: the caller's other path). */
export const MAX_FUSED_J = 8;

/** Largest number of rows with functions of their own (more: the number read at run time). */
const MAX_FIXED_V = 4;

/** An instantiated fused shares kernel; the arrays are views of its memory. */
export interface WasmSituationShares {
  /** Doubles per node row: M rounded up to even. */
  readonly stride: number;
  /** Largest number of other alternatives n. */
  readonly maxN: number;
  /** stride prior weights (the pad node's 0). */
  readonly A: Float64Array;
  /** maxV × stride node values E_v (row v at v × stride; the pad node finite). */
  readonly E: Float64Array;
  /** maxN constant parts g_i of the exponents. */
  readonly G: Float64Array;
  /** maxV × maxN slopes (h_vi at v × maxN + i). */
  readonly H: Float64Array;
  /** (maxN + 1) × 2: the lanes of Pbar_b, then of Pbar_i at 2 + 2i. */
  readonly sum: Float64Array;
  /**
   * runs[n][nv](nv) fills `sum` for n other alternatives and nv rows (n up
   * to maxN, nv up to maxV); nonzero when some exponent was outside [-708, 700].
   */
  readonly runs: ReadonlyArray<ReadonlyArray<(nv: number) => number>>;
}

interface Layout { A: number; E: number; G: number; H: number; SUM: number; bytes: number }

function layout(maxN: number, maxV: number, stride: number): Layout {
  const A = CONST + CONST_BYTES, E = A + stride * 8, G = E + Math.max(1, maxV) * stride * 8;
  const H = G + Math.max(1, maxN) * 8, SUM = H + Math.max(1, maxV) * Math.max(1, maxN) * 8;
  const end = SUM + (maxN + 1) * 16;
  return { A, E, G, H, SUM, bytes: Math.ceil(end / PAGE) * PAGE };
}

/** Node pairs per iteration of the main loop (then single pairs); two measured faster than one, three or four. */
const UNROLL = 2;

/** The constants a function reads (exp's, the lower bound of its fast path, 1). */
const NAMES = ['invLn2N', 'ln2Hi', 'ln2Lo', 'c2', 'c3', 'c4', 'c5', 'magic', 'mask127', 'fastBelow', 'one'] as const;

/** What a node pair's body shares with its function. */
interface Shared {
  /** The constants' locals. */
  c: Record<(typeof NAMES)[number], number>;
  /** Byte offset of the iteration's first pair. */
  i: number;
  /** The sums (Pbar_b's, then each Pbar_i's) and the g_i. */
  acc: number[]; g: number[];
  /** The least and greatest exponent met. */
  lo: number; hi: number;
  /** The slopes h_vi in registers (fixedV rows), or null: nv (parameter 0) rows read from H. */
  hs: number[][] | null;
}

/**
 * The function for n other alternatives: (nv) -> i32; see the file comment.
 * With `fixedV` (0..MAX_FIXED_V) it is for exactly that many rows, their
 * slopes held in registers; else nv is read at run time.
 */
function emitN(n: number, maxN: number, stride: number, L: Layout, fixedV: number | null, fma: boolean): FunctionBuilder {
  const f = new FunctionBuilder(1, fma);
  const c = loadConstants(f, CONST, NAMES);
  const i = f.local(Type.i32), acc = f.locals(Type.v128, n + 1), g = f.locals(Type.v128, n);
  const [lo, hi] = f.locals(Type.v128, 2);
  for (let k = 0; k < n; k++) f.i32(0).loadSplat(L.G + 8 * k).set(g[k]);
  for (let k = 0; k <= n; k++) f.splatConst(0).set(acc[k]);
  f.splatConst(0).set(lo);
  f.splatConst(0).set(hi);
  let hs: number[][] | null = null;
  if (fixedV !== null) {
    hs = Array.from({ length: fixedV }, () => f.locals(Type.v128, n));
    for (let w = 0; w < fixedV; w++) for (let k = 0; k < n; k++) f.i32(0).loadSplat(L.H + 8 * (w * maxN + k)).set(hs[w][k]);
  }
  const pair = pairEmitter(f, n, maxN, stride, L, { c, i, acc, g, lo, hi, hs });
  const rowBytes = stride * 8, step = 16 * UNROLL, unrolledEnd = rowBytes - (rowBytes % step);
  f.i32(0).set(i);
  if (unrolledEnd > 0) {
    f.loop((pairs) => {
      for (let q = 0; q < UNROLL; q++) pair(q, 16 * q);
      f.get(i).i32(step).add().tee(i).i32(unrolledEnd).ltS().brIf(pairs);
    });
  }
  for (let off = 0; unrolledEnd + off < rowBytes; off += 16) pair(0, off); // i = unrolledEnd here
  for (let k = 0; k <= n; k++) f.i32(0).get(acc[k]).store(L.SUM + 16 * k);
  // pmin and pmax skip NaN, so only exponents out of range (infinities included) raise the flag
  f.get(lo).get(c.fastBelow).vlt().get(hi).splatConst(OVER).vgt().vor().anyTrue();
  return f;
}

/**
 * Returns an emitter of the body of the node pair at byte i + off, on the
 * q-th set of per-pair locals (exponents, S, a/S, a row's values), so that
 * the pairs of an iteration share nothing but the sums and the range.
 */
function pairEmitter(f: FunctionBuilder, n: number, maxN: number, stride: number, L: Layout, sh: Shared): (q: number, off: number) => void {
  const { c, i, acc, g, lo, hi, hs } = sh;
  const nv = 0, rowBytes = stride * 8; // nv: parameter 0
  const exp = expEmitter(f, 0, c);
  const sets = Array.from({ length: UNROLL }, () => ({ t: f.locals(Type.v128, n), S: f.local(Type.v128), p: f.local(Type.v128), e: f.local(Type.v128) }));
  const [v, eo, ho] = f.locals(Type.i32, 3); // the rows read at run time: counter, offsets in E and H
  return (q, off) => {
    const { t, S, p, e } = sets[q];
    for (let k = 0; k < n; k++) f.get(g[k]).set(t[k]);
    // t_i += h_vi E_v over the rows
    if (hs) {
      hs.forEach((h, w) => {
        f.get(i).load(L.E + w * rowBytes + off).set(e);
        for (let k = 0; k < n; k++) f.madd(() => f.get(h[k]), () => f.get(e), () => f.get(t[k])).set(t[k]);
      });
    } else {
      f.i32(0).set(v);
      f.get(i).set(eo);
      f.i32(0).set(ho);
      f.block((done) => f.loop((rows) => {
        f.get(v).get(nv).geS().brIf(done);
        f.get(eo).load(L.E + off).set(e);
        for (let k = 0; k < n; k++) f.madd(() => f.get(ho).loadSplat(L.H + 8 * k), () => f.get(e), () => f.get(t[k])).set(t[k]);
        f.get(v).i32(1).add().set(v);
        f.get(eo).i32(rowBytes).add().set(eo);
        f.get(ho).i32(maxN * 8).add().set(ho);
        f.br(rows);
      }));
    }
    // the exponents' range, the exponentials (in place) and their sum
    f.get(c.one).set(S);
    for (let k = 0; k < n; k++) {
      f.get(lo).get(t[k]).vpmin().set(lo);
      f.get(hi).get(t[k]).vpmax().set(hi);
      exp(t[k], t[k]);
      f.get(S).get(t[k]).vadd().set(S);
    }
    // p = a / S; Pbar_b += p, Pbar_i += p exp(t_i)
    f.get(i).load(L.A + off).get(S).vdiv().set(p);
    f.get(acc[0]).get(p).vadd().set(acc[0]);
    for (let k = 0; k < n; k++) f.madd(() => f.get(p), () => f.get(t[k]), () => f.get(acc[k + 1])).set(acc[k + 1]);
  };
}

/**
 * Emits and instantiates the fused shares kernel for up to maxN other
 * alternatives (at most {@link MAX_FUSED_J}), at most maxV rows and M >= 1
 * nodes (the caller checks WebAssembly SIMD: ./index.ts wasmSimdAvailable).
 * @param fma - fuse the multiply-adds (relaxed SIMD, as the LL loop where the
 *   runtime has it; the caller checked wasmRelaxedSimdAvailable): the sums then
 *   differ from the separate multiplies and adds in the last bits
 */
export function buildWasmSituationShares(maxN: number, maxV: number, M: number, fma = false): WasmSituationShares {
  if (!(Number.isInteger(M) && M >= 1)) throw new RangeError('the shares kernel needs at least one node');
  if (!(Number.isInteger(maxN) && maxN >= 0 && maxN <= MAX_FUSED_J)) throw new RangeError(`the shares kernel takes 0 to ${MAX_FUSED_J} other alternatives`);
  if (!(Number.isInteger(maxV) && maxV >= 0)) throw new RangeError('bad number of rows');
  const stride = M + (M & 1);
  const L = layout(maxN, maxV, stride);
  const pages = L.bytes / PAGE, topV = Math.min(maxV, MAX_FIXED_V);
  const { buffer, exports } = instantiateKernel(`situation-shares:${maxN},${maxV},${M},${fma}`, pages, true, () => {
    const fns: { name: string; type: number; body: FunctionBuilder }[] = [];
    for (let n = 0; n <= maxN; n++) {
      if (maxV > topV) fns.push({ name: `n${n}`, type: 0, body: emitN(n, maxN, stride, L, null, fma) });
      for (let v = 0; v <= topV; v++) fns.push({ name: `n${n}v${v}`, type: 0, body: emitN(n, maxN, stride, L, v, fma) });
    }
    return assembleModule([{ params: [Type.i32], results: [Type.i32] }], [{ name: 'mem', memoryPages: pages }], fns);
  });
  const fn = (name: string) => exports[name] as (nv: number) => number;
  const runs = Array.from({ length: maxN + 1 }, (_, n) => Array.from({ length: maxV + 1 }, (__, v) => fn(v <= topV ? `n${n}v${v}` : `n${n}`)));
  return {
    stride, maxN,
    A: new Float64Array(buffer, L.A, stride),
    E: new Float64Array(buffer, L.E, Math.max(1, maxV) * stride),
    G: new Float64Array(buffer, L.G, Math.max(1, maxN)),
    H: new Float64Array(buffer, L.H, Math.max(1, maxV) * Math.max(1, maxN)),
    sum: new Float64Array(buffer, L.SUM, (maxN + 1) * 2),
    runs,
  };
}
