/**
 * The inner products of the post-estimation's tangent passes, on WebAssembly
 * SIMD (f64x2): for p = 0..P-1,
 *
 *     out_p = sum_m sum_{t < n} X_t[p·s_t + m] · Y_t[m],
 *
 * n = 1 to 4 terms of M-vectors, the X_t rows of arrays indexed by parameter
 * (strides s_t, in bytes), the Y_t fixed M-vectors (weights of this
 * situation). Per m the terms are added in order, t = 0 first; the sum over
 * m is taken over even and odd m apart, plus the last m when M is odd, then
 * added as (even + odd) + last.
 *
 * Beside it, dprob: the logit derivatives of every parameter from dV (see
 * emitDprob), and weights: the weights of an effects tangent's products
 * (see emitWeights). Memory (imported, fixed size): the caller's arrays (any
 * layout; their byte offsets are arguments), then OUT (P doubles) at `out`.
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { assembleModule } from './emitter/module.js';
import { PAGE } from './layout.js';
import { instantiateKernel } from './instantiate.js';

/** An instantiated tangent-dots kernel over one memory. */
export interface WasmTangentDots {
  /** The module's memory (the caller lays out its arrays in it, below `out`). */
  readonly buffer: ArrayBuffer;
  /** Byte offset of OUT. */
  readonly out: number;
  /** OUT: P + 1 doubles (the dots' P results, then weights' g). */
  readonly result: Float64Array;
  /**
   * dots(x0, s0, y0, x1, s1, y1, x2, s2, y2, x3, s3, y3, n, P): byte offsets
   * x_t (row p = 0) and strides s_t of the X_t, byte offsets y_t of the Y_t;
   * n = 1 to 4 terms (the first n are read). M is fixed at build.
   */
  readonly dots: (...args: number[]) => void;
  /** dprob(p, p0, dv, dp, dp0, J, nP, outside): the logit derivatives, see emitDprob. */
  readonly dprob: (...args: number[]) => void;
  /** weights(pj, pl, a, b, c1, c2, c3, c4, own): an effects tangent's weights and g (into result[P]), see emitWeights. */
  readonly weights: (...args: number[]) => void;
}

/** Emits dots(...) for M-vectors. */
function emitDots(M: number, out: number): FunctionBuilder {
  const f = new FunctionBuilder(14);
  const xs = [0, 3, 6, 9], ss = [1, 4, 7, 10], ys = [2, 5, 8, 11], n = 12, P = 13;
  const p = f.local(Type.i32), i = f.local(Type.i32), o = f.locals(Type.i32, 4);
  const [acc, t] = f.locals(Type.v128, 2);
  const tail = f.local(Type.f64);
  const pairBytes = (M >> 1) * 16;
  const body = (T: number) => {
    f.i32(0).set(p);
    f.block((done) => {
      f.loop((params) => {
        f.get(p).get(P).geS().brIf(done);
        for (let k = 0; k < T; k++) f.get(xs[k]).get(p).get(ss[k]).mul().add().set(o[k]);
        f.splatConst(0).set(acc);
        if (pairBytes > 0) {
          f.i32(0).set(i);
          f.loop((pairs) => {
            f.get(o[0]).get(i).add().load(0).get(ys[0]).get(i).add().load(0).vmul().set(t);
            for (let k = 1; k < T; k++) f.get(t).get(o[k]).get(i).add().load(0).get(ys[k]).get(i).add().load(0).vmul().vadd().set(t);
            f.get(acc).get(t).vadd().set(acc);
            f.get(i).i32(16).add().tee(i).i32(pairBytes).ltS().brIf(pairs);
          });
        }
        f.get(acc).lane(0).get(acc).lane(1).f64Add();
        if (M & 1) {
          const last = (M - 1) * 8;
          f.get(o[0]).f64Load(last).get(ys[0]).f64Load(last).f64Mul().set(tail);
          for (let k = 1; k < T; k++) f.get(tail).get(o[k]).f64Load(last).get(ys[k]).f64Load(last).f64Mul().f64Add().set(tail);
          f.get(tail).f64Add();
        }
        f.set(tail);
        f.get(p).i32(3).shl().get(tail).f64Store(out);
        f.get(p).i32(1).add().set(p);
        f.br(params);
      });
    });
  };
  f.get(n).i32(4).eq();
  f.if(() => body(4), () => {
    f.get(n).i32(3).eq();
    f.if(() => body(3), () => {
      f.get(n).i32(2).eq();
      f.if(() => body(2), () => body(1));
    });
  });
  return f;
}

