/**
 * Hierarchical Bayes with uniform, triangular and exponential coefficients
 * (`"estimator": "hb"`): MSL's transformations of a standard normal latent
 * z_n (u = Phi(z_n); @mxl/engine's hb-model.ts), whose parameters (`x` the
 * center or mean, `sd.x` the half-span) are drawn with the fixed coefficients.
 *
 * - the per-individual log-likelihood the sampler computes for given latent
 *   values equals a plain one written here (its own Phi from erf's Taylor
 *   series, its own quantiles; the textbook logit of test/hb-panel.ts);
 * - recovery on a simulated panel with a uniform and an exponential
 *   coefficient: the true center, half-span and mean inside their 95%
 *   credible intervals;
 * - identical draws for 1 and 2 workers;
 * - a mean shift on such a coefficient is refused with a one-line error.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHbRunner, paramsLayout, type HbModel } from '@mxl/engine';
import { estimate, type EstimationResult } from '@mxl/estimation';
import { randomPanel, textbookLogLik } from './hb-panel.js';
import { longData, makeRng, simulateChoices, type Rng } from './simulate-dgp.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-hb-links-'));

/** Phi(z) = (1 + erf(z / sqrt 2)) / 2 with erf by its Taylor series (|z| < 3 here: ~1e-14). */
function Phi(z: number): number {
  const x = z / Math.SQRT2;
  let term = x, sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-18; n++) { term *= (-x * x) / n; sum += term / (2 * n + 1); }
  return 0.5 + sum / Math.sqrt(Math.PI);
}

/** Truth of the recovery panel: x1 uniform (center 1, half-span 1.5), x2 exponential (mean 0.8), x3 fixed at -0.5. */
const TRUTH = { x1: 1, 'sd.x1': 1.5, x2: 0.8, x3: -0.5 };

function simulated(name: string, individuals: number, situations: number, seed: number) {
  return simulateChoices(dir, name, {
    individuals, situations, alternatives: 3, seed,
    attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z(), x3: (r: Rng) => r.z() },
    individual: (r: Rng) => ({ b1: TRUTH.x1 + TRUTH['sd.x1'] * (2 * r.u() - 1), b2: -TRUTH.x2 * Math.log(1 - r.u()) }),
    utility: (s, x) => s.b1 * x.x1 + s.b2 * x.x2 + TRUTH.x3 * x.x3,
  });
}

function spec(file: string, hb: Record<string, unknown>, workers: number, random: Record<string, unknown> = { x1: 'uniform', x2: 'exponential' }) {
  return { data: longData(file), model: { fixed: 'x3' in random ? [] : ['x3'], random, correlated: false }, estimator: 'hb', hb, workers };
}

const byName = (r: EstimationResult) => Object.fromEntries(r.hb!.parameters.map((p) => [p.name, p]));

