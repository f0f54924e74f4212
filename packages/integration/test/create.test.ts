import { describe, expect, it } from 'vitest';
import {
  createRule,
  gaussHermite,
  type IntegrationRule,
  nodesForFirstUnit,
  normalCdf,
  RULE_NAMES,
  RuleConfigError,
  type RuleConfig,
} from '../src/index.js';
import { unitDraws } from './helpers.js';

const CONFIGS: RuleConfig[] = [
  { rule: 'pseudo', draws: 6 },
  { rule: 'pseudo', draws: 6, antithetic: true, seed: 3 },
  { rule: 'halton', draws: 5 },
  { rule: 'halton', draws: 5, scramble: 'owen', seed: 9 },
  { rule: 'halton', draws: 5, scramble: 'shuffle', discard: 10 },
  { rule: 'mlhs', draws: 4 },
  { rule: 'sobol', draws: 8 },
  { rule: 'sobol', draws: 8, scramble: 'owen', seed: 4 },
  { rule: 'product', level: 3 },
  { rule: 'sparse-gqn', level: 3 },
  { rule: 'sparse-kpn', level: 3 },
];

describe('createRule', () => {
  it('lists the rule names', () => {
    expect(RULE_NAMES).toEqual(['pseudo', 'halton', 'mlhs', 'sobol', 'product', 'sparse-gqn', 'sparse-kpn']);
  });

  it('rebuilds an identical rule from toJSON (also through JSON text), for every rule', () => {
    for (const config of CONFIGS) {
      const rule = createRule(config, 3);
      const again = createRule(JSON.parse(JSON.stringify(rule.toJSON())), rule.dim);
      expect(again.toJSON()).toEqual(rule.toJSON());
      expect(again.toString()).toBe(rule.toString());
      expect(again.size).toBe(rule.size);
      expect(unitDraws(again, 2)).toEqual(unitDraws(rule, 2));
      expect(again.weights).toEqual(rule.weights);
    }
  });

  it('fills in documented defaults', () => {
    expect(createRule({ rule: 'halton', draws: 100 }, 2).toJSON()).toEqual({ rule: 'halton', draws: 100, discard: 100, scramble: 'none', seed: 123456789 });
    expect(createRule({ rule: 'sobol', draws: 64 }, 2).toJSON()).toEqual({ rule: 'sobol', draws: 64, discard: 1, scramble: 'none', seed: 123456789 });
    expect(createRule({ rule: 'sobol', draws: 64, scramble: 'owen' }, 2).toJSON()).toMatchObject({ discard: 0 });
    expect(createRule({ rule: 'pseudo', draws: 10 }, 2).toJSON()).toEqual({ rule: 'pseudo', draws: 10, seed: 123456789, antithetic: false });
    expect(createRule({ rule: 'mlhs', draws: 10, seed: undefined }, 2).toJSON()).toEqual({ rule: 'mlhs', draws: 10, seed: 123456789 });
    expect(createRule({ rule: 'product', level: 4 }, 2).toJSON()).toEqual({ rule: 'product', level: 4 });
  });

  it('describes itself in one line', () => {
    expect(String(createRule({ rule: 'halton', draws: 100 }, 2))).toBe('halton(draws=100, discard=100, scramble=none)');
    expect(String(createRule({ rule: 'halton', draws: 100, scramble: 'owen', seed: 3 }, 2))).toBe('halton(draws=100, discard=100, scramble=owen, seed=3)');
    expect(String(createRule({ rule: 'sobol', draws: 128 }, 2))).toBe('sobol(draws=128, discard=1, scramble=none)');
    expect(String(createRule({ rule: 'pseudo', draws: 10 }, 2))).toBe('pseudo(draws=10, seed=123456789, antithetic=false)');
    expect(String(createRule({ rule: 'mlhs', draws: 10 }, 2))).toBe('mlhs(draws=10, seed=123456789)');
    expect(String(createRule({ rule: 'product', level: 5 }, 3))).toBe('product(level=5, nodes=125)');
    expect(String(createRule({ rule: 'sparse-kpn', level: 3 }, 3))).toBe('sparse-kpn(level=3, nodes=19)');
  });

  const bad: [unknown, number, string][] = [
    [{ rule: 'halton', draws: -3 }, 2, 'integration.draws must be a positive integer; received -3'],
    [{ rule: 'halton', draws: 2.5 }, 2, 'integration.draws must be a positive integer; received 2.5'],
    [{ rule: 'halton', draws: '100' }, 2, 'integration.draws must be a positive integer; received "100"'],
    [{ rule: 'halton' }, 2, 'integration.draws must be a positive integer; received undefined'],
    [{ rule: 'haltonn', draws: 5 }, 2, 'integration.rule must be one of pseudo, halton, mlhs, sobol, product, sparse-gqn, sparse-kpn; received "haltonn"'],
    [{ draws: 5 }, 2, 'integration.rule must be one of pseudo, halton, mlhs, sobol, product, sparse-gqn, sparse-kpn; received undefined'],
    [{ rule: 'halton', draws: 5, scramble: 'random' }, 2, 'integration.scramble must be one of none, owen, shuffle; received "random"'],
    [{ rule: 'sobol', draws: 5, scramble: 'shuffle' }, 2, 'integration.scramble must be one of none, owen; received "shuffle"'],
    [{ rule: 'halton', draws: 5, discard: 0 }, 2, 'integration.discard must be at least 1 unless integration.scramble is "owen" (index 0 is the point 0, which maps to -Infinity); received 0'],
    [{ rule: 'sobol', draws: 5, discard: 0 }, 2, 'integration.discard must be at least 1 when integration.scramble is "none" (index 0 is the point 0, which maps to -Infinity); received 0'],
    [{ rule: 'halton', draws: 5, discard: -1 }, 2, 'integration.discard must be a non-negative integer; received -1'],
    [{ rule: 'sobol', draws: 2 ** 31, discard: 2 ** 31 + 1 }, 2, 'integration.discard plus integration.draws must be at most 2^32 = 4294967296 (32-bit Sobol\' indices); received 2147483649'],
    [{ rule: 'halton', draws: 10, discard: 6e15, scramble: 'owen' }, 2, 'integration.discard plus integration.draws must be at most 5559060566555523 (Halton indices); received 6000000000000000'],
    [{ rule: 'pseudo', draws: 5, seed: -1 }, 2, 'integration.seed must be a non-negative integer; received -1'],
    [{ rule: 'pseudo', draws: 5, seed: 2 ** 32 }, 2, 'integration.seed must be a non-negative integer at most 4294967295; received 4294967296'],
    [{ rule: 'pseudo', draws: 5, antithetic: 'yes' }, 2, 'integration.antithetic must be true or false; received "yes"'],
    [{ rule: 'halton', draws: 5, antithetic: true }, 2, 'integration.antithetic is not an option of rule halton (options: draws, discard, scramble, seed); received true'],
    [{ rule: 'halton', draws: 5, level: 3 }, 2, 'integration.level is not an option of the simulation rule halton, which takes draws; received 3'],
    [{ rule: 'product', level: 3, draws: 100 }, 2, 'integration.draws cannot be combined with integration.level: the quadrature rule product takes level (its node count follows from level and dim), not draws; received 100'],
    [{ rule: 'sparse-kpn', draws: 100 }, 2, 'integration.draws cannot be combined with integration.level: the quadrature rule sparse-kpn takes level (its node count follows from level and dim), not draws; received 100'],
    [{ rule: 'product' }, 2, 'integration.level must be a positive integer; received undefined'],
    [{ rule: 'product', level: 0 }, 2, 'integration.level must be a positive integer; received 0'],
    [{ rule: 'product', level: 10 }, 7, 'integration.level gives 10^7 = 10000000 product nodes, above the limit of 1000000; received 10'],
    [{ rule: 'sparse-kpn', level: 26 }, 2, 'integration.level must be a positive integer at most 25; received 26'],
    [{ rule: 'sparse-gqn', level: 25 }, 40, 'tensor-product terms, above the limit of 5000000; received 25'],
    [{ rule: 'product', level: 3, seed: 1 }, 2, 'integration.seed is not an option of rule product (options: level); received 1'],
    [{ rule: 'mlhs', draws: 5, drawz: 5 }, 2, 'integration.drawz is not an option of rule mlhs (options: draws, seed); received 5'],
    [{ rule: 'sobol', draws: 5 }, 1025, 'integration.rule "sobol" supports at most 1024 random dimensions (embedded Joe-Kuo table); received dim=1025'],
    [null, 2, 'integration must be an object with a rule; received null'],
    [{ rule: 'halton', draws: 5 }, 0, 'dim (the number of random dimensions) must be a positive integer; received 0'],
  ];
  for (const [config, dim, message] of bad) {
    it(`rejects ${JSON.stringify(config)} (dim ${dim})`, () => {
      let err: unknown;
      try {
        createRule(config as RuleConfig, dim);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RuleConfigError);
      expect((err as Error).name).toBe('RuleConfigError');
      expect((err as Error).message).toContain(message);
    });
  }

  it('records the option on the error', () => {
    try {
      createRule({ rule: 'halton', draws: -3 }, 2);
    } catch (e) {
      expect((e as RuleConfigError).option).toBe('integration.draws');
      expect((e as RuleConfigError).received).toBe(-3);
    }
    expect.assertions(2);
  });
});

