/**
 * The simulation error of a fit (`simulation` in every result). It is right
 * when, over independent randomizations of the draws at a fixed θ, the
 * standard deviation of the simulated LL is within a factor 2 of `logLikSe`
 * and the mean shortfall of the LL against R = 20,000 scrambled Sobol' points
 * is within a factor 2 of `logLikBias`: checked for independent
 * pseudo-random draws (the sample variance over the draws), for Owen-scrambled
 * Sobol' points and for MLHS (both from independent scrambles). The LL the
 * spread pass computes is the one the estimation evaluates; the section is the
 * same for any number of workers; models without simulation have none.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineFor, estimate, formatTable, prepare, simulate, simulationError, summarize, TRUTH, type Prepared } from '@mxl/estimation';
import { createRule, type RuleConfig } from '@mxl/integration';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-simerr-'));
const files = simulate(dir, { individuals: 200, situations: 5, alternatives: 3, seed: 31 });
const base = { ...JSON.parse(readFileSync(files.spec, 'utf8')), workers: 1 };
const R = 40;
const SEEDS = 100;

let p: Prepared;
let theta: Float64Array;
/** The simulated LL at θ with R = 20,000 scrambled Sobol' points (the mean of four scrambles). */
let reference: number;

const sum = (a: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; };
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: number[]) => { const m = mean(a); return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1)); };
const withRule = (config: RuleConfig): Prepared => ({ ...p, rule: createRule(config, p.design.plan.D), spec: { ...p.spec, integration: config } });

beforeAll(async () => {
  p = await prepare({ ...base, integration: { rule: 'pseudo', draws: R } }, files.spec);
  theta = Float64Array.from(p.design.params.map((q) => TRUTH[q.name]));
  const e = engineFor(p, 1);
  reference = 0;
  for (const seed of [1, 2, 3, 4]) reference += sum((await e.nodeSpread(theta, { rule: 'sobol', draws: 20000, scramble: 'owen', seed })).logP) / 4;
  await e.close();
});

/**
 * Over SEEDS randomizations of `config`: the spread of the simulated LL at θ and its mean
 * shortfall against the reference (the LL of each seed from a pass under that rule), and
 * the simulation error that estimations with the first four seeds would report.
 */
async function overSeeds(config: (seed: number) => RuleConfig) {
  const lls: number[] = [];
  const reported: { se: number; bias: number; method: string }[] = [];
  const e = engineFor(p, 1);
  for (let k = 0; k < SEEDS; k++) lls.push(sum((await e.nodeSpread(theta, config(1000 + k))).logP));
  await e.close();
  for (let k = 0; k < 4; k++) {
    const q = withRule(config(1000 + k));
    const eq = engineFor(q, 1);
    expect(Math.abs((await eq.evaluate(theta)).ll - lls[k])).toBeLessThan(1e-9 * Math.abs(lls[k]));
    const s = (await simulationError(q, eq, theta))!;
    reported.push({ se: s.logLikSe, bias: s.logLikBias, method: s.method });
    await eq.close();
  }
  return { sd: sd(lls), shortfall: mean(lls) - reference, reported };
}

function withinFactor2(label: string, measured: number, reported: number) {
  const ratio = reported / measured;
  expect(ratio, `${label}: reported ${reported.toFixed(3)} vs measured ${measured.toFixed(3)}`).toBeGreaterThan(0.5);
  expect(ratio, `${label}: reported ${reported.toFixed(3)} vs measured ${measured.toFixed(3)}`).toBeLessThan(2);
}

