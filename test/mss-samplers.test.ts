/**
 * The posterior samplers of the method of simulated scores, against an
 * independent computation: an individual's score E[d log L_n(β(θ, z))/dθ | y_n]
 * is the derivative of log P_n(θ) itself, which the per-individual scores of
 * the log-likelihood with 16,384 scrambled Sobol' points give to within a
 * small simulation error. The differences d_n between a sampler's score and
 * it are independent over individuals with mean zero (exactly for
 * accept-reject, to O(1/R) for importance sampling, to the chains'
 * convergence for MH), so z = Σ d_n / sqrt(Σ d_n²) is about standard normal:
 * every sampler's |z| stays below 4 for every parameter, while the plain
 * average over prior draws (a sampler that ignored the choices) is off by
 * more than 8 on the spreads. Each sampler reports what it did (acceptance,
 * accepted draws, effective sample size), and its numbers are identical on 1,
 * 2 and 3 workers.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineFor, prepare, simulate, TRUTH, type Prepared } from '@mxl/estimation';
import { createRule } from '@mxl/integration';
import { FastKernel, type CoefficientPlan } from '@mxl/core';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-samplers-'));
const files = simulate(dir, { individuals: 400, situations: 1, alternatives: 4, seed: 17 });
const base = JSON.parse(readFileSync(files.spec, 'utf8'));
const R = 64;

let p: Prepared;
let theta: Float64Array;
/** The exact scores d log P_n/dθ (N × P). */
let exact: Float64Array;
/** The plain average of the scores over the prior draws (N × P; no posterior at all). */
let prior: Float64Array;

/** Per parameter, z = Σ_n d_n / sqrt(Σ_n d_n²) of the differences from the exact scores. */
function zOf(scores: Float64Array): number[] {
  const P = p.design.params.length, t = new Float64Array(P), q2 = new Float64Array(P);
  for (let i = 0; i < scores.length; i++) { const d = scores[i] - exact[i]; t[i % P] += d; q2[i % P] += d * d; }
  return Array.from(t, (x, q) => x / Math.sqrt(q2[q]));
}

beforeAll(async () => {
  p = await prepare({ ...base, integration: { rule: 'sobol', draws: R, scramble: 'owen', seed: 3 } }, files.spec);
  // a little off the truth, so that the score is not zero
  theta = Float64Array.from(p.design.params.map((q) => TRUTH[q.name] + (q.kind === 'sd' ? 0.2 : -0.1)));
  const accurate = { ...p, rule: createRule({ rule: 'sobol', draws: 16384, scramble: 'owen', seed: 4 }, p.design.plan.D) };
  const e = engineFor(accurate, 2);
  exact = Float64Array.from((await e.evaluate(theta)).unitScores);
  await e.close();
  const P = p.design.params.length, N = p.data.nUnits;
  // the plain average over the prior draws: what a sampler that ignored the choices would give
  const k = new FastKernel(p.data, p.design.plan as CoefficientPlan, p.rule!, { cacheDraws: false });
  prior = new Float64Array(N * P);
  for (let u = 0; u < N; u++) k.nodeAverageScore(theta, u, prior, u * P);
});

async function run(kind: 'mh' | 'accept-reject' | 'importance', workers: number) {
  const e = engineFor(p, workers);
  try {
    await e.startSampler(theta, { kind, burnIn: 40, budget: 1000 });
    const r = await e.posteriorScores(theta, true);
    return { scores: Float64Array.from(r.scores), acceptance: Float64Array.from(r.acceptance), draws: Float64Array.from(r.draws) };
  } finally {
    await e.close();
  }
}

describe('MSS posterior samplers', () => {
  it('plain prior draws miss the exact scores by far (the check can tell)', () => {
    const z = zOf(prior);
    p.design.params.forEach((q, i) => { if (q.kind === 'sd') expect(Math.abs(z[i]), q.name).toBeGreaterThan(8); });
  });

  for (const kind of ['accept-reject', 'importance', 'mh'] as const) {
    it(`${kind}: its scores match the exact ones (|z| < 4); the same on 1, 2 and 3 workers`, async () => {
      const one = await run(kind, 1);
      const z = zOf(one.scores);
      p.design.params.forEach((q, i) => expect(Math.abs(z[i]), `${q.name}: z = ${z[i]}`).toBeLessThan(4));
      const N = p.data.nUnits;
      const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / N;
      if (kind === 'accept-reject') {
        // every individual got its R exact draws; the acceptance rate is about the mean choice probability
        expect(Math.min(...one.draws)).toBe(R);
        expect(mean(one.acceptance)).toBeGreaterThan(0.15);
        expect(mean(one.acceptance)).toBeLessThan(0.6);
      } else if (kind === 'importance') {
        expect(Math.min(...one.draws)).toBeGreaterThan(1);
        expect(Math.max(...one.draws)).toBeLessThanOrEqual(R + 1e-9);
        expect(mean(one.draws)).toBeGreaterThan(R / 4);
      } else {
        expect(mean(one.acceptance)).toBeGreaterThan(0.15);
      }
      for (const w of [2, 3]) {
        const other = await run(kind, w);
        expect(Array.from(other.scores)).toEqual(Array.from(one.scores));
        expect(Array.from(other.draws)).toEqual(Array.from(one.draws));
      }
    });
  }
});
