/**
 * Sign reflections of the spreads (issue: simulation error that flips with a
 * spread's sign). On electricity (six normals, Halton R = 100) the reflected
 * LLs are the ones measured independently (sd.seas +24.96, sd.tod +5.42,
 * sd.pf -17.71), the published fit stays where it is with a warning, and
 * "search" climbs to -3920.67; with many well-spread draws on simulated data
 * the reflections change the LL by little and nothing is flagged.
 */
import * as path from 'node:path';
import { readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { estimate, prepare, reflectionsOf, simulate, type EstimationResult } from '@mxl/estimation';
import { dataSet } from './shared.js';

const ELEC = {
  data: { path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
  model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
  integration: { rule: 'halton', draws: 100 },
  workers: 2,
};
const change = (r: EstimationResult, p: string) => r.reflections.find((x) => x.parameter === p)!.llChange;

describe('sign reflections of the spreads', () => {
  it('check (default): electricity keeps its published fit, reports every reflection and warns', async () => {
    const r = await estimate(ELEC, null);
    expect(r.loglik).toBeCloseTo(-3952.4877, 3);
    expect(r.reflections.map((x) => x.parameter)).toEqual(['sd.pf', 'sd.cl', 'sd.loc', 'sd.wk', 'sd.tod', 'sd.seas']);
    expect(change(r, 'sd.seas')).toBeCloseTo(24.96, 2);
    expect(change(r, 'sd.tod')).toBeCloseTo(5.42, 2);
    expect(change(r, 'sd.pf')).toBeCloseTo(-17.71, 2);
    expect(r.notes.join('\n')).toMatch(/Warning: the simulated log-likelihood changes by 24\.963 when the sign of sd\.seas is reflected/);
  });

  it('search: re-estimates from the best reflection until none improves', async () => {
    const r = await estimate({ ...ELEC, optimizer: { reflections: 'search' } }, null);
    expect(r.loglik).toBeCloseTo(-3920.6654, 3);
    expect(Math.max(...r.reflections.map((x) => x.llChange))).toBeLessThanOrEqual(1e-9);
    expect(r.notes.join('\n')).toMatch(/Reflection search: re-estimated from the reflection of sd\.seas/);
  });

  it('off: no reflections, no warning; a higher tolerance silences the warning; bad values are named', async () => {
    const off = await estimate({ ...ELEC, optimizer: { reflections: 'off' } }, null);
    expect(off.reflections).toEqual([]);
    expect(off.loglik).toBeCloseTo(-3952.4877, 3);
    const tolerant = await estimate({ ...ELEC, optimizer: { reflectionTolerance: 30 } }, null);
    expect(tolerant.notes.join('\n')).not.toMatch(/Warning/);
    await expect(estimate({ ...ELEC, optimizer: { reflections: 'always' } }, null)).rejects.toThrow(/optimizer\.reflections must be "check", "search" or "off"; received "always"/);
    await expect(estimate({ ...ELEC, optimizer: { reflectionTolerance: -1 } }, null)).rejects.toThrow(/optimizer\.reflectionTolerance must be a positive number/);
  });

  it('with many scrambled draws the simulated LL is nearly symmetric: small changes, no warning', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-refl-'));
    const files = simulate(dir, { individuals: 300, situations: 6, alternatives: 3, seed: 2 });
    const spec = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'sobol', draws: 1024, scramble: 'owen', seed: 1 }, workers: 2 };
    const r = await estimate(spec, files.spec);
    expect(r.reflections.length).toBeGreaterThan(0);
    for (const x of r.reflections) expect(Math.abs(x.llChange)).toBeLessThan(1);
    expect(r.notes.join('\n')).not.toMatch(/Warning/);
  });

  it('correlated normals reflect each column of the Cholesky factor; exponential spreads are not reflected', async () => {
    const p = await prepare({ ...ELEC, model: { random: { pf: 'normal', cl: 'normal', loc: 'exponential' }, correlated: ['pf', 'cl'] } }, null);
    const refl = reflectionsOf(p.design);
    const names = p.design.params.map((q) => q.name);
    expect(refl.map((r) => r.parameter)).toEqual(['chol.*:pf', 'chol.*:cl']);
    for (const r of refl) {
      const col = r.parameter.split(':')[1];
      const expected = p.design.params.flatMap((q, i) => (q.kind === 'chol' && q.col === col ? [names[i]] : []));
      expect(r.indices.map((i) => names[i])).toEqual(expected);
    }
  });
});
