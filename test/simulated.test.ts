/**
 * Known truth: data simulated by the built-in generator are estimated back
 * within 3 standard errors of every true value.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, simulate, TRUTH } from '@mxl/estimation';

describe('recovery of the built-in data-generating process', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-sim-'));
  const files = simulate(dir, { individuals: 1500, situations: 8, alternatives: 4, seed: 7 });
  const base = JSON.parse(readFileSync(files.spec, 'utf8'));

  it('panel, Halton: every true value within 3 standard errors', async () => {
    const r = await estimate({ ...base, workers: 1 }, files.spec);
    expect(r.converged).toBe(true);
    for (const p of r.parameters) {
      expect(Math.abs(p.estimate - TRUTH[p.name]) / p.se, `${p.name}: ${p.estimate} ± ${p.se} vs ${TRUTH[p.name]}`).toBeLessThan(3);
    }
  });

  it('the same data with pseudo-random draws and robust standard errors', async () => {
    const r = await estimate({ ...base, integration: { rule: 'pseudo', draws: 150, seed: 3 }, se: 'robust', workers: 1 }, files.spec);
    expect(r.converged).toBe(true);
    for (const p of r.parameters) expect(Math.abs(p.estimate - TRUTH[p.name]) / p.se, p.name).toBeLessThan(3);
  });

  it('a lognormal coefficient (negative sign) is recovered', async () => {
    // price enters as -exp(b + s z): simulate with a random price
    const d2 = mkdtempSync(path.join(os.tmpdir(), 'mxl-sim-ln-'));
    const f2 = simulate(d2, { individuals: 1200, situations: 8, alternatives: 3, seed: 11 });
    // the built-in DGP has a fixed price of -1 = -exp(0) with no spread: the lognormal mean is 0 and its sd near 0
    const spec = { ...JSON.parse(readFileSync(f2.spec, 'utf8')), model: { random: { price: '-lognormal', time: 'normal', comfort: 'normal', wifi: 'normal' } }, workers: 1 };
    writeFileSync(path.join(d2, 'ln.json'), JSON.stringify(spec));
    const r = await estimate(spec, path.join(d2, 'ln.json'));
    expect(r.converged).toBe(true);
    const price = r.parameters.find((p) => p.name === 'price')!;
    expect(Math.abs(price.estimate - 0) / price.se).toBeLessThan(3);
    const comfort = r.parameters.find((p) => p.name === 'comfort')!;
    expect(Math.abs(comfort.estimate - TRUTH.comfort) / comfort.se).toBeLessThan(3);
  });
});
