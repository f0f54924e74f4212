/**
 * Sign reflections of the spreads (issue: simulation error that flips with a
 * spread's sign). On electricity (six normals, Halton R = 100) the reflected
 * LLs are the ones measured independently (sd.seas +24.96, sd.tod +5.42,
 * sd.pf -17.71), the published fit stays where it is, and "search" climbs to
 * -3920.67. The changes are reported with their sign and in units of the LL's
 * simulation standard error (11.46 there: every change is within simulation
 * noise, a note; the fit itself is dominated by simulation error, a warning).
 * A raise beyond the noise (and the tolerance) is a warning; a fall never is.
 * With many well-spread draws on simulated data the reflections change the
 * LL by little and nothing is flagged. The check takes the LLs of every
 * reflection in one pass without gradients (Engine.logLikelihoods): the same
 * numbers, bit for bit, as one full evaluation per reflection, on any number
 * of workers; its time is the result's timings.reflectionSeconds.
 */
import * as path from 'node:path';
import { readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkReflections, engineFor, estimate, judgeReflections, NOISE_SE, prepare, reflect, reflectionsOf, simulate, type EstimationResult } from '@mxl/estimation';
import { dataSet } from './shared.js';

const ELEC = {
  data: { path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
  model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
  integration: { rule: 'halton', draws: 100 },
  workers: 2,
};
const change = (r: EstimationResult, p: string) => r.reflections.find((x) => x.parameter === p)!.llChange;

describe('sign reflections of the spreads', () => {
  it('check (default): electricity keeps its published fit, reports every reflection on the scale of the simulation error', async () => {
    const r = await estimate(ELEC, null);
    expect(r.loglik).toBeCloseTo(-3952.4877, 3);
    expect(r.reflections.map((x) => x.parameter)).toEqual(['sd.pf', 'sd.cl', 'sd.loc', 'sd.wk', 'sd.tod', 'sd.seas']);
    expect(change(r, 'sd.seas')).toBeCloseTo(24.96, 2);
    expect(change(r, 'sd.tod')).toBeCloseTo(5.42, 2);
    expect(change(r, 'sd.pf')).toBeCloseTo(-17.71, 2);
    const se = r.simulation!.logLikSe;
    expect(se).toBeGreaterThan(5);
    const notes = r.notes.join('\n');
    // signed, and in standard errors of the simulated LL
    expect(notes).toContain(`reflecting sd.pf lowers the LL by 17.71 (${(17.714 / se).toFixed(2)} s.e.)`);
    expect(notes).toContain(`sd.seas raises it by 24.96 (${(24.963 / se).toFixed(2)} s.e.)`);
    // within the noise: no reflection warning, but the fit is dominated by simulation error
    expect(24.96).toBeLessThan(NOISE_SE * se);
    expect(notes).not.toMatch(/Warning: reflecting/);
    expect(notes).toMatch(/Warning: the fit is dominated by simulation error: 3[0-9]{2} of 361 units have a simulated probability off by more than 10%/);
    expect(r.simulation!.unitsOver10Percent).toBeGreaterThan(300);
    // the check's time is reported, a part of the estimation's
    expect(r.timings.reflectionSeconds).toBeGreaterThan(0);
    expect(r.timings.reflectionSeconds).toBeLessThan(r.timings.estimateSeconds);
  });

  it('one pass without gradients: the LL of every reflection equals a full evaluation there, bit for bit, on 1 and 2 workers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-refl-'));
    // 12 alternatives: 11 others, the generic WebAssembly loop; electricity (3 others): a specialized one
    const files = simulate(dir, { individuals: 40, situations: 4, alternatives: 12, seed: 3 });
    const sim = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'halton', draws: 51 } };
    for (const [spec, file] of [[ELEC, null], [sim, files.spec]] as const) {
      const p = await prepare(spec, file);
      const rs = reflectionsOf(p.design);
      expect(rs.length).toBeGreaterThan(1);
      const theta = Float64Array.from(p.design.params, (q, i) => (q.kind === 'sd' ? 0.4 + 0.1 * i : 0.3 - 0.05 * i));
      for (const workers of [1, 2]) {
        const engine = engineFor(p, workers);
        try {
          const ll = (await engine.evaluate(theta)).ll;
          const full: number[] = [];
          for (const r of rs) full.push((await engine.evaluate(reflect(theta, r))).ll);
          const one = await engine.logLikelihoods(rs.map((r) => reflect(theta, r)));
          expect(Array.from(one)).toEqual(full);
          expect(new Set(full).size).toBe(full.length); // the reflections do change the LL
          const check = await checkReflections(engine, p.design, theta, ll);
          expect(check).toEqual(rs.map((r, m) => ({ parameter: r.parameter, llChange: full[m] - ll })));
          // a reflection touching a fixed parameter is left out
          const fixed = p.design.params.map((_, i) => i === rs[0].indices[0]);
          expect((await checkReflections(engine, p.design, theta, ll, undefined, fixed)).map((c) => c.parameter)).toEqual(rs.slice(1).map((r) => r.parameter));
          expect(await engine.logLikelihoods([])).toEqual(new Float64Array(0));
        } finally {
          await engine.close();
        }
      }
    }
  });

  it('search: re-estimates from the best reflection until none improves', async () => {
    const r = await estimate({ ...ELEC, optimizer: { reflections: 'search' } }, null);
    expect(r.loglik).toBeCloseTo(-3920.6654, 3);
    expect(Math.max(...r.reflections.map((x) => x.llChange))).toBeLessThanOrEqual(1e-9);
    expect(r.notes.join('\n')).toMatch(/Reflection search: re-estimated from the reflection of sd\.seas/);
  });

  it('off: no reflections, no reflection note; bad values are named', async () => {
    const off = await estimate({ ...ELEC, optimizer: { reflections: 'off' } }, null);
    expect(off.reflections).toEqual([]);
    expect(off.loglik).toBeCloseTo(-3952.4877, 3);
    expect(off.notes.join('\n')).not.toMatch(/reflect/i);
    expect(off.timings.reflectionSeconds).toBe(0);
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

  it('the verdict: signed changes in standard errors; a warning only for a raise beyond the noise and the tolerance', () => {
    const check = [{ parameter: 'sd.a', llChange: -1.384 }, { parameter: 'sd.b', llChange: 3.189 }];
    // s.e. 1.355: 3.19 is 2.35 s.e., within the noise (4.24 s.e. = 5.75): a note
    const calm = judgeReflections(check, 1.355, 1);
    expect(calm.warning).toBeNull();
    expect(calm.note).toBe("Sign reflections of the spreads, a symmetry of the model (the LL's simulation s.e. is 1.355; simulation noise explains a raise up to 4.24 s.e. = 5.75): reflecting sd.a lowers the LL by 1.38 (1.02 s.e.), sd.b raises it by 3.19 (2.35 s.e.).");
    // s.e. 0.5: 3.19 is 6.4 s.e.: a warning naming the raise
    const loud = judgeReflections(check, 0.5, 1);
    expect(loud.warning).toMatch(/^reflecting sd\.b \(a symmetry of the model\) raises the simulated log-likelihood by 3\.19, 6\.4 times its simulation standard error \(0\.500\) and more than simulation noise explains: .*optimizer\.reflections: "search" for the best reflection\.$/);
    expect(loud.note).toContain('sd.b raises it by 3.19 (6.38 s.e.)');
    // a fall is never a warning, however large
    expect(judgeReflections([{ parameter: 'sd.a', llChange: -40 }], 0.5, 1).warning).toBeNull();
    // the tolerance is a floor: a raise below it is never a warning
    expect(judgeReflections(check, 0.5, 5).warning).toBeNull();
    // without a simulation error (quadrature) the tolerance alone decides, and no s.e. is shown
    const noScale = judgeReflections(check, null, 1);
    expect(noScale.warning).toMatch(/^reflecting sd\.b \(a symmetry of the model\) raises the simulated log-likelihood by 3\.19: /);
    expect(noScale.note).toBe('Sign reflections of the spreads, a symmetry of the model: reflecting sd.a lowers the LL by 1.38, sd.b raises it by 3.19.');
    // after a search the advice to search is left out
    expect(judgeReflections(check, 0.5, 1, true).warning).toMatch(/"sobol", scramble: "owen" \}\)\.$/);
    expect(judgeReflections([], 0.5, 1)).toEqual({ note: null, warning: null });
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
