/**
 * The worker side of the hierarchical Bayes pool ({@link HbPool}): piscina
 * clones `workerData` (an {@link HbSetup}) into each thread, its typed arrays
 * in SharedArrayBuffers. Each pass runs one task per worker; a task claims
 * (chain, shard) items from the shared counter until none is left. Every item
 * owns its individuals' slots of the state, so which worker runs it changes
 * nothing that is written.
 */
import { workerData } from 'node:worker_threads';
import { HbStepper } from './hb-step.js';
import type { HbPass, HbSetup } from './hb-model.js';

let stepper: HbStepper | null = null;

/** Runs `pass` on the items claimed from the shared counter; returns the number of items run. */
export default function runHbPass(pass: HbPass): number {
  const s = workerData as HbSetup;
  const st = (stepper ??= new HbStepper(s.data, s.model, s.state));
  const S = s.shards.length - 1, items = S * s.model.chains;
  let n = 0;
  for (;;) {
    const i = Atomics.add(s.control, 0, 1);
    if (i >= items) return n;
    const c = Math.floor(i / S), shard = i - c * S;
    st.run(pass, c, s.shards[shard], s.shards[shard + 1]);
    n++;
  }
}
