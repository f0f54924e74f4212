import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exampleSpec, simulate, TRUTH } from '@mxl/estimation';
import { estimateCommand } from './estimate.js';

/**
 * The built-in example: simulate the built-in panel mixed logit (2,000
 * individuals × 8 situations × 4 alternatives, 1 fixed and 3 normal
 * coefficients, fixed seed), estimate it with the example's integration
 * (512 Owen-scrambled Sobol' points: a fit whose simulation error is small,
 * see `EXAMPLE_INTEGRATION`) and print the table beside the truth.
 */
export async function demoCommand(o: { dir?: string; workers?: number; signal?: AbortSignal }): Promise<void> {
  const dir = path.resolve(o.dir ?? path.join(os.tmpdir(), `mxl-demo-${process.pid}`));
  const files = simulate(dir);
  writeFileSync(files.spec, JSON.stringify(exampleSpec(), null, 2) + '\n');
  process.stderr.write(`mxl: simulated the built-in example into ${dir}\n`);
  await estimateCommand(files.spec, { workers: o.workers, truth: { ...TRUTH }, signal: o.signal });
}
