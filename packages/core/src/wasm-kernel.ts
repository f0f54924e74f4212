/**
 * The hot loop of the fast kernel as WebAssembly SIMD (f64x2), emitted at run
 * time as bytes for one model: its number of coefficients K, which of them
 * vary over nodes, the node count R (even or odd), and the counts of "other"
 * alternatives (see ./fast-kernel.ts) that occur in the data. Plain
 * WebAssembly 2.0 with fixed-width SIMD, which every Node 20 runs; no FMA
 * (relaxed SIMD), so the results are those of the separate multiplies and adds
 * written here.
 *
 * One memory (imported, fixed size, never grown, so JS views stay valid).
 * Every per-node row has Rp = R rounded up to even slots (the layout's
 * `stride`), so that nodes always come in pairs; for an odd R the one padding
 * slot r = R is described below.
 *
 *   TABLE  128 × (2^(j/128) bits - (j << 45), tail_j)   the exp table
 *   CONST  the loop's constants (f64x2 splats; loaded once into locals)
 *   SCR    scratch for the rare node pairs handed to JS
 *   BETA   K×Rp coefficients (the kernel's beta array is a view of it)
 *   G      K×Rp dlogL_r/dbeta_k
 *   LOGL   Rp   log L_r
 *   PROD   Rp   running product of the situations' S
 *   E      D×Rp the unit's draws;  Q, WTS  Rp  posterior and rule weights
 *   REC    the unit's situation records: [J', then J' × (f_a, d_a0 .. d_a,K-1)]
 *
 * `run(nRec)` adds nRec records into G, LOGL and PROD (the caller zeroes G and
 * LOGL, sets PROD to 1 and takes the final log). Nodes are processed in pairs
 * (all Rp of them) in blocks of BLOCK nodes; per pair:
 *
 *   w_a = f_a + sum_k d_ak beta_k;   m = max_a w_a;  sh = m where m > 300 else 0
 *   e_a = exp(w_a - sh);  S = exp(-sh) + sum_a e_a;  P_a = e_a / S
 *   G_k -= sum_a P_a d_ak;   PROD *= S  (flushed into LOGL by JS above 1e150)
 *
 * exp is the table method of ./exp.ts on both lanes (0.51 ulp). A rare pair
 * — a difference above 300 (shifted) or below -708 (a result near or below the
 * subnormal range) — goes to JS, which shifts and takes every exp of the pair
 * with Math.exp.
 *
 * Odd R: the padding node r = R is run like any other, so the caller makes it
 * a harmless copy of node R-1 (BETA and E at r = R equal to those at R-1: its
 * values are finite, and it meets a rare or flush event only where node R-1,
 * its pair partner, does). The helpers that sum over nodes (`dots`, `nodeSum`)
 * take n = R and leave it out with a scalar tail; its G, LOGL, PROD and Q
 * slots are scratch.
 */
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_INV_LN2N, EXP_LN2HI_N, EXP_LN2LO_N, EXP_T, EXP_TAIL } from './exp.js';

/** The few members of the WebAssembly JS API used here (this package compiles without lib "dom"). */
declare namespace WebAssembly {
  class Memory { constructor(d: { initial: number; maximum?: number }); readonly buffer: ArrayBuffer }
  class Module { constructor(bytes: Uint8Array) }
  class Instance { constructor(m: Module, imports: object); readonly exports: Record<string, unknown> }
  function validate(bytes: Uint8Array): boolean;
}

/** Node pairs per iteration of the inner loop (measured: 4 beat 1, 2, 3, 6 and 8 on P1 and P2). */
const UNROLL = 4;
/** Nodes per block (even). */
const BLOCK = 256;
const SHIFT_ABOVE = 300;
const FLUSH_ABOVE = 1e150;

// ---------------------------------------------------------------- encoding
function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
function f64bytes(v: number): number[] {
  const b = new Uint8Array(new Float64Array([v]).buffer);
  return Array.from(b);
}
function str(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}
function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

