/**
 * Halton draws, plain (the mlogit/xlogit recipe), Owen-scrambled, or shuffled.
 *
 * @packageDocumentation
 */

import { MT19937 } from './mt19937.js';
import { normalQuantile } from './normal.js';
import { firstPrimes } from './primes.js';
import { radicalInverse } from './radical-inverse.js';
import type { IntegrationRule } from './rule.js';
import { checkFillArgs, ONE_MINUS_EPS, shuffleBlock, STREAM_TAG } from './simulation.js';

/** Values of `integration.scramble` for `halton`. */
export const HALTON_SCRAMBLES = Object.freeze(['none', 'owen', 'shuffle'] as const);

/** One of {@link HALTON_SCRAMBLES}. */
export type HaltonScramble = (typeof HALTON_SCRAMBLES)[number];

/** Default `integration.discard` of `halton` (as in xlogit; the first 100 points are dropped). */
export const HALTON_DEFAULT_DISCARD = 100;

/** Validated options of {@link HaltonRule}. */
export interface HaltonOptions {
  /** Draws per unit R. */
  readonly draws: number;
  /** Leading sequence points skipped (index 0 is the point 0). */
  readonly discard: number;
  /** Randomization. */
  readonly scramble: HaltonScramble;
  /** Seed of the randomization (unused when `scramble` is `none`). */
  readonly seed: number;
}

/** 2^53: indices must stay below it. */
const MAX_INDEX = 9007199254740992;

/**
 * The number of usable sequence indices of a Halton rule: indices must stay below it, i.e.
 * discard + N R <= limit. 2^53 unscrambled or shuffled; with `owen`, the smallest p^M over the
 * dimensions' primes p, M the largest integer with p^M <= 2^53 (at least 2^53 / p).
 *
 * @param dim - number of dimensions
 * @param scramble - the scramble option
 * @returns the index limit
 */
export function haltonIndexLimit(dim: number, scramble: HaltonScramble): number {
  if (scramble !== 'owen') return MAX_INDEX;
  let limit = MAX_INDEX;
  const primes = firstPrimes(dim);
  for (let d = 0; d < dim; d++) {
    const p = primes[d] as number;
    let pM = 1;
    while (pM * p <= MAX_INDEX) pM *= p;
    limit = Math.min(limit, pM);
  }
  return limit;
}

/** Smallest uniform returned by the Owen scramble (2^-53), in the probability-2^-53 case of 0. */
const MIN_U = 1.1102230246251565e-16;

/**
 * Halton draws (Halton 1960). Dimension d (0-based) uses the (d+1)-th prime; draw r of unit u is
 * point `discard + u*R + r` of the sequence (index 0 gives 0), mapped to N(0,1) with the inverse
 * normal CDF. With the defaults (`discard = 100`, `scramble = none`) this is the recipe of
 * xlogit and mlogit (Train 2009, ch. 9), reproduced to 1e-10.
 *
 * Every point is computed from its index, so `fill(u)` costs O(R D log(index)) and needs no
 * state: workers generate only their own units.
 *
 * ## Scrambling (`scramble`)
 * - `none`: the radical inverse itself (see {@link radicalInverse}).
 * - `owen`: random digit permutation as in Owen's `rhalton` (A. B. Owen 2017, A randomized
 *   Halton algorithm in R, arXiv:1706.02808): for every dimension and every digit position
 *   j = 1, 2, ... an independent uniformly random permutation pi_j of {0..p-1} is drawn, and the
 *   point is sum_j pi_j(d_j) p^-j, where d_j are the index's digits, *including* its infinitely
 *   many leading zeros, so every point is marginally U(0,1) while each block of p^m consecutive
 *   indices keeps one point in every interval [k/p^m, (k+1)/p^m). Positions are kept while
 *   p^j <= 2^53 (plus one more for rounding); the sum is evaluated as one exact integer divided
 *   once (see `owenBlock`). The permutations come from MT19937 seeded with (seed, dimension).
 * - `shuffle`: within every unit and dimension the block of R consecutive Halton points is
 *   randomly permuted (Fisher-Yates with the MT19937 stream of (seed, unit)). This breaks the
 *   correlation between dimensions that plain Halton shows in high dimensions, the purpose of
 *   the shuffled/randomized Halton sequences discussed by Bhat (2003) and Hess, Polak and Daly
 *   (2003). Whole-sequence shuffling (xlogit's `shuffled=True`) cannot be generated per unit,
 *   so we permute within the unit's block instead: each unit keeps exactly the same set of
 *   one-dimensional points as plain Halton.
 *
 * References:
 * - J. H. Halton (1960), Numerische Mathematik 2, 84-90.
 * - C. R. Bhat (2003), Simulation estimation of mixed discrete choice models using randomized
 *   and scrambled Halton sequences, Transportation Research B 37(9), 837-855.
 * - S. Hess, J. W. Polak and A. Daly (2003), On the performance of shuffled Halton sequences in
 *   the estimation of discrete choice models, European Transport Conference.
 * - A. B. Owen (2017), A randomized Halton algorithm in R, arXiv:1706.02808.
 */