describe('IntegrationRule contract', () => {
  it('simulation rules: not shared, equal weights (null), size = draws; quadrature: shared, weights sum to 1', () => {
    for (const config of CONFIGS) {
      const rule: IntegrationRule = createRule(config, 3);
      expect(rule.name).toBe(config.rule);
      expect(rule.dim).toBe(3);
      if (config.draws !== undefined) {
        expect(rule.shared).toBe(false);
        expect(rule.weights).toBeNull();
        expect(rule.size).toBe(config.draws);
      } else {
        expect(rule.shared).toBe(true);
        expect(rule.weights?.length).toBe(rule.size);
        expect(Math.abs((rule.weights as Float64Array).reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-14);
        expect(unitDraws(rule, 0)).toEqual(unitDraws(rule, 12345)); // the same nodes for every unit
      }
    }
  });

  it('quadrature rules give Phi(z) for flagged dimensions', () => {
    const rule = createRule({ rule: 'product', level: 3 }, 2);
    const z = unitDraws(rule, 0);
    const u = unitDraws(rule, 0, new Uint8Array([0, 1]));
    for (let i = 0; i < 9; i++) {
      expect(u[i]).toBe(z[i]);
      expect(u[9 + i]).toBe(normalCdf(z[9 + i] as number));
    }
  });

  it('fill checks its arguments', () => {
    const rule = createRule({ rule: 'halton', draws: 4 }, 2);
    expect(() => rule.fill(-1, new Float64Array(8))).toThrow(RangeError);
    expect(() => rule.fill(1.5, new Float64Array(8))).toThrow(/unit must be an integer/);
    expect(() => rule.fill(0, new Float64Array(7))).toThrow(/out must have length at least dim\*size = 8; received length 7/);
  });
});

describe('nodesForFirstUnit', () => {
  it('returns the quadrature nodes as rows with their weights', () => {
    const t = nodesForFirstUnit(createRule({ rule: 'product', level: 2 }, 1));
    expect(t.nodes).toEqual([[-1], [1]]);
    expect(t.weights).toEqual([0.5, 0.5]);
    const g = gaussHermite(3);
    const t2 = nodesForFirstUnit(createRule({ rule: 'product', level: 3 }, 2));
    expect(t2.nodes[1]).toEqual([g.nodes[0], g.nodes[1]]);
    expect(t2.weights[1]).toBe((g.weights[0] as number) * (g.weights[1] as number));
  });

  it('returns the first unit of a simulation rule with equal weights', () => {
    const rule = createRule({ rule: 'halton', draws: 4 }, 2);
    const t = nodesForFirstUnit(rule);
    const flat = unitDraws(rule, 0);
    expect(t.nodes).toEqual([0, 1, 2, 3].map((r) => [flat[r], flat[4 + r]]));
    expect(t.weights).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