/** A function body under construction. */
class Body {
  readonly code: number[] = [];
  private readonly localTypes: number[] = [];
  constructor(private readonly nParams: number) {}
  local(type: number): number {
    this.localTypes.push(type);
    return this.nParams + this.localTypes.length - 1;
  }
  op(...b: number[]): this { this.code.push(...b); return this; }
  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32(v: number): this { return this.op(0x41, ...sleb(v)); }
  simd(opc: number, ...imm: number[]): this { return this.op(0xfd, ...uleb(opc), ...imm); }
  vload(offset: number): this { return this.simd(0x00, 3, ...uleb(offset)); }
  vstore(offset: number): this { return this.simd(0x0b, 3, ...uleb(offset)); }
  splatLoad(offset: number): this { return this.simd(0x0a, 3, ...uleb(offset)); }
  vconst(v: number): this { return this.simd(0x0c, ...f64bytes(v), ...f64bytes(v)); }
  fadd(): this { return this.simd(0xf0); }
  fsub(): this { return this.simd(0xf1); }
  fmul(): this { return this.simd(0xf2); }
  fdiv(): this { return this.simd(0xf3); }
  pmin(): this { return this.simd(0xf6); }
  pmax(): this { return this.simd(0xf7); }
  flt(): this { return this.simd(0x49); }
  fgt(): this { return this.simd(0x4a); }
  anyTrue(): this { return this.simd(0x53); }
  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) groups.push([1, t]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

const lo8 = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const hi8 = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/** Locals of a function that hold the exp constants (f64x2 splats; c127 an i32x4 splat). */
interface ExpConsts { cInv: number; cHi: number; cLo: number; c2: number; c3: number; c4: number; c5: number; cMagic: number; c127: number }

/**
 * Returns an emitter of dst = exp(src) for lanes in [-708, 300] or NaN: the
 * table method of ./exp.ts (0.51 ulp). As in musl, x N/ln2 + 1.5*2^52 holds
 * k = round(x N/ln2) in its low bits: j = k & 127 indexes the table (at byte
 * offset `table`, rows of (2^(j/N) bits - (j << 45), tail_j)) and k << 45 adds
 * 2^(k>>7) to the exponent field (only the low 19 bits of k survive, enough
 * for |x| < 745).
 */
function expEmitter(f: Body, table: number, c: ExpConsts): (src: number, dst: number) => void {
  const kd = f.local(V128), rr = f.local(V128), r2 = f.local(V128), ki = f.local(V128), ta = f.local(V128), tb = f.local(V128);
  return (src, dst) => {
    f.get(src).get(c.cInv).fmul().get(c.cMagic).fadd().tee(ki);                 // ki = x N/ln2 + 1.5*2^52 (bits hold k)
    f.get(c.cMagic).fsub().set(kd);                                             // kd = k
    f.get(src).get(kd).get(c.cHi).fmul().fsub().get(kd).get(c.cLo).fmul().fsub().set(rr); // r
    f.get(ki).get(c.c127).simd(0x4e).i32(4).simd(0xab).set(ta);               // row offsets (k & 127) << 4 (i32x4.shl)
    f.get(ta).simd(0x1b, 0).vload(table).set(kd);                               // (Tadj_j0, tail_j0)
    f.get(ta).simd(0x1b, 2).vload(table).set(tb);                               // (Tadj_j1, tail_j1)
    // tmp = tail + r + r2 (C2 + r C3) + r2 r2 (C4 + r C5)
    f.get(rr).get(rr).fmul().set(r2);
    f.get(kd).get(tb).simd(0x0d, ...hi8).get(rr).fadd();
    f.get(rr).get(c.c3).fmul().get(c.c2).fadd().get(r2).fmul().fadd();
    f.get(rr).get(c.c5).fmul().get(c.c4).fadd().get(r2).get(r2).fmul().fmul().fadd().set(r2); // r2 := tmp
    // scale bits = (2^(j/N) bits - (j << 45)) + (k << 45)
    f.get(kd).get(tb).simd(0x0d, ...lo8).get(ki).i32(45).simd(0xcb).simd(0xce).tee(kd); // kd := scale
    f.get(kd).get(r2).fmul().fadd().set(dst);
  };
}

/** Where things live in the kernel's WebAssembly memory (byte offsets). */
export interface WasmLayout {
  TABLE: number; SCR: number; BETA: number; G: number; LOGL: number; PROD: number; REC: number;
  /** Doubles per node row: R rounded up to even (rows k of BETA and G start at k × stride × 8 bytes). */
  stride: number;
  /** D×stride draws of the current unit (copied in), stride posterior weights, stride node weights, 4 doubles of results. */
  E: number; Q: number; WTS: number; OUT: number;
  /** Total bytes (a multiple of 64 KiB). */
  bytes: number;
}

/** The instantiated hot loop. */
export interface WasmHot {
  readonly memory: WebAssembly.Memory;
  readonly layout: WasmLayout;
  /** Adds nRec staged records into G, LOGL and PROD. */
  run(nRec: number): void;
  /** dst[i] = s (a + b src[i]), i < n (byte offsets; n even, e.g. the stride): a coefficient from its draws. */
  affine(dst: number, src: number, n: number, a: number, b: number, s: number): void;
  /** OUT[0] = sum Q[i] g[i], and OUT[1] = sum Q[i] g[i] e[i] when e >= 0, i < n (byte offsets; n may be odd). */
  dots(g: number, e: number, n: number): void;
  /**
   * With PROD holding the nodes' products of sums (L_r = 1/PROD[r]), over
   * r < n (n may be odd): OUT[2] = pmin = min_r PROD[r], Q[r] = pmin / PROD[r]
   * (times WTS[r] when weighted); returns sum_r Q[r].
   */
  nodeSum(n: number, weighted: number): number;
  /** Q[i] *= c, i < n (for an odd n also the padding slot Q[n], which is scratch). */
  scaleQ(n: number, c: number): void;
  /** E[i] = exp(E[i]), i < n (n even, arguments in [-708, 300] or NaN): the loop's exp, exposed for tests. */
  expE(n: number): void;
  /** Counts the rare events (shifted nodes, flushed products) that wrote into LOGL; the caller may reset it. */
  readonly events: { count: number };
}

/** Whether this runtime has WebAssembly with fixed-width SIMD. */
export function wasmSimdAvailable(): boolean {
  try {
    if (typeof WebAssembly !== 'object') return false;
    // (func (result v128) (f64x2.splat (f64.const 0)))
    const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 68, 0, 0, 0, 0, 0, 0, 0, 0, 253, 20, 11]);
    return WebAssembly.validate(probe);
  } catch {
    return false;
  }
}

