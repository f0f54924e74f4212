/**
 * The nested Genz-Keister (KPN) one-dimensional rules of Heiss and Winschel's sparse grids.
 *
 * @packageDocumentation
 */

import type { QuadratureRule1D } from './gauss-hermite.js';
import { KPN_LEVEL_TO_SIZE, KPN_RULES } from './kpn-tables.js';

/** Highest tabulated KPN accuracy level. */
export const KPN_MAX_LEVEL = KPN_LEVEL_TO_SIZE.length;

const cache = new Map<number, QuadratureRule1D>();

/**
 * The KPN rule used at accuracy level `level` of a Heiss-Winschel sparse grid: the nested
 * Genz-Keister rule of size `KPN_LEVEL_TO_SIZE[level-1]` (1, 3, 3, 7, 9, 9, 9, 9, 17, 19, ...),
 * for integrals against the N(0,1) density. Level i integrates polynomials of degree 2i-1
 * exactly (often more); the rules are nested, so the sparse grid reuses nodes across levels.
 * Nodes are increasing and exactly symmetric; weights sum to 1 and can be negative for the
 * larger rules.
 *
 * References:
 * - A. Genz and B. D. Keister (1996), J. Comput. Appl. Math. 71(2), 299-309.
 * - F. Heiss and V. Winschel (2008), Journal of Econometrics 144(1), 62-80.
 *
 * @param level - accuracy level, integer in [1, KPN_MAX_LEVEL]
 * @returns the rule (shared, do not modify)
 * @example
 * kpnRule(2); // nodes [-sqrt(3), 0, sqrt(3)], weights [1/6, 2/3, 1/6]
 */
export function kpnRule(level: number): QuadratureRule1D {
  if (!Number.isInteger(level) || level < 1 || level > KPN_MAX_LEVEL) {
    throw new RangeError(`kpnRule: level must be an integer in [1, ${KPN_MAX_LEVEL}]; received ${level}`);
  }
  const size = KPN_LEVEL_TO_SIZE[level - 1] as number;
  const hit = cache.get(size);
  if (hit !== undefined) return hit;
  const [, pos, posW] = KPN_RULES[size] as readonly [number, readonly number[], readonly number[]];
  const h = pos.length - 1; // pos[0] = 0
  const nodes = new Float64Array(size);
  const weights = new Float64Array(size);
  for (let i = 0; i <= h; i++) {
    nodes[h - i] = -(pos[i] as number);
    nodes[h + i] = pos[i] as number;
    weights[h - i] = posW[i] as number;
    weights[h + i] = posW[i] as number;
  }
  nodes[h] = 0; // not -0
  const rule = Object.freeze({ nodes, weights });
  cache.set(size, rule);
  return rule;
}

/**
 * The polynomial degree up to which the KPN rule of a level is exact (from the published table).
 *
 * @param level - accuracy level in [1, KPN_MAX_LEVEL]
 * @returns the degree
 */
export function kpnDegree(level: number): number {
  kpnRule(level);
  return (KPN_RULES[KPN_LEVEL_TO_SIZE[level - 1] as number] as readonly [number, ...unknown[]])[0];
}
