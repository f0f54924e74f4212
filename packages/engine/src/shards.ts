/**
 * Splitting units into shards balanced by work. A unit's work is its number of
 * rows times the nodes per unit (equal for every unit, so rows decide).
 * Shards are contiguous ranges fixed for the whole estimation.
 */
import type { ChoiceData } from '@mxl/core';

/** Returns shard boundaries b[0]=0 < ... < b[S]=nUnits (S ≤ count, no empty shard). */
export function balancedShards(data: ChoiceData, count: number): Int32Array {
  const N = data.nUnits;
  const S = Math.max(1, Math.min(count, N));
  const rowsOf = (u: number) => data.sitRow[data.unitSit[u + 1]] - data.sitRow[data.unitSit[u]];
  const total = data.sitRow[data.unitSit[N]] - data.sitRow[data.unitSit[0]];
  const bounds = [0];
  let acc = 0;
  for (let u = 0; u < N; u++) {
    acc += rowsOf(u);
    const k = bounds.length; // next boundary index
    const remainingUnits = N - (u + 1);
    const remainingShards = S - k;
    if (k < S && (acc >= (total * k) / S || remainingUnits === remainingShards) && remainingUnits >= remainingShards) {
      bounds.push(u + 1);
    }
  }
  if (bounds[bounds.length - 1] !== N) bounds.push(N);
  return Int32Array.from(bounds);
}
