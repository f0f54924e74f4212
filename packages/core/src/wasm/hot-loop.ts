/**
 * The function run(nRec): adds nRec staged situation records into G, LOGL and
 * PROD (the caller zeroes G and LOGL, sets PROD to 1 and takes the final log).
 * Nodes are processed in pairs (all `stride` of them) in blocks of BLOCK
 * nodes, UNROLL pairs per iteration and then single pairs; per pair:
 *
 *   w_a = f_a + sum_k d_ak beta_k;   m = max_a w_a;  sh = m where m > 300 else 0
 *   e_a = exp(w_a - sh);  S = exp(-sh) + sum_a e_a;  P_a = e_a / S
 *   G_k -= sum_a P_a d_ak;   PROD *= S  (flushed into LOGL by JS above 1e150)
 *
 * A rare pair (a difference above 300, or below -708) calls the imported
 * `rare`, which shifts and takes every exp of the pair with Math.exp.
 * Records whose count J' has no specialized loop go to the generic
 * situation() of ./generic-loop.ts, one call per record and block.
 *
 * Emitted without `gradient` it is runLL(nRec): the same S and PROD (so the
 * same log-likelihoods, bit for bit) with no probabilities and no G, for
 * evaluations of the log-likelihood alone.
 */
import { BLOCK, UNROLL } from '../constants.js';
import { Type } from './opcodes.js';
import { FunctionBuilder } from './emitter/builder.js';
import { loadConstants } from './constants.js';
import { expEmitter } from './exp.js';
import { CONST, type WasmLayout } from './layout.js';

/** Indices of the imported functions. */
export const IMPORT_RARE = 0, IMPORT_FLUSH = 1, IMPORT_RARE_SITUATION = 2;

/** The constants run reads, in the order their locals are declared. */
const RUN_CONSTANTS = ['invLn2N', 'ln2Hi', 'ln2Lo', 'c2', 'c3', 'c4', 'c5', 'shiftAbove', 'fastBelow', 'flushAbove', 'one', 'magic', 'mask127'] as const;

/** One node pair's locals: coefficients, differences, exps (then probabilities), max, exp(-shift), sum, 1/sum. */
interface PairLocals { b: number[]; w: number[]; e: number[]; m: number; ec: number; S: number; x: number }

/**
 * The model the loop is emitted for; `situation` is the index of the generic loop (./generic-loop.ts) the other counts run;
 * `gradient` false leaves G alone (the log-likelihood only; default true).
 */
interface Model { K: number; randomK: readonly number[]; special: readonly number[]; L: WasmLayout; situation: number; gradient?: boolean; fma?: boolean }

/** Emits run(nRec). */
export function emitRun(model: Model): FunctionBuilder {
  const { K, special, L } = model;
  const f = new FunctionBuilder(1, model.fma);
  const nRec = 0;
  const [p, t, r0, r1, ro, jp] = f.locals(Type.i32, 6);
  const c = loadConstants(f, CONST, RUN_CONSTANTS);
  const jmax = Math.max(1, ...special);
  const b = f.locals(Type.v128, K);
  const [m, ec, S, x] = f.locals(Type.v128, 4);
  // a record's f_a and d_ak, shared between specializations (sized for the largest count)
  const D: number[][] = [], F: number[] = [], w: number[] = [], e: number[] = [];
  for (let a = 0; a < jmax; a++) {
    D.push(f.locals(Type.v128, K));
    F.push(f.local(Type.v128)); w.push(f.local(Type.v128)); e.push(f.local(Type.v128));
  }
  const exp = expEmitter(f, L.TABLE, c);
  const pairs: PairLocals[] = [{ b, w, e, m, ec, S, x }];
  for (let i = 1; i < UNROLL; i++) {
    const [pb, pw, pe] = [f.locals(Type.v128, K), f.locals(Type.v128, jmax), f.locals(Type.v128, jmax)];
    const [pm, pec, pS, px] = f.locals(Type.v128, 4);
    pairs.push({ b: pb, w: pw, e: pe, m: pm, ec: pec, S: pS, x: px });
  }
  const emitter: PairEmitter = { f, model, c, D, F, pairs, exp, ro, roAt: f.local(Type.i32) };
  const row = L.stride * 8;
  f.i32(0).set(r0);
  f.loop((blocks) => {
    f.get(r0).i32(BLOCK * 8).add().tee(r1).i32(row).gtS();
    f.if(() => f.i32(row).set(r1));
    f.i32(L.REC).set(p);
    f.get(nRec).set(t);
    f.block((done) => f.loop((records) => {
      f.get(t).eqz().brIf(done);
      f.get(p).f64Load(0).truncF64().set(jp);
      f.block((next) => {
        for (const count of special) {
          f.get(jp).i32(count).eq();
          f.if(() => {
            loadRecord(emitter, p, count);
            f.get(r0).set(ro);
            emitNodeLoops(emitter, count, r1);
            f.br(next);
          });
        }
        f.get(p).get(r0).get(r1).call(model.situation); // a count without a specialization
      });
      f.get(p).i32(8).get(jp).i32((K + 1) * 8).mul().add().add().set(p);
      f.get(t).i32(1).sub().set(t);
      f.br(records);
    }));
    f.get(r1).tee(r0).i32(row).ltS().brIf(blocks);
  });
  return f;
}

/** What the pair body needs: the function, the model, the locals. */
interface PairEmitter {
  f: FunctionBuilder; model: Model; c: Record<(typeof RUN_CONSTANTS)[number], number>;
  D: number[][]; F: number[]; pairs: PairLocals[]; exp: (src: number, dst: number) => void;
  /** Byte offset of the first pair; roAt a scratch copy. */
  ro: number; roAt: number;
}

