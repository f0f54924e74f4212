/**
 * The helper side of the hierarchical Bayes pool ({@link HbPool}): piscina
 * clones `workerData` (an {@link HbSetup}) into each thread, its typed arrays
 * in SharedArrayBuffers. Each helper runs one long task, {@link serve}: it
 * waits for the next generation of the control block (Atomics.wait), runs the pass written there by claiming
 * (chain, shard) items from the shared counter until none is left, as the
 * main thread does alongside it, counts itself done (the last one wakes the
 * main thread if it sleeps), and returns when told to stop. Every item owns
 * its individuals' slots of the state, so which thread runs it changes
 * nothing that is written.
 */
import { workerData } from 'node:worker_threads';
import { HbStepper } from './hb-step.js';
import { Ctl, decodePass, type HbSetup } from './hb-model.js';
import { runClaimedItems } from './hb-items.js';

/** Serves passes until the pool is closed; returns the number of passes served. */
export function serve(): number {
  const s = workerData as HbSetup;
  const st = new HbStepper(s.data, s.model, s.state, s.records);
  const ctl = s.control;
  let gen = 0, served = 0;
  for (;;) {
    Atomics.wait(ctl, Ctl.generation, gen);
    gen = Atomics.load(ctl, Ctl.generation);
    if (Atomics.load(ctl, Ctl.stop)) return served;
    runClaimedItems(st, s, decodePass(ctl));
    served++;
    if (Atomics.add(ctl, Ctl.done, 1) + 1 === s.helpers) Atomics.notify(ctl, Ctl.done);
  }
}
