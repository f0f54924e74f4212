/**
 * Implied distributions of the random coefficients, against closed forms:
 * lognormal mean exp(b + s²/2), median exp(b), sd sqrt(e^{s²}-1)·mean;
 * uniform b ± s: sd s/√3; normal: mean b, sd |s|; a correlated pair's
 * marginal sd is the norm of its Cholesky row. Delta-method SEs match a
 * direct computation for the lognormal median (se of exp(b) = exp(b)·se(b)).
 */
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { estimate, impliedDistributions, prepare } from '@mxl/estimation';
import { dataSet } from './shared.js';

const ELEC = { path: dataSet('electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };

describe('implied distributions', () => {
  it('closed forms for normal, negative lognormal, uniform and a correlated pair', async () => {
    const p = await prepare({ data: ELEC, model: { random: { pf: '-lognormal', cl: 'normal', loc: 'uniform', wk: 'normal', tod: 'normal' }, correlated: ['wk', 'tod'] } });
    const names = p.design.params.map((q) => q.name);
    const theta = Float64Array.from(names, () => 0);
    const set = (n: string, v: number) => (theta[names.indexOf(n)] = v);
    set('pf', -0.3); set('sd.pf', 0.5); set('cl', -0.2); set('sd.cl', -0.4); set('loc', 2); set('sd.loc', 1.5);
    const chol = names.filter((n) => n.startsWith('chol.'));
    chol.forEach((n, i) => set(n, [0.8, 0.3, 0.6][i] ?? 0.1));
    const P = names.length;
    const cov = new Float64Array(P * P);
    for (let i = 0; i < P; i++) cov[i * P + i] = 0.01;
    const d = Object.fromEntries(impliedDistributions(p.design, theta, cov).map((x) => [x.coefficient, x]));
    // negative lognormal: beta = -exp(b + s e)
    const mean = -Math.exp(-0.3 + 0.125);
    expect(d.pf.dist).toBe('-lognormal');
    expect(d.pf.mean).toBeCloseTo(mean, 3);
    expect(d.pf.median).toBeCloseTo(-Math.exp(-0.3), 6);
    expect(d.pf.sd).toBeCloseTo(Math.sqrt(Math.exp(0.25) - 1) * -mean, 2);
    expect(d.pf.se!.median).toBeCloseTo(Math.exp(-0.3) * 0.1, 5);
    // normal (a negative sd is the same distribution)
    expect(d.cl.mean).toBeCloseTo(-0.2, 6);
    expect(d.cl.sd).toBeCloseTo(0.4, 3);
    expect(d.cl.quantiles.q95).toBeCloseTo(-0.2 + 1.6449 * 0.4, 2);
    // uniform on b ± s
    expect(d.loc.mean).toBeCloseTo(2, 6);
    expect(d.loc.sd).toBeCloseTo(1.5 / Math.sqrt(3), 3);
    expect(d.loc.quantiles.q05).toBeCloseTo(2 - 1.5 * 0.9, 2);
    // correlated: marginal sd = norm of the Cholesky row
    const rowOf = (c: string) => chol.filter((n) => p.design.params[names.indexOf(n)].row === c).map((n) => theta[names.indexOf(n)]);
    expect(d.tod.sd).toBeCloseTo(Math.hypot(...rowOf('tod')), 3);
    expect(d.wk.sd).toBeCloseTo(Math.hypot(...rowOf('wk')), 3);
  });

  it('in the result of an estimation, and under the table when a coefficient is not normal', async () => {
    const r = await estimate({ data: ELEC, model: { fixed: ['pf', 'cl', 'loc', 'wk'], random: { tod: '-lognormal', seas: '-lognormal' } }, integration: { rule: 'halton', draws: 50 }, workers: 2 });
    expect(r.distributions.map((x) => x.coefficient)).toEqual(['tod', 'seas']);
    const tod = r.distributions[0];
    const b = r.raw.tod;
    expect(tod.median).toBeCloseTo(-Math.exp(b), 6);
    expect(tod.se!.mean).toBeGreaterThan(0);
  });
});
