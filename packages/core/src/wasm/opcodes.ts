/**
 * The WebAssembly opcodes the kernel's module uses, by their names in the
 * specification (WebAssembly 2.0, with fixed-width SIMD under the 0xfd prefix,
 * and relaxed SIMD's fused multiply-adds where the runtime has them).
 */

/** Value types. */
export const Type = { i32: 0x7f, f64: 0x7c, v128: 0x7b } as const;
export type ValueType = (typeof Type)[keyof typeof Type];

/** The empty block type (a block that takes and leaves nothing). */
export const EMPTY_BLOCK = 0x40;

/** Control, variable, memory and numeric instructions (one byte each). */
export const Op = {
  // control
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10, select: 0x1b,
  // locals and memory
  localGet: 0x20, localSet: 0x21, localTee: 0x22, f64Load: 0x2b, f64Store: 0x39,
  // i32
  i32Const: 0x41, i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32GtS: 0x4a, i32LeS: 0x4c, i32GeS: 0x4e,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Shl: 0x74, i32TruncF64S: 0xaa,
  // f64
  f64Lt: 0x63, f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3,
} as const;

/** The prefix byte of the SIMD instructions. */
export const SIMD_PREFIX = 0xfd;

/** SIMD instructions (LEB128-encoded after {@link SIMD_PREFIX}). */
export const Simd = {
  // memory and constants
  v128Load: 0x00, v128Load64Splat: 0x0a, v128Store: 0x0b, v128Const: 0x0c,
  // lanes
  i8x16Shuffle: 0x0d, f64x2Splat: 0x14, i32x4ExtractLane: 0x1b, f64x2ExtractLane: 0x21,
  // comparisons and bitwise
  f64x2Lt: 0x49, f64x2Gt: 0x4a, v128And: 0x4e, v128Or: 0x50, v128AnyTrue: 0x53,
  // integer lanes
  i32x4Shl: 0xab, i64x2Shl: 0xcb, i64x2Add: 0xce,
  // f64 lanes
  f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Div: 0xf3, f64x2Pmin: 0xf6, f64x2Pmax: 0xf7,
  // relaxed SIMD: a b c -> a b + c and -(a b) + c, fused or not as the hardware does it
  f64x2RelaxedMadd: 0x107, f64x2RelaxedNmadd: 0x108,
} as const;

/** Section ids of a module. */
export const Section = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

/** Kinds of imports and exports. */
export const External = { func: 0x00, memory: 0x02 } as const;

/** The form byte of a function type. */
export const FUNC_TYPE = 0x60;

/** Alignment exponent of 8- and 16-byte accesses: the kernel's loads use 3 (8 bytes) throughout. */
export const ALIGN_8 = 3;
