/**
 * The passes of the hierarchical Bayes sampler on the main thread and a piscina pool of
 * `workers - 1` helper threads (at least one), all sharing the data and the chains' state
 * ({@link HbSetup}) and claiming (chain, shard) items from a shared counter, as the likelihood
 * engine's pool does (./pool.ts). Each individual's step reads only its own slots and its own
 * random stream, so the chains are identical for any number of workers.
 *
 * A sweep's pass is short (well under a millisecond on the benchmark panel), so a pass is not a
 * piscina task: each helper runs one long task (./hb-worker.ts's `serve`) that waits on a
 * generation counter in shared memory (Atomics.wait), runs the pass written next to it, and
 * counts itself done. The main thread, idle otherwise while a pass runs, starts the pass, claims
 * items like a helper, then waits for the helpers (Atomics.waitAsync, woken by the last helper's
 * Atomics.notify). This is a barrier in shared memory (ECMAScript 2017 Atomics) with one wake-up
 * per helper and pass, where a piscina task per pass and per worker cost about a third of a
 * sweep on 2 workers (messages both ways, and a sleeping main thread). Spinning before blocking
 * was tried and dropped: it made passes several times slower on a machine with more runnable
 * threads than cores. A helper that throws or dies rejects its serving task, which marks the pool failed and wakes
 * the pass in progress, which fails.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { toShared, type ChoiceData } from '@mxl/core';
import { AbortError, EngineError } from './engine.js';
import { hbRecords } from './hb-loglik.js';
import { runClaimedItems } from './hb-items.js';
import { allocateHbState, Ctl, encodePass, type HbModel, type HbPass, type HbSetup, type HbState } from './hb-model.js';
import type { HbRunner } from './hb-runner.js';
import { HbStepper } from './hb-step.js';
import { guidedShards } from './shards.js';

/** Atomics.waitAsync (ES2024, in Node since 16); the project's TypeScript lib predates it. */
interface AtomicsWithWaitAsync {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}
const hasWaitAsync = (a: typeof Atomics): a is typeof Atomics & AtomicsWithWaitAsync => typeof (a as Partial<AtomicsWithWaitAsync>).waitAsync === 'function';
if (!hasWaitAsync(Atomics)) throw new Error('Atomics.waitAsync is not available (Node 16 or later is needed)');
const waitAsync = Atomics.waitAsync.bind(Atomics);

export /** The passes on the main thread and a piscina pool over shared memory. */
class HbPool implements HbRunner {
  readonly state: HbState;
  private pool: Piscina | null;
  private readonly setup: HbSetup;
  private readonly stepper: HbStepper;
  private failed: Error | null = null;
  /** The helpers' serving tasks (each ends only at close(), or by failing). */
  private readonly serving: Promise<unknown>[];

  constructor(data: ChoiceData, model: HbModel, readonly workers: number) {
    this.state = allocateHbState(model, data.nUnits, true);
    const helpers = Math.max(1, workers - 1);
    this.setup = {
      data: toShared(data), records: hbRecords(data, true), model, state: this.state,
      shards: guidedShards(data, helpers + 1), helpers,
      control: new Int32Array(new SharedArrayBuffer(4 * Ctl.length)),
    };
    this.stepper = new HbStepper(this.setup.data, model, this.state, this.setup.records);
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./hb-worker.js', import.meta.url)),
      minThreads: helpers, maxThreads: helpers, idleTimeout: 2 ** 31 - 1,
      workerData: this.setup, concurrentTasksPerWorker: 1,
    });
    this.pool = pool;
    // a helper that fails (or stops before close()) marks the pool failed and wakes a waiting pass
    const fail = (e: unknown) => {
      this.failed ??= e instanceof Error ? e : new Error(String(e));
      Atomics.notify(this.setup.control, Ctl.done);
    };
    pool.on('error', fail);
    this.serving = Array.from({ length: helpers }, () => pool.run(null, { name: 'serve' }).then(
      (n: unknown) => { if (this.pool) fail(new Error('a helper thread stopped serving')); return n; },
      fail,
    ));
  }

  async pass(pass: HbPass, signal?: AbortSignal): Promise<void> {
    if (!this.pool || this.failed) throw new EngineError(this.failed ? `the worker pool has failed: ${this.failed.message}` : 'the sampler is closed');
    if (signal?.aborted) throw new AbortError();
    const ctl = this.setup.control, helpers = this.setup.helpers;
    encodePass(ctl, pass);
    Atomics.store(ctl, Ctl.next, 0);
    Atomics.store(ctl, Ctl.done, 0);
    Atomics.add(ctl, Ctl.generation, 1);
    Atomics.notify(ctl, Ctl.generation);
    try {
      runClaimedItems(this.stepper, this.setup, pass);
      for (;;) {
        if (this.failed) throw this.failed;
        const d = Atomics.load(ctl, Ctl.done);
        if (d >= helpers) return;
        const w = waitAsync(ctl, Ctl.done, d);
        if (w.async) await w.value;
      }
    } catch (e) {
      await this.close();
      throw new EngineError(`a worker of the hierarchical Bayes sampler failed: ${(e as Error)?.message ?? String(e)}; the worker pool was shut down`);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (!pool) return;
    const ctl = this.setup.control;
    Atomics.store(ctl, Ctl.stop, 1);
    Atomics.add(ctl, Ctl.generation, 1);
    Atomics.notify(ctl, Ctl.generation);
    await Promise.allSettled(this.serving);
    await pool.destroy();
  }
}
