/**
 * The lower Cholesky factor of a small symmetric positive definite matrix,
 * in place or into another array, allocating nothing (the samplers call it
 * per individual and step; @mxl/optim's choleskyDecompose allocates and
 * refuses matrices that are not positive definite).
 */

/**
 * L (row-major, at offset lo of `L`) with L L' = A for the D × D matrix at
 * offset ao of `A`; only A's lower triangle is read, and `L` may be `A` at
 * the same offset (each entry is read before it is written). A pivot is
 * sqrt(max(d, floor)): the default floor leaves a negative or NaN pivot NaN.
 */
export function choleskyLower(D: number, A: Float64Array, ao: number, L: Float64Array, lo: number, floor = -Infinity): void {
  for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++) {
    let s = A[ao + i * D + j];
    for (let k = 0; k < j; k++) s -= L[lo + i * D + k] * L[lo + j * D + k];
    L[lo + i * D + j] = i === j ? Math.sqrt(Math.max(s, floor)) : s / L[lo + j * D + j];
  }
}
