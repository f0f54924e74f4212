/**
 * The built-in data-generating process: a panel mixed logit with one fixed and
 * three independent normal coefficients. `mxl` with no arguments simulates it
 * with a fixed seed, estimates it and prints the estimates beside the truth.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { simulateText, simulationSpec, TRUTH, type SimulationOptions } from './simulate-text.js';

export { EXAMPLE_INTEGRATION, exampleSpec, simulateText, simulationSpec, TRUTH, type SimulationOptions } from './simulate-text.js';

/**
 * Simulates the DGP and writes `data.csv`, `spec.json`, `truth.json` and
 * `betas.csv` (each individual's true coefficients) into `dir`.
 * Utilities U = x·beta_i + Gumbel noise; beta_i drawn once per individual.
 * @returns the file paths
 */
export function simulate(dir: string, o: SimulationOptions = {}): { data: string; spec: string; truth: string; betas: string } {
  const text = simulateText(o);
  mkdirSync(dir, { recursive: true });
  const files = { data: path.join(dir, 'data.csv'), spec: path.join(dir, 'spec.json'), truth: path.join(dir, 'truth.json'), betas: path.join(dir, 'betas.csv') };
  writeFileSync(files.data, text.data);
  writeFileSync(files.spec, JSON.stringify(simulationSpec(), null, 2) + '\n');
  writeFileSync(files.truth, JSON.stringify(TRUTH, null, 2) + '\n');
  writeFileSync(files.betas, text.betas);
  return files;
}
