/**
 * The library use shown in the README, as it is written there: estimate from a
 * spec object, then post-estimation, with an AbortSignal and progress.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA } from './shared.js';
// --- README: Library use ---
import { estimate, prepare, formatTable } from '@mxl/estimation';
import { Predictor } from '@mxl/postestimation';

async function example(dataDir: string) {
  const spec = {
    data: { path: path.join(dataDir, 'electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
    model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
    integration: { rule: 'halton', draws: 100 },
  };
  const problem = await prepare(spec, null);           // load and check once; reuse for estimation and prediction
  const controller = new AbortController();      // controller.abort() stops a running estimation
  const result = await estimate(problem, null, {
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
// --- end ---

describe('library use (README example)', () => {
  it('runs as written and gives the published electricity estimates', async () => {
    const { result, shares, elasticities, individuals } = await example(DATA);
    expect(Math.abs(result.loglik - -3952.4877325)).toBeLessThan(1e-3);
    expect(shares.predicted.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(elasticities.values[0][0]).toBeLessThan(0);
    expect(elasticities.se![0][0]).toBeGreaterThan(0);
    expect(individuals.ids.length).toBe(361);
  });
});
