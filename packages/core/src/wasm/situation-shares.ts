/**
 * The integrated logit probabilities of one choice situation, fused on
 * WebAssembly SIMD (f64x2, two nodes per vector): utilities, max-shifted
 * softmax and the prior-weighted sum over nodes in one loop, with nothing
 * but the J + 1 sums written to memory. For a situation of J rows at
 * nodes m (weights a_m),
 *
 *     U_jm = f_j + sum_v x_jv beta_vm,
 *     e_jm = exp(U_jm - U_0m) (e_0m = 1),   S_m = exp(-U_0m)·[outside] + sum_j e_jm,
 *     Pbar_j = sum_m a_m (e_jm / S_m),   Pbar_0 = sum_m a_m (exp(-U_0m) / S_m),
 *
 * the shares pass of the post-estimation. Its JavaScript twin shifts by the
 * largest utility instead; shifting by the first row's, as the LL loop shifts
 * by the chosen one, saves an exponential per node and gives the same
 * probabilities to a few ulps while every argument lies in [-708, 700]
 * (the utilities and products are otherwise in the same order: f_j, then the
 * varying terms in order; P = e·(1/S), then a·P). One function per J = 1..maxJ (at most {@link MAX_FUSED_J}),
 * unrolled over the rows so that utilities and exponentials stay in
 * registers, as in the LL loop, and per number of varying coefficients nv up
 * to MAX_FIXED_V (their covariates in registers too; more: nv read at run
 * time). Each Pbar is left as two lanes (even and odd nodes) for
 * the caller to add. A function returns nonzero when some exp argument lay
 * outside [-708, 700] (the table exp's fast path, and no overflow of S;
 * infinities included), and the caller redoes the situation another way.
 *
 * Memory (imported, fixed size; stride = M rounded up to even, the pad node
 * carrying weight 0 and finite coefficients): TABLE, CONST (as the kernel's),
 * then A (stride), BETA (maxV × stride: the varying coefficients' rows, in
 * the order of x), F (maxJ: f_j), X (maxV × maxJ: x_jv, v-major), SUM
 * ((maxJ + 1) × 2: Pbar_j's lanes, the outside option's last).
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { assembleModule } from './emitter/module.js';
import { CONST_BYTES, loadConstants, storeConstants } from './constants.js';
import { expEmitter, storeExpTable } from './exp.js';
import { CONST, PAGE } from './layout.js';

/** The few members of the WebAssembly JS API used here (this package compiles without lib "dom"). */
declare namespace WebAssembly {
  class Memory { constructor(d: { initial: number; maximum?: number }); readonly buffer: ArrayBuffer }
  class Module { constructor(bytes: Uint8Array) }
  class Instance { constructor(m: Module, imports: object); readonly exports: Record<string, unknown> }
}

/** Largest exp argument taken (the sum of up to MAX_FUSED_J + 1 terms of at most e^700 stays finite). */
const OVER = 700;

/** Largest situation the fused kernel takes (more rows: the caller's other path). */
export const MAX_FUSED_J = 8;

/** Largest number of varying coefficients with functions of their own (more: the number read at run time). */
const MAX_FIXED_V = 4;

/** An instantiated fused shares kernel; the arrays are views of its memory. */
export interface WasmSituationShares {
  /** Doubles per node row: M rounded up to even. */
  readonly stride: number;
  /** stride prior weights (the pad node's 0). */
  readonly A: Float64Array;
  /** maxV × stride varying coefficients (row v at v × stride). */
  readonly beta: Float64Array;
  /** maxJ constant parts of the utilities. */
  readonly F: Float64Array;
  /** maxV × maxJ covariates of the varying coefficients (x_jv at v × maxJ + j). */
  readonly X: Float64Array;
  /** (maxJ + 1) × 2: the lanes of Pbar_j (j < J), then of the outside option's at 2 × maxJ. */
  readonly sum: Float64Array;
  /**
   * runs[J][nv](nv) fills `sum` for a situation of J rows with nv varying
   * coefficients (runs[0] empty; J up to min(maxJ, MAX_FUSED_J), nv up to
   * maxV); nonzero when some exp argument was outside [-708, 700].
   */
  readonly runs: ReadonlyArray<ReadonlyArray<(nv: number) => number>>;
}

