/**
 * The softmax step of ./probabilities.ts for one choice situation at every
 * support point: utilities U (J×M, j-major) in, probabilities P (J×M) and
 * those of the outside option P0 (M) out,
 *
 *     P_jm = exp(U_jm - c_m) / (exp(-c_m)·[outside] + sum_i exp(U_im - c_m)),
 *     c_m = max(0 if outside, max_i U_im).
 *
 * It runs on the WebAssembly SIMD softmax of @mxl/core (two support points
 * per vector, the kernels' table exp) where the runtime has it and M >= 2,
 * else as the scalar loop below with the same exp; a situation in which some
 * exp argument falls below -708 (a probability under about 1e-307, or
 * -Infinity utilities) is redone by the scalar loop, whose exp is exact there.
 * Both give the same numbers to a few ulps.
 */
import { buildWasmSoftmax, exp, wasmSimdAvailable } from '@mxl/core';

/** Softmax scratch for situations of up to maxJ rows at M support points; U, P and P0 may live in WebAssembly memory. */
export class Softmax {
  readonly U: Float64Array;
  readonly P: Float64Array;
  readonly P0: Float64Array;
  private readonly wasm: ((J: number, outside: number) => number) | null;

  constructor(maxJ: number, readonly M: number, useWasm = true) {
    const w = useWasm && M >= 2 && wasmSimdAvailable() ? buildWasmSoftmax(maxJ, M) : null;
    this.U = w ? w.U : new Float64Array(maxJ * M);
    this.P = w ? w.P : new Float64Array(maxJ * M);
    this.P0 = w ? w.P0 : new Float64Array(M);
    this.wasm = w ? w.run : null;
  }

  /** P and P0 from the first J rows of U. */
  apply(J: number, outside: boolean): void {
    if (this.wasm && this.wasm(J, outside ? 1 : 0) === 0) return;
    scalarSoftmax(this.U, this.P, this.P0, J, this.M, outside);
  }
}

/** The scalar softmax (see the file comment). */
export function scalarSoftmax(U: Float64Array, P: Float64Array, P0: Float64Array, J: number, M: number, outside: boolean): void {
  for (let m = 0; m < M; m++) {
    let c = outside ? 0 : -Infinity;
    for (let j = 0; j < J; j++) if (U[j * M + m] > c) c = U[j * M + m];
    const e0 = outside ? exp(-c) : 0;
    let S = e0;
    for (let j = 0; j < J; j++) { const e = exp(U[j * M + m] - c); P[j * M + m] = e; S += e; }
    const inv = 1 / S;
    for (let j = 0; j < J; j++) P[j * M + m] *= inv;
    P0[m] = outside ? e0 * inv : 0;
  }
}