/**
 * weights(pj, pl, a, b, c1, c2, c3, c4, own): the weights of an effects
 * tangent's inner products for rows j and l (own: 1 when j = l, else 0),
 * q = own - P_l,
 *
 *     c1 = P_j q b,  c2 = a q b,  c3 = -(a P_j b),  c4 = a P_j q,
 *
 * multiplied left to right as the JavaScript does, and g = sum_m a c1 into
 * OUT[nOut - 1] (even and odd m apart, then the last m when M is odd).
 */
function emitWeights(M: number, gAt: number): FunctionBuilder {
  const f = new FunctionBuilder(9);
  const [pj, pl, pa, pb, p1, p2, p3, p4, own] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const i = f.local(Type.i32);
  const [ov, q, apj, gv, t] = f.locals(Type.v128, 5);
  const [qs, apjs, gs, ts] = f.locals(Type.f64, 4);
  const pairBytes = (M >> 1) * 16;
  f.get(own).if(() => f.splatConst(1).set(ov), () => f.splatConst(0).set(ov));
  f.splatConst(0).set(gv);
  const at = (vec: boolean) => {
    const ld = (base: number) => (vec ? f.get(base).get(i).add().load(0) : f.get(base).get(i).add().f64Load(0));
    const st = () => (vec ? f.store(0) : f.f64Store(0));
    const mul = () => (vec ? f.vmul() : f.f64Mul()), sub = () => (vec ? f.vsub() : f.f64Sub());
    const [Q, APJ, T] = vec ? [q, apj, t] : [qs, apjs, ts];
    if (vec) f.get(ov); else f.get(ov).lane(0);
    ld(pl); sub(); f.set(Q);
    ld(pa); ld(pj); mul(); f.set(APJ);
    f.get(p1).get(i).add(); ld(pj); f.get(Q); mul(); ld(pb); mul(); f.tee(T); st();
    if (vec) f.get(gv); else f.get(gs);
    ld(pa); f.get(T); mul();
    if (vec) f.vadd().set(gv); else f.f64Add().set(gs);
    f.get(p2).get(i).add(); ld(pa); f.get(Q); mul(); ld(pb); mul(); st();
    f.get(p3).get(i).add(); if (vec) f.splatConst(0); else f.splatConst(0).lane(0); f.get(APJ); ld(pb); mul(); sub(); st();
    f.get(p4).get(i).add(); f.get(APJ); f.get(Q); mul(); st();
  };
  if (pairBytes > 0) {
    f.i32(0).set(i);
    f.loop((pairs) => {
      at(true);
      f.get(i).i32(16).add().tee(i).i32(pairBytes).ltS().brIf(pairs);
    });
  }
  f.get(gv).lane(0).get(gv).lane(1).f64Add();
  if (M & 1) {
    f.splatConst(0).lane(0).set(gs);
    f.i32((M - 1) * 8).set(i);
    at(false);
    f.get(gs).f64Add();
  }
  f.set(gs);
  f.i32(0).get(gs).f64Store(gAt);
  return f;
}

/**
 * dprob(p, p0, dv, dp, dp0, J, nP, outside): for each parameter q < nP the
 * logit derivatives dP_j = P_j (dV_j - s), s = sum_i P_i dV_i, and dP0 =
 * -P0 s (0 without an outside option), from P (J×M at byte offset p), P0
 * (p0) and dV (nP × J×M at dv) into dP (nP × J×M at dp) and dP0 (nP × M at
 * dp0); s is summed over j in order, as the JavaScript does.
 */
