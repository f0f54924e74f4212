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

/**
 * Guided shards (guided self-scheduling, Polychronopoulos and Kuck 1987):
 * each shard takes 1/(factor·workers) of the work still unassigned, but at
 * least `minShare` of the total, so shards shrink geometrically towards the
 * end. Workers claim them in order from a shared counter: the large early
 * shards keep per-shard overhead low, the small last ones leave little idle
 * time at the end of an evaluation when one worker runs slower than the other.
 * Boundaries depend only on the data and `workers`, and are fixed for the
 * whole estimation.
 */
export function guidedShards(data: ChoiceData, workers: number, factor = 2, minShare = 1 / (256 * workers)): Int32Array {
  const N = data.nUnits;
  const rowsOf = (u: number) => data.sitRow[data.unitSit[u + 1]] - data.sitRow[data.unitSit[u]];
  const total = data.sitRow[data.unitSit[N]] - data.sitRow[data.unitSit[0]];
  const minWork = Math.max(1, minShare * total);
  const bounds = [0];
  let remaining = total;
  let acc = 0;
  let target = Math.max(minWork, remaining / (factor * workers));
  for (let u = 0; u < N; u++) {
    acc += rowsOf(u);
    if (acc >= target && u + 1 < N) {
      bounds.push(u + 1);
      remaining -= acc;
      acc = 0;
      target = Math.max(minWork, remaining / (factor * workers));
    }
  }
  bounds.push(N);
  return Int32Array.from(bounds);
}