/** Compiled modules by (maxJ, maxV, M, outside): a thread builds many scratches of one shape. */
const compiled = new Map<string, WebAssembly.Module>();

interface Layout { A: number; BETA: number; F: number; X: number; SUM: number; bytes: number }

function layout(maxJ: number, maxV: number, stride: number): Layout {
  const A = CONST + CONST_BYTES, BETA = A + stride * 8, F = BETA + Math.max(1, maxV) * stride * 8;
  const X = F + maxJ * 8, SUM = X + Math.max(1, maxV) * maxJ * 8;
  const end = SUM + (maxJ + 1) * 16;
  return { A, BETA, F, X, SUM, bytes: Math.ceil(end / PAGE) * PAGE };
}

/**
 * The function for J rows: (nv) -> i32; see the file comment. With `fixedV`
 * (0..MAX_FIXED_V) it is for exactly that many varying coefficients, their
 * covariates held in registers; else nv is read at run time.
 */
function emitJ(J: number, maxJ: number, stride: number, outside: boolean, L: Layout, fixedV: number | null): FunctionBuilder {
  const f = new FunctionBuilder(1);
  const nv = 0;
  const c = loadConstants(f, CONST, ['invLn2N', 'ln2Hi', 'ln2Lo', 'c2', 'c3', 'c4', 'c5', 'magic', 'mask127', 'fastBelow', 'one']);
  const exp = expEmitter(f, 0, c);
  const i = f.local(Type.i32), v = f.local(Type.i32), bo = f.local(Type.i32), xo = f.local(Type.i32);
  const u = f.locals(Type.v128, J), acc = f.locals(Type.v128, J + 1), fj = f.locals(Type.v128, J);
  const [mx, x, e0, S, inv, flag, b, p, over] = f.locals(Type.v128, 9);
  f.splatConst(OVER).set(over);
  const rowBytes = stride * 8;
  for (let j = 0; j < J; j++) {
    f.i32(0).loadSplat(L.F + 8 * j).set(fj[j]);
    f.splatConst(0).set(acc[j]);
  }
  f.splatConst(0).set(acc[J]);
  f.splatConst(0).set(flag);
  const xs: number[][] = [];
  for (let w = 0; w < (fixedV ?? 0); w++) {
    xs.push(f.locals(Type.v128, J));
    for (let j = 0; j < J; j++) f.i32(0).loadSplat(L.X + 8 * (w * maxJ + j)).set(xs[w][j]);
  }
  f.i32(0).set(i);
  f.loop((pairs) => {
    for (let j = 0; j < J; j++) f.get(fj[j]).set(u[j]);
    // u_j += x_jv beta_v over the varying coefficients
    if (fixedV !== null) {
      for (let w = 0; w < fixedV; w++) {
        f.get(i).load(L.BETA + w * rowBytes).set(b);
        for (let j = 0; j < J; j++) f.get(u[j]).get(xs[w][j]).get(b).vmul().vadd().set(u[j]);
      }
    } else {
    f.i32(0).set(v);
    f.get(i).set(bo);
    f.i32(0).set(xo);
    f.block((done) => {
      f.loop((terms) => {
        f.get(v).get(nv).geS().brIf(done);
        f.get(bo).load(L.BETA).set(b);
        for (let j = 0; j < J; j++) f.get(u[j]).get(xo).loadSplat(L.X + 8 * j).get(b).vmul().vadd().set(u[j]);
        f.get(v).i32(1).add().set(v);
        f.get(bo).i32(rowBytes).add().set(bo);
        f.get(xo).i32(maxJ * 8).add().set(xo);
        f.br(terms);
      });
    });
    }
    // the exponentials shifted by the first row's utility (its own is 1) and their sum
    f.get(u[0]).set(mx);
    f.get(c.one).set(S);
    if (outside) {
      f.splatConst(0).get(mx).vsub().set(x);
      f.get(flag).get(x).get(c.fastBelow).vlt().get(x).get(over).vgt().vor().vor().set(flag);
      exp(x, e0);
      f.get(e0).get(S).vadd().set(S);
    }
    f.get(c.one).set(u[0]);
    for (let j = 1; j < J; j++) {
      f.get(u[j]).get(mx).vsub().set(x);
      f.get(flag).get(x).get(c.fastBelow).vlt().get(x).get(over).vgt().vor().vor().set(flag);
      exp(x, u[j]);
      f.get(S).get(u[j]).vadd().set(S);
    }
    f.get(c.one).get(S).vdiv().set(inv);
    f.get(i).load(L.A).set(p); // p: the pair's weights
    for (let j = 0; j < J; j++) f.get(acc[j]).get(p).get(u[j]).get(inv).vmul().vmul().vadd().set(acc[j]);
    if (outside) f.get(acc[J]).get(p).get(e0).get(inv).vmul().vmul().vadd().set(acc[J]);
    f.get(i).i32(16).add().tee(i).i32(rowBytes).ltS().brIf(pairs);
  });
  for (let j = 0; j < J; j++) f.i32(0).get(acc[j]).store(L.SUM + 16 * j);
  f.i32(0).get(acc[J]).store(L.SUM + 16 * maxJ);
  f.get(flag).anyTrue();
  return f;
}

