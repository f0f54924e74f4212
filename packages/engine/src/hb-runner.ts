/**
 * The runner of the hierarchical Bayes sampler's passes over every (chain, individual): its
 * interface and the in-process runner (one worker, and the browser). The pool runner is
 * ./hb-pool.ts; ./hb-create.ts chooses between them (./hb-create-browser.ts in the browser).
 */
import type { ChoiceData } from '@mxl/core';
import { AbortError } from './engine.js';
import { allocateHbState, type HbModel, type HbPass, type HbState } from './hb-model.js';
import { HbStepper } from './hb-step.js';

/** Options of {@link createHbRunner}. */
export interface HbRunnerOptions {
  /** Worker threads (default: the machine's cores); 1 runs in-process unless `pool`. */
  workers?: number;
  /** Use the pool even for one worker. */
  pool?: boolean;
}

/** Runs the workers' passes; `state` is where the main thread reads and writes the chains. */
export interface HbRunner {
  readonly workers: number;
  readonly state: HbState;
  pass(pass: HbPass, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The passes on the calling thread. */
export class InProcessHbRunner implements HbRunner {
  readonly workers = 1;
  readonly state: HbState;
  private readonly stepper: HbStepper;

  constructor(private readonly data: ChoiceData, private readonly model: HbModel) {
    this.state = allocateHbState(model, data.nUnits, false);
    this.stepper = new HbStepper(data, model, this.state);
  }

  async pass(pass: HbPass, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new AbortError();
    for (let c = 0; c < this.model.chains; c++) this.stepper.run(pass, c, 0, this.data.nUnits);
  }

  async close(): Promise<void> {}
}