function emitDprob(M: number): FunctionBuilder {
  const f = new FunctionBuilder(8);
  const [pP, pP0, pDv, pDp, pDp0, J, nP, outside] = [0, 1, 2, 3, 4, 5, 6, 7];
  const q = f.local(Type.i32), i = f.local(Type.i32), dv = f.local(Type.i32), dp = f.local(Type.i32), dp0 = f.local(Type.i32), o = f.local(Type.i32), end = f.local(Type.i32);
  const sv = f.local(Type.v128), ss = f.local(Type.f64);
  const row = M * 8, pairBytes = (M >> 1) * 16;
  // node pair i (vector) or the last node (scalar) at byte offset i
  const at = (vec: boolean) => {
    const s = vec ? sv : ss;
    const ld = (base: number) => (vec ? f.get(base).get(o).add().load(0) : f.get(base).get(o).add().f64Load(0));
    const mul = () => (vec ? f.vmul() : f.f64Mul()), add = () => (vec ? f.vadd() : f.f64Add()), sub = () => (vec ? f.vsub() : f.f64Sub());
    const zero = () => (vec ? f.splatConst(0) : f.splatConst(0).lane(0));
    zero().set(s);
    f.get(i).set(o);
    f.loop((rows) => {
      f.get(s); ld(pP); ld(dv); mul(); add(); f.set(s);
      f.get(o).i32(row).add().tee(o).get(end).ltS().brIf(rows);
    });
    f.get(i).set(o);
    f.loop((rows) => {
      f.get(dp).get(o).add();
      ld(pP); ld(dv); f.get(s); sub(); mul();
      if (vec) f.store(0); else f.f64Store(0);
      f.get(o).i32(row).add().tee(o).get(end).ltS().brIf(rows);
    });
    f.get(outside).if(() => {
      f.get(dp0).get(i).add();
      zero(); f.get(pP0).get(i).add(); if (vec) f.load(0); else f.f64Load(0); sub(); f.get(s); mul();
      if (vec) f.store(0); else f.f64Store(0);
    }, () => {
      f.get(dp0).get(i).add();
      zero();
      if (vec) f.store(0); else f.f64Store(0);
    });
  };
  f.i32(0).set(q);
  f.block((done) => {
    f.loop((params) => {
      f.get(q).get(nP).geS().brIf(done);
      f.get(q).get(J).mul().i32(row).mul().tee(dv).get(pDp).add().set(dp);
      f.get(dv).get(pDv).add().set(dv);
      f.get(q).i32(row).mul().get(pDp0).add().set(dp0);
      if (pairBytes > 0) {
        f.i32(0).set(i);
        f.loop((pairs) => {
          f.get(J).i32(row).mul().get(i).add().set(end);
          at(true);
          f.get(i).i32(16).add().tee(i).i32(pairBytes).ltS().brIf(pairs);
        });
      }
      if (M & 1) {
        f.i32((M - 1) * 8).set(i);
        f.get(J).i32(row).mul().get(i).add().set(end);
        at(false);
      }
      f.get(q).i32(1).add().set(q);
      f.br(params);
    });
  });
  return f;
}

/**
 * Emits and instantiates the kernel for M-vectors and up to P parameters
 * over a memory of at least `bytes` bytes for the caller's arrays (OUT
 * follows them). The caller checks WebAssembly SIMD (./index.ts
 * wasmSimdAvailable).
 */
export function buildWasmTangentDots(M: number, P: number, bytes: number): WasmTangentDots {
  if (!(Number.isInteger(M) && M >= 1)) throw new RangeError('the tangent dots need at least one node');
  const out = Math.ceil(bytes / 16) * 16;
  const pages = Math.ceil((out + (P + 1) * 8) / PAGE);
  // the code depends on M, OUT's offset and P (the weights' g at out + 8P)
  const { buffer, exports } = instantiateKernel(`tangent-dots:${M},${out},${P},${pages}`, pages, false, () => assembleModule(
    [{ params: Array.from({ length: 14 }, () => Type.i32), results: [] }, { params: Array.from({ length: 8 }, () => Type.i32), results: [] }, { params: Array.from({ length: 9 }, () => Type.i32), results: [] }],
    [{ name: 'mem', memoryPages: pages }],
    [{ name: 'dots', type: 0, body: emitDots(M, out) }, { name: 'dprob', type: 1, body: emitDprob(M) }, { name: 'weights', type: 2, body: emitWeights(M, out + P * 8) }],
  ));
  return {
    buffer, out, result: new Float64Array(buffer, out, P + 1),
    dots: exports.dots as (...args: number[]) => void,
    dprob: exports.dprob as (...args: number[]) => void,
    weights: exports.weights as (...args: number[]) => void,
  };
}
