/** Multiple starts: the distinct optima they reach, in the result and under the table. */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distinctOptima, estimate, formatTable, simulate } from '@mxl/estimation';

describe('multiple starts', () => {
  it('groups equal optima (within 1e-4) best first, with counts and convergence', () => {
    const o = distinctOptima([
      { loglik: -100.00001, converged: true },
      { loglik: -105, converged: false },
      { loglik: -100, converged: true },
      { loglik: NaN, converged: false },
      { loglik: -100.00002, converged: false },
    ]);
    expect(o).toEqual([
      { loglik: -100, starts: 3, converged: 2 },
      { loglik: -105, starts: 1, converged: 0 },
    ]);
  });

  it('a latent class model from 4 starts: the table lists the optima, and they account for every start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-starts-'));
    const files = simulate(dir, { individuals: 150, situations: 5, alternatives: 3, seed: 8 });
    const spec = JSON.parse(readFileSync(files.spec, 'utf8'));
    const r = await estimate({ ...spec, model: { fixed: ['price', 'time', 'comfort', 'wifi'], classes: { count: 2 } }, optimizer: { starts: 4, seed: 3 }, workers: 1 }, files.spec);
    expect(r.starts.length).toBe(4);
    expect(r.optima.reduce((a, o) => a + o.starts, 0)).toBe(r.starts.filter((s) => Number.isFinite(s.loglik)).length);
    expect(r.optima[0].loglik).toBeCloseTo(r.loglik, 6);
    const table = formatTable(r);
    expect(table).toMatch(new RegExp(`4 starts, ${r.optima.length} distinct optim(um|a)`));
    expect(table).toMatch(new RegExp(`LL ${r.optima[0].loglik.toFixed(4)}: \\d+ starts?`));
    // the optimizer runs of the estimate (one, unless a method failed and another took over)
    expect(r.attempts[0].method).toBe('bfgs');
    expect(r.attempts[r.attempts.length - 1].loglik).toBeCloseTo(r.loglik, 6);
  });

  it('optimizer.fallback must be a boolean', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-fallback-'));
    const files = simulate(dir, { individuals: 50, situations: 3, alternatives: 3, seed: 1 });
    const spec = JSON.parse(readFileSync(files.spec, 'utf8'));
    await expect(estimate({ ...spec, optimizer: { fallback: 'yes' } }, files.spec)).rejects.toThrow(/optimizer\.fallback must be true or false; received "yes"/);
  });
});
