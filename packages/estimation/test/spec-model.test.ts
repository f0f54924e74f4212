import { describe, expect, it } from 'vitest';
import { buildModel, checkSpec, SpecError } from '../src/index.js';

const data = { path: 'd.csv', id: 'id', situation: 's', alt: 'a', choice: 'c' };
const check = (patch: Record<string, unknown>) => checkSpec({ data, ...patch }, null);

describe('checkSpec', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['unknown top-level key', { model: { fixed: ['x'] }, modle: 1 }, /unknown option "modle"/],
    ['unknown model key', { model: { fixed: ['x'], randm: {} } }, /model\.randm/],
    ['unknown distribution', { model: { random: { x: 'gamma' } } }, /model\.random\.x must be one of .*received "gamma"/],
    ['fixed not a list', { model: { fixed: 'x' } }, /model\.fixed must be a list.*received "x"/],
    ['both fixed and random', { model: { fixed: ['x'], random: { x: 'normal' } } }, /both in model\.fixed and model\.random/],
    ['no coefficients', { model: {} }, /no coefficients/],
    ['se unknown', { model: { fixed: ['x'] }, se: 'sandwich' }, /se must be one of .*received "sandwich"/],
    ['workers not positive', { model: { fixed: ['x'] }, workers: 0 }, /workers must be a positive integer; received 0/],
    ['start not a number', { model: { fixed: ['x'] }, start: { x: 'a' } }, /start\.x must be a finite number; received "a"/],
    ['correlated uniform', { model: { random: { x: 'uniform', y: 'normal' }, correlated: true } }, /only normal-based/],
    ['classes count', { model: { fixed: ['x'], classes: { count: 1 } } }, /model\.classes\.count must be an integer of at least 2; received 1/],
    ['panel without id', { data: { ...data, id: undefined }, model: { fixed: ['x'], panel: true } }, /data\.id/],
    ['latent class with per-situation BHHH', { model: { fixed: ['x'], classes: { count: 2 } }, se: 'bhhh-situations' }, /not defined for latent class/],
  ];
  for (const [what, patch, re] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => check(patch)).toThrow(SpecError);
      expect(() => check(patch)).toThrow(re);
    });
  }

  it('fills defaults: Halton with 100 draws, bhhh, panel when an id is given', () => {
    const s = check({ model: { fixed: ['x'] } });
    expect(s.integration).toMatchObject({ rule: 'halton', draws: 100 });
    expect(s.se).toBe('bhhh');
    expect(s.model.panel).toBe(true);
    expect(s.data.path).toMatch(/d\.csv$/);
  });

  it('accepts mlogit distribution codes and the -lognormal shorthand', () => {
    const s = check({ model: { random: { a: 'n', b: 'ln', c: '-lognormal', d: 'u', e: 't', f: 'cn' } } });
    expect(s.model.random.map((r) => [r.dist, r.sign])).toEqual([['normal', 1], ['lognormal', 1], ['lognormal', -1], ['uniform', 1], ['triangular', 1], ['cn', 1]]);
  });
});

describe('buildModel: parameter names and order', () => {
  it('locations (fixed, then random), mean shifts, spreads; dimensions in spec order', () => {
    const d = buildModel(check({ model: { fixed: ['p'], random: { a: 'normal', b: { dist: 'lognormal', means: ['inc'] }, c: 'exponential' } } }), ['1', '2']);
    expect(d.params.map((q) => q.name)).toEqual(['p', 'a', 'b', 'c', 'b:inc', 'sd.a', 'sd.b']);
    expect(d.plan.D).toBe(3);
  });

  it('Cholesky elements are named as mlogit names them: chol.a:b = L[b, a], row by row', () => {
    const d = buildModel(check({ model: { random: { pf: 'normal', cl: 'normal', loc: 'normal' }, correlated: true } }), ['1']);
    expect(d.params.slice(3).map((q) => q.name)).toEqual(['chol.pf:pf', 'chol.pf:cl', 'chol.cl:cl', 'chol.pf:loc', 'chol.cl:loc', 'chol.loc:loc']);
    const q = d.params.find((x) => x.name === 'chol.cl:loc')!;
    expect([q.row, q.col]).toEqual(['loc', 'cl']);
  });

  it('constants, alternative-specific coefficients and error components', () => {
    const d = buildModel(check({ model: { fixed: ['cost'], asc: { reference: 'SM' }, altSpecific: { time: ['TRAIN', 'CAR'] }, errorComponents: { rail: ['TRAIN', 'SM'] } } }), ['TRAIN', 'SM', 'CAR']);
    expect(d.params.map((q) => q.name)).toEqual(['asc.TRAIN', 'asc.CAR', 'cost', 'time.TRAIN', 'time.CAR', 'sd.ec.rail']);
    expect(d.columns.map((c) => c.source.kind)).toEqual(['asc', 'asc', 'column', 'alt-specific', 'alt-specific', 'ec']);
  });

  it('an unknown alternative is an error naming the option', () => {
    expect(() => buildModel(check({ model: { fixed: ['x'], asc: { reference: 'BUS' } } }), ['TRAIN', 'CAR'])).toThrow(/model\.asc\.reference.*"BUS"/);
    expect(() => buildModel(check({ model: { fixed: ['x'], errorComponents: { n: ['BUS'] } } }), ['TRAIN'])).toThrow(/model\.errorComponents\.n/);
  });

  it('latent classes repeat the coefficients per class and add the membership logit', () => {
    const d = buildModel(check({ model: { fixed: ['x'], random: { y: 'normal' }, classes: { count: 3, membership: ['inc'] } } }), ['1', '2']);
    expect(d.params.map((q) => q.name)).toEqual([
      'class1.x', 'class1.y', 'class1.sd.y', 'class2.x', 'class2.y', 'class2.sd.y', 'class3.x', 'class3.y', 'class3.sd.y',
      'class2:(intercept)', 'class2:inc', 'class3:(intercept)', 'class3:inc',
    ]);
    expect(d.classes).toBe(3);
  });
});
