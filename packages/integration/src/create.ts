/**
 * `createRule`: validates an `integration` configuration and builds the rule.
 *
 * @packageDocumentation
 */

import { GAUSS_HERMITE_MAX_POINTS } from './gauss-hermite.js';
import { HALTON_DEFAULT_DISCARD, HALTON_SCRAMBLES, HaltonRule, haltonIndexLimit } from './halton.js';
import { KPN_MAX_LEVEL } from './kpn.js';
import { MlhsRule } from './mlhs.js';
import { productGrid } from './product.js';
import { PseudoRule } from './pseudo.js';
import { QuadratureRule } from './quadrature-rule.js';
import { type IntegrationRule, type RuleConfig, RULE_NAMES, RuleConfigError, type RuleName } from './rule.js';
import { DEFAULT_SEED, MAX_SEED } from './simulation.js';
import { SOBOL_MAX_DIM, SOBOL_MAX_POINTS, SOBOL_SCRAMBLES, SobolRule, sobolDefaultDiscard } from './sobol.js';
import { SPARSE_MAX_TERMS, sparseGrid, sparseGridTerms } from './sparse-grid.js';
import { boolean, fail, formatReceived, nonNegativeInteger, OPTION_PREFIX, oneOf, positiveInteger } from './validate.js';

/** Largest number of nodes a quadrature rule may have (product rules grow as level^dim). */
export const MAX_QUADRATURE_NODES = 1_000_000;

/** The options each rule accepts besides `rule`. */
export const RULE_OPTIONS: Readonly<Record<RuleName, readonly string[]>> = Object.freeze({
  pseudo: ['draws', 'seed', 'antithetic'],
  halton: ['draws', 'discard', 'scramble', 'seed'],
  mlhs: ['draws', 'seed'],
  sobol: ['draws', 'discard', 'scramble', 'seed'],
  product: ['level'],
  'sparse-gqn': ['level'],
  'sparse-kpn': ['level'],
});

/**
 * Whether a rule name is a quadrature rule (shared node set, takes `level`).
 *
 * @param name - rule name
 * @returns true for the quadrature rules (product, sparse-gqn, sparse-kpn)
 */
export function isQuadratureRule(name: string): boolean {
  return name === 'product' || name === 'sparse-gqn' || name === 'sparse-kpn';
}

/**
 * Builds an integration rule from its configuration (`integration` in a model specification).
 *
 * Options by rule (all integers must be safe integers; `undefined` means "not given"):
 *
 * | rule | options (default) |
 * | --- | --- |
 * | `pseudo` | `draws` (required), `seed` (123456789), `antithetic` (false; draws must be even) |
 * | `halton` | `draws` (required), `discard` (100), `scramble` (`none` / `owen` / `shuffle`), `seed` (123456789) |
 * | `mlhs` | `draws` (required), `seed` (123456789) |
 * | `sobol` | `draws` (required), `discard` (1 unscrambled, 0 scrambled), `scramble` (`none` / `owen`), `seed` (123456789) |
 * | `product` | `level` (required): Gauss-Hermite points per dimension; level^dim <= 1e6 nodes |
 * | `sparse-gqn` | `level` (required): accuracy k of the Gauss-Hermite sparse grid |
 * | `sparse-kpn` | `level` (required): accuracy k <= 25 of the Genz-Keister sparse grid |
 *
 * Sparse-grid rules leave out the nodes whose merged weight cancels to zero (see
 * {@link sparseGrid}). Sequence indices are bounded: Halton `discard + N R` <= 2^53 (smaller
 * with `owen`, see {@link haltonIndexLimit}), Sobol' `discard + N R` <= 2^32; `fill` throws a
 * RangeError for units beyond.
 *
 * Seeds are integers in [0, 2^32-1]; unscrambled Halton/Sobol accept a seed and ignore it. Any
 * other key, `level` on a simulation rule, and `draws` on a quadrature rule are errors. See the
 * rule classes for what each rule computes: {@link PseudoRule}, {@link HaltonRule},
 * {@link MlhsRule}, {@link SobolRule}, {@link QuadratureRule} (with {@link productGrid} and
 * {@link sparseGrid}).
 *
 * @param config - the configuration
 * @param dim - number of random dimensions D (a positive integer)
 * @returns the rule; `createRule(rule.toJSON(), rule.dim)` rebuilds an identical one
 * @throws {RuleConfigError} for an invalid configuration; the message names the option and
 *   the value received, e.g. `integration.draws must be a positive integer; received -3`
 * @example
 * const rule = createRule({ rule: 'halton', draws: 100 }, 3);
 * const out = new Float64Array(rule.dim * rule.size);
 * rule.fill(0, out); // unit 0: Halton points 100..199 in bases 2, 3, 5
 */