export class HaltonRule implements IntegrationRule {
  readonly name = 'halton';
  readonly shared = false;
  readonly weights = null;
  readonly dim: number;
  readonly size: number;
  /** Validated options. */
  readonly options: HaltonOptions;
  /** Prime base of each dimension. */
  private readonly primes: Int32Array;
  /**
   * Owen: per dimension, the digit permutations of positions 0..M-1 (position j at
   * [j*p, (j+1)*p)), M = the largest integer with p^M <= 2^53.
   */
  private readonly perms: Int32Array[] = [];
  /** Owen: per dimension, M. */
  private readonly owenDigits: Int32Array;
  /** Owen: per dimension, the constant pi_M(0) p^-(M+1) of the first position beyond M. */
  private readonly owenTail: Float64Array;
  /** Shuffle: per-unit stream. */
  private readonly rng = new MT19937();
  /** Largest unit index whose last point stays below {@link haltonIndexLimit}. */
  private readonly maxUnit: number;
  /** Scratch for the incremental radical inverses: base-p digits of the current index. */
  private readonly digits = new Float64Array(64);
  /** Scratch: pw[j] = p^(M-1-j), the weight of digit j in the reversed integer. */
  private readonly pw = new Float64Array(64);

  /**
   * @param dim - number of dimensions (validated by the caller)
   * @param options - validated options (discard + draws <= haltonIndexLimit(dim, scramble))
   */
  constructor(dim: number, options: HaltonOptions) {
    this.dim = dim;
    this.size = options.draws;
    this.options = Object.freeze({ ...options });
    this.primes = firstPrimes(dim);
    this.maxUnit = Math.floor((haltonIndexLimit(dim, options.scramble) - options.discard) / options.draws) - 1;
    this.owenDigits = new Int32Array(options.scramble === 'owen' ? dim : 0);
    this.owenTail = new Float64Array(options.scramble === 'owen' ? dim : 0);
    if (options.scramble === 'owen') {
      const rng = new MT19937();
      for (let d = 0; d < dim; d++) {
        const p = this.primes[d] as number;
        let M = 0;
        let pM = 1;
        while (pM * p <= MAX_INDEX) {
          pM *= p;
          M++;
        }
        // permutations for positions 0..M (position M only feeds the tail constant)
        const perm = new Int32Array((M + 1) * p);
        rng.seedKey(options.seed, d, STREAM_TAG.haltonOwen);
        for (let k = 0; k <= M; k++) {
          const o = k * p;
          for (let i = 0; i < p; i++) perm[o + i] = i;
          for (let i = p - 1; i > 0; i--) {
            const j = rng.nextBelow(i + 1);
            const t = perm[o + i] as number;
            perm[o + i] = perm[o + j] as number;
            perm[o + j] = t;
          }
        }
        this.perms.push(perm);
        this.owenDigits[d] = M;
        this.owenTail[d] = (perm[M * p] as number) / pM / p;
      }
    }
  }

  /**
   * Writes the Owen-scrambled points of indices start..start+R-1 in dimension d (or their
   * normal quantiles) to out[base..base+R).
   *
   * With M digits (p^M <= 2^53) the scrambled value is the exact integer
   * K = sum_{j<M} pi_j(d_j) p^(M-1-j) over all M digit positions, leading zeros of the index
   * included, divided once by p^M, plus the constant contribution pi_M(0) p^-(M+1) of the next
   * position (positions further out are below double resolution). K is updated exactly as the
   * index counts up, so each point equals its direct evaluation bit for bit, whatever block it
   * is generated in. Values are clamped to (0, 1).
   *
   * @param start - first index
   * @param R - number of points
   * @param d - dimension
   * @param out - output
   * @param base - output offset
   * @param wantU - write uniforms instead of normals
   */
  private owenBlock(start: number, R: number, d: number, out: Float64Array, base: number, wantU: boolean): void {
    const p = this.primes[d] as number;
    const perm = this.perms[d] as Int32Array;
    const M = this.owenDigits[d] as number;
    const tail = this.owenTail[d] as number;
    const dg = this.digits;
    const pw = this.pw;
    let w = 1;
    for (let j = M - 1; j >= 0; j--) {
      pw[j] = w;
      w *= p;
    }
    const pM = w;
    let K = 0;
    let n = start;
    for (let j = 0; j < M; j++) {
      const q = Math.floor(n / p);
      const dj = n - q * p;
      dg[j] = dj;
      K += (perm[j * p + dj] as number) * (pw[j] as number);
      n = q;
    }
    for (let r = 0; ; ) {
      let u = K / pM + tail;
      if (u >= 1) u = ONE_MINUS_EPS;
      else if (u <= 0) u = MIN_U;
      out[base + r] = wantU ? u : normalQuantile(u);
      if (++r === R) break;
      let j = 0;
      while ((dg[j] as number) === p - 1) {
        const o = j * p;
        dg[j] = 0;
        K += ((perm[o] as number) - (perm[o + p - 1] as number)) * (pw[j] as number);
        j++;
      }
      const o = j * p;
      const dj = dg[j] as number;
      dg[j] = dj + 1;
      K += ((perm[o + dj + 1] as number) - (perm[o + dj] as number)) * (pw[j] as number);
    }
  }

