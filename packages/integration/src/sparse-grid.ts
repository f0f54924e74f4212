/**
 * Smolyak sparse grids on Gauss-Hermite (GQN) or Genz-Keister (KPN) rules, after Heiss and
 * Winschel (2008).
 *
 * @packageDocumentation
 */

import { gaussHermite, type QuadratureRule1D } from './gauss-hermite.js';
import { kpnRule } from './kpn.js';
import { neumaierSum } from './neumaier-sum.js';
import type { QuadratureGrid } from './quadrature-rule.js';

/** The two sparse-grid families: `gqn` (Gauss-Hermite, non-nested) and `kpn` (nested Genz-Keister). */
export type SparseFamily = 'gqn' | 'kpn';

/** Default cap on the number of tensor-product terms a sparse grid may enumerate before merging. */
export const SPARSE_MAX_TERMS = 5_000_000;

/**
 * A merged weight counts as zero when |w| <= ZERO_WEIGHT_RTOL x (sum of the absolute values of
 * the tensor-product weights merged into it): such a weight is exactly 0 in exact arithmetic
 * and only rounding residue in floating point.
 */
export const ZERO_WEIGHT_RTOL = 1e-12;

/** Options of {@link sparseGrid}. */
export interface SparseGridOptions {
  /**
   * Drop the nodes whose merged weight cancels to zero (see {@link ZERO_WEIGHT_RTOL}).
   * Default false: keep every distinct node, which reproduces the node counts of Heiss and
   * Winschel's `nwspgr` and pyblp's `sparse_grid` (e.g. 7 nodes for KPN, D = 3, k = 2, the
   * origin among them with weight 0).
   */
  readonly dropZeroWeights?: boolean;
  /** Cap on the tensor-product terms enumerated (default {@link SPARSE_MAX_TERMS}). */
  readonly maxTerms?: number;
  /**
   * Divide the weights by their (compensated) sum, as pyblp does, and move the rounding
   * residual of that division onto the largest weight of magnitude <= 1, so that the compensated sum of the
   * stored weights is 1 to ~1e-16 (default true). The Smolyak weights sum to 1 in exact
   * arithmetic; in floating point the raw sum is off by up to ~1e-12 for D = 10, k = 5 because
   * the tensor terms cancel heavily (sum |w| up to ~6e3).
   */
  readonly normalize?: boolean;
}

/**
 * Binomial coefficient C(n, k) for small arguments.
 *
 * @param n - n >= 0
 * @param k - k
 * @returns C(n, k), 0 outside 0 <= k <= n
 */
function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * Calls `visit` with every vector i of `dim` positive integers summing to `total`
 * (the same array, modified in place).
 *
 * @param dim - length
 * @param total - sum
 * @param visit - callback
 */
function compositions(dim: number, total: number, visit: (i: Int32Array) => void): void {
  const idx = new Int32Array(dim);
  const rec = (j: number, left: number): void => {
    if (j === dim - 1) {
      idx[j] = left;
      visit(idx);
      return;
    }
    for (let v = 1; v <= left - (dim - 1 - j); v++) {
      idx[j] = v;
      rec(j + 1, left - v);
    }
  };
  if (total >= dim) rec(0, total);
}

/**
 * The one-dimensional rule at accuracy level `i` of a family.
 *
 * @param family - gqn or kpn
 * @param i - level >= 1
 * @returns the rule
 */
export function sparseBaseRule(family: SparseFamily, i: number): QuadratureRule1D {
  return family === 'gqn' ? gaussHermite(i) : kpnRule(i);
}

/**
 * Number of tensor-product terms the Smolyak formula enumerates (before merging), to bound the
 * work before building.
 *
 * @param dim - dimensions
 * @param level - accuracy level k
 * @param family - gqn or kpn
 * @returns the count
 */