export function createRule(config: RuleConfig, dim: number): IntegrationRule {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new RuleConfigError(`integration must be an object with a rule; received ${formatReceived(config)}`, 'integration', config);
  }
  const name = oneOf('rule', config.rule, RULE_NAMES);
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
    throw new RuleConfigError(`dim (the number of random dimensions) must be a positive integer; received ${formatReceived(dim)}`, 'dim', dim);
  }
  const allowed = RULE_OPTIONS[name];
  const quadrature = isQuadratureRule(name);
  for (const key of Object.keys(config)) {
    const v = config[key];
    if (key === 'rule' || v === undefined || allowed.includes(key)) continue;
    if (quadrature && key === 'draws') {
      fail(
        'draws',
        `cannot be combined with ${OPTION_PREFIX}level: the quadrature rule ${name} takes level (its node count follows from level and dim), not draws`,
        v,
      );
    }
    if (!quadrature && key === 'level') {
      fail('level', `is not an option of the simulation rule ${name}, which takes draws`, v);
    }
    fail(key, `is not an option of rule ${name} (options: ${allowed.join(', ')})`, v);
  }
  const seed = config.seed === undefined ? DEFAULT_SEED : nonNegativeInteger('seed', config.seed, MAX_SEED);
  switch (name) {
    case 'pseudo': {
      const draws = positiveInteger('draws', config.draws);
      const antithetic = config.antithetic === undefined ? false : boolean('antithetic', config.antithetic);
      if (antithetic && draws % 2 !== 0) fail('draws', `must be even when ${OPTION_PREFIX}antithetic is true`, draws);
      return new PseudoRule(dim, { draws, seed, antithetic });
    }
    case 'mlhs': {
      const draws = positiveInteger('draws', config.draws);
      return new MlhsRule(dim, { draws, seed });
    }
    case 'halton': {
      const draws = positiveInteger('draws', config.draws);
      const scramble = config.scramble === undefined ? 'none' : oneOf('scramble', config.scramble, HALTON_SCRAMBLES);
      const discard = config.discard === undefined ? HALTON_DEFAULT_DISCARD : nonNegativeInteger('discard', config.discard);
      if (discard === 0 && scramble !== 'owen') {
        fail('discard', `must be at least 1 unless ${OPTION_PREFIX}scramble is "owen" (index 0 is the point 0, which maps to -Infinity)`, discard);
      }
      const limit = haltonIndexLimit(dim, scramble);
      if (discard + draws > limit) fail('discard', `plus ${OPTION_PREFIX}draws must be at most ${limit} (Halton indices)`, discard);
      return new HaltonRule(dim, { draws, discard, scramble, seed });
    }
    case 'sobol': {
      if (dim > SOBOL_MAX_DIM) {
        throw new RuleConfigError(
          `${OPTION_PREFIX}rule "sobol" supports at most ${SOBOL_MAX_DIM} random dimensions (embedded Joe-Kuo table); received dim=${dim}`,
          'dim',
          dim,
        );
      }
      const draws = positiveInteger('draws', config.draws, SOBOL_MAX_POINTS - 1);
      const scramble = config.scramble === undefined ? 'none' : oneOf('scramble', config.scramble, SOBOL_SCRAMBLES);
      const discard = config.discard === undefined ? sobolDefaultDiscard(scramble) : nonNegativeInteger('discard', config.discard);
      if (discard === 0 && scramble === 'none') {
        fail('discard', `must be at least 1 when ${OPTION_PREFIX}scramble is "none" (index 0 is the point 0, which maps to -Infinity)`, discard);
      }
      if (discard + draws > SOBOL_MAX_POINTS) {
        fail('discard', `plus ${OPTION_PREFIX}draws must be at most 2^32 = ${SOBOL_MAX_POINTS} (32-bit Sobol' indices)`, discard);
      }
      return new SobolRule(dim, { draws, discard, scramble, seed });
    }
    case 'product': {
      const level = positiveInteger('level', config.level, GAUSS_HERMITE_MAX_POINTS);
      const size = level ** dim;
      if (size > MAX_QUADRATURE_NODES) {
        fail('level', `gives ${level}^${dim} = ${size} product nodes, above the limit of ${MAX_QUADRATURE_NODES}`, level);
      }
      return new QuadratureRule('product', level, productGrid(dim, level));
    }
    case 'sparse-gqn':
    case 'sparse-kpn': {
      const family = name === 'sparse-gqn' ? 'gqn' : 'kpn';
      const level = positiveInteger('level', config.level, family === 'kpn' ? KPN_MAX_LEVEL : GAUSS_HERMITE_MAX_POINTS);
      const terms = sparseGridTerms(dim, level, family);
      if (terms > SPARSE_MAX_TERMS) {
        fail('level', `of ${name} in ${dim} dimensions needs ${terms} tensor-product terms, above the limit of ${SPARSE_MAX_TERMS}`, level);
      }
      const grid = sparseGrid(dim, level, family, { dropZeroWeights: true });
      if (grid.size > MAX_QUADRATURE_NODES) {
        fail('level', `gives ${grid.size} sparse-grid nodes, above the limit of ${MAX_QUADRATURE_NODES}`, level);
      }
      return new QuadratureRule(name, level, grid);
    }
  }
}
