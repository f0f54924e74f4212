/**
 * model.fix: parameters held at values, out of the optimization and the
 * covariance. Fixing a parameter at its unrestricted estimate gives back the
 * unrestricted optimum; the fixed parameters are reported as such; AIC and BIC
 * count the free parameters; compare tests the restriction with df = the
 * number fixed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareResults, estimate, simulate, type EstimationResult } from '@mxl/estimation';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-fix-'));
const files = simulate(dir, { individuals: 250, situations: 6, alternatives: 3, seed: 21 });
const base = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'halton', draws: 60 }, workers: 2, optimizer: { reflections: 'off' } };
const param = (r: EstimationResult, n: string) => r.parameters.find((q) => q.name === n)!;

describe('model.fix', () => {
  it('fixing a spread at its unrestricted estimate gives back the unrestricted optimum', async () => {
    const full = await estimate(base, files.spec);
    const sdName = full.parameters.find((q) => q.kind === 'sd')!.name;
    const fixedAt = full.raw[sdName];
    const r = await estimate({ ...base, model: { ...base.model, fix: { [sdName]: fixedAt } } }, files.spec);
    expect(r.loglik).toBeCloseTo(full.loglik, 6);
    for (const q of full.parameters) {
      if (q.name === sdName) continue;
      expect(param(r, q.name).estimate).toBeCloseTo(q.estimate, 3);
    }
    const p = param(r, sdName);
    expect(p).toMatchObject({ estimate: Math.abs(fixedAt), se: null, z: null, p: null, fixed: true });
    const k = r.parameters.findIndex((q) => q.name === sdName);
    expect(r.covariance[k].every((v) => v === 0)).toBe(true);
    expect(r.covariance.every((row) => row[k] === 0)).toBe(true);
    expect(r.aic).toBeCloseTo(-2 * r.loglik + 2 * (r.parameters.length - 1), 8);
    // free parameters: a zero gradient at the optimum
    r.parameters.forEach((q, i) => { if (!q.fixed) expect(Math.abs(r.gradient[i])).toBeLessThan(1e-2); });
  });

  it('a spread fixed at 0 is a restriction that compare tests with one degree of freedom', async () => {
    const full = await estimate(base, files.spec);
    const sdName = full.parameters.find((q) => q.kind === 'sd')!.name;
    const restricted = await estimate({ ...base, model: { ...base.model, fix: { [sdName]: 0 } } }, files.spec);
    expect(restricted.loglik).toBeLessThan(full.loglik);
    const c = compareResults([restricted, full], ['fixed', 'free']);
    expect(c.tests).toHaveLength(1);
    expect(c.tests[0]).toMatchObject({ restricted: 0, unrestricted: 1, df: 1 });
    expect(c.tests[0].stat).toBeCloseTo(2 * (full.loglik - restricted.loglik), 10);
  });

  it('locations and alternative-specific constants can be fixed too; bad requests are named', async () => {
    const spec = { ...base, model: { ...base.model, asc: true, fix: { price: -1 } } };
    const r = await estimate(spec, files.spec);
    expect(param(r, 'price')).toMatchObject({ estimate: -1, fixed: true });
    const asc = r.parameters.find((q) => q.name.startsWith('asc.'))!.name;
    const r2 = await estimate({ ...base, model: { ...base.model, asc: true, fix: { [asc]: 0.25 } } }, files.spec);
    expect(param(r2, asc)).toMatchObject({ estimate: 0.25, fixed: true });
    await expect(estimate({ ...base, model: { ...base.model, fix: { nope: 1 } } }, files.spec)).rejects.toThrow(/model\.fix\.nope is not a parameter of the model/);
    await expect(estimate({ ...base, model: { ...base.model, fix: { price: 'x' } } }, files.spec)).rejects.toThrow(/model\.fix\.price must be a finite number/);
    await expect(estimate({ ...base, estimator: 'msm', model: { ...base.model, fix: { price: -1 } } }, files.spec)).rejects.toThrow(/model\.fix works with the msl estimator/);
  });
});