/**
 * Emits and instantiates the fused shares kernel for situations of up to
 * maxJ rows (the functions go to min(maxJ, MAX_FUSED_J)), at most maxV
 * varying coefficients and M >= 1 nodes, with or without an outside option
 * (the caller checks WebAssembly SIMD: ./index.ts wasmSimdAvailable).
 */
export function buildWasmSituationShares(maxJ: number, maxV: number, M: number, outside: boolean): WasmSituationShares {
  if (!(Number.isInteger(M) && M >= 1)) throw new RangeError('the shares kernel needs at least one node');
  if (!(Number.isInteger(maxJ) && maxJ >= 1)) throw new RangeError('the shares kernel needs at least one row');
  if (!(Number.isInteger(maxV) && maxV >= 0)) throw new RangeError('bad number of varying coefficients');
  const stride = M + (M & 1);
  const L = layout(maxJ, maxV, stride);
  const top = Math.min(maxJ, MAX_FUSED_J), topV = Math.min(maxV, MAX_FIXED_V);
  const key = `${maxJ},${maxV},${M},${outside}`;
  let module = compiled.get(key);
  if (!module) {
    const fns: { name: string; type: number; body: FunctionBuilder }[] = [];
    for (let J = 1; J <= top; J++) {
      fns.push({ name: `j${J}`, type: 0, body: emitJ(J, maxJ, stride, outside, L, null) });
      for (let v = 0; v <= topV; v++) fns.push({ name: `j${J}v${v}`, type: 0, body: emitJ(J, maxJ, stride, outside, L, v) });
    }
    module = new WebAssembly.Module(assembleModule([{ params: [Type.i32], results: [Type.i32] }], [{ name: 'mem', memoryPages: L.bytes / PAGE }], fns));
    compiled.set(key, module);
  }
  const pages = L.bytes / PAGE;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  storeExpTable(memory.buffer, 0);
  storeConstants(memory.buffer, CONST);
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  const fn = (name: string) => instance.exports[name] as (nv: number) => number;
  const runs = [[], ...Array.from({ length: top }, (_, k) => Array.from({ length: maxV + 1 }, (_, v) => fn(v <= topV ? `j${k + 1}v${v}` : `j${k + 1}`)))];
  return {
    stride,
    A: new Float64Array(memory.buffer, L.A, stride),
    beta: new Float64Array(memory.buffer, L.BETA, Math.max(1, maxV) * stride),
    F: new Float64Array(memory.buffer, L.F, maxJ),
    X: new Float64Array(memory.buffer, L.X, Math.max(1, maxV) * maxJ),
    sum: new Float64Array(memory.buffer, L.SUM, (maxJ + 1) * 2),
    runs,
  };
}