/**
 * Emits and instantiates the hot loop.
 * @param K - coefficients (columns of X)
 * @param randomK - indices of the coefficients that vary over nodes
 * @param special - other-alternative counts to support (records with another count must not be run)
 * @param R - nodes per unit (an odd R gets one padding node; see the file comment)
 * @param maxRec - doubles the largest unit's records take
 * @param nDims - random dimensions (rows of E)
 */
export function buildWasmHot(K: number, randomK: readonly number[], special: readonly number[], R: number, maxRec: number, nDims: number): WasmHot {
  if (!(Number.isInteger(R) && R >= 1)) throw new RangeError('the node count must be a positive integer');
  const Rp = R + (R & 1); // row stride: whole node pairs
  const R8 = Rp * 8;      // bytes per node row
  const TABLE = 0, CONST = 2048, SCR = CONST + 16 * 16;
  const jmax = Math.max(1, ...special);
  const BETA = SCR + 16 * (jmax + 1);
  const G = BETA + K * R8;
  const LOGL = G + K * R8;
  const PROD = LOGL + R8;
  const E = PROD + R8;
  const Q = E + Math.max(1, nDims) * R8;
  const WTS = Q + R8;
  const OUT = WTS + R8;
  const REC = OUT + 32;
  const end = REC + Math.max(1, maxRec) * 8;
  const pages = Math.ceil(end / 65536);
  const layout: WasmLayout = { TABLE, SCR, BETA, G, LOGL, PROD, REC, stride: Rp, E, Q, WTS, OUT, bytes: pages * 65536 };

  // ---- the function run(nRec)
  const f = new Body(1);
  const nRec = 0;
  const p = f.local(I32), t = f.local(I32), r0 = f.local(I32), r1 = f.local(I32), ro = f.local(I32), jp = f.local(I32);
  const cInv = f.local(V128), cHi = f.local(V128), cLo = f.local(V128), c2 = f.local(V128), c3 = f.local(V128), c4 = f.local(V128), c5 = f.local(V128);
  const cShift = f.local(V128), cLow = f.local(V128), cFlush = f.local(V128), cOne = f.local(V128), cMagic = f.local(V128), c127 = f.local(V128);
  const consts: [number, number][] = [[cInv, EXP_INV_LN2N], [cHi, EXP_LN2HI_N], [cLo, EXP_LN2LO_N], [c2, EXP_C2], [c3, EXP_C3], [c4, EXP_C4], [c5, EXP_C5],
    [cShift, SHIFT_ABOVE], [cLow, -708], [cFlush, FLUSH_ABOVE], [cOne, 1], [cMagic, 6755399441055744]];
  // Constants are loaded from memory once: as v128.const, TurboFan would rebuild
  // each at every use (three instructions through a general register).
  consts.forEach(([l], i) => f.i32(CONST + 16 * i).vload(0).set(l));
  f.i32(CONST + 16 * consts.length).vload(0).set(c127);
  const B: number[] = [];
  for (let k = 0; k < K; k++) B.push(f.local(V128));
  const m = f.local(V128), ec = f.local(V128), S = f.local(V128);
  const x = f.local(V128);
  // per-count locals are shared between specializations (sized for the largest)
  const D: number[][] = [], Fa: number[] = [], Wl: number[] = [], El: number[] = [];
  for (let a = 0; a < jmax; a++) {
    D.push(Array.from({ length: K }, () => f.local(V128)));
    Fa.push(f.local(V128)); Wl.push(f.local(V128)); El.push(f.local(V128));
  }
  const expInline = expEmitter(f, TABLE, { cInv, cHi, cLo, c2, c3, c4, c5, cMagic, c127 });

  // per-pair locals (a second set for the second pair of an iteration)
  const PB: number[][] = [B], PW: number[][] = [Wl], PE: number[][] = [El];
  const Pm = [m], Pec = [ec], PS = [S], Px = [x];
  for (let i = 1; i < UNROLL; i++) {
    PB.push(Array.from({ length: K }, () => f.local(V128)));
    PW.push(Array.from({ length: jmax }, () => f.local(V128)));
    PE.push(Array.from({ length: jmax }, () => f.local(V128)));
    Pm.push(f.local(V128)); Pec.push(f.local(V128)); PS.push(f.local(V128)); Px.push(f.local(V128));
  }
  const roAt = f.local(I32);

  /**
   * The loop body for `np` node pairs at byte offsets ro, ro + 16: utilities,
   * the rare check, exps, probabilities, G and the products.
   */
  const emitPairs = (c: number, np: number) => {
    const pairs = Array.from({ length: np }, (_, i) => i);
    const at = (i: number) => { f.get(ro); if (i) f.i32(16 * i).op(0x6a); };
    for (const i of pairs) for (const k of randomK) { at(i); f.vload(BETA + k * R8).set(PB[i][k]); }
    for (const i of pairs) {
      for (let a = 0; a < c; a++) {
        f.get(Fa[a]);
        for (const k of randomK) f.get(D[a][k]).get(PB[i][k]).fmul().fadd();
        f.set(PW[i][a]);
      }
    }
    // rare pairs (a difference above 300, or one below -708): JS shifts by the
    // largest difference where it is above 300 and takes every exp of the pair
    for (const i of pairs) {
      f.get(PW[i][0]);
      for (let a = 1; a < c; a++) f.get(PW[i][a]).pmax();
      f.set(Pm[i]);
      f.get(PW[i][0]);
      for (let a = 1; a < c; a++) f.get(PW[i][a]).pmin();
      f.get(cLow).flt().get(Pm[i]).get(cShift).fgt().simd(0x50); // v128.or
      if (i > 0) f.simd(0x50);
    }
    f.anyTrue().op(0x04, 0x40);
    {
      for (const i of pairs) {
        for (let a = 0; a < c; a++) f.i32(SCR + 16 * (a + 1)).get(PW[i][a]).vstore(0);
        at(i); f.i32(c).op(0x10, 0); // rare(ro, c): SCR <- exp(-sh), SCR + 16(a+1) <- exp(w_a - sh)
        f.i32(SCR).vload(0).set(Pec[i]);
        for (let a = 0; a < c; a++) f.i32(SCR + 16 * (a + 1)).vload(0).set(PE[i][a]);
      }
    }
    f.op(0x05);
    for (const i of pairs) {
      f.get(cOne).set(Pec[i]);
      for (let a = 0; a < c; a++) expInline(PW[i][a], PE[i][a]);
    }
    f.op(0x0b);
    for (const i of pairs) {
      f.get(Pec[i]);
      for (let a = 0; a < c; a++) f.get(PE[i][a]).fadd();
      f.set(PS[i]);
      f.get(cOne).get(PS[i]).fdiv().set(Px[i]); // 1/S
      for (let a = 0; a < c; a++) f.get(PE[i][a]).get(Px[i]).fmul().set(PE[i][a]); // E := P
    }
    for (let k = 0; k < K; k++) {
      for (const i of pairs) {
        at(i); f.tee(roAt).get(roAt).vload(G + k * R8);
        f.get(PE[i][0]).get(D[0][k]).fmul();
        for (let a = 1; a < c; a++) f.get(PE[i][a]).get(D[a][k]).fmul().fadd();
        f.fsub().vstore(G + k * R8);
      }
    }
    for (const i of pairs) {
      at(i); f.tee(roAt).get(roAt).vload(PROD).get(PS[i]).fmul().tee(Px[i]).vstore(PROD);
      f.get(Px[i]).get(cFlush).fgt().anyTrue().op(0x04, 0x40).get(roAt).op(0x10, 1).op(0x0b);
    }
  };

  // G, LOGL, PROD are initialized by the caller.
  f.i32(0).set(r0);
  f.op(0x03, 0x40); // loop BLK
  {
    f.get(r0).i32(BLOCK * 8).op(0x6a).tee(r1).i32(R8).op(0x4a); // r1 > R8 ?
    f.op(0x04, 0x40).i32(R8).set(r1).op(0x0b);
    f.i32(REC).set(p);
    f.get(nRec).set(t);
    f.op(0x02, 0x40); // block DONE
    f.op(0x03, 0x40); // loop RECS
    {
      f.get(t).op(0x45).op(0x0d, 1); // br_if DONE when t == 0
      f.get(p).op(0x2b, 3, 0).op(0xaa).set(jp); // jp = i32.trunc_f64_s(f64.load p)
      f.op(0x02, 0x40); // block NEXT
      for (const c of special) {
        f.get(jp).i32(c).op(0x46).op(0x04, 0x40); // if jp == c
        for (let a = 0; a < c; a++) {
          const off = 8 + a * (K + 1) * 8;
          f.get(p).splatLoad(off).set(Fa[a]);
          for (let k = 0; k < K; k++) f.get(p).splatLoad(off + 8 + 8 * k).set(D[a][k]);
        }
        f.get(r0).set(ro);
        // UNROLL node pairs per iteration (each d_ak reloaded once for all of them), then single pairs
        f.op(0x02, 0x40); // block UDONE
        f.get(ro).i32(16 * UNROLL).op(0x6a).get(r1).op(0x4a).op(0x0d, 0); // br_if UDONE when ro + 16 UNROLL > r1
        f.op(0x03, 0x40); // loop IN
        emitPairs(c, UNROLL);
        f.get(ro).i32(16 * UNROLL).op(0x6a).tee(ro).i32(16 * UNROLL).op(0x6a).get(r1).op(0x4c).op(0x0d, 0); // br_if IN (ro + 16 UNROLL <= r1)
        f.op(0x0b); // end loop IN
        f.op(0x0b); // end block UDONE
        f.op(0x02, 0x40); // block REST
        f.op(0x03, 0x40); // loop REST1
        f.get(ro).get(r1).op(0x4e).op(0x0d, 1); // br_if REST when ro >= r1
        emitPairs(c, 1);
        f.get(ro).i32(16).op(0x6a).set(ro);
        f.op(0x0c, 0);
        f.op(0x0b); // end loop REST1
        f.op(0x0b); // end block REST
        f.op(0x0c, 1); // br NEXT
        f.op(0x0b); // end if
      }
      f.op(0x00); // unreachable: a count without a specialization
      f.op(0x0b); // end block NEXT
      f.get(p).i32(8).get(jp).i32((K + 1) * 8).op(0x6c).op(0x6a).op(0x6a).set(p);
      f.get(t).i32(1).op(0x6b).set(t);
      f.op(0x0c, 0); // br RECS
    }
    f.op(0x0b); // end loop RECS
    f.op(0x0b); // end block DONE
    f.get(r1).tee(r0).i32(R8).op(0x48).op(0x0d, 0); // br_if BLK
  }
  f.op(0x0b); // end loop BLK

  // ---- helpers: affine(dst, src, n, a, b, s)
  const fa = new Body(6);
  {
    const i = fa.local(I32), A = fa.local(V128), Bv = fa.local(V128), Sg = fa.local(V128);
    fa.get(3).simd(0x14).set(A).get(4).simd(0x14).set(Bv).get(5).simd(0x14).set(Sg);
    fa.i32(0).set(i);
    fa.op(0x03, 0x40);
    fa.get(0).get(i).op(0x6a);
    fa.get(Sg).get(A).get(Bv).get(1).get(i).op(0x6a).vload(0).fmul().fadd().fmul();
    fa.vstore(0);
    fa.get(i).i32(16).op(0x6a).tee(i).get(2).i32(3).op(0x74).op(0x48).op(0x0d, 0);
    fa.op(0x0b);
  }
  // The node sums below run over whole pairs (np8 bytes), then, for an odd n,
  // take the last node r = n-1 as a scalar tail: the padding slot r = n is
  // never summed.
  // dots(g, e, n): OUT[0] = sum Q g, OUT[1] = sum Q g e (e >= 0)
  const fd = new Body(3);
  {
    const i = fd.local(I32), n8 = fd.local(I32), np8 = fd.local(I32), a = fd.local(V128), s1 = fd.local(V128), s2 = fd.local(V128);
    const t1 = fd.local(F64), t2 = fd.local(F64), ta = fd.local(F64);
    fd.get(2).i32(3).op(0x74).tee(n8).i32(-16).op(0x71).set(np8); // np8 = n8 & -16
    fd.i32(0).set(i);
    fd.get(np8).op(0x04, 0x40); // if np8 != 0
    fd.get(1).i32(0).op(0x48); // e < 0 ?
    fd.op(0x04, 0x40);
    fd.op(0x03, 0x40);
    fd.get(i).vload(Q).get(0).get(i).op(0x6a).vload(0).fmul().get(s1).fadd().set(s1);
    fd.get(i).i32(16).op(0x6a).tee(i).get(np8).op(0x48).op(0x0d, 0);
    fd.op(0x0b);
    fd.op(0x05);
    fd.op(0x03, 0x40);
    fd.get(i).vload(Q).get(0).get(i).op(0x6a).vload(0).fmul().tee(a).get(s1).fadd().set(s1);
    fd.get(a).get(1).get(i).op(0x6a).vload(0).fmul().get(s2).fadd().set(s2);
    fd.get(i).i32(16).op(0x6a).tee(i).get(np8).op(0x48).op(0x0d, 0);
    fd.op(0x0b);
    fd.op(0x0b);
    fd.op(0x0b); // end if np8 != 0
    fd.get(s1).simd(0x21, 0).get(s1).simd(0x21, 1).op(0xa0).set(t1);
    fd.get(s2).simd(0x21, 0).get(s2).simd(0x21, 1).op(0xa0).set(t2);
    // odd n: ta = Q g at the last node; t1 += ta, t2 += ta e
    fd.get(n8).get(np8).op(0x47).op(0x04, 0x40);
    fd.get(np8).op(0x2b, 3, ...uleb(Q)).get(0).get(np8).op(0x6a).op(0x2b, 3, 0).op(0xa2).tee(ta);
    fd.get(t1).op(0xa0).set(t1);
    fd.get(1).i32(0).op(0x4e).op(0x04, 0x40); // e >= 0 ?
    fd.get(t2).get(ta).get(1).get(np8).op(0x6a).op(0x2b, 3, 0).op(0xa2).op(0xa0).set(t2);
    fd.op(0x0b);
    fd.op(0x0b);
    fd.i32(OUT).get(t1).op(0x39, 3, 0);
    fd.i32(OUT + 8).get(t2).op(0x39, 3, 0);
  }
  // nodeSum(n, weighted) -> f64
  const fn = new Body(2);
  {
    const i = fn.local(I32), n8 = fn.local(I32), np8 = fn.local(I32), mn = fn.local(V128), t = fn.local(V128), sum = fn.local(V128);
    const pm = fn.local(F64), x = fn.local(F64), res = fn.local(F64);
    fn.get(0).i32(3).op(0x74).tee(n8).i32(-16).op(0x71).set(np8); // np8 = n8 & -16
    fn.vconst(Infinity).set(mn);
    fn.i32(0).set(i);
    fn.get(np8).op(0x04, 0x40); // if np8 != 0
    fn.op(0x03, 0x40);
    fn.get(mn).get(i).vload(PROD).pmin().set(mn);
    fn.get(i).i32(16).op(0x6a).tee(i).get(np8).op(0x48).op(0x0d, 0);
    fn.op(0x0b);
    fn.op(0x0b);
    // pmin = lane1 < lane0 ? lane1 : lane0 (as a JS loop over r would find it)
    fn.get(mn).simd(0x21, 1).get(mn).simd(0x21, 0).get(mn).simd(0x21, 1).get(mn).simd(0x21, 0).op(0x63).op(0x1b).set(pm);
    // odd n: pm = x < pm ? x : pm with x = PROD at the last node
    fn.get(n8).get(np8).op(0x47).op(0x04, 0x40);
    fn.get(np8).op(0x2b, 3, ...uleb(PROD)).tee(x).get(pm).get(x).get(pm).op(0x63).op(0x1b).set(pm);
    fn.op(0x0b);
    fn.i32(OUT + 16).get(pm).op(0x39, 3, 0);
    fn.get(pm).simd(0x14).set(mn);
    fn.i32(0).set(i);
    fn.get(np8).op(0x04, 0x40); // if np8 != 0
    fn.op(0x03, 0x40);
    fn.get(mn).get(i).vload(PROD).fdiv().set(t);
    fn.get(1).op(0x04, 0x40).get(t).get(i).vload(WTS).fmul().set(t).op(0x0b);
    fn.get(i).get(t).vstore(Q);
    fn.get(sum).get(t).fadd().set(sum);
    fn.get(i).i32(16).op(0x6a).tee(i).get(np8).op(0x48).op(0x0d, 0);
    fn.op(0x0b);
    fn.op(0x0b);
    fn.get(sum).simd(0x21, 0).get(sum).simd(0x21, 1).op(0xa0).set(res);
    // odd n: the last node's q = pm / PROD (times WTS), added to the sum
    fn.get(n8).get(np8).op(0x47).op(0x04, 0x40);
    fn.get(pm).get(np8).op(0x2b, 3, ...uleb(PROD)).op(0xa3).set(x);
    fn.get(1).op(0x04, 0x40).get(x).get(np8).op(0x2b, 3, ...uleb(WTS)).op(0xa2).set(x).op(0x0b);
    fn.get(np8).get(x).op(0x39, 3, ...uleb(Q));
    fn.get(res).get(x).op(0xa0).set(res);
    fn.op(0x0b);
    fn.get(res);
  }
  // scaleQ(n, c)
  const fs = new Body(2);
  {
    const i = fs.local(I32), c = fs.local(V128);
    fs.get(1).simd(0x14).set(c);
    fs.i32(0).set(i);
    fs.op(0x03, 0x40);
    fs.get(i).get(i).vload(Q).get(c).fmul().vstore(Q);
    fs.get(i).i32(16).op(0x6a).tee(i).get(0).i32(3).op(0x74).op(0x48).op(0x0d, 0);
    fs.op(0x0b);
  }

  // expE(n): E[i] = exp(E[i]), i < n (n even; arguments in [-708, 300]): the loop's exp, for tests
  const fx = new Body(1);
  {
    const i = fx.local(I32), v = fx.local(V128);
    const cl: ExpConsts = { cInv: fx.local(V128), cHi: fx.local(V128), cLo: fx.local(V128), c2: fx.local(V128), c3: fx.local(V128), c4: fx.local(V128), c5: fx.local(V128), cMagic: fx.local(V128), c127: fx.local(V128) };
    const order = [cl.cInv, cl.cHi, cl.cLo, cl.c2, cl.c3, cl.c4, cl.c5];
    order.forEach((l, j) => fx.i32(CONST + 16 * j).vload(0).set(l));
    fx.i32(CONST + 16 * 11).vload(0).set(cl.cMagic);
    fx.i32(CONST + 16 * 12).vload(0).set(cl.c127);
    const ex = expEmitter(fx, TABLE, cl);
    fx.i32(0).set(i);
    fx.op(0x03, 0x40);
    fx.get(i).vload(E).set(v);
    ex(v, v);
    fx.get(i).get(v).vstore(E);
    fx.get(i).i32(16).op(0x6a).tee(i).get(0).i32(3).op(0x74).op(0x48).op(0x0d, 0);
    fx.op(0x0b);
  }

  const typeSec = section(1, vec([
    [0x60, 1, I32, 0],                                   // 0 (i32) -> ()
    [0x60, 2, I32, I32, 0],                              // 1 (i32, i32) -> ()
    [0x60, 6, I32, I32, I32, F64, F64, F64, 0],          // 2 affine
    [0x60, 3, I32, I32, I32, 0],                         // 3 dots
    [0x60, 2, I32, I32, 1, F64],                         // 4 nodeSum
    [0x60, 2, I32, F64, 0],                              // 5 scaleQ
  ]));
  const importSec = section(2, vec([
    [...str('env'), ...str('rare'), 0x00, 1],
    [...str('env'), ...str('flush'), 0x00, 0],
    [...str('env'), ...str('mem'), 0x02, 0x01, ...uleb(pages), ...uleb(pages)],
  ]));
  const funcSec = section(3, vec([[0], [2], [3], [4], [5], [0]]));
  const exportSec = section(7, vec([
    [...str('run'), 0x00, 2], [...str('affine'), 0x00, 3], [...str('dots'), 0x00, 4], [...str('nodeSum'), 0x00, 5], [...str('scaleQ'), 0x00, 6], [...str('expE'), 0x00, 7],
  ]));
  const codeSec = section(10, vec([f.encode(), fa.encode(), fd.encode(), fn.encode(), fs.encode(), fx.encode()]));
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSec, ...importSec, ...funcSec, ...exportSec, ...codeSec]);

  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const f64 = new Float64Array(memory.buffer);
  const i64 = new BigInt64Array(memory.buffer);
  const tbits = new BigInt64Array(EXP_T.buffer, EXP_T.byteOffset, EXP_T.length);
  for (let j = 0; j < 128; j++) {
    i64[TABLE / 8 + 2 * j] = tbits[j] - (BigInt(j) << 45n);
    f64[TABLE / 8 + 2 * j + 1] = EXP_TAIL[j];
  }
  consts.forEach(([, v], i) => { f64[CONST / 8 + 2 * i] = v; f64[CONST / 8 + 2 * i + 1] = v; });
  new Int32Array(memory.buffer, CONST + 16 * consts.length, 4).fill(127);
  const scr = SCR / 8, logl = LOGL / 8, prod = PROD / 8;
  const events = { count: 0 };
  const imports = {
    env: {
      mem: memory,
      /**
       * The rare node pair at byte offset ro with n differences at SCR + 16(a+1):
       * shifts each lane by its largest difference when that is above 300
       * (subtracting the shift from log L) and writes exp(-shift) to SCR and
       * exp(w_a - shift) in place.
       */
      rare(ro: number, n: number) {
        events.count++;
        for (let lane = 0; lane < 2; lane++) {
          let m = -Infinity;
          for (let a = 0; a < n; a++) { const w = f64[scr + 2 * (a + 1) + lane]; if (w > m) m = w; }
          const sh = m > SHIFT_ABOVE ? m : 0;
          f64[logl + (ro >> 3) + lane] -= sh;
          f64[scr + lane] = Math.exp(-sh);
          for (let a = 0; a < n; a++) { const i = scr + 2 * (a + 1) + lane; f64[i] = Math.exp(f64[i] - sh); }
        }
      },
      /** Moves the running products of the node pair at byte offset ro into log L. */
      flush(ro: number) {
        events.count++;
        const r = ro >> 3;
        for (let i = r; i < r + 2; i++) { f64[logl + i] -= Math.log(f64[prod + i]); f64[prod + i] = 1; }
      },
    },
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  const ex = instance.exports as Record<string, never>;
  return { memory, layout, run: ex.run, affine: ex.affine, dots: ex.dots, nodeSum: ex.nodeSum, scaleQ: ex.scaleQ, expE: ex.expE, events };
}
