/**
 * Modified Latin hypercube sampling (MLHS) draws.
 *
 * @packageDocumentation
 */

import { MT19937 } from './mt19937.js';
import { normalQuantile } from './normal.js';
import type { IntegrationRule } from './rule.js';
import { checkFillArgs, MAX_SEED, ONE_MINUS_EPS, shuffleBlock, STREAM_TAG } from './simulation.js';

/** Validated options of {@link MlhsRule}. */
export interface MlhsOptions {
  /** Draws per unit R. */
  readonly draws: number;
  /** Seed (uint32). */
  readonly seed: number;
}

/**
 * Modified Latin hypercube sampling (Hess, Train and Polak 2006): for each unit and dimension,
 * the R points `(r + xi) / R`, r = 0..R-1, share one uniform shift xi ~ U(0,1) and are then put
 * in random order (Fisher-Yates), independently across dimensions; finally mapped to N(0,1) by
 * the inverse normal CDF. Each dimension thus has exactly one point in each interval
 * [r/R, (r+1)/R), and the dimensions are randomly paired.
 *
 * The random numbers of unit u come from MT19937 seeded by `init_by_array([seed, u, tag])`;
 * for each dimension in order: one shift (an exact 0 is redrawn), then R-1 shuffle draws. So
 * `fill(u)` does not depend on which units were generated before.
 *
 * Reference: S. Hess, K. E. Train and J. W. Polak (2006), On the use of a Modified Latin
 * Hypercube Sampling (MLHS) method in the estimation of a Mixed Logit Model for vehicle choice,
 * Transportation Research B 40(2), 147-163.
 */
export class MlhsRule implements IntegrationRule {
  readonly name = 'mlhs';
  readonly shared = false;
  readonly weights = null;
  readonly dim: number;
  readonly size: number;
  /** Validated options. */
  readonly options: MlhsOptions;
  /** Per-unit stream, reseeded in every fill. */
  private readonly rng = new MT19937();

  /**
   * @param dim - number of dimensions (validated by the caller)
   * @param options - validated options
   */
  constructor(dim: number, options: MlhsOptions) {
    this.dim = dim;
    this.size = options.draws;
    this.options = Object.freeze({ ...options });
  }

  /** {@inheritDoc IntegrationRule.fill} */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void {
    const R = this.size;
    checkFillArgs(unit, out, this.dim * R, MAX_SEED);
    const rng = this.rng;
    rng.seedKey(this.options.seed, unit, STREAM_TAG.mlhs);
    for (let d = 0; d < this.dim; d++) {
      const base = d * R;
      const xi = rng.nextOpen();
      for (let r = 0; r < R; r++) {
        const u = (r + xi) / R;
        out[base + r] = u < 1 ? u : ONE_MINUS_EPS;
      }
      shuffleBlock(out, base, R, rng);
      if (!(uniform != null && uniform[d] === 1)) {
        for (let r = 0; r < R; r++) out[base + r] = normalQuantile(out[base + r] as number);
      }
    }
  }

  /** {@inheritDoc IntegrationRule.toJSON} */
  toJSON(): { rule: 'mlhs'; draws: number; seed: number } {
    return { rule: 'mlhs', draws: this.options.draws, seed: this.options.seed };
  }

  /** {@inheritDoc IntegrationRule.toString} */
  toString(): string {
    return `mlhs(draws=${this.options.draws}, seed=${this.options.seed})`;
  }
}
