/**
 * The sampler's optional outputs as CSV: the kept draws of the population
 * parameters (`hb.draws`: chain, draw, then one column per parameter) and each
 * individual's posterior means and standard deviations of its random
 * coefficients (`hb.individuals`: id, then mean.<coef> and sd.<coef>).
 * Written to a temporary file and renamed, so a reader never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ChoiceData } from '@mxl/core';

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** A CSV field (quoted when it holds a comma, quote or newline). */
function field(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes the draws file. */
export function writeDraws(file: string, names: readonly string[], draws: readonly Float64Array[]): void {
  const P = names.length;
  const lines = [['chain', 'draw', ...names].map(field).join(',')];
  draws.forEach((d, c) => {
    for (let r = 0; r < d.length / P; r++) lines.push(`${c + 1},${r + 1},${Array.from(d.subarray(r * P, (r + 1) * P)).join(',')}`);
  });
  writeAtomic(file, lines.join('\n') + '\n');
}

/** Writes the individuals file (one row per integration unit: the individual in a panel). */
export function writeIndividuals(file: string, data: ChoiceData, coefficients: readonly string[], mean: Float64Array, sd: Float64Array): void {
  const Kr = coefficients.length;
  const lines = [['id', ...coefficients.flatMap((c) => [`mean.${c}`, `sd.${c}`])].map(field).join(',')];
  for (let u = 0; u < data.nUnits; u++) {
    const id = data.clusterIds?.[data.unitCluster[u]] ?? String(u + 1);
    const cells = [field(id)];
    for (let k = 0; k < Kr; k++) cells.push(String(mean[u * Kr + k]), String(sd[u * Kr + k]));
    lines.push(cells.join(','));
  }
  writeAtomic(file, lines.join('\n') + '\n');
}