export function sparseGridTerms(dim: number, level: number, family: SparseFamily): number {
  const sizes: number[] = [0];
  for (let i = 1; i <= level; i++) sizes.push(sparseBaseRule(family, i).nodes.length);
  // ways[j][t] = sum over compositions of t into j positive parts of the product of sizes
  let ways = new Float64Array(dim + level + 1);
  ways[0] = 1;
  for (let j = 0; j < dim; j++) {
    const next = new Float64Array(dim + level + 1);
    for (let t = 0; t < ways.length; t++) {
      const w = ways[t] as number;
      if (w === 0) continue;
      for (let i = 1; i <= level && t + i < next.length; i++) next[t + i] = (next[t + i] as number) + w * (sizes[i] as number);
    }
    ways = next;
  }
  let total = 0;
  for (let q = Math.max(0, level - dim); q < level; q++) total += ways[dim + q] as number;
  return total;
}

/**
 * The Smolyak sparse grid of Heiss and Winschel (2008) for integrals against the
 * D-dimensional standard normal density, exact for polynomials of total degree <= 2k-1.
 *
 * ## Method
 * Smolyak's combination formula with accuracy level k (HW's eq. 7):
 *
 *   A_{D,k} = sum_{q = max(0, k-D)}^{k-1} (-1)^{k-1-q} C(D-1, D+q-k)
 *             sum_{i in N^D, |i| = D+q} U_{i_1} x ... x U_{i_D},
 *
 * where U_i is the one-dimensional rule of level i: the i-point Gauss-Hermite rule (`gqn`) or
 * the KPN rule of level i (`kpn`, see {@link kpnRule}). Identical nodes (same coordinates bit
 * for bit, which nested and symmetric rules produce) are merged by summing their weights, as in
 * HW's `nwspgr.m` and pyblp's `sparse_grid`; this gives their node counts. Some merged weights
 * cancel to zero (the origin of the KPN grid for D = 3, k = 2: 3 x 2/3 - 2 x 1); with
 * `dropZeroWeights` those nodes are removed, which changes no integral but saves likelihood
 * evaluations (the `sparse-gqn`/`sparse-kpn` rules do this). Merged weights are accumulated with
 * compensated summation and, by default, normalized to sum to 1 (as pyblp does). Nodes are
 * sorted lexicographically by coordinates (HW's `sortrows`).
 *
 * References:
 * - S. A. Smolyak (1963), Quadrature and interpolation formulas for tensor products of certain
 *   classes of functions, Soviet Math. Dokl. 4, 240-243.
 * - F. Heiss and V. Winschel (2008), Likelihood approximation by numerical integration on sparse
 *   grids, Journal of Econometrics 144(1), 62-80.
 *
 * @param dim - dimensions D >= 1
 * @param level - accuracy level k >= 1
 * @param family - `gqn` or `kpn`
 * @param options - see {@link SparseGridOptions}
 * @returns the grid
 * @throws {RangeError} if the grid would need more than `maxTerms` terms
 * @example
 * sparseGrid(2, 2, 'kpn').size; // 5
 */
