/**
 * The other estimators: the method of simulated moments with optimal
 * instruments (MSM) and the method of simulated scores (MSS) with each of its
 * posterior samplers (Metropolis-Hastings, exact accept-reject, importance
 * sampling). All recover the truth of simulated data within 3 standard errors
 * and land close to maximum simulated likelihood; MSM solves its moment
 * conditions to rounding; accept-reject reports its acceptance rate and
 * refuses, with the numbers, a panel where it is impractical; importance
 * sampling reports its effective sample size. MSS estimates are identical on
 * 1 and 3 workers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, simulate, TRUTH, type EstimationResult } from '@mxl/estimation';

const byName = (r: EstimationResult) => Object.fromEntries(r.parameters.map((p) => [p.name, p]));

function problem(individuals: number, situations: number, draws: number, seed: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-est-'));
  const files = simulate(dir, { individuals, situations, alternatives: 4, seed });
  const spec = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'halton', draws }, workers: 2 };
  return { spec, file: files.spec };
}

function recovers(r: EstimationResult, msl: EstimationResult, closeness: number) {
  const got = byName(r), ref = byName(msl);
  for (const [name, truth] of Object.entries(TRUTH)) {
    const p = got[name];
    expect(Number.isFinite(p.se) && p.se > 0, name).toBe(true);
    expect(Math.abs(p.estimate - truth) / p.se, `${name}: ${p.estimate} vs truth ${truth} (se ${p.se})`).toBeLessThan(3);
    expect(Math.abs(p.estimate - ref[name].estimate) / ref[name].se, `${name}: ${p.estimate} vs MSL ${ref[name].estimate}`).toBeLessThan(closeness);
    // comparable precision
    expect(p.se / ref[name].se).toBeGreaterThan(0.7);
    expect(p.se / ref[name].se).toBeLessThan(1.6);
  }
}

describe('estimators', () => {
  it('MSM with optimal instruments (cross-section): moments solved to rounding, truth recovered, close to MSL', async () => {
    const { spec, file } = problem(4000, 1, 100, 6);
    const msl = await estimate(spec, file);
    const msm = await estimate({ ...spec, estimator: 'msm' }, file);
    expect(msm.converged).toBe(true);
    expect(msm.se).toBe('msm-sandwich');
    expect(msm.message).toMatch(/^MSM: .*max \|g\|\/N = /);
    const g = Number(/max \|g\|\/N = ([0-9.e+-]+)/.exec(msm.message)![1]);
    expect(g).toBeLessThan(1e-10);
    expect(msm.notes.join(' ')).toMatch(/method of simulated moments/);
    recovers(msm, msl, 0.5);
  });

  it('MSM with an outside option: the outside good is one more moment term', async () => {
    let seed = 3;
    const u = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    const lines = ['id,alt,choice,price,quality'];
    for (let i = 1; i <= 3000; i++) {
      const bq = 0.8 + 0.7 * gauss();
      const xs = [0, 1, 2].map(() => [0.2 + u() * 1.5, gauss()]);
      const util = xs.map(([p, q]) => -1.2 * p + bq * q - Math.log(-Math.log(u())));
      const out = -Math.log(-Math.log(u()));
      const best = Math.max(...util) > out ? util.indexOf(Math.max(...util)) : -1;
      xs.forEach(([p, q], j) => lines.push(`${i},${j},${j === best ? 1 : 0},${p.toFixed(4)},${q.toFixed(4)}`));
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-msm-out-'));
    writeFileSync(path.join(dir, 'd.csv'), lines.join('\n') + '\n');
    const spec = {
      data: { path: path.join(dir, 'd.csv'), situation: 'id', alt: 'alt', choice: 'choice', outside: true },
      model: { fixed: ['price'], random: { quality: 'normal' } },
      integration: { rule: 'halton', draws: 100 },
      workers: 2,
    };
    const msl = await estimate(spec, null);
    const msm = await estimate({ ...spec, estimator: 'msm' }, null);
    expect(msm.converged).toBe(true);
    const a = byName(msm), b = byName(msl);
    for (const name of Object.keys(b)) expect(Math.abs(a[name].estimate - b[name].estimate) / b[name].se, name).toBeLessThan(0.5);
    expect(Math.abs(a.price.estimate - -1.2) / a.price.se).toBeLessThan(3);
    expect(Math.abs(a['sd.quality'].estimate - 0.7) / a['sd.quality'].se).toBeLessThan(3);
  });

  it('MSS with posterior draws (panel): truth recovered, close to MSL', async () => {
    const { spec, file } = problem(300, 6, 50, 8);
    const msl = await estimate(spec, file);
    const mss = await estimate({ ...spec, estimator: 'mss' }, file);
    expect(mss.converged, mss.message).toBe(true);
    expect(mss.se).toBe('mss-sandwich');
    expect(mss.message).toMatch(/^MSS: every BHHH step below 5% of its standard error/);
    const acc = Number(/MH acceptance ([0-9.]+)/.exec(mss.message)![1]);
    expect(acc).toBeGreaterThan(0.15);
    expect(acc).toBeLessThan(0.6);
    // at R = 50 MSL is biased (MSS need not be), so "close" is within one standard error
    recovers(mss, msl, 1);
  });

  it('MSS with exact accept-reject draws (cross-section): acceptance reported, truth recovered, close to MSL', async () => {
    const { spec, file } = problem(4000, 1, 100, 6);
    const msl = await estimate(spec, file);
    const mss = await estimate({ ...spec, estimator: 'mss', mss: { sampler: 'accept-reject' } }, file);
    expect(mss.converged, mss.message).toBe(true);
    expect(mss.message).toMatch(/^MSS: every BHHH step below 5% of its standard error .*; accept-reject acceptance 0\.[0-9]+, 100\.0 accepted draws per individual \(fewest 100\)/);
    const s = mss.sampler!;
    expect(s.sampler).toBe('accept-reject');
    // the acceptance rate is the mean choice probability: between chance (1/4) and certainty
    expect(s.acceptance).toBeGreaterThan(0.25);
    expect(s.acceptance).toBeLessThan(0.8);
    expect(mss.notes.join(' ')).toMatch(/accept-reject: exact draws/);
    recovers(mss, msl, 1);
  });

  it('MSS with importance sampling (panel): effective sample size reported, truth recovered, close to MSL, the same on 1 and 3 workers', async () => {
    const { spec, file } = problem(300, 6, 50, 8);
    const msl = await estimate(spec, file);
    const mss = await estimate({ ...spec, estimator: 'mss', mss: { sampler: 'importance' } }, file);
    expect(mss.converged, mss.message).toBe(true);
    expect(mss.message).toMatch(/; importance sampling: effective sample size [0-9.]+ of 50 per individual \(smallest [0-9.]+\)/);
    const s = mss.sampler!;
    expect(s.meanDraws).toBeGreaterThan(10);
    expect(s.meanDraws).toBeLessThanOrEqual(50);
    expect(s.minDraws).toBeGreaterThan(1);
    recovers(mss, msl, 0.5);
    const three = await estimate({ ...spec, estimator: 'mss', mss: { sampler: 'importance' }, workers: 3 }, file);
    expect(three.parameters.map((p) => [p.estimate, p.se])).toEqual(mss.parameters.map((p) => [p.estimate, p.se]));
  });

  it('accept-reject in a panel of 6 choices is refused upfront, with the numbers', async () => {
    const { spec, file } = problem(300, 6, 50, 8);
    await expect(estimate({ ...spec, estimator: 'mss', mss: { sampler: 'accept-reject' } }, file)).rejects.toThrow(
      /^mss\.sampler "accept-reject" is impractical here: an accepted draw costs 1\/P_n proposals .*, [0-9,]+ for the median individual and [0-9,.e+]+ for the least likely, above mss\.budget = 1000 for [0-9]+ of 300 \(panels of 6\.0 choices per individual\); use the "importance" or "mh" sampler, or raise mss\.budget$/,
    );
  });

  it('bad estimator settings are named', async () => {
    const { spec, file } = problem(50, 2, 10, 9);
    await expect(estimate({ ...spec, estimator: 'gmm' }, file)).rejects.toThrow(/estimator must be one of msl, msm, mss[a-z, ]*; received "gmm"/);
    await expect(estimate({ ...spec, estimator: 'mss', model: { fixed: ['price', 'time'] } }, file)).rejects.toThrow(/"mss" simulates scores over random coefficients and this model has none/);
    await expect(estimate({ ...spec, estimator: 'mss', mss: { sampler: 'gibbs' } }, file)).rejects.toThrow(/^mss\.sampler must be one of "mh", "accept-reject", "importance"; received "gibbs"$/);
    await expect(estimate({ ...spec, mss: { sampler: 'importance' } }, file)).rejects.toThrow(/^mss configures the estimator "mss"; received estimator "msl"$/);
    await expect(estimate({ ...spec, estimator: 'mss', mss: { budget: 0 } }, file)).rejects.toThrow(/^mss\.budget must be a positive integer \(accept-reject proposals per draw\); received 0$/);
    await expect(estimate({ ...spec, estimator: 'mss', mss: { sampler: 'mh', burnin: 10 } }, file)).rejects.toThrow(/unknown option "mss\.burnin" \(did you mean "burnIn"\?\)/);
  });
});
