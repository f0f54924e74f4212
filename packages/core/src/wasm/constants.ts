/**
 * The constants of the WebAssembly loop, each in a 16-byte slot of memory at
 * CONST (f64x2 splats; the exp table's index mask an i32x4 splat). Functions
 * load the ones they use into locals once: as v128.const, TurboFan would
 * rebuild each at every use (three instructions through a general register).
 */
import { EXP_FAST_BELOW, FLUSH_ABOVE, SHIFT_ABOVE } from '../constants.js';
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_INV_LN2N, EXP_LN2HI_N, EXP_LN2LO_N, EXP_SHIFT } from '../exp.js';
import { Type } from './opcodes.js';
import type { FunctionBuilder } from './emitter/builder.js';

/** The doubles, in slot order. */
const DOUBLES = {
  invLn2N: EXP_INV_LN2N, ln2Hi: EXP_LN2HI_N, ln2Lo: EXP_LN2LO_N,
  c2: EXP_C2, c3: EXP_C3, c4: EXP_C4, c5: EXP_C5,
  shiftAbove: SHIFT_ABOVE, fastBelow: EXP_FAST_BELOW, flushAbove: FLUSH_ABOVE, one: 1, magic: EXP_SHIFT,
  // the generic loop's clamp of exp's argument, and the sum S above which it redoes a pair shifted
  clampAbove: SHIFT_ABOVE + 1, sumAbove: Math.exp(SHIFT_ABOVE),
} as const;

/** The exp table's row mask (i32x4), in the slot after the doubles. */
const MASK = 127;

export type ConstName = keyof typeof DOUBLES | 'mask127';

const NAMES = [...Object.keys(DOUBLES), 'mask127'] as ConstName[];
/** Bytes the constants take. */
export const CONST_BYTES = 16 * 16;

/** Byte offset of a constant's slot relative to CONST. */
function slot(name: ConstName): number {
  return 16 * NAMES.indexOf(name);
}

/** Declares a v128 local for each named constant (in the order given) and loads them from memory at `base`. */
export function loadConstants<N extends ConstName>(f: FunctionBuilder, base: number, names: readonly N[]): Record<N, number> {
  const locals = {} as Record<N, number>;
  for (const n of names) locals[n] = f.local(Type.v128);
  for (const n of names) f.i32(base + slot(n)).load(0).set(locals[n]);
  return locals;
}

/** Writes every constant into memory at byte offset `base`. */
export function storeConstants(buffer: ArrayBuffer, base: number): void {
  const f64 = new Float64Array(buffer, base, 2 * NAMES.length);
  for (const [n, v] of Object.entries(DOUBLES)) f64.fill(v, slot(n as ConstName) / 8, slot(n as ConstName) / 8 + 2);
  new Int32Array(buffer, base + slot('mask127'), 4).fill(MASK);
}
