/**
 * Estimation by hierarchical Bayes (`"estimator": "hb"`): recovery on a
 * simulated panel (the truth inside the 95% credible intervals), identical
 * draws for 1, 2 and 3 workers, the result shaped like an MSL result, and the
 * spec's errors.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, formatTable, type EstimationResult } from '@mxl/estimation';
import { longData, simulateChoices, type Rng } from './simulate-dgp.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-hb-'));

/** beta_n = (x1, x2) ~ N(b, Sigma) (sds 1, 0.6, correlation 0.4), x3 fixed at 0.5; x2's mean shifted by 0.5 per unit of `inc`. */
const TRUTH = { x1: 1, x2: -1, x3: 0.5, 'x2:inc': 0.5, sd1: 1, sd2: 0.6, cor: 0.4 };

function panel(name: string, individuals: number, situations: number, seed: number) {
  return simulateChoices(dir, name, {
    individuals, situations, alternatives: 4, seed,
    attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z(), x3: (r: Rng) => r.z() },
    characteristics: { inc: (r: Rng) => r.u() },
    individual: (r: Rng, ch) => {
      const e1 = r.z(), e2 = r.z();
      return {
        b1: TRUTH.x1 + TRUTH.sd1 * e1,
        b2: TRUTH.x2 + TRUTH['x2:inc'] * ch.inc + TRUTH.sd2 * (TRUTH.cor * e1 + Math.sqrt(1 - TRUTH.cor ** 2) * e2),
      };
    },
    utility: (s, x) => s.b1 * x.x1 + s.b2 * x.x2 + TRUTH.x3 * x.x3,
  });
}

function spec(file: string, hb: Record<string, unknown>, workers: number, model: Record<string, unknown> = {}) {
  return {
    data: longData(file),
    model: { fixed: ['x3'], random: { x1: 'normal', x2: { dist: 'normal', means: ['inc'] } }, correlated: true, ...model },
    estimator: 'hb', hb, workers,
  };
}

const byName = (r: EstimationResult) => Object.fromEntries(r.hb!.parameters.map((p) => [p.name, p]));

describe('hierarchical Bayes', () => {
  it('recovers the truth on a simulated panel (N = 1000, T = 10, J = 4): every true value inside its 95% credible interval', async () => {
    const sim = panel('recovery', 1000, 10, 11);
    const r = await estimate(spec(sim.file, { burnIn: 1500, iterations: 1500, thin: 1, chains: 2, seed: 3 }, 2), null);
    const post = byName(r);
    const truth: Record<string, number> = { x1: TRUTH.x1, x2: TRUTH.x2, x3: TRUTH.x3, 'x2:inc': TRUTH['x2:inc'], 'sd.x1': TRUTH.sd1, 'sd.x2': TRUTH.sd2, 'cor.x1:x2': TRUTH.cor };
    for (const [name, v] of Object.entries(truth)) {
      expect(post[name].lower, `${name}: ${v} in [${post[name].lower}, ${post[name].upper}]`).toBeLessThan(v);
      expect(post[name].upper, `${name}: ${v} in [${post[name].lower}, ${post[name].upper}]`).toBeGreaterThan(v);
    }
    // the result reads like an MSL result: estimate = posterior mean, se = posterior sd, MSL's names
    expect(r.parameters.map((p) => p.name)).toEqual(['x3', 'x1', 'x2', 'x2:inc', 'chol.x1:x1', 'chol.x1:x2', 'chol.x2:x2']);
    for (const p of r.parameters) { expect(p.estimate).toBe(post[p.name].mean); expect(p.se).toBe(post[p.name].sd); }
    expect(r.hb!.acceptance.every((a) => a > 0.2 && a < 0.4)).toBe(true);
    expect(Number.isFinite(r.loglik) && r.loglik < 0).toBe(true);
    expect(formatTable(r)).toContain('R-hat');
  });

  it('draws are identical for 1, 2 and 3 workers (fixed, correlated, lognormal and censored coefficients, a mean shift, the location move)', async () => {
    const sim = panel('identity', 60, 5, 5);
    const runs: { raw: Record<string, number>; draws: string; individuals: string }[] = [];
    for (const workers of [1, 2, 3]) {
      const draws = path.join(dir, `draws-${workers}.csv`), individuals = path.join(dir, `individuals-${workers}.csv`);
      const model = { fixed: ['x3'], random: { x1: 'normal', x2: { dist: 'normal', means: ['inc'] } }, correlated: true };
      const r = await estimate(spec(sim.file, { burnIn: 30, iterations: 40, thin: 2, chains: 3, seed: 9, locationMove: true, draws, individuals }, workers, model), null);
      expect(r.workers).toBe(workers);
      runs.push({ raw: r.raw, draws: readFileSync(draws, 'utf8'), individuals: readFileSync(individuals, 'utf8') });
    }
    expect(runs[0].draws.split('\n').length).toBe(1 + 3 * 20 + 1);
    for (const r of runs.slice(1)) {
      expect(r.raw).toEqual(runs[0].raw);
      expect(r.draws).toBe(runs[0].draws);
      expect(r.individuals).toBe(runs[0].individuals);
    }
    // transformations of normal latent coefficients run the same way
    const ln = [] as string[];
    for (const workers of [1, 2]) {
      const draws = path.join(dir, `ln-${workers}.csv`);
      await estimate(spec(sim.file, { burnIn: 10, iterations: 10, thin: 1, chains: 2, draws }, workers, { fixed: [], random: { x1: 'lognormal', x2: 'cn', x3: 'sb' }, correlated: false }), null);
      ln.push(readFileSync(draws, 'utf8'));
    }
    expect(ln[1]).toBe(ln[0]);
  });

  it('rejects what it cannot do with a one-line error naming the option', async () => {
    const sim = panel('errors', 20, 2, 1);
    await expect(estimate({ ...spec(sim.file, {}, 1), estimator: 'msl' }, null)).rejects.toThrow(/the hb section is for "estimator": "hb"/);
    await expect(estimate(spec(sim.file, { thin: 5, iterations: 4 }, 1), null)).rejects.toThrow(/hb.thin \(5\) must not exceed hb.iterations/);
    await expect(estimate(spec(sim.file, { burnin: 5 }, 1), null)).rejects.toThrow(/unknown option "hb.burnin" \(did you mean "burnIn"\?\)/);
    await expect(estimate(spec(sim.file, { prior: { nu: -1 } }, 1), null)).rejects.toThrow(/hb.prior.nu must be a positive number/);
  });
});
