/**
 * The scale of utility at the front door (model.space, model.scale,
 * model.scaleHeterogeneity; ../src/spec/scale.ts) and the designs it builds
 * (../src/model.ts): one-line errors naming the option, did-you-mean for
 * near misses, and the parameters, columns, draws and coupling of WTP-space
 * and G-MNL models.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, checkSpec, dataColumns, SpecError } from '../src/index.js';

const data = { path: 'd.csv', id: 'id', situation: 's', alt: 'a', choice: 'c' };
const check = (model: Record<string, unknown>, rest: Record<string, unknown> = {}) => checkSpec({ data, model, ...rest }, null);
const wtp = { random: { x: 'normal' }, space: 'wtp', scale: { column: 'price', dist: 'lognormal' } };

describe('model.space, model.scale, model.scaleHeterogeneity', () => {
  const bad: [string, Record<string, unknown>, RegExp, string][] = [
    ['a misspelt key', { fixed: ['x'], spaec: 'wtp' }, /unknown option "model\.spaec" \(did you mean "space"\?\)/, 'model.spaec'],
    ['an unknown space', { fixed: ['x'], space: 'wpt' }, /model\.space must be one of "preference", "wtp"; received "wpt" \(did you mean "wtp"\?\)/, 'model.space'],
    ['WTP space without a price column', { fixed: ['x'], space: 'wtp' }, /model\.space "wtp" needs model\.scale: \{ "column": the price column/, 'model.scale'],
    ['a scale in preference space', { fixed: ['x'], scale: { column: 'price' } }, /model\.scale is the price column and scale of willingness-to-pay space: set model\.space to "wtp"/, 'model.scale'],
    ['a scale that is not an object', { fixed: ['x'], space: 'wtp', scale: 'price' }, /model\.scale must be \{ "column": price column/, 'model.scale'],
    ['a misspelt scale key', { fixed: ['x'], space: 'wtp', scale: { column: 'price', dsit: 'fixed' } }, /unknown option "model\.scale\.dsit" \(did you mean "dist"\?\)/, 'model.scale.dsit'],
    ['a scale without a column', { fixed: ['x'], space: 'wtp', scale: { dist: 'fixed' } }, /model\.scale\.column must name the price column; received nothing/, 'model.scale.column'],
    ['an unknown scale distribution', { fixed: ['x'], space: 'wtp', scale: { column: 'price', dist: 'lognormla' } }, /model\.scale\.dist must be one of "fixed", "lognormal", "normal", "cn"; received "lognormla" \(did you mean "lognormal"\?\)/, 'model.scale.dist'],
    ['a price column that is also fixed', { fixed: ['x', 'price'], space: 'wtp', scale: { column: 'price' } }, /model\.scale\.column: "price" is also in model\.fixed; in WTP space the price column takes no coefficient of its own/, 'model.scale.column'],
    ['a price column that is also random', { random: { price: 'normal' }, fixed: ['x'], space: 'wtp', scale: { column: 'price' } }, /"price" is also in model\.random/, 'model.scale.column'],
    ['WTP space with latent classes', { fixed: ['x'], space: 'wtp', scale: { column: 'price' }, classes: { count: 2 } }, /model\.space "wtp" cannot be combined with model\.classes/, 'model.space'],
    ['G-MNL in WTP space', { ...wtp, scaleHeterogeneity: {} }, /model\.scaleHeterogeneity \(G-MNL\) is for preference space/, 'model.scaleHeterogeneity'],
    ['a bad gamma', { fixed: ['x'], scaleHeterogeneity: { gamma: 0.5 } }, /model\.scaleHeterogeneity\.gamma must be "free", 0 \(GMNL-II\) or 1 \(GMNL-I\); received 0\.5/, 'model.scaleHeterogeneity.gamma'],
    ['a misspelt gamma', { fixed: ['x'], scaleHeterogeneity: { gamma: 'fre' } }, /received "fre" \(did you mean "free"\?\)/, 'model.scaleHeterogeneity.gamma'],
    ['a misspelt G-MNL key', { fixed: ['x'], scaleHeterogeneity: { gama: 1 } }, /unknown option "model\.scaleHeterogeneity\.gama" \(did you mean "gamma"\?\)/, 'model.scaleHeterogeneity.gama'],
    ['G-MNL with a censored normal coefficient', { random: { x: 'cn' }, scaleHeterogeneity: {} }, /model\.random\.x is cn; G-MNL .* must be normal, uniform, triangular, exponential, lognormal \(or fixed\)$/, 'model.random.x'],
    ['G-MNL with latent classes', { fixed: ['x'], scaleHeterogeneity: {}, classes: { count: 2 } }, /latent class G-MNL is not supported/, 'model.scaleHeterogeneity'],
  ];
  for (const [what, model, re, option] of bad) {
    it(`rejects ${what} with one line naming ${option}`, () => {
      let err: unknown;
      try { check(model); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).message).toMatch(re);
      expect((err as SpecError).message).not.toContain('\n');
      expect((err as SpecError).option).toBe(option);
    });
  }

  it('defaults: preference space (no key), no scale heterogeneity; a scale is fixed and G-MNL frees gamma unless told', () => {
    const m = check({ fixed: ['x'] }).model;
    expect(['space', 'scale', 'scaleHeterogeneity'].filter((k) => k in m)).toEqual([]); // absent: a preference-space spec's JSON is unchanged
    expect(check({ fixed: ['x'], space: 'preference' }).model.space).toBeUndefined();
    expect(check({ fixed: ['x'], space: 'wtp', scale: { column: 'p' } }).model.scale).toEqual({ column: 'p', dist: 'fixed' });
    expect(check({ fixed: ['x'], scaleHeterogeneity: {} }).model.scaleHeterogeneity).toEqual({ gamma: 'free' });
  });

  it('builds a WTP-space design: the price column last, lambda first, sd.lambda and its draw last, the wtp coupling', () => {
    const spec = check({ fixed: ['y'], random: { x: 'normal' }, space: 'wtp', scale: { column: 'price', dist: 'lognormal' }, asc: true });
    expect(dataColumns(spec)).toEqual(['y', 'x', 'price']);
    const d = buildModel(spec, ['1', '2', '3']);
    expect(d.columns.map((c) => c.name)).toEqual(['asc.2', 'asc.3', 'y', 'x', 'price']);
    expect(d.params.map((q) => q.name)).toEqual(['lambda', 'asc.2', 'asc.3', 'y', 'x', 'sd.x', 'sd.lambda']);
    const plan = d.plan as Extract<typeof d.plan, { K: number; link: Int32Array }>;
    expect(plan.coupling).toEqual({ kind: 'wtp', price: 4 });
    expect(plan.D).toBe(2);
    expect(Array.from(plan.random)).toEqual([1, 1, 1, 1, 1]); // every coefficient varies with lambda
    expect(d.coupling).toBe('wtp');
    expect(d.random.map((r) => r.column)).toEqual(['x', 'price']);
  });

  it('builds a fixed-scale WTP design without draws, and a G-MNL design with tau, gamma and the scale draw last', () => {
    const fixed = buildModel(check({ fixed: ['x'], space: 'wtp', scale: { column: 'price' } }), ['a', 'b']);
    expect(fixed.params.map((q) => q.name)).toEqual(['lambda', 'x']);
    expect(fixed.plan.D).toBe(0);
    const g = buildModel(check({ fixed: ['y'], random: { x: 'normal' }, scaleHeterogeneity: { gamma: 'free' } }), ['a', 'b']);
    expect(g.params.map((q) => q.name)).toEqual(['y', 'x', 'sd.x', 'tau', 'gamma']);
    expect((g.plan as { coupling?: unknown }).coupling).toEqual({ kind: 'gmnl', tauParam: 3, gammaParam: 4, gamma: 0, scaleDim: 1 });
    const g1 = buildModel(check({ fixed: ['y'], scaleHeterogeneity: { gamma: 1 } }), ['a', 'b']);
    expect(g1.params.map((q) => q.name)).toEqual(['y', 'tau']);
    expect((g1.plan as { coupling?: unknown }).coupling).toEqual({ kind: 'gmnl', tauParam: 1, gammaParam: -1, gamma: 1, scaleDim: 0 });
  });
});
