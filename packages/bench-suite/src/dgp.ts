/**
 * The simulated panel mixed logit used by the integration benchmark: one fixed price
 * coefficient and d independent normal random coefficients, written as a long CSV file and a
 * spec that `@mxl/estimation` reads.
 *
 * U_itj = -1 * price_itj + sum_k beta_ik x_itjk + eps_itj, beta_ik ~ N(b_k, s_k^2),
 * eps Type I extreme value; price ~ U(0.5, 2.5), x ~ N(0, 1).
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MT19937, normalQuantile } from '@mxl/integration';

/** Largest number of random coefficients the generator supports. */
export const MAX_SIM_DIM = 8;

/** True means of the random coefficients x1..x8 (the first d are used). */
const MEANS = [1.0, -0.8, 0.6, -0.5, 0.4, -0.3, 0.7, -0.6];
/** True standard deviations of the random coefficients x1..x8. */
const SDS = [0.8, 0.6, 0.7, 0.5, 0.6, 0.5, 0.4, 0.6];
/** The fixed price coefficient. */
const PRICE = -1.0;

/** Size and seed of one simulated data set. */
export interface SimDesign {
  dim: number;
  individuals: number;
  situations: number;
  alternatives: number;
  seed: number;
}

/** A simulated data set on disk. */
export interface SimData {
  /** The spec (parsed JSON) that estimates the model from the CSV. */
  spec: Record<string, unknown>;
  /** Path of the spec file (the data path in it is relative to this file's folder). */
  specFile: string;
  /** True parameter values by name, in the estimation's parameter naming. */
  truth: Record<string, number>;
}

/** Names of the random columns for dimension d. */
export function randomColumns(dim: number): string[] {
  return Array.from({ length: dim }, (_, k) => `x${k + 1}`);
}

/**
 * The true parameters for d random coefficients, named as the estimation names them
 * (`price`, `x1`..`xd`, `sd.x1`..`sd.xd`).
 */
export function trueValues(dim: number): Record<string, number> {
  checkDim(dim);
  const t: Record<string, number> = { price: PRICE };
  for (let k = 0; k < dim; k++) t[`x${k + 1}`] = MEANS[k] as number;
  for (let k = 0; k < dim; k++) t[`sd.x${k + 1}`] = SDS[k] as number;
  return t;
}

function checkDim(dim: number): void {
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_SIM_DIM) throw new RangeError(`dim must be an integer in [1, ${MAX_SIM_DIM}]; received ${dim}`);
}

/**
 * Simulates a data set and writes `data.csv` and `spec.json` into `dir`.
 *
 * @param dir - output folder (created)
 * @param design - sizes and seed
 * @returns the spec, its path and the true values
 */
export function simulatePanel(dir: string, design: SimDesign): SimData {
  const { dim, individuals: N, situations: T, alternatives: J, seed } = design;
  checkDim(dim);
  const rng = new MT19937();
  rng.seedArray([seed >>> 0, dim, 0x62656e63]);
  const u01 = (): number => rng.nextOpen();
  const norm = (): number => normalQuantile(rng.nextOpen());
  const cols = randomColumns(dim);
  const lines: string[] = [`id,task,alt,choice,price,${cols.join(',')}`];
  const beta = new Float64Array(dim);
  const x = new Float64Array(J * (dim + 1));
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < dim; k++) beta[k] = (MEANS[k] as number) + (SDS[k] as number) * norm();
    for (let t = 0; t < T; t++) {
      let best = 0;
      let bestU = -Infinity;
      for (let j = 0; j < J; j++) {
        const o = j * (dim + 1);
        x[o] = 0.5 + 2 * u01();
        let util = PRICE * (x[o] as number) - Math.log(-Math.log(u01()));
        for (let k = 0; k < dim; k++) {
          x[o + 1 + k] = norm();
          util += (beta[k] as number) * (x[o + 1 + k] as number);
        }
        if (util > bestU) {
          bestU = util;
          best = j;
        }
      }
      for (let j = 0; j < J; j++) {
        const o = j * (dim + 1);
        const vals: string[] = [];
        for (let k = 0; k <= dim; k++) vals.push((x[o + k] as number).toFixed(5));
        lines.push(`${i + 1},${t + 1},${j + 1},${j === best ? 1 : 0},${vals.join(',')}`);
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'data.csv'), lines.join('\n') + '\n');
  const spec: Record<string, unknown> = {
    data: { path: 'data.csv', id: 'id', situation: 'task', alt: 'alt', choice: 'choice' },
    model: { fixed: ['price'], random: Object.fromEntries(cols.map((c) => [c, 'normal'])) },
    integration: { rule: 'halton', draws: 100 },
    se: 'none',
    workers: 1,
  };
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec, null, 2) + '\n');
  return { spec, specFile, truth: trueValues(dim) };
}
