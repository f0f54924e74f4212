/**
 * Gauss-Hermite product grids.
 *
 * @packageDocumentation
 */

import { gaussHermite } from './gauss-hermite.js';
import type { QuadratureGrid } from './quadrature-rule.js';

/**
 * The tensor product of D copies of the n-point Gauss-Hermite rule (see {@link gaussHermite}):
 * n^D nodes, exact for polynomials of degree <= 2n-1 in each variable. Node order: the first
 * dimension varies slowest (lexicographic order of the coordinates). Weights are the products of
 * the 1-D weights.
 *
 * Reference: P. J. Davis and P. Rabinowitz (1984), Methods of Numerical Integration, 2nd ed.,
 * section 5.6 (product rules).
 *
 * @param dim - dimensions D >= 1
 * @param n - points per dimension
 * @returns the grid
 * @example
 * productGrid(2, 3).size; // 9
 */
export function productGrid(dim: number, n: number): QuadratureGrid {
  const g = gaussHermite(n);
  const size = n ** dim;
  const nodes = new Float64Array(dim * size);
  const weights = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    let rest = r;
    let w = 1;
    for (let d = dim - 1; d >= 0; d--) {
      const i = rest % n;
      rest = (rest - i) / n;
      nodes[d * size + r] = g.nodes[i] as number;
      w *= g.weights[i] as number;
    }
    weights[r] = w;
  }
  return { dim, size, nodes, weights };
}
