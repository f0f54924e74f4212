/**
 * The helpers that sum over nodes r < n: they run over whole pairs (np8
 * bytes), then, for an odd n, take the last node r = n-1 as a scalar tail, so
 * the padding slot r = n is never summed.
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { nextPair } from './emitter/loops.js';
import type { WasmLayout } from './layout.js';

/** Sets n8 = n × 8 and np8 = n8 rounded down to whole pairs, for the i32 parameter n. */
function pairBytes(f: FunctionBuilder, n: number, n8: number, np8: number): void {
  f.get(n).i32(3).shl().tee(n8).i32(-16).and().set(np8);
}

/** dots(g, e, n): OUT[0] = sum Q g, and OUT[1] = sum Q g e when e >= 0 (byte offsets; n may be odd). */
export function emitDots(L: WasmLayout): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [g, e, n] = [0, 1, 2];
  const [i, n8, np8] = f.locals(Type.i32, 3);
  const [a, s1, s2] = f.locals(Type.v128, 3);
  const [t1, t2, ta] = f.locals(Type.f64, 3);
  pairBytes(f, n, n8, np8);
  f.i32(0).set(i);
  f.get(np8).if(() => {
    f.get(e).i32(0).ltS();
    f.if(() => f.loop((again) => {
      f.get(i).load(L.Q).get(g).get(i).add().load(0).vmul().get(s1).vadd().set(s1);
      nextPair(f, i, again, () => f.get(np8));
    }), () => f.loop((again) => {
      f.get(i).load(L.Q).get(g).get(i).add().load(0).vmul().tee(a).get(s1).vadd().set(s1);
      f.get(a).get(e).get(i).add().load(0).vmul().get(s2).vadd().set(s2);
      nextPair(f, i, again, () => f.get(np8));
    }));
  });
  f.get(s1).lane(0).get(s1).lane(1).f64Add().set(t1);
  f.get(s2).lane(0).get(s2).lane(1).f64Add().set(t2);
  // odd n: ta = Q g at the last node; t1 += ta, t2 += ta e
  f.get(n8).get(np8).ne().if(() => {
    f.get(np8).f64Load(L.Q).get(g).get(np8).add().f64Load(0).f64Mul().tee(ta);
    f.get(t1).f64Add().set(t1);
    f.get(e).i32(0).geS().if(() => f.get(t2).get(ta).get(e).get(np8).add().f64Load(0).f64Mul().f64Add().set(t2));
  });
  f.i32(L.OUT).get(t1).f64Store(0);
  f.i32(L.OUT + 8).get(t2).f64Store(0);
  return f;
}

/**
 * nodeSum(n, weighted) -> sum_r Q[r]: with PROD holding the nodes' products
 * of sums, OUT[2] = pmin = min_r PROD[r] and Q[r] = pmin / PROD[r] (times
 * WTS[r] when weighted), r < n.
 */
export function emitNodeSum(L: WasmLayout): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [n, weighted] = [0, 1];
  const [i, n8, np8] = f.locals(Type.i32, 3);
  const [mn, t, sum] = f.locals(Type.v128, 3);
  const [pm, x, res] = f.locals(Type.f64, 3);
  pairBytes(f, n, n8, np8);
  f.splatConst(Infinity).set(mn);
  f.i32(0).set(i);
  f.get(np8).if(() => f.loop((again) => {
    f.get(mn).get(i).load(L.PROD).vpmin().set(mn);
    nextPair(f, i, again, () => f.get(np8));
  }));
  // pmin = lane1 < lane0 ? lane1 : lane0 (as a JS loop over r would find it)
  f.get(mn).lane(1).get(mn).lane(0).get(mn).lane(1).get(mn).lane(0).f64Lt().select().set(pm);
  // odd n: pm = x < pm ? x : pm with x = PROD at the last node
  f.get(n8).get(np8).ne().if(() => f.get(np8).f64Load(L.PROD).tee(x).get(pm).get(x).get(pm).f64Lt().select().set(pm));
  f.i32(L.OUT + 16).get(pm).f64Store(0);
  f.get(pm).splat().set(mn);
  f.i32(0).set(i);
  f.get(np8).if(() => f.loop((again) => {
    f.get(mn).get(i).load(L.PROD).vdiv().set(t);
    f.get(weighted).if(() => f.get(t).get(i).load(L.WTS).vmul().set(t));
    f.get(i).get(t).store(L.Q);
    f.get(sum).get(t).vadd().set(sum);
    nextPair(f, i, again, () => f.get(np8));
  }));
  f.get(sum).lane(0).get(sum).lane(1).f64Add().set(res);
  // odd n: the last node's q = pm / PROD (times WTS), added to the sum
  f.get(n8).get(np8).ne().if(() => {
    f.get(pm).get(np8).f64Load(L.PROD).f64Div().set(x);
    f.get(weighted).if(() => f.get(x).get(np8).f64Load(L.WTS).f64Mul().set(x));
    f.get(np8).get(x).f64Store(L.Q);
    f.get(res).get(x).f64Add().set(res);
  });
  f.get(res);
  return f;
}