  /**
   * Writes the radical inverses of indices start..start+R-1 in base p (or their normal
   * quantiles) to out[base..base+R). Equal, bit for bit, to {@link radicalInverse} of each
   * index, but incremental: with M the digit count of the block's last index, the reversed
   * integer k = sum_j d_j p^(M-1-j) is updated digit by digit as the index counts up, and each
   * point is the single division k / p^M (the same rational as k_m / p^m with the index's own
   * digit count m, both exact, hence the same correctly rounded double). O(1) amortized per
   * point instead of O(log index).
   *
   * @param start - first index
   * @param R - number of points
   * @param p - base
   * @param out - output
   * @param base - output offset
   * @param wantU - write uniforms instead of normals
   */
  private plainBlock(start: number, R: number, p: number, out: Float64Array, base: number, wantU: boolean): void {
    let M = 0;
    let pM = 1;
    for (let n = start + R - 1; n > 0; n = Math.floor(n / p)) {
      M++;
      pM *= p;
    }
    if (pM > MAX_INDEX) {
      for (let r = 0; r < R; r++) {
        const u = radicalInverse(start + r, p);
        out[base + r] = wantU ? u : normalQuantile(u);
      }
      return;
    }
    const dg = this.digits;
    const pw = this.pw;
    let k = 0;
    let w = 1;
    for (let j = M - 1; j >= 0; j--) {
      pw[j] = w;
      w *= p;
    }
    let n = start;
    for (let j = 0; j < M; j++) {
      const q = Math.floor(n / p);
      const dj = n - q * p;
      dg[j] = dj;
      k += dj * (pw[j] as number);
      n = q;
    }
    for (let r = 0; ; ) {
      const u = k / pM;
      out[base + r] = wantU ? u : normalQuantile(u);
      if (++r === R) break;
      // index += 1: increment digit 0 and carry
      let j = 0;
      while ((dg[j] as number) === p - 1) {
        dg[j] = 0;
        k -= (p - 1) * (pw[j] as number);
        j++;
      }
      dg[j] = (dg[j] as number) + 1;
      k += pw[j] as number;
    }
  }

  /** {@inheritDoc IntegrationRule.fill} */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void {
    const R = this.size;
    checkFillArgs(unit, out, this.dim * R, this.maxUnit);
    const start = this.options.discard + unit * R;
    const scramble = this.options.scramble;
    if (scramble === 'shuffle') this.rng.seedKey(this.options.seed, unit, STREAM_TAG.haltonShuffle);
    for (let d = 0; d < this.dim; d++) {
      const base = d * R;
      const wantU = uniform != null && uniform[d] === 1;
      if (scramble === 'owen') {
        this.owenBlock(start, R, d, out, base, wantU);
      } else {
        this.plainBlock(start, R, this.primes[d] as number, out, base, wantU);
        if (scramble === 'shuffle') shuffleBlock(out, base, R, this.rng);
      }
    }
  }

  /** {@inheritDoc IntegrationRule.toJSON} */
  toJSON(): { rule: 'halton'; draws: number; discard: number; scramble: HaltonScramble; seed: number } {
    const o = this.options;
    return { rule: 'halton', draws: o.draws, discard: o.discard, scramble: o.scramble, seed: o.seed };
  }

  /** {@inheritDoc IntegrationRule.toString} */
  toString(): string {
    const o = this.options;
    const seed = o.scramble === 'none' ? '' : `, seed=${o.seed}`;
    return `halton(draws=${o.draws}, discard=${o.discard}, scramble=${o.scramble}${seed})`;
  }
}
