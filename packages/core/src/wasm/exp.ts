/**
 * exp on both f64 lanes, emitted inline: the table method of ../exp.ts
 * (0.51 ulp) for lanes in [-708, 300] or NaN. As in musl, x N/ln2 + 1.5*2^52
 * holds k = round(x N/ln2) in its low bits: j = k & 127 indexes the table
 * (rows of (2^(j/N) bits - (j << 45), tail_j)) and k << 45 adds 2^(k>>7) to
 * the exponent field (only the low 19 bits of k survive, enough for |x| < 745).
 */
import { EXP_T, EXP_TAIL } from '../exp.js';
import { Type } from './opcodes.js';
import { HIGH_DOUBLES, LOW_DOUBLES, type FunctionBuilder } from './emitter/builder.js';
import { loadConstants } from './constants.js';

/** The constants exp reads, in the order their locals are declared. */
export const EXP_CONSTANTS = ['invLn2N', 'ln2Hi', 'ln2Lo', 'c2', 'c3', 'c4', 'c5', 'magic', 'mask127'] as const;
export type ExpConstants = Record<(typeof EXP_CONSTANTS)[number], number>;

/** Loads the constants of exp into new locals (for a function that uses no others). */
export function loadExpConstants(f: FunctionBuilder, base: number): ExpConstants {
  return loadConstants(f, base, EXP_CONSTANTS);
}

/**
 * Returns an emitter of dst = exp(src) (both locals v128) for a function
 * whose exp constants are in the locals `c`; the table is at byte offset `table`.
 */
export function expEmitter(f: FunctionBuilder, table: number, c: ExpConstants): (src: number, dst: number) => void {
  const [kd, rr, r2, ki, ta, tb] = f.locals(Type.v128, 6);
  const g = (i: number) => () => f.get(i);
  return (src, dst) => {
    f.madd(g(src), g(c.invLn2N), g(c.magic)).tee(ki);                     // ki = x N/ln2 + 1.5*2^52 (bits hold k)
    f.get(c.magic).vsub().set(kd);                                          // kd = k
    f.nmadd(g(kd), g(c.ln2Lo), () => f.nmadd(g(kd), g(c.ln2Hi), g(src))).set(rr); // r = x - k ln2Hi/N - k ln2Lo/N
    f.get(ki).get(c.mask127).vand().i32(4).i32x4Shl().set(ta);            // row offsets (k & 127) << 4
    f.get(ta).i32Lane(0).load(table).set(kd);                              // (Tadj_j0, tail_j0)
    f.get(ta).i32Lane(2).load(table).set(tb);                              // (Tadj_j1, tail_j1)
    // tmp = tail + r + r2 (C2 + r C3) + r2 r2 (C4 + r C5)
    f.get(rr).get(rr).vmul().set(r2);
    f.madd(
      () => f.madd(g(rr), g(c.c5), g(c.c4)), () => f.get(r2).get(r2).vmul(),
      () => f.madd(() => f.madd(g(rr), g(c.c3), g(c.c2)), g(r2), () => f.get(kd).get(tb).shuffle(HIGH_DOUBLES).get(rr).vadd()),
    ).set(r2); // r2 := tmp
    // scale bits = (2^(j/N) bits - (j << 45)) + (k << 45)
    f.get(kd).get(tb).shuffle(LOW_DOUBLES).get(ki).i32(45).i64x2Shl().i64x2Add().set(kd); // kd := scale
    f.madd(g(kd), g(r2), g(kd)).set(dst);                                 // scale + scale tmp
  };
}

/** Writes the exp table at byte offset `table`: rows of (2^(j/128) bits - (j << 45), tail_j). */
export function storeExpTable(buffer: ArrayBuffer, table: number): void {
  const i64 = new BigInt64Array(buffer, table, 256);
  const f64 = new Float64Array(buffer, table, 256);
  const tbits = new BigInt64Array(EXP_T.buffer, EXP_T.byteOffset, EXP_T.length);
  for (let j = 0; j < 128; j++) {
    i64[2 * j] = tbits[j] - (BigInt(j) << 45n);
    f64[2 * j + 1] = EXP_TAIL[j];
  }
}
