/**
 * Post-estimation passes on their fast path (the WebAssembly softmax, see
 * packages/postestimation/test/fast-probabilities.test.ts for its accuracy)
 * through the built worker pool: Krinsky-Robb and delta-method shares are
 * the same numbers for 1, 2 and 3 worker threads.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '@mxl/estimation';
import { Predictor, type ResultLike } from '@mxl/postestimation';
import { REPO } from './shared.js';

const ELECTRICITY = { path: path.join(REPO, 'examples/electricity/electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };
const problem = await prepare({ data: ELECTRICITY, model: { fixed: ['pf', 'cl'], random: { loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } }, integration: { rule: 'halton', draws: 15 } });
const names = problem.design.params.map((q) => q.name);
const theta = names.map((n, i) => (n.includes('sd') ? 0.5 + 0.1 * i : -0.3 + 0.2 * i));
const result = {
  parameters: names.map((name) => ({ name })),
  raw: Object.fromEntries(names.map((n, i) => [n, theta[i]])),
  covariance: names.map((_, i) => names.map((__, j) => (i === j ? 0.01 : i + j === 3 ? 0.002 : 0))),
} as unknown as ResultLike;

describe('prediction passes on the fast path, any number of workers', () => {
  it('Krinsky-Robb and delta-method shares are the same for 1, 2 and 3 workers', async () => {
    const runs = [];
    for (const workers of [1, 2, 3]) {
      const pr = new Predictor(problem, result, { workers });
      try {
        runs.push([await pr.shares({ se: true, interval: { method: 'krinsky-robb', reps: 12 } }), await pr.shares({ se: true, interval: { method: 'delta', jacobian: 'numeric' } })]);
      } finally { await pr.close(); }
    }
    const se = runs[0][0].se!;
    expect(se.length).toBe(4);
    expect(se.every((x) => x > 0)).toBe(true);
    for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
  });
});
