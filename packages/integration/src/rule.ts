/**
 * The integration-rule contract shared by every rule in this package, and its error type.
 *
 * A mixed logit likelihood integrates the logit probability over the random coefficients'
 * distribution. Every rule here supplies, for each integration unit (an individual in a panel,
 * a situation in a cross-section), `size` standard-normal nodes in `dim` dimensions and their
 * weights; the engine transforms the nodes into coefficients and takes the weighted sum.
 *
 * @packageDocumentation
 */

import { UserError } from '@mxl/errors';

/**
 * The names accepted by `integration.rule`, in the order they are listed in error messages.
 *
 * - `pseudo`: seeded pseudo-random normals (MT19937), optionally antithetic.
 * - `halton`: Halton sequences (Halton 1960), optionally Owen-scrambled or shuffled.
 * - `mlhs`: modified Latin hypercube sampling (Hess, Train and Polak 2006).
 * - `sobol`: Sobol' sequences with Joe and Kuo (2008) direction numbers, optionally scrambled.
 * - `product`: Gauss-Hermite product rule.
 * - `sparse-gqn`: Smolyak sparse grid on Gauss-Hermite rules (Heiss and Winschel 2008).
 * - `sparse-kpn`: Smolyak sparse grid on nested Genz-Keister rules (Heiss and Winschel 2008).
 */
export const RULE_NAMES = Object.freeze([
  'pseudo',
  'halton',
  'mlhs',
  'sobol',
  'product',
  'sparse-gqn',
  'sparse-kpn',
] as const);

/** One of {@link RULE_NAMES}. */
export type RuleName = (typeof RULE_NAMES)[number];

/**
 * The configuration of an integration rule as it appears under `integration` in a model
 * specification. Simulation rules (`pseudo`, `halton`, `mlhs`, `sobol`) take `draws` and
 * optionally `seed`, `discard`, `scramble`, `antithetic`; quadrature rules (`product`,
 * `sparse-gqn`, `sparse-kpn`) take `level`. See `createRule` for the options of each rule.
 */
export type RuleConfig = {
  rule: string;
  draws?: number;
  level?: number;
  seed?: number;
  discard?: number;
  scramble?: string;
  antithetic?: boolean;
  [k: string]: unknown;
};

/**
 * A rule producing nodes and weights for the simulated (or quadrature) likelihood.
 *
 * Layout of a unit's nodes (`fill`): dim-major, `out[d * size + r]` for `d < dim`, `r < size`.
 */
export interface IntegrationRule {
  /** The rule's name, one of {@link RULE_NAMES}. */
  readonly name: string;
  /** Number of random dimensions D. */
  readonly dim: number;
  /** Nodes per integration unit: R draws, or the quadrature node count. */
  readonly size: number;
  /** True for quadrature: every unit uses the same node set, stored once. */
  readonly shared: boolean;
  /**
   * Weights, length `size`, summing to 1; `null` means equal weights `1/size`.
   * Sparse-grid weights can be negative.
   */
  readonly weights: Float64Array | null;
  /**
   * Writes the nodes of integration unit `unit` (0-based, data order) dim-major:
   * `out[d*size + r]`. Values are standard-normal nodes, except dimensions `d` with
   * `uniform?.[d] === 1`, which get the U(0,1) value of the same point (for simulation rules
   * the uniform before the inverse normal CDF; for quadrature Phi(z)). Does not allocate.
   *
   * @param unit - integration unit index, a non-negative integer
   * @param out - output, length at least `dim * size`
   * @param uniform - optional per-dimension flags (length `dim`): 1 = write the uniform value
   * @throws {RangeError} if `unit` is not a valid unit index or `out` is too short
   */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void;
  /**
   * The validated, fully defaulted configuration: `createRule(rule.toJSON(), rule.dim)`
   * rebuilds an identical rule (used to rebuild the rule inside worker threads).
   */
  toJSON(): RuleConfig & { rule: string };
  /** One-line description, e.g. `halton(draws=100, discard=100, scramble=none)`. */
  toString(): string;
}

/**
 * Thrown by `createRule` for an invalid configuration. The message names the option (as
 * `integration.<option>`), the requirement and the value received, e.g.
 * `integration.draws must be a positive integer; received -3`.
 */
export class RuleConfigError extends UserError {
  /** The offending option path, e.g. `integration.draws` (empty if not given). */
  readonly option: string;
  /** The value received (as given). */
  readonly received: unknown;

  /**
   * @param message - the full message
   * @param option - option path, e.g. `integration.draws`
   * @param received - the offending value
   */
  constructor(message: string, option = '', received?: unknown) {
    super(message);
    this.name = 'RuleConfigError';
    this.option = option;
    this.received = received;
  }
}