describe('hierarchical Bayes with uniform, triangular and exponential coefficients', () => {
  it('computes log L_n at the transformed coefficients as a plain computation does', async () => {
    const d = randomPanel({ seed: 7, units: 6, situations: 5, attributes: 5, alternatives: 3 });
    // x0 fixed; x1 uniform, x2 triangular, x3 exponential (sign -1), x4 normal
    const model: HbModel = {
      K: 5, Kf: 6, Kr: 4, role: Int32Array.from([-1, 0, 1, 2, 3]), link: Int32Array.from([4, 5, 6, 0]), sign: Float64Array.from([1, 1, -1, 1]),
      M: 1, chars: new Int32Array(0), chains: 1, seed: 1, transformAlpha: Int32Array.from([1, 3, 5, -1]),
    };
    // alpha: x0, (a, h) of x1, (a, h) of x2 (h negative: |h| is used), m of x3
    const alpha = [0.3, 0.5, 1.2, -0.4, -0.7, 0.9];
    const runner = await createHbRunner(d, model, { workers: 1 });
    const st = runner.state, lay = paramsLayout(model);
    st.params.set(alpha, lay.alpha);
    st.params[lay.L] = 1; st.params[lay.Winv] = 1; // W = I (the standard latents do not use it)
    for (let i = 1; i < 4; i++) { st.params[lay.L + i * 4 + i] = 1; st.params[lay.Winv + i * 4 + i] = 1; }
    const r = makeRng(3);
    for (let i = 0; i < st.beta.length; i++) st.beta[i] = 2.4 * (2 * r.u() - 1);
    await runner.pass({ kind: 'init', info: false, sweep: 0, alt: false, keep: false });
    for (let u = 0; u < d.nUnits; u++) {
      const z = Array.from(st.beta.subarray(u * 4, u * 4 + 4));
      const tri = (p: number) => (p <= 0.5 ? Math.sqrt(2 * p) - 1 : 1 - Math.sqrt(2 * (1 - p)));
      const coef = [alpha[0], alpha[1] + 1.2 * (2 * Phi(z[0]) - 1), alpha[3] + 0.7 * tri(Phi(z[1])), -0.9 * -Math.log(1 - Phi(z[2])), z[3]];
      expect(Math.abs(st.ll[u] - textbookLogLik(d, u, coef))).toBeLessThan(1e-11 * (1 + Math.abs(st.ll[u])));
    }
    await runner.close();
  });

  it('recovers a uniform and an exponential coefficient (N = 400, T = 10, J = 3): center, half-span and mean inside their 95% credible intervals', async () => {
    const sim = simulated('recovery', 400, 10, 21);
    const r = await estimate(spec(sim.file, { burnIn: 1000, iterations: 1000, thin: 1, chains: 2, seed: 5 }, 2), null);
    const post = byName(r);
    expect(r.parameters.map((p) => p.name).sort()).toEqual(['sd.x1', 'x1', 'x2', 'x3']);
    for (const [name, v] of Object.entries(TRUTH)) {
      expect(post[name].lower, `${name}: ${v} in [${post[name].lower}, ${post[name].upper}]`).toBeLessThan(v);
      expect(post[name].upper, `${name}: ${v} in [${post[name].lower}, ${post[name].upper}]`).toBeGreaterThan(v);
    }
    expect(post['sd.x1'].lower).toBeGreaterThan(0.5); // the spread is found, not just admitted
    expect(post.x2.rhat).toBeLessThan(1.1);
  }, 600_000);

  it('draws are identical for 1 and 2 workers (uniform, triangular, exponential, the location move)', async () => {
    const sim = simulated('identity', 50, 5, 4);
    const out: string[] = [];
    for (const workers of [1, 2]) {
      const draws = path.join(dir, `draws-${workers}.csv`), individuals = path.join(dir, `individuals-${workers}.csv`);
      const r = await estimate(spec(sim.file, { burnIn: 20, iterations: 20, thin: 1, chains: 2, seed: 9, locationMove: true, draws, individuals }, workers, { x1: 'uniform', x2: 'exponential', x3: 'triangular' }), null);
      expect(r.workers).toBe(workers);
      out.push(readFileSync(draws, 'utf8') + readFileSync(individuals, 'utf8'));
    }
    expect(out[0].split('\n').length).toBeGreaterThan(40);
    expect(out[1]).toBe(out[0]);
  });

  it('refuses a mean shift on a uniform coefficient with a one-line error', async () => {
    const sim = simulateChoices(dir, 'shift', {
      individuals: 10, situations: 2, alternatives: 3, seed: 1,
      attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z(), x3: (r: Rng) => r.z() },
      characteristics: { inc: (r: Rng) => r.u() },
      individual: () => ({}),
      utility: (_s, x) => x.x1,
    });
    await expect(estimate(spec(sim.file, {}, 1, { x1: { dist: 'uniform', means: ['inc'] }, x2: 'normal' }), null))
      .rejects.toThrow(/^model\.random\.x1: estimator "hb" takes mean shifts \(inc\) only on normal, lognormal, cn and sb coefficients; received a uniform one \(use estimator "msl"\)$/);
  });
});
