/**
 * The small exported helpers beside run(): a coefficient from its draws, the
 * posterior weights' rescaling, and the loop's exp for tests. Each loops over
 * whole node pairs (byte offsets, steps of 16).
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { bytesOf, nextPair } from './emitter/loops.js';
import { expEmitter, loadExpConstants } from './exp.js';
import { CONST, type WasmLayout } from './layout.js';

/** affine(dst, src, n, a, b, s): dst[i] = s (a + b src[i]), i < n (byte offsets; n even). */
export function emitAffine(): FunctionBuilder {
  const f = new FunctionBuilder(6);
  const [dst, src, n, a, b, s] = [0, 1, 2, 3, 4, 5];
  const i = f.local(Type.i32);
  const [A, B, Sg] = f.locals(Type.v128, 3);
  f.get(a).splat().set(A).get(b).splat().set(B).get(s).splat().set(Sg);
  f.i32(0).set(i);
  f.loop((again) => {
    f.get(dst).get(i).add();
    f.get(Sg).get(A).get(B).get(src).get(i).add().load(0).vmul().vadd().vmul();
    f.store(0);
    nextPair(f, i, again, bytesOf(f, n));
  });
  return f;
}

/** scaleQ(n, c): Q[i] *= c, i < n (for an odd n also the padding slot, which is scratch). */
export function emitScaleQ(L: WasmLayout): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [n, c] = [0, 1];
  const i = f.local(Type.i32), cv = f.local(Type.v128);
  f.get(c).splat().set(cv);
  f.i32(0).set(i);
  f.loop((again) => {
    f.get(i).get(i).load(L.Q).get(cv).vmul().store(L.Q);
    nextPair(f, i, again, bytesOf(f, n));
  });
  return f;
}

/** expE(n): E[i] = exp(E[i]), i < n (n even; arguments in [-708, 300]): the loop's exp (with its `fma`), for tests. */
export function emitExpE(L: WasmLayout, fma = false): FunctionBuilder {
  const f = new FunctionBuilder(1, fma);
  const n = 0;
  const i = f.local(Type.i32), v = f.local(Type.v128);
  const exp = expEmitter(f, L.TABLE, loadExpConstants(f, CONST));
  f.i32(0).set(i);
  f.loop((again) => {
    f.get(i).load(L.E).set(v);
    exp(v, v);
    f.get(i).get(v).store(L.E);
    nextPair(f, i, again, bytesOf(f, n));
  });
  return f;
}
