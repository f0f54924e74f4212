/**
 * The passes of the hierarchical Bayes sampler on a piscina pool whose threads share the data
 * and the chains' state ({@link HbSetup}) and claim (chain, shard) items from a shared counter,
 * as the likelihood engine's pool does (./pool.ts). Each individual's step reads only its own
 * slots and its own random stream, so the chains are identical for any number of workers.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { toShared, type ChoiceData } from '@mxl/core';
import { AbortError, EngineError } from './engine.js';
import { allocateHbState, type HbModel, type HbPass, type HbSetup, type HbState } from './hb-model.js';
import type { HbRunner } from './hb-runner.js';
import { guidedShards } from './shards.js';

export /** The passes on a piscina pool over shared memory. */
class HbPool implements HbRunner {
  readonly state: HbState;
  private pool: Piscina | null;
  private readonly setup: HbSetup;
  private failed: Error | null = null;

  constructor(data: ChoiceData, model: HbModel, readonly workers: number) {
    this.state = allocateHbState(model, data.nUnits, true);
    this.setup = {
      data: toShared(data), model, state: this.state,
      shards: guidedShards(data, workers),
      control: new Int32Array(new SharedArrayBuffer(4)),
    };
    this.pool = new Piscina({
      filename: fileURLToPath(new URL('./hb-worker.js', import.meta.url)),
      minThreads: workers, maxThreads: workers, idleTimeout: 2 ** 31 - 1,
      workerData: this.setup, concurrentTasksPerWorker: 1,
    });
    this.pool.on('error', (e: Error) => { this.failed ??= e; });
  }

  async pass(pass: HbPass, signal?: AbortSignal): Promise<void> {
    const pool = this.pool;
    if (!pool) throw new EngineError(this.failed ? `the worker pool has failed: ${this.failed.message}` : 'the sampler is closed');
    if (signal?.aborted) throw new AbortError();
    Atomics.store(this.setup.control, 0, 0);
    const tasks: Promise<number>[] = [];
    for (let w = 0; w < this.workers; w++) tasks.push(pool.run(pass, signal ? { signal } : {}) as Promise<number>);
    const settled = await Promise.allSettled(tasks);
    const bad = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (bad) {
      if (signal?.aborted || (bad.reason as Error)?.name === 'AbortError') throw new AbortError();
      await this.close();
      throw new EngineError(`a worker of the hierarchical Bayes sampler failed: ${(bad.reason as Error)?.message ?? String(bad.reason)}; the worker pool was shut down`);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }
}
