/**
 * Where a kernel's standardized draws come from: the integration rule's
 * points for a unit, standardized by the plan's draw kinds, made once per
 * kernel for a shared node set, cached per unit (possibly in shared memory),
 * or regenerated at every call.
 */
import { type CoefficientPlan, standardizeDraws } from './plan.js';
import type { DrawStore, KernelOptions, NodeSource } from './kernel-api.js';

/** Allocates a draw store for nUnits units of D×R draws (in a SharedArrayBuffer when `shared`). */
export function allocateDrawStore(nUnits: number, D: number, R: number, shared: boolean): DrawStore {
  const n = nUnits * D * R;
  const Buf = shared ? SharedArrayBuffer : ArrayBuffer;
  return { values: new Float64Array(new Buf(n * 8)), filled: new Uint8Array(new Buf(nUnits)) };
}

/** The draw store a kernel with D random dimensions uses for these options, or null when draws are not cached. */
export function drawStoreFor(D: number, nodes: NodeSource, nUnits: number, R: number, options: KernelOptions): DrawStore | null {
  const cache = D > 0 && !nodes.shared && (options.cacheDraws ?? true);
  return cache ? options.drawStore ?? allocateDrawStore(nUnits, D, R, false) : null;
}

/** A unit's standardized draws, dim-major D×R. One instance per kernel. */
export class UnitDraws {
  /** Offset of the current unit's draws in the array {@link of} returned. */
  offset = 0;
  private readonly e: Float64Array;
  private sharedDraws: Float64Array | null = null;

  constructor(private readonly plan: CoefficientPlan, private readonly nodes: NodeSource, private readonly R: number, private readonly store: DrawStore | null) {
    this.e = new Float64Array(Math.max(1, plan.D * R));
  }

  /** Unit u's draws, starting at `this.offset` of the returned array; valid until the next call. */
  of(u: number): Float64Array {
    const { plan, nodes, R, store } = this;
    this.offset = 0;
    if (plan.D === 0) return this.e;
    if (nodes.shared) {
      if (!this.sharedDraws) {
        const e = new Float64Array(plan.D * R);
        nodes.fill(0, e, plan.uniformDims);
        standardizeDraws(plan, R, e);
        this.sharedDraws = e;
      }
      return this.sharedDraws;
    }
    if (store) {
      const n = plan.D * R;
      if (!store.filled[u]) {
        const c = store.values.subarray(u * n, (u + 1) * n);
        nodes.fill(u, c, plan.uniformDims);
        standardizeDraws(plan, R, c);
        store.filled[u] = 1;
      }
      this.offset = u * n;
      return store.values;
    }
    nodes.fill(u, this.e, plan.uniformDims);
    standardizeDraws(plan, R, this.e);
    return this.e;
  }
}