/** Splats the record at p (count other alternatives) into F and D. */
function loadRecord({ f, model, D, F }: PairEmitter, p: number, count: number): void {
  const K = model.K;
  for (let a = 0; a < count; a++) {
    const off = 8 + a * (K + 1) * 8;
    f.get(p).loadSplat(off).set(F[a]);
    for (let k = 0; k < K; k++) f.get(p).loadSplat(off + 8 + 8 * k).set(D[a][k]);
  }
}

/** UNROLL node pairs per iteration (each d_ak loaded once for all of them) while they fit before r1, then single pairs. */
function emitNodeLoops(pe: PairEmitter, count: number, r1: number): void {
  const { f, ro } = pe;
  const step = 16 * UNROLL;
  f.block((unrolled) => {
    f.get(ro).i32(step).add().get(r1).gtS().brIf(unrolled);
    f.loop((again) => {
      emitPairs(pe, count, UNROLL);
      f.get(ro).i32(step).add().tee(ro).i32(step).add().get(r1).leS().brIf(again);
    });
  });
  f.block((rest) => f.loop((again) => {
    f.get(ro).get(r1).geS().brIf(rest);
    emitPairs(pe, count, 1);
    f.get(ro).i32(16).add().set(ro);
    f.br(again);
  }));
}

/** Pushes the byte offset of pair i (ro + 16 i). */
function pairOffset({ f, ro }: PairEmitter, i: number): void {
  f.get(ro);
  if (i) f.i32(16 * i).add();
}

/** The loop body for np node pairs: utilities, the rare check, exps, probabilities, G and the products. */
function emitPairs(pe: PairEmitter, count: number, np: number): void {
  const { f, model, D, F } = pe;
  const pairs = pe.pairs.slice(0, np);
  const row = model.L.stride * 8;
  pairs.forEach((q, i) => { for (const k of model.randomK) { pairOffset(pe, i); f.load(model.L.BETA + k * row).set(q.b[k]); } });
  for (const q of pairs) {
    for (let a = 0; a < count; a++) {
      f.maddChain(() => f.get(F[a]), model.randomK.map((k) => [() => f.get(D[a][k]), () => f.get(q.b[k])] as const));
      f.set(q.w[a]);
    }
  }
  emitRareCheck(pe, pairs, count);
  f.if(() => pairs.forEach((q, i) => emitRareCall(pe, q, i, count)), () => {
    for (const q of pairs) {
      f.get(pe.c.one).set(q.ec);
      for (let a = 0; a < count; a++) pe.exp(q.w[a], q.e[a]);
    }
  });
  for (const q of pairs) {
    f.get(q.ec);
    for (let a = 0; a < count; a++) f.get(q.e[a]).vadd();
    f.set(q.S);
    if (model.gradient === false) continue;
    f.get(pe.c.one).get(q.S).vdiv().set(q.x); // 1/S
    for (let a = 0; a < count; a++) f.get(q.e[a]).get(q.x).vmul().set(q.e[a]); // e := P
  }
  for (let k = 0; k < (model.gradient === false ? 0 : model.K); k++) {
    pairs.forEach((q, i) => {
      pairOffset(pe, i); f.tee(pe.roAt).get(pe.roAt).load(model.L.G + k * row);
      f.maddChain(() => f.get(q.e[0]).get(D[0][k]).vmul(), Array.from({ length: count - 1 }, (_, i) => [() => f.get(q.e[i + 1]), () => f.get(D[i + 1][k])] as const));
      f.vsub().store(model.L.G + k * row);
    });
  }
  pairs.forEach((q, i) => {
    pairOffset(pe, i); f.tee(pe.roAt).get(pe.roAt).load(model.L.PROD).get(q.S).vmul().tee(q.x).store(model.L.PROD);
    f.get(q.x).get(pe.c.flushAbove).vgt().anyTrue();
    f.if(() => f.get(pe.roAt).call(IMPORT_FLUSH));
  });
}

/**
 * Leaves on the stack whether any lane of the pairs is rare: a difference
 * above 300 (JS shifts by the largest) or one below -708 (JS takes its exp).
 */
function emitRareCheck({ f, c }: PairEmitter, pairs: PairLocals[], count: number): void {
  pairs.forEach((q, i) => {
    f.get(q.w[0]);
    for (let a = 1; a < count; a++) f.get(q.w[a]).vpmax();
    f.set(q.m);
    f.get(q.w[0]);
    for (let a = 1; a < count; a++) f.get(q.w[a]).vpmin();
    f.get(c.fastBelow).vlt().get(q.m).get(c.shiftAbove).vgt().vor();
    if (i > 0) f.vor();
  });
  f.anyTrue();
}

/** rare(offset of pair i, count): SCR <- exp(-sh), SCR + 16(a+1) <- exp(w_a - sh); loads them into ec and e. */
function emitRareCall(pe: PairEmitter, q: PairLocals, i: number, count: number): void {
  const { f } = pe, SCR = pe.model.L.SCR;
  for (let a = 0; a < count; a++) f.i32(SCR + 16 * (a + 1)).get(q.w[a]).store(0);
  pairOffset(pe, i); f.i32(count).call(IMPORT_RARE);
  f.i32(SCR).load(0).set(q.ec);
  for (let a = 0; a < count; a++) f.i32(SCR + 16 * (a + 1)).load(0).set(q.e[a]);
}
