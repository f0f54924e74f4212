/**
 * The library use shown in the README, as it is written there: estimate from a
 * spec object, then post-estimation, with an AbortSignal and progress.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataSet, ELECTRICITY_DIR, readmeLibraryExample } from './shared.js';
// --- README: Library use ---
import { estimate, prepare, formatTable, Predictor } from 'mxl';

async function example(dataDir: string) {
  const spec = {
    data: { path: path.join(dataDir, 'electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
    model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
    integration: { rule: 'halton', draws: 100 },
  };
  const problem = await prepare(spec);                 // load and check once; reuse for estimation and prediction
  const controller = new AbortController();      // controller.abort() stops a running estimation
  const result = await estimate(problem, {
    workers: 2,
    signal: controller.signal,
    onIteration: (it) => { if (it.iteration % 10 === 0) console.log(`iteration ${it.iteration}: -LL ${it.f.toFixed(4)}`); },
  });
  console.log(formatTable(result));
  const predictor = new Predictor(problem, result);
  const shares = await predictor.shares();                            // predicted vs observed
  const elasticities = await predictor.elasticities('pf', { se: true }); // with delta-method SEs
  const individuals = predictor.individual('pf');               // conditional means, sds, WTP
  return { result, shares, elasticities, individuals };
}

/** Data already in memory (a database query, a data frame): `columns` in place of `path`. */
async function fromColumns(columns: Record<string, Float64Array | Int32Array | string[]>) {
  const spec = {
    data: { columns, id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
    model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
    integration: { rule: 'halton', draws: 100 },
  };
  return estimate(spec, { workers: 2 });  // Float64Arrays of finite numbers are used without a copy
}
// --- end ---

/** The electricity CSV as typed columns (the test's own reader, independent of mxl's). */
function electricityColumns(file: string): Record<string, Float64Array | Int32Array | string[]> {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (name: string) => rows.map((r) => r[header.indexOf(name)]);
  return {
    id: Int32Array.from(col('id'), Number),
    chid: Int32Array.from(col('chid'), Number),
    alt: col('alt'),
    choice: Float64Array.from(col('choice'), Number),
    ...Object.fromEntries(['pf', 'cl', 'loc', 'wk', 'tod', 'seas'].map((c) => [c, Float64Array.from(col(c), Number)])),
  };
}

describe('library use (README example)', () => {
  it('is the code the README shows', () => {
    const here = readFileSync(new URL(import.meta.url), 'utf8').split('// --- README: Library use ---\n')[1].split('// --- end ---')[0];
    expect(readmeLibraryExample()).toBe(`import * as path from 'node:path';\n${here}`);
  });

  it('relative data paths start at baseDir; the older (spec, specFile, options) form still works', async () => {
    const spec = {
      data: { path: 'electricity_long.csv', id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
      model: { fixed: ['pf', 'cl', 'loc', 'wk', 'tod', 'seas'] },
    };
    const a = await estimate(spec, { baseDir: ELECTRICITY_DIR, workers: 1 });
    const b = await estimate(spec, path.join(ELECTRICITY_DIR, 'spec.json'), { workers: 1 });
    expect(a.loglik).toBe(b.loglik);
    expect(a.sample.file).toBe(dataSet('electricity_long.csv'));
    await expect(prepare(spec, { baseDir: '/nonexistent' })).rejects.toThrow(/nonexistent\/electricity_long\.csv: file not found/);
  });

  it('in-memory columns give the published electricity fit, as the file does', async () => {
    const result = await fromColumns(electricityColumns(dataSet('electricity_long.csv')));
    expect(Math.abs(result.loglik - -3952.4877325)).toBeLessThan(1e-3);
    expect(result.sample.file).toBe('data.columns');
    expect(result.timings.loadSeconds).toBeGreaterThanOrEqual(0);
  });

  it('runs as written and gives the published electricity estimates', async () => {
    const { result, shares, elasticities, individuals } = await example(ELECTRICITY_DIR);
    expect(Math.abs(result.loglik - -3952.4877325)).toBeLessThan(1e-3);
    expect(shares.predicted.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(elasticities.values[0][0]).toBeLessThan(0);
    expect(elasticities.se![0][0]).toBeGreaterThan(0);
    expect(individuals.ids.length).toBe(361);
  });
});