describe('the simulation error of the simulated log-likelihood', () => {
  it('the summary of the per-unit relative variances (delta method), by hand', () => {
    // v = 0.01, 0.04, 0.09 with weights 1, 2, 0 (the last unit out of a bootstrap replicate)
    const s = summarize(Float64Array.of(0.01, 0.04, 0.09), Float64Array.of(1, 2, 0), 100, 'draws', 'x');
    expect(s.units).toBe(2);
    expect(s.logLikSe).toBeCloseTo(Math.sqrt(1 * 0.01 + 4 * 0.04), 14);
    expect(s.logLikBias).toBeCloseTo(-(0.01 + 2 * 0.04) / 2, 14);
    expect(s.unitsOver10Percent).toBe(1); // sqrt(0.04) = 0.2; sqrt(0.01) = 0.1 is not above 10%
    expect(s.drawsForBiasBelow1).toBe(5); // 0.045 · 100 / R < 1 from R = 5
  });

  for (const [name, config, method] of [
    ['pseudo-random draws', (seed: number) => ({ rule: 'pseudo', draws: R, seed }), 'draws'],
    ['Owen-scrambled Sobol points', (seed: number) => ({ rule: 'sobol', draws: R, scramble: 'owen', seed }), 'scrambles'],
    ['MLHS', (seed: number) => ({ rule: 'mlhs', draws: R, seed }), 'scrambles'],
  ] as const) {
    it(`${name}: logLikSe and logLikBias match the spread and the shortfall over ${SEEDS} seeds`, async () => {
      const o = await overSeeds(config);
      for (const r of o.reported) {
        expect(r.method).toBe(method);
        withinFactor2(`${name} logLikSe`, o.sd, r.se);
        expect(r.bias).toBeLessThan(0);
        withinFactor2(`${name} logLikBias`, o.shortfall, r.bias);
      }
    });
  }

  it('the spread pass computes the LL the estimation evaluates, the same on 1 and 2 workers', async () => {
    const q = withRule({ rule: 'halton', draws: R });
    const e1 = engineFor(q, 1), e2 = engineFor(q, 2);
    try {
      const ll = (await e1.evaluate(theta)).ll;
      const s1 = await e1.nodeSpread(theta, null);
      expect(Math.abs(sum(s1.logP) - ll)).toBeLessThan(1e-9 * Math.abs(ll));
      const copy = { logP: Float64Array.from(s1.logP), relVar: Float64Array.from(s1.relVar) };
      for (const v of copy.relVar) expect(v).toBeGreaterThan(0);
      const s2 = await e2.nodeSpread(theta, null);
      expect(Array.from(s2.logP)).toEqual(Array.from(copy.logP));
      expect(Array.from(s2.relVar)).toEqual(Array.from(copy.relVar));
      expect(await simulationError(q, e2, theta)).toEqual(await simulationError(q, e1, theta));
    } finally {
      await e1.close();
      await e2.close();
    }
  });

  it('every MSL result carries it (JSON and the line under the fit); none without simulation', async () => {
    const r = await estimate({ ...base, integration: { rule: 'halton', draws: R }, workers: 2 }, files.spec);
    const s = r.simulation!;
    expect(s.method).toBe('scrambles');
    expect(s.source).toBe('halton(draws=40, scramble=owen) × 8 seeds');
    expect(s.logLikSe).toBeGreaterThan(0);
    expect(s.logLikBias).toBeLessThan(0);
    expect(s.units).toBe(200);
    expect(s.unitsOver10Percent).toBeGreaterThanOrEqual(0);
    expect(s.unitsOver10Percent).toBeLessThanOrEqual(200);
    // the bias falls as 1/R: below 1 from R·|bias| draws on
    expect(s.drawsForBiasBelow1).toBe(Math.floor(R * Math.abs(s.logLikBias)) + 1);
    expect(formatTable(r)).toContain(`simulation error: LL s.e. ${s.logLikSe.toFixed(3)}, bias ${s.logLikBias.toFixed(3)}; ${s.unitsOver10Percent} of 200 units`);
    const one = await estimate({ ...base, integration: { rule: 'halton', draws: R }, workers: 1 }, files.spec);
    expect(one.simulation).toEqual(r.simulation);
    const quadrature = await estimate({ ...base, integration: { rule: 'sparse-kpn', level: 3 } }, files.spec);
    expect(quadrature.simulation).toBeNull();
    expect(formatTable(quadrature)).not.toContain('simulation error');
    const fixed = await estimate({ ...base, model: { fixed: ['price', 'time', 'comfort', 'wifi'] } }, files.spec);
    expect(fixed.simulation).toBeNull();
  });
});
