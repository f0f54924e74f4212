/**
 * Where things live in the kernel's WebAssembly memory. Every per-node row
 * has `stride` = R rounded up to even slots, so that nodes come in pairs.
 *
 *   TABLE  128 × (2^(j/128) bits - (j << 45), tail_j)   the exp table
 *   CONST  the loop's constants (16 bytes each; ./constants.ts)
 *   SCR    scratch for the rare node pairs handed to JS
 *   BETA   K×stride coefficients;  G  K×stride dlogL_r/dbeta_k
 *   LOGL   stride log L_r;  PROD  stride running products of the situations' S
 *   E      D×stride the unit's draws;  Q, WTS  stride posterior and rule weights
 *   OUT    4 doubles of the helpers' results
 *   REC    the unit's situation records: [J', then J' × (f_a, d_a0 .. d_a,K-1)]
 */
import { CONST_BYTES } from './constants.js';

/** Byte offset of the constants, after the exp table. */
export const CONST = 2048;
/** Bytes of a WebAssembly page. */
export const PAGE = 65536;

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

/**
 * The layout for K coefficients, other-alternative counts up to max(special),
 * R nodes, maxRec doubles of records and nDims random dimensions.
 */
export function wasmLayout(K: number, special: readonly number[], R: number, maxRec: number, nDims: number): WasmLayout {
  const stride = R + (R & 1);
  const row = stride * 8;
  const TABLE = 0, SCR = CONST + CONST_BYTES;
  const BETA = SCR + 16 * (Math.max(1, ...special) + 1);
  const G = BETA + K * row;
  const LOGL = G + K * row;
  const PROD = LOGL + row;
  const E = PROD + row;
  const Q = E + Math.max(1, nDims) * row;
  const WTS = Q + row;
  const OUT = WTS + row;
  const REC = OUT + 32;
  const end = REC + Math.max(1, maxRec) * 8;
  return { TABLE, SCR, BETA, G, LOGL, PROD, REC, stride, E, Q, WTS, OUT, bytes: Math.ceil(end / PAGE) * PAGE };
}
