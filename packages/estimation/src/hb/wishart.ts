/**
 * Draws from the normal and inverted Wishart distributions the Gibbs steps
 * need, on a {@link CounterStream} (so the main thread's draws are as
 * reproducible as the workers'). Matrices are row-major Float64Arrays.
 */
import type { CounterStream } from '@mxl/engine';
import { choleskyDecompose, invertSPD } from '@mxl/optim';
import { EstimationError } from '../errors.js';

/** The inverse of a lower-triangular n × n matrix (lower-triangular). */
export function lowerInverse(n: number, L: Float64Array): Float64Array {
  const X = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    X[j * n + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * X[k * n + j];
      X[i * n + j] = s / L[i * n + i];
    }
  }
  return X;
}

/** The lower Cholesky factor of a symmetric positive definite matrix; throws naming `what` otherwise. */
export function cholesky(n: number, A: Float64Array, what: string): Float64Array {
  const L = choleskyDecompose(n, A);
  if (!L) throw new EstimationError(`${what} is not positive definite`);
  return L;
}

/**
 * A draw of W ~ IW(df, Psi) (density ∝ |W|^-(df+d+1)/2 exp(-tr(Psi W^-1)/2),
 * E[W] = Psi / (df - d - 1)) by the Bartlett decomposition (Bartlett 1933;
 * Anderson 2003, sec. 7.2): with Psi^-1 = G G' and A lower-triangular,
 * A_ii = sqrt(chi2(df - i)) (i = 0..d-1), A_ij ~ N(0, 1) below the diagonal,
 * X = G A gives X X' ~ Wishart(df, Psi^-1), and W = (X X')^-1 = X^-T X^-1.
 */
export function drawInvWishart(rng: CounterStream, d: number, df: number, Psi: Float64Array): Float64Array {
  if (!(df > d - 1)) throw new RangeError(`inverted Wishart degrees of freedom ${df} must exceed the dimension minus 1 (${d - 1})`);
  const inv = invertSPD(d, Psi);
  if (!inv) throw new EstimationError('the inverted Wishart scale matrix is not positive definite');
  const G = cholesky(d, inv, 'the inverse of the inverted Wishart scale matrix');
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    A[i * d + i] = Math.sqrt(2 * rng.gamma((df - i) / 2));
    for (let j = 0; j < i; j++) A[i * d + j] = rng.normal();
  }
  const X = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let k = j; k <= i; k++) s += G[i * d + k] * A[k * d + j];
    X[i * d + j] = s;
  }
  const Xi = lowerInverse(d, X);
  const W = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let k = Math.max(i, j); k < d; k++) s += Xi[k * d + i] * Xi[k * d + j];
    W[i * d + j] = s;
    W[j * d + i] = s;
  }
  return W;
}

/**
 * A draw from N(Q^-1 b, Q^-1) given the precision Q (n × n) and b: with
 * Q = R R' (Cholesky), mean = R'^-1 R^-1 b and mean + R'^-1 z.
 */
export function drawFromPrecision(rng: CounterStream, n: number, Q: Float64Array, b: Float64Array): Float64Array {
  const R = cholesky(n, Q, 'the posterior precision of the means');
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) { // R y = b
    let s = b[i];
    for (let k = 0; k < i; k++) s -= R[i * n + k] * y[k];
    y[i] = s / R[i * n + i];
  }
  for (let i = 0; i < n; i++) y[i] += rng.normal();
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) { // R' x = y + z
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= R[k * n + i] * x[k];
    x[i] = s / R[i * n + i];
  }
  return x;
}
