/**
 * Pseudo-random normal draws, optionally antithetic.
 *
 * @packageDocumentation
 */

import { MT19937 } from './mt19937.js';
import { normalQuantile } from './normal.js';
import type { IntegrationRule } from './rule.js';
import { checkFillArgs, MAX_SEED, STREAM_TAG } from './simulation.js';

/** Validated options of {@link PseudoRule}. */
export interface PseudoOptions {
  /** Draws per unit R (even when antithetic). */
  readonly draws: number;
  /** Seed (uint32). */
  readonly seed: number;
  /** Antithetic pairs (z, -z). */
  readonly antithetic: boolean;
}

/**
 * Pseudo-random standard normal draws: uniforms from the 32-bit Mersenne Twister (53-bit
 * `genrand_res53` doubles, exact zeros redrawn) mapped by the inverse normal CDF.
 *
 * Every unit has its own stream, MT19937 seeded by `init_by_array([seed, unit, tag])`, so
 * `fill(u)` is the same whichever units were generated before and however units are split
 * among threads. Within a unit the uniforms are consumed dimension after dimension, draw after
 * draw (the output order).
 *
 * With `antithetic: true` (R even), the first R/2 draws of each dimension are generated and
 * draw R/2 + r is the antithetic partner of draw r: -z (its uniform is 1 - u). See K. Train
 * (2009), Discrete Choice Methods with Simulation, 2nd ed., section 9.3.1.
 *
 * Reference: M. Matsumoto and T. Nishimura (1998), ACM TOMACS 8(1), 3-30.
 */
export class PseudoRule implements IntegrationRule {
  readonly name = 'pseudo';
  readonly shared = false;
  readonly weights = null;
  readonly dim: number;
  readonly size: number;
  /** Validated options. */
  readonly options: PseudoOptions;
  /** Per-unit stream, reseeded in every fill. */
  private readonly rng = new MT19937();

  /**
   * @param dim - number of dimensions (validated by the caller)
   * @param options - validated options
   */
  constructor(dim: number, options: PseudoOptions) {
    this.dim = dim;
    this.size = options.draws;
    this.options = Object.freeze({ ...options });
  }

  /** {@inheritDoc IntegrationRule.fill} */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void {
    const R = this.size;
    checkFillArgs(unit, out, this.dim * R, MAX_SEED);
    const rng = this.rng;
    rng.seedKey(this.options.seed, unit, STREAM_TAG.pseudo);
    const anti = this.options.antithetic;
    const n = anti ? R / 2 : R;
    for (let d = 0; d < this.dim; d++) {
      const base = d * R;
      const wantU = uniform != null && uniform[d] === 1;
      for (let r = 0; r < n; r++) {
        const u = rng.nextOpen();
        if (wantU) {
          out[base + r] = u;
          if (anti) out[base + n + r] = 1 - u;
        } else {
          const z = normalQuantile(u);
          out[base + r] = z;
          if (anti) out[base + n + r] = -z;
        }
      }
    }
  }

  /** {@inheritDoc IntegrationRule.toJSON} */
  toJSON(): { rule: 'pseudo'; draws: number; seed: number; antithetic: boolean } {
    const o = this.options;
    return { rule: 'pseudo', draws: o.draws, seed: o.seed, antithetic: o.antithetic };
  }

  /** {@inheritDoc IntegrationRule.toString} */
  toString(): string {
    const o = this.options;
    return `pseudo(draws=${o.draws}, seed=${o.seed}, antithetic=${o.antithetic})`;
  }
}