export function sparseGrid(dim: number, level: number, family: SparseFamily, options: SparseGridOptions = {}): QuadratureGrid {
  const maxTerms = options.maxTerms ?? SPARSE_MAX_TERMS;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`sparseGrid: dim must be a positive integer; received ${dim}`);
  if (!Number.isInteger(level) || level < 1) throw new RangeError(`sparseGrid: level must be a positive integer; received ${level}`);
  const terms = sparseGridTerms(dim, level, family);
  if (terms > maxTerms) {
    throw new RangeError(`sparseGrid: ${family} level ${level} in ${dim} dimensions needs ${terms} tensor terms, above the limit of ${maxTerms}`);
  }
  // One-dimensional rules and a global numbering of their distinct node values.
  const rules: QuadratureRule1D[] = [];
  const ids: Int32Array[] = [];
  const values: number[] = [];
  const idOf = new Map<number, number>();
  for (let i = 1; i <= level; i++) {
    const r = sparseBaseRule(family, i);
    rules.push(r);
    const a = new Int32Array(r.nodes.length);
    for (let j = 0; j < a.length; j++) {
      const x = r.nodes[j] as number;
      let id = idOf.get(x);
      if (id === undefined) {
        id = values.length;
        values.push(x);
        idOf.set(x, id);
      }
      a[j] = id;
    }
    ids.push(a);
  }
  const B = values.length;
  const numericKey = Math.pow(B, dim) < 9007199254740992;
  const index = new Map<number | string, number>();
  const nodeIds: number[] = []; // flattened, dim per node
  const w: number[] = []; // merged weights (Neumaier sums)
  const comp: number[] = []; // their compensation terms
  const mag: number[] = [];
  const pos = new Int32Array(dim);
  const key = new Int32Array(dim);
  for (let q = Math.max(0, level - dim); q < level; q++) {
    const coef = (level - 1 - q) % 2 === 0 ? binomial(dim - 1, dim + q - level) : -binomial(dim - 1, dim + q - level);
    compositions(dim, dim + q, (lv) => {
      // odometer over the tensor product of rules lv[0..dim)
      pos.fill(0);
      for (;;) {
        let weight = coef;
        for (let j = 0; j < dim; j++) {
          const li = (lv[j] as number) - 1;
          const p = pos[j] as number;
          weight *= (rules[li] as QuadratureRule1D).weights[p] as number;
          key[j] = (ids[li] as Int32Array)[p] as number;
        }
        let k: number | string;
        if (numericKey) {
          k = 0;
          for (let j = 0; j < dim; j++) k = k * B + (key[j] as number);
        } else {
          k = key.join(',');
        }
        const at = index.get(k);
        if (at === undefined) {
          index.set(k, w.length);
          w.push(weight);
          comp.push(0);
          mag.push(Math.abs(weight));
          for (let j = 0; j < dim; j++) nodeIds.push(key[j] as number);
        } else {
          // Neumaier summation: the merged weights cancel heavily (sum |w| reaches 1e3-1e4).
          const a = w[at] as number;
          const t = a + weight;
          comp[at] = (comp[at] as number) + (Math.abs(a) >= Math.abs(weight) ? a - t + weight : weight - t + a);
          w[at] = t;
          mag[at] = (mag[at] as number) + Math.abs(weight);
        }
        let j = dim - 1;
        while (j >= 0) {
          const n = (rules[(lv[j] as number) - 1] as QuadratureRule1D).nodes.length;
          pos[j] = (pos[j] as number) + 1;
          if ((pos[j] as number) < n) break;
          pos[j] = 0;
          j--;
        }
        if (j < 0) break;
      }
    });
  }
  for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) + (comp[i] as number);
  const dropZero = options.dropZeroWeights === true;
  const keep: number[] = [];
  for (let i = 0; i < w.length; i++) {
    if (!dropZero || Math.abs(w[i] as number) > ZERO_WEIGHT_RTOL * (mag[i] as number)) keep.push(i);
  }
  keep.sort((a, b) => {
    for (let j = 0; j < dim; j++) {
      const d = (values[nodeIds[a * dim + j] as number] as number) - (values[nodeIds[b * dim + j] as number] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  const size = keep.length;
  const nodes = new Float64Array(dim * size);
  const weights = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    const i = keep[r] as number;
    weights[r] = w[i] as number;
    for (let j = 0; j < dim; j++) nodes[j * size + r] = values[nodeIds[i * dim + j] as number] as number;
  }
  if (options.normalize !== false) {
    const total = neumaierSum(weights);
    for (let r = 0; r < size; r++) weights[r] = (weights[r] as number) / total;
    // The divisions round each weight; put the (~1e-13) residual on the largest weight of
    // magnitude <= 1 (fine enough ulp to absorb it, relative change < 1e-12) so that the
    // stored doubles sum to 1 to within the rounding of a compensated sum.
    let pick = 0;
    let best = -1;
    for (let r = 0; r < size; r++) {
      const a = Math.abs(weights[r] as number);
      if (a <= 1 && a > best) {
        best = a;
        pick = r;
      }
    }
    weights[pick] = (weights[pick] as number) + (1 - neumaierSum(weights));
  }
  return { dim, size, nodes, weights };
}
