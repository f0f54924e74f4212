/**
 * `@mxl/integration`: the integration rules that produce nodes and weights for the simulated
 * (or quadrature) likelihood of a mixed logit model.
 *
 * Entry point: {@link createRule}(config, dim) returns an {@link IntegrationRule}; its `fill`
 * writes the standard-normal nodes of one integration unit.
 *
 * @packageDocumentation
 */

export { type IntegrationRule, type RuleConfig, type RuleName, RULE_NAMES, RuleConfigError } from './rule.js';
export { createRule, isQuadratureRule, MAX_QUADRATURE_NODES, RULE_OPTIONS } from './create.js';
export { seedIgnoredBecause, SEED_USERS, type SeedUseConfig } from './seed-use.js';
export { nodesForFirstUnit, type NodeTable } from './nodes.js';
export { normalCdf, normalQuantile } from './normal.js';
export { DEFAULT_SEED, MAX_SEED } from './simulation.js';
export { PseudoRule, type PseudoOptions } from './pseudo.js';
export { MlhsRule, type MlhsOptions } from './mlhs.js';
export { HaltonRule, haltonIndexLimit, HALTON_DEFAULT_DISCARD, HALTON_SCRAMBLES, type HaltonOptions, type HaltonScramble } from './halton.js';
export {
  SobolRule,
  SOBOL_BITS,
  SOBOL_MAX_DIM,
  SOBOL_MAX_POINTS,
  SOBOL_SCRAMBLES,
  sobolDefaultDiscard,
  sobolDirections,
  type SobolOptions,
  type SobolScramble,
} from './sobol.js';
export { QuadratureRule, type QuadratureGrid, type QuadratureName } from './quadrature-rule.js';
export { gaussHermite, GAUSS_HERMITE_MAX_POINTS, type QuadratureRule1D } from './gauss-hermite.js';
export { kpnDegree, kpnRule, KPN_MAX_LEVEL } from './kpn.js';
export { productGrid } from './product.js';
export {
  sparseBaseRule,
  sparseGrid,
  sparseGridTerms,
  SPARSE_MAX_TERMS,
  ZERO_WEIGHT_RTOL,
  type SparseFamily,
  type SparseGridOptions,
} from './sparse-grid.js';
export { radicalInverse } from './radical-inverse.js';
export { firstPrimes } from './primes.js';
export { MT19937 } from './mt19937.js';
export { symmetricTridiagonalEigenvalues } from './tridiagonal.js';
export { neumaierSum } from './neumaier-sum.js';
