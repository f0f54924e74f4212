/** The options of `estimate` (./estimate.ts), apart so that the estimators' modules can name them without importing the estimation itself. */
import type { createEngine } from '@mxl/engine';
import type { IterationInfo } from '@mxl/optim';

/** Options of `estimate`. */
export interface EstimateOptions {
  /** Overrides spec.workers. */
  workers?: number;
  onIteration?: (info: IterationInfo) => void;
  signal?: AbortSignal;
  /** Engine construction (tests inject faults through it). */
  engineFactory?: typeof createEngine;
  /**
   * Checkpoint file (see ./checkpoint.ts): every answer of the objective is
   * logged there, and a run of the same spec and data replays it and goes on.
   */
  checkpoint?: string;
  /** Told how many logged evaluations a resumed run will replay. */
  onResume?: (logged: number) => void;
  /** Estimator "hb": called every 100 sweeps with the sweep, the total and the last sweep's acceptance rate. */
  onSweep?: (sweep: number, total: number, acceptance: number) => void;
  /** Estimator "hb" with a checkpoint: told the sweeps already done (of the total) when the chains resume from it. */
  onResumeSweep?: (sweep: number, total: number) => void;
}
