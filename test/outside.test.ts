/**
 * The outside option: situations without a chosen row chose an alternative
 * of utility 0 (s_j = e^V_j / (1 + Σ_k e^V_k)); simulated data are recovered.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate } from '@mxl/estimation';
import { mulberry32 } from '@mxl/test-helpers';

/** mulberry32 uniforms, never exactly 0. */
function mulberry(seed: number) {
  const u = mulberry32(seed);
  return () => u() + 1e-12;
}

describe('outside option', () => {
  it('recovers a panel mixed logit with an outside good', async () => {
    const u = mulberry(99);
    const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    const gumbel = () => -Math.log(-Math.log(u()));
    const truth = { price: -1.2, quality: 0.8, 'sd.quality': 0.7 };
    const lines = ['id,t,alt,choice,price,quality'];
    let outsideCount = 0;
    for (let i = 1; i <= 1000; i++) {
      const bq = truth.quality + truth['sd.quality'] * gauss();
      for (let t = 1; t <= 6; t++) {
        const J = 2 + ((i + t) % 2); // 2 or 3 inside goods
        const rows: number[][] = [];
        let best = -1, bestU = gumbel(); // the outside good: utility 0 + noise
        for (let j = 0; j < J; j++) {
          const x = [0.2 + u() * 1.5, gauss()];
          const util = truth.price * x[0] + bq * x[1] + 0.5 + gumbel();
          rows.push(x);
          if (util > bestU) { bestU = util; best = j; }
        }
        if (best < 0) outsideCount++;
        rows.forEach((x, j) => lines.push(`${i},${t},${j + 1},${j === best ? 1 : 0},${x[0].toFixed(5)},${x[1].toFixed(5)}`));
      }
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-outside-'));
    writeFileSync(path.join(dir, 'd.csv'), lines.join('\n') + '\n');
    // an inside constant (0.5) is needed: make it a column of ones
    const spec = {
      data: { path: 'd.csv', id: 'id', situation: 't', alt: 'alt', choice: 'choice', outside: true, derive: { inside: '1 + 0 * price' } },
      model: { fixed: ['inside', 'price'], random: { quality: 'normal' } },
      integration: { rule: 'halton', draws: 100 },
      workers: 2,
    };
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    expect(outsideCount).toBeGreaterThan(300);
    const r = await estimate(spec, path.join(dir, 'spec.json'));
    expect(r.converged).toBe(true);
    const all = { inside: 0.5, ...truth } as Record<string, number>;
    for (const p of r.parameters) expect(Math.abs(p.estimate - all[p.name]) / p.se, `${p.name} ${p.estimate} ± ${p.se}`).toBeLessThan(3);
    // null log-likelihood counts the outside option among the alternatives
    expect(r.nullLoglik).toBeCloseTo(-1000 * 3 * (Math.log(3) + Math.log(4)), 6);
  });
});
