/**
 * What the main thread and the helper threads of the hierarchical Bayes pool
 * (./hb-pool.ts, ./hb-worker.ts) both do in a pass: claim (chain, shard)
 * items from the shared counter and run them, until none is left.
 */
import type { HbStepper } from './hb-step.js';
import { Ctl, type HbPass, type HbSetup } from './hb-model.js';

/** Runs `pass` on the items claimed from the shared counter; returns the number run. */
export function runClaimedItems(st: HbStepper, s: HbSetup, pass: HbPass): number {
  const S = s.shards.length - 1, items = S * s.model.chains;
  let n = 0;
  for (;;) {
    const i = Atomics.add(s.control, Ctl.next, 1);
    if (i >= items) return n;
    const c = Math.floor(i / S), shard = i - c * S;
    st.run(pass, c, s.shards[shard], s.shards[shard + 1]);
    n++;
  }
}
