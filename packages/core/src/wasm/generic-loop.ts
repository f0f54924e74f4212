/**
 * The function situation(p, r0, r1): one situation record at byte offset p
 * (any number J' of other alternatives) over the node pairs at byte offsets
 * r0 .. r1-16 of the rows. run() calls it for every record whose count has
 * no specialized loop: many alternatives, and the other sizes of ragged
 * choice sets.
 *
 * The alternatives are streamed from the record in memory, one pass: for a
 * group of node pairs (the coefficients b_k and the sums in locals), each
 * alternative's f_a and d_ak are splatted once and used by every pair of the
 * group:
 *
 *   w_a = f_a + sum_k d_ak b_k;   e_a = exp(w_a);   S += e_a;   A_k += e_a d_ak
 *   then  G_k -= A_k / S,  PROD *= S          (S starts at 1: the chosen one)
 *
 * — the maths of the specialized loops (./hot-loop.ts) with P_a = e_a / S
 * taken out of the sum over a, so no utility is stored and no extremes are
 * tracked: exp's argument is clamped to [-708, 301] (its domain; below -708
 * exp(w) < 3.3e-308 and S >= 1, so such a term only moves sums by that much),
 * and a lane whose S exceeds exp(300) (some w above 300, or sums near it) is
 * redone, with the max-shift, by the imported `rareSituation`, its fast-path
 * results dropped.
 *
 * Emitted without `gradient` it is situationLL (runLL's): the same S and PROD,
 * no A_k and no G (a rare pair's `rareSituation` still writes G, unread then).
 */
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { loadConstants } from './constants.js';
import { expEmitter } from './exp.js';
import { CONST, type WasmLayout } from './layout.js';

/** Imported functions run() and situation() call (their indices in the module). */
export interface LoopImports { flush: number; rareSituation: number }

/** The model the function is emitted for (`gradient` false: the log-likelihood only; default true). */
interface Model { K: number; randomK: readonly number[]; L: WasmLayout; imports: LoopImports; gradient?: boolean; fma?: boolean }

const CONSTANTS = ['invLn2N', 'ln2Hi', 'ln2Lo', 'c2', 'c3', 'c4', 'c5', 'fastBelow', 'clampAbove', 'sumAbove', 'flushAbove', 'one', 'magic', 'mask127'] as const;

/**
 * Node pairs per group: each f_a, d_ak splat serves this many pairs. Measured
 * (J = 100 and 1000, ragged 2..13): at K <= 5, 8 pairs beat 1, 2, 3, 4 and 6
 * (12 and 16 no better); at K = 10 and 30, 4 beat 1, 2 and 8. Most of the
 * locals spill either way (x64 has 16 vector registers); keeping the
 * constants, coefficients and differences in memory instead was slower.
 */
export function genericGroup(K: number): number {
  return K <= 6 ? 8 : 4;
}

/** One node pair's locals: coefficients, the sums A_k and S. */
interface Pair { b: number[]; A: number[]; S: number }

/** Emits situation(p, r0, r1). */
export function emitSituation(model: Model): FunctionBuilder {
  const { K, randomK, L } = model;
  const KG = model.gradient === false ? 0 : K; // the sums A_k kept
  const f = new FunctionBuilder(3, model.fma);
  const [p, r0, r1] = [0, 1, 2];
  const [ro, q, qend, at] = f.locals(Type.i32, 4);
  const c = loadConstants(f, CONST, CONSTANTS);
  const exp = expEmitter(f, L.TABLE, c);
  const [fa, w, e, t] = f.locals(Type.v128, 4);
  const d = f.locals(Type.v128, K);
  const NG = genericGroup(K);
  const pairs: Pair[] = Array.from({ length: NG }, () => ({
    b: f.locals(Type.v128, K), A: f.locals(Type.v128, K), S: f.local(Type.v128),
  }));
  const row = L.stride * 8;
  const recStep = (K + 1) * 8;
  // qend = p + 8 + J' (K+1) 8: the end of the record
  f.get(p).f64Load(0).truncF64().i32(recStep).mul().get(p).add().i32(8).add().set(qend);
  f.get(r0).set(ro);

  /** The body for np pairs starting at ro. */
  const body = (np: number) => {
    const ps = pairs.slice(0, np);
    ps.forEach((pr, i) => {
      for (const k of randomK) f.get(ro).load(L.BETA + k * row + 16 * i).set(pr.b[k]);
      for (let k = 0; k < KG; k++) f.splatConst(0).set(pr.A[k]);
      f.get(c.one).set(pr.S);
    });
    f.get(p).i32(8).add().set(q);
    f.loop((alts) => {
      f.get(q).loadSplat(0).set(fa);
      for (let k = 0; k < K; k++) f.get(q).loadSplat(8 + 8 * k).set(d[k]);
      for (const pr of ps) {
        f.maddChain(() => f.get(fa), randomK.map((k) => [() => f.get(d[k]), () => f.get(pr.b[k])] as const));
        // clamp (w first: a NaN stays NaN)
        f.get(c.fastBelow).vpmax().get(c.clampAbove).vpmin().set(w);
        exp(w, e);
        f.get(pr.S).get(e).vadd().set(pr.S);
        for (let k = 0; k < KG; k++) f.madd(() => f.get(e), () => f.get(d[k]), () => f.get(pr.A[k])).set(pr.A[k]);
      }
      f.get(q).i32(recStep).add().tee(q).get(qend).ltS().brIf(alts);
    });
    ps.forEach((pr, i) => {
      f.get(ro);
      if (i) f.i32(16 * i).add();
      f.set(at);
      f.get(pr.S).get(c.sumAbove).vgt().anyTrue();
      f.if(() => f.get(at).get(p).call(model.imports.rareSituation), () => {
        if (KG) f.get(c.one).get(pr.S).vdiv().set(t); // 1/S
        for (let k = 0; k < KG; k++) f.get(at).get(at).load(L.G + k * row).get(pr.A[k]).get(t).vmul().vsub().store(L.G + k * row);
        f.get(at).get(at).load(L.PROD).get(pr.S).vmul().tee(t).store(L.PROD);
        f.get(t).get(c.flushAbove).vgt().anyTrue();
        f.if(() => f.get(at).call(model.imports.flush));
      });
    });
    f.get(ro).i32(16 * np).add().set(ro);
  };

  // groups of NG pairs, then the rest in groups of 4, 2 and 1 (a block of nodes need not hold a multiple of NG pairs)
  for (const np of [NG, 4, 2, 1].filter((n, i, a) => n <= NG && a.indexOf(n) === i)) {
    f.block((done) => f.loop((again) => {
      f.get(ro).i32(16 * np).add().get(r1).gtS().brIf(done);
      body(np);
      f.br(again);
    }));
  }
  return f;
}
