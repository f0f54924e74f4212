/**
 * Gauss-Hermite quadrature for the standard normal weight.
 *
 * @packageDocumentation
 */

import { symmetricTridiagonalEigenvalues } from './tridiagonal.js';

/** A one-dimensional quadrature rule: nodes (increasing) and weights. */
export interface QuadratureRule1D {
  /** Nodes, increasing. */
  readonly nodes: Float64Array;
  /** Weights, same length, summing to 1. */
  readonly weights: Float64Array;
}

/** Largest supported number of Gauss-Hermite points. */
export const GAUSS_HERMITE_MAX_POINTS = 200;

const cache = new Map<number, QuadratureRule1D>();

/**
 * Orthonormal probabilists' Hermite polynomials at x: returns [p_{n-1}(x), p_n(x), sum_{k<n} p_k(x)^2]
 * with p_k = He_k / sqrt(k!), from p_{k+1} = (x p_k - sqrt(k) p_{k-1}) / sqrt(k+1).
 *
 * @param n - degree n >= 1
 * @param x - point
 * @param out - receives the three values
 */
function hermiteOrthonormal(n: number, x: number, out: Float64Array): void {
  let pPrev = 0;
  let p = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += p * p;
    const next = (x * p - Math.sqrt(k) * pPrev) / Math.sqrt(k + 1);
    pPrev = p;
    p = next;
  }
  out[0] = pPrev;
  out[1] = p;
  out[2] = sum;
}

/**
 * The n-point Gauss-Hermite rule for the probabilists' weight, i.e. for integrals against the
 * N(0,1) density: `E f(Z) ~ sum_i w_i f(x_i)`, exact for polynomials of degree <= 2n-1. Nodes are
 * the zeros of He_n, weights sum to 1.
 *
 * ## Method
 * Golub-Welsch: the nodes are the eigenvalues of the Jacobi matrix of the orthonormal Hermite
 * polynomials (zero diagonal, off-diagonal sqrt(k), k = 1..n-1), computed by implicit QL. Each
 * node is then polished by Newton's method on p_n (p_n' = sqrt(n) p_{n-1}) and the weight is
 * taken from the Christoffel function, `w_i = 1 / sum_{k<n} p_k(x_i)^2`, which is more accurate
 * than the squared eigenvector component. Finally the rule is symmetrized (x_{n-1-i} = -x_i,
 * the middle node of an odd rule exactly 0). Accurate to ~1e-15; the tests compare with
 * mpmath values to 1e-14. Results are cached.
 *
 * References:
 * - G. H. Golub and J. H. Welsch (1969), Calculation of Gauss quadrature rules, Mathematics of
 *   Computation 23, 221-230.
 * - P. J. Davis and P. Rabinowitz (1984), Methods of Numerical Integration, 2nd ed., ch. 2.7.
 *
 * @param n - number of points, 1 <= n <= GAUSS_HERMITE_MAX_POINTS
 * @returns the rule (shared, do not modify)
 * @example
 * gaussHermite(3); // nodes [-sqrt(3), 0, sqrt(3)], weights [1/6, 2/3, 1/6]
 */
export function gaussHermite(n: number): QuadratureRule1D {
  if (!Number.isInteger(n) || n < 1 || n > GAUSS_HERMITE_MAX_POINTS) {
    throw new RangeError(`gaussHermite: n must be an integer in [1, ${GAUSS_HERMITE_MAX_POINTS}]; received ${n}`);
  }
  const hit = cache.get(n);
  if (hit !== undefined) return hit;
  const off = new Float64Array(Math.max(0, n - 1));
  for (let k = 1; k < n; k++) off[k - 1] = Math.sqrt(k);
  const x = symmetricTridiagonalEigenvalues(new Float64Array(n), off);
  const w = new Float64Array(n);
  const tmp = new Float64Array(3);
  const sqrtN = Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    let xi = x[i] as number;
    for (let it = 0; it < 20; it++) {
      hermiteOrthonormal(n, xi, tmp);
      const dx = (tmp[1] as number) / (sqrtN * (tmp[0] as number));
      xi -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(xi))) break;
    }
    hermiteOrthonormal(n, xi, tmp);
    x[i] = xi;
    w[i] = 1 / (tmp[2] as number);
  }
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    const xs = 0.5 * ((x[j] as number) - (x[i] as number));
    const ws = 0.5 * ((w[i] as number) + (w[j] as number));
    x[i] = -xs;
    x[j] = xs;
    w[i] = ws;
    w[j] = ws;
  }
  if (n % 2 === 1) x[(n - 1) / 2] = 0;
  const rule = Object.freeze({ nodes: x, weights: w });
  cache.set(n, rule);
  return rule;
}
