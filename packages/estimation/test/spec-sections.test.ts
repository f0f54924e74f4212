/**
 * The spec's sections checked at the front door: every key of every section,
 * with "did you mean" for a near miss, and the value's type; a valid spec
 * comes out as it always did (its JSON, which keys a checkpoint, unchanged).
 */
import { describe, expect, it } from 'vitest';
import { checkSpec, SpecError, UserError } from '../src/index.js';

const data = { path: 'd.csv', id: 'id', situation: 's', alt: 'a', choice: 'c' };
const model = { fixed: ['x'] };
const check = (patch: Record<string, unknown>) => checkSpec({ data, model, ...patch }, null, '/base');

describe('checkSpec: every section at the front door', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a misspelt data key', { data: { ...data, fliter: 'x > 0' } }, /unknown option "data\.fliter" \(did you mean "filter"\?\)/],
    ['data.choice missing', { data: { ...data, choice: undefined } }, /data\.choice must be the choice column; received nothing/],
    ['data.outside not a boolean', { data: { ...data, outside: 'yes' } }, /data\.outside must be true or false; received "yes"/],
    ['data.format unknown', { data: { ...data, format: 'wdie' } }, /data\.format must be one of "long", "wide"; received "wdie" \(did you mean "wide"\?\)/],
    ['data.derive not expressions', { data: { ...data, derive: { z: 3 } } }, /data\.derive\.z must be an expression/],
    ['data.alternatives attribute', { data: { ...data, alternatives: { A: { price: true } } } }, /data\.alternatives\.A\.price must be a column name or a number/],
    ['a misspelt random key', { model: { random: { x: { dsit: 'normal' } } } }, /unknown option "model\.random\.x\.dsit" \(did you mean "dist"\?\); expected dist, means, sign/],
    ['a misspelt asc key', { model: { fixed: ['x'], asc: { refrence: 'A' } } }, /unknown option "model\.asc\.refrence" \(did you mean "reference"\?\); expected reference/],
    ['a misspelt integration key', { integration: { rule: 'halton', draw: 10 } }, /unknown option "integration\.draw" \(did you mean "draws"\?\)/],
    ['an integration rule near a name', { integration: { rule: 'sobl', draws: 10 } }, /integration\.rule must be one of .*received "sobl" \(did you mean "sobol"\?\)/],
    ['an integration value', { integration: { rule: 'halton', draws: -3 } }, /integration\.draws must be a positive integer; received -3/],
    ['a seed plain Halton ignores', { integration: { rule: 'halton', draws: 10, seed: 7 } }, /integration\.seed has no effect: rule "halton" without scrambling gives the same points for every seed; to draw anew .*"scramble": "owen".*rule "pseudo" or "mlhs", or remove integration\.seed/],
    ['a seed with the default rule', { integration: { draws: 10, seed: 7 } }, /integration\.seed has no effect: rule "halton" without scrambling/],
    ['a seed plain Sobol\' ignores', { integration: { rule: 'sobol', draws: 16, scramble: 'none', seed: 7 } }, /integration\.seed has no effect: rule "sobol" without scrambling/],
    ['a misspelt optimizer key', { optimizer: { maxiter: 10 } }, /unknown option "optimizer\.maxiter" \(did you mean "maxIter"\?\)/],
    ['an optimizer value', { optimizer: { method: 'newton' } }, /optimizer\.method must be one of bfgs, lbfgs, bhhh, trust-region; received "newton"/],
    ['optimizer.starts', { optimizer: { starts: 0 } }, /optimizer\.starts must be a positive integer; received 0/],
  ];
  for (const [what, patch, re] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => check(patch)).toThrow(SpecError);
      expect(() => check(patch)).toThrow(re);
    });
  }

  it('a seed is accepted where it changes the draws', () => {
    for (const integration of [
      { rule: 'halton', draws: 10, scramble: 'owen', seed: 7 },
      { rule: 'halton', draws: 10, scramble: 'shuffle', seed: 7 },
      { rule: 'sobol', draws: 16, scramble: 'owen', seed: 7 },
      { rule: 'pseudo', draws: 10, seed: 7 },
      { rule: 'mlhs', draws: 10, seed: 7 },
    ]) expect(check({ integration }).integration).toEqual(integration);
  });

  it('a SpecError is a UserError (the command line reports it as the user\'s mistake)', () => {
    expect(() => check({ modle: {} })).toThrow(UserError);
  });

  it('a valid spec comes out as before: its JSON (a checkpoint\'s key) is unchanged', () => {
    const s = check({ integration: { rule: 'sobol', draws: 64, scramble: 'owen' }, optimizer: { method: 'bfgs', starts: 2 }, start: { x: 1 } });
    expect(JSON.stringify(s)).toBe(JSON.stringify({
      baseDir: '/base',
      data: { path: '/base/d.csv', id: 'id', situation: 's', alt: 'a', choice: 'c' },
      model: { fixed: ['x'], random: [], correlated: [], panel: true, asc: null, altSpecific: {}, errorComponents: {}, classes: null, fix: {} },
      integration: { rule: 'sobol', draws: 64, scramble: 'owen' },
      optimizer: { method: 'bfgs', starts: 2 },
      se: 'bhhh', start: { x: 1 }, workers: null, estimator: 'msl', drawCache: 1024, bootstrap: null,
    }));
    expect(check({}).integration).toEqual({ rule: 'halton', draws: 100 });
  });
});
