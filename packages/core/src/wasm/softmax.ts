/**
 * Logit probabilities of one choice situation at every node, as WebAssembly
 * SIMD (f64x2, two nodes per vector): given the utilities U_jm of J rows at
 * M nodes (j-major, rows of M doubles),
 *
 *     c_m = max(0 if outside, max_j U_jm),   e_jm = exp(U_jm - c_m),
 *     S_m = exp(-c_m)·[outside] + sum_j e_jm,
 *     P_jm = e_jm / S_m,   P0_m = exp(-c_m) / S_m (0 without an outside option),
 *
 * the max-shifted softmax of the post-estimation passes, with the kernel's
 * table exp (./exp.ts, 0.51 ulp). The max skips NaN as `x > c` does in
 * JavaScript, and NaN utilities give NaN probabilities. exp's fast path holds
 * for arguments >= -708 (every argument is <= 0 here); run() returns nonzero
 * when some argument was below (-Infinity included), and the caller redoes
 * that situation in scalar code. Nodes go in pairs; an odd M takes its last
 * pair as nodes M-2, M-1 (node M-2 again, from the same inputs: the same
 * values), so M >= 2.
 *
 * Memory (imported, fixed size): TABLE, CONST (as the kernel's), then
 * U (maxJ × M), P (maxJ × M), P0 (M).
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { assembleModule } from './emitter/module.js';
import { CONST_BYTES, loadConstants } from './constants.js';
import { expEmitter } from './exp.js';
import { CONST, PAGE } from './layout.js';
import { instantiateKernel } from './instantiate.js';

/** An instantiated softmax for situations of up to maxJ rows at M nodes; U, P and P0 are views of its memory. */
export interface WasmSoftmax {
  /** maxJ × M utilities (input). */
  readonly U: Float64Array;
  /** maxJ × M probabilities (output). */
  readonly P: Float64Array;
  /** M probabilities of the outside option (output). */
  readonly P0: Float64Array;
  /** Probabilities of J rows from U (outside: 1 with an outside option); nonzero when some exp argument was below -708. */
  run(J: number, outside: number): number;
}

/** Byte offsets of U, P and P0. */
function softmaxLayout(maxJ: number, M: number): { U: number; P: number; P0: number; bytes: number } {
  const U = CONST + CONST_BYTES, P = U + maxJ * M * 8, P0 = P + maxJ * M * 8;
  return { U, P, P0, bytes: Math.ceil((P0 + M * 8) / PAGE) * PAGE };
}

/** run(J, outside) -> i32; see the file comment. */
function emitRun(M: number, L: { U: number; P: number; P0: number }): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [J, outside] = [0, 1];
  const row = M * 8, last = (M - 2) * 8;
  const c = loadConstants(f, CONST, ['invLn2N', 'ln2Hi', 'ln2Lo', 'c2', 'c3', 'c4', 'c5', 'magic', 'mask127', 'fastBelow', 'one']);
  const exp = expEmitter(f, 0, c);
  const i = f.local(Type.i32), o = f.local(Type.i32), end = f.local(Type.i32);
  const [c0, mx, x, e, S, inv, flag, e0] = f.locals(Type.v128, 8);
  // c0: the max's start (0 with an outside option, else -Infinity)
  f.splatConst(-Infinity).set(c0);
  f.get(outside).if(() => f.splatConst(0).set(c0));
  f.splatConst(0).set(flag);
  f.get(J).i32(row).mul().set(end);
  f.i32(0).set(i);
  f.loop((pairs) => {
    f.get(i).i32(last).gtS();
    f.if(() => f.i32(last).set(i));
    // max over rows
    f.get(c0).set(mx);
    f.get(i).set(o);
    f.loop((rows) => {
      f.get(mx).get(o).load(L.U).vpmax().set(mx); // pmax(mx, u) = mx < u ? u : mx: the row's value where greater, NaN skipped
      f.get(o).i32(row).add().tee(o).get(end).get(i).add().ltS().brIf(rows);
    });
    // the outside option's exp(-c), or 0
    f.splatConst(0).set(S);
    f.get(outside).if(() => {
      f.splatConst(0).get(mx).vsub().set(x);
      f.get(flag).get(x).get(c.fastBelow).vlt().vor().set(flag);
      exp(x, S);
    });
    f.get(S).set(e0);
    // exponentials and their sum
    f.get(i).set(o);
    f.loop((rows) => {
      f.get(o).load(L.U).get(mx).vsub().set(x);
      f.get(flag).get(x).get(c.fastBelow).vlt().vor().set(flag);
      exp(x, e);
      f.get(o).get(e).store(L.P);
      f.get(S).get(e).vadd().set(S);
      f.get(o).i32(row).add().tee(o).get(end).get(i).add().ltS().brIf(rows);
    });
    f.get(c.one).get(S).vdiv().set(inv);
    f.get(i).set(o);
    f.loop((rows) => {
      f.get(o).get(o).load(L.P).get(inv).vmul().store(L.P);
      f.get(o).i32(row).add().tee(o).get(end).get(i).add().ltS().brIf(rows);
    });
    f.get(i).get(e0).get(inv).vmul().store(L.P0);
    f.get(outside).eqz();
    f.if(() => f.get(i).splatConst(0).store(L.P0));
    f.get(i).i32(16).add().tee(i).i32(row).ltS().brIf(pairs);
  });
  f.get(flag).anyTrue();
  return f;
}

/**
 * Emits and instantiates the softmax for situations of up to maxJ rows at M
 * >= 2 nodes (the caller checks WebAssembly SIMD: ./index.ts wasmSimdAvailable).
 */
export function buildWasmSoftmax(maxJ: number, M: number): WasmSoftmax {
  if (!(Number.isInteger(M) && M >= 2)) throw new RangeError('the softmax needs at least two nodes');
  if (!(Number.isInteger(maxJ) && maxJ >= 1)) throw new RangeError('the softmax needs at least one row');
  const L = softmaxLayout(maxJ, M);
  const pages = L.bytes / PAGE;
  const { buffer, exports } = instantiateKernel(`softmax:${maxJ},${M}`, pages, true, () => assembleModule(
    [{ params: [Type.i32, Type.i32], results: [Type.i32] }],
    [{ name: 'mem', memoryPages: pages }],
    [{ name: 'run', type: 0, body: emitRun(M, L) }],
  ));
  return {
    U: new Float64Array(buffer, L.U, maxJ * M),
    P: new Float64Array(buffer, L.P, maxJ * M),
    P0: new Float64Array(buffer, L.P0, M),
    run: exports.run as (J: number, outside: number) => number,
  };
}
