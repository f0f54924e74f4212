/**
 * The IntegrationRule wrapper for quadrature grids (product and sparse), whose single node set
 * is shared by every integration unit.
 *
 * @packageDocumentation
 */

import { normalCdf } from './normal.js';
import type { IntegrationRule } from './rule.js';
import { checkFillArgs } from './simulation.js';

/** A multi-dimensional quadrature rule for the D-dimensional standard normal density. */
export interface QuadratureGrid {
  /** Dimensions D. */
  readonly dim: number;
  /** Number of nodes. */
  readonly size: number;
  /** Nodes, dim-major: `nodes[d * size + i]`. */
  readonly nodes: Float64Array;
  /** Weights, length `size`, summing to 1 (sparse grids: some negative). */
  readonly weights: Float64Array;
}

/** Names of the quadrature rules. */
export type QuadratureName = 'product' | 'sparse-gqn' | 'sparse-kpn';

/**
 * A quadrature rule as an {@link IntegrationRule}: the node set is computed once at
 * construction and stored once (`shared: true`); `fill` copies it for any unit. The uniform
 * version of a node (for `uniform[d] === 1`) is Phi(z), also precomputed.
 */
export class QuadratureRule implements IntegrationRule {
  readonly name: QuadratureName;
  readonly shared = true;
  readonly dim: number;
  readonly size: number;
  readonly weights: Float64Array;
  /** The `level` option (points per dimension for `product`, accuracy k for sparse grids). */
  readonly level: number;
  /** Standard-normal nodes, dim-major. */
  private readonly z: Float64Array;
  /** Phi of the nodes, dim-major. */
  private readonly u: Float64Array;

  /**
   * @param name - rule name
   * @param level - the level option that produced the grid
   * @param grid - nodes and weights
   */
  constructor(name: QuadratureName, level: number, grid: QuadratureGrid) {
    this.name = name;
    this.level = level;
    this.dim = grid.dim;
    this.size = grid.size;
    this.weights = grid.weights;
    this.z = grid.nodes;
    this.u = new Float64Array(grid.nodes.length);
    for (let i = 0; i < this.u.length; i++) this.u[i] = normalCdf(grid.nodes[i] as number);
  }

  /**
   * {@inheritDoc IntegrationRule.fill}
   * The unit index is only checked: every unit gets the same nodes.
   */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void {
    const S = this.size;
    checkFillArgs(unit, out, this.dim * S, Number.MAX_SAFE_INTEGER);
    if (uniform == null) {
      out.set(this.z);
      return;
    }
    for (let d = 0; d < this.dim; d++) {
      const src = uniform[d] === 1 ? this.u : this.z;
      const o = d * S;
      for (let i = 0; i < S; i++) out[o + i] = src[o + i] as number;
    }
  }

  /** {@inheritDoc IntegrationRule.toJSON} */
  toJSON(): { rule: QuadratureName; level: number } {
    return { rule: this.name, level: this.level };
  }

  /** {@inheritDoc IntegrationRule.toString} */
  toString(): string {
    return `${this.name}(level=${this.level}, nodes=${this.size})`;
  }
}
