/**
 * Nodes and weights of a rule as plain arrays, for display and export (`mxl nodes`).
 *
 * @packageDocumentation
 */

import type { IntegrationRule } from './rule.js';

/** Points as rows, with their weights. */
export interface NodeTable {
  /** `nodes[i][d]`: coordinate d of point i (standard normal scale). */
  readonly nodes: number[][];
  /** `weights[i]`, summing to 1. */
  readonly weights: number[];
}

/**
 * The nodes of integration unit 0 as rows, with their weights: for quadrature rules the shared
 * node set and its weights, for simulation rules the first unit's draws with equal weights
 * 1/R.
 *
 * @param rule - the rule
 * @param unit - which unit (default 0; irrelevant for quadrature)
 * @returns points as rows and weights
 * @example
 * nodesForFirstUnit(createRule({ rule: 'product', level: 2 }, 1));
 * // { nodes: [[-1], [1]], weights: [0.5, 0.5] }
 */
export function nodesForFirstUnit(rule: IntegrationRule, unit = 0): NodeTable {
  const S = rule.size;
  const D = rule.dim;
  const buf = new Float64Array(D * S);
  rule.fill(unit, buf);
  const nodes: number[][] = [];
  const weights: number[] = [];
  for (let i = 0; i < S; i++) {
    const row: number[] = new Array<number>(D);
    for (let d = 0; d < D; d++) row[d] = buf[d * S + i] as number;
    nodes.push(row);
    weights.push(rule.weights === null ? 1 / S : (rule.weights[i] as number));
  }
  return { nodes, weights };
}
