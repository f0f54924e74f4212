import type { NodeSource } from '@mxl/core';

/**
 * The node source whose unit u reads `nodes`' points of unit u + offset:
 * draws independent of those of units 0..N-1 when offset >= N (MSM's
 * instruments). Shared node sets (quadrature) and offset 0 are returned as they are.
 */
export function offsetNodes(nodes: NodeSource, offset: number): NodeSource {
  if (!offset || nodes.shared) return nodes;
  return { size: nodes.size, weights: nodes.weights, shared: false, fill: (u, out, uni) => nodes.fill(u + offset, out, uni) };
}
