/**
 * Sobol' draws with Joe and Kuo (2008) direction numbers, plain or scrambled.
 *
 * @packageDocumentation
 */

import { MT19937 } from './mt19937.js';
import { normalQuantile } from './normal.js';
import type { IntegrationRule } from './rule.js';
import { checkFillArgs, STREAM_TAG } from './simulation.js';
import { JOE_KUO_MAX_DIM, JOE_KUO_TABLE } from './sobol-directions.js';

/** Values of `integration.scramble` for `sobol`. */
export const SOBOL_SCRAMBLES = Object.freeze(['none', 'owen'] as const);

/** One of {@link SOBOL_SCRAMBLES}. */
export type SobolScramble = (typeof SOBOL_SCRAMBLES)[number];

/** Largest supported number of dimensions (the embedded direction-number table). */
export const SOBOL_MAX_DIM = JOE_KUO_MAX_DIM;

/** Bits per coordinate: points are k / 2^32 and indices must stay below 2^32. */
export const SOBOL_BITS = 32;

/** Number of sequence indices available: 2^32. */
export const SOBOL_MAX_POINTS = 4294967296;

/**
 * Default `integration.discard` of `sobol`: 1 when unscrambled (index 0 is the point 0, which
 * maps to -Infinity), 0 when scrambled (dropping the first point of a scrambled Sobol' sequence
 * only harms its balance: A. B. Owen 2022, On dropping the first Sobol' point).
 *
 * @param scramble - the scramble option
 * @returns the default discard
 */
export function sobolDefaultDiscard(scramble: SobolScramble): number {
  return scramble === 'none' ? 1 : 0;
}

/** Validated options of {@link SobolRule}. */
export interface SobolOptions {
  /** Draws per unit R. */
  readonly draws: number;
  /** Leading sequence points skipped. */
  readonly discard: number;
  /** Randomization. */
  readonly scramble: SobolScramble;
  /** Seed of the randomization (unused when `scramble` is `none`). */
  readonly seed: number;
}

/** Parsed rows of the Joe-Kuo table (lazily): [s, a, m_1..m_s] per dimension 2..MAX. */
let parsedTable: Int32Array[] | null = null;

/**
 * @returns the Joe-Kuo table rows, parsed once
 */
function joeKuoRows(): Int32Array[] {
  if (parsedTable === null) {
    const rows: Int32Array[] = [];
    for (const line of JOE_KUO_TABLE.split('\n')) {
      const t = line.trim();
      if (t === '') continue;
      const nums = t.split(/\s+/).map(Number);
      rows.push(Int32Array.from(nums.slice(1)));
    }
    parsedTable = rows;
  }
  return parsedTable;
}

/**
 * The 32 direction numbers of each of the first `dim` Sobol' dimensions, as 32-bit integers:
 * `V[d*32 + k]` is the direction number applied for bit k (k = 0 least significant) of the
 * Gray code of the index. Dimension 1 is the van der Corput sequence (`V_k = 2^(31-k)`); the
 * others follow the Joe-Kuo recurrence
 * `V_i = V_{i-s} xor (V_{i-s} >> s) xor_{k=1}^{s-1} a_k V_{i-k}` from `V_k = m_k 2^(32-k)`.
 *
 * Reference: S. Joe and F. Y. Kuo (2008), SIAM J. Sci. Comput. 30(5), 2635-2654, and their
 * reference implementation `sobol.cc`.
 *
 * @param dim - number of dimensions, at most {@link SOBOL_MAX_DIM}
 * @returns direction numbers, length dim*32
 */
export function sobolDirections(dim: number): Uint32Array {
  if (!Number.isInteger(dim) || dim < 1 || dim > SOBOL_MAX_DIM) {
    throw new RangeError(`sobolDirections: dim must be an integer in [1, ${SOBOL_MAX_DIM}]; received ${dim}`);
  }
  const L = SOBOL_BITS;
  const V = new Uint32Array(dim * L);
  for (let k = 0; k < L; k++) V[k] = 2 ** (L - 1 - k);
  const rows = dim > 1 ? joeKuoRows() : [];
  for (let d = 1; d < dim; d++) {
    const row = rows[d - 1] as Int32Array;
    const s = row[0] as number;
    const a = row[1] as number;
    const o = d * L;
    // 1-based i as in sobol.cc: V[o + i - 1] holds V_i.
    for (let i = 1; i <= Math.min(s, L); i++) V[o + i - 1] = (row[1 + i] as number) * 2 ** (L - i);
    for (let i = s + 1; i <= L; i++) {
      const vs = V[o + i - s - 1] as number;
      let v = vs ^ (vs >>> s);
      for (let k = 1; k <= s - 1; k++) {
        if ((a >>> (s - 1 - k)) & 1) v ^= V[o + i - k - 1] as number;
      }
      V[o + i - 1] = v >>> 0;
    }
  }
  return V;
}

/**
 * Parity of a 32-bit word.
 *
 * @param x - the word
 * @returns 0 or 1
 */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * Sobol' draws (Sobol' 1967) with the Joe and Kuo (2008) direction numbers
 * (`new-joe-kuo-6.21201`, first {@link SOBOL_MAX_DIM} dimensions embedded). Draw r of unit u is
 * point `discard + u*R + r` in Gray-code (Antonov-Saleev) order, the order of Joe-Kuo's
 * `sobol.cc` and SciPy, mapped to N(0,1) by the inverse normal CDF. Coordinates have 32 bits;
 * indices must stay below 2^32 (discard + N R <= 2^32, about 4.29e9 points).
 *
 * The first point of a unit is computed directly from its index (XOR of the direction numbers
 * selected by the bits of its Gray code), the following ones by the Gray-code update
 * `x_i = x_{i-1} xor V_{ctz(i)}`; so `fill(u)` needs no state from other units.
 *
 * Default `discard`: 1 unscrambled (skip the point 0, which maps to -Infinity), 0 scrambled.
 *
 * ## Scrambling (`scramble`)
 * - `none`: the plain sequence, u = x / 2^32.
 * - `owen`: random linear matrix scrambling plus a random digital shift (Matousek 1998), the
 *   affine, cheaper relative of Owen's (1995) nested uniform scrambling that SciPy also uses:
 *   per dimension a random lower-triangular binary matrix L with unit diagonal and a random
 *   32-bit shift e give `x' = L x xor e`; as L is linear it is applied once to the direction
 *   numbers. The result keeps the (t, m, s)-net structure and each point is uniform on the grid
 *   of 2^32 cells; we return the cell midpoint (x' + 1/2) / 2^32, which is never 0 or 1. L and e
 *   come from MT19937 seeded with (seed, dimension).
 *
 * References:
 * - I. M. Sobol' (1967), USSR Comput. Math. Math. Phys. 7(4), 86-112.
 * - S. Joe and F. Y. Kuo (2008), SIAM J. Sci. Comput. 30(5), 2635-2654.
 * - A. B. Owen (1995), Randomly permuted (t,m,s)-nets and (t,s)-sequences, in Monte Carlo and
 *   Quasi-Monte Carlo Methods in Scientific Computing, Springer, 299-317.
 * - J. Matousek (1998), On the L2-discrepancy for anchored boxes, J. Complexity 14, 527-556.
 * - A. B. Owen (2022), On dropping the first Sobol' point, in Monte Carlo and Quasi-Monte Carlo
 *   Methods 2020, Springer.
 */
export class SobolRule implements IntegrationRule {
  readonly name = 'sobol';
  readonly shared = false;
  readonly weights = null;
  readonly dim: number;
  readonly size: number;
  /** Validated options. */
  readonly options: SobolOptions;
  /** Direction numbers (scrambled if `scramble` is `owen`), dim*32. */
  private readonly V: Uint32Array;
  /** Digital shift per dimension (0 unscrambled). */
  private readonly shift: Uint32Array;
  /** Largest unit index whose last point stays below 2^32. */
  private readonly maxUnit: number;
  /** Offset added to the integer coordinate before scaling by 2^-32 (0 plain, 0.5 scrambled). */
  private readonly half: number;

  /**
   * @param dim - number of dimensions (validated by the caller, at most SOBOL_MAX_DIM)
   * @param options - validated options (discard + draws <= 2^32)
   */
  constructor(dim: number, options: SobolOptions) {
    this.dim = dim;
    this.size = options.draws;
    this.options = Object.freeze({ ...options });
    this.maxUnit = Math.floor((SOBOL_MAX_POINTS - options.discard) / options.draws) - 1;
    const V = sobolDirections(dim);
    this.shift = new Uint32Array(dim);
    this.half = 0;
    if (options.scramble === 'owen') {
      this.half = 0.5;
      const rng = new MT19937();
      const rows = new Uint32Array(SOBOL_BITS);
      for (let d = 0; d < dim; d++) {
        rng.seedKey(options.seed, d, STREAM_TAG.sobolOwen);
        // Row t of L (t = 0 the most significant digit, bit 31): the diagonal bit plus random
        // bits for the more significant digits s < t.
        for (let t = 0; t < SOBOL_BITS; t++) {
          const diag = 2 ** (31 - t);
          const above = t === 0 ? 0 : ~(2 * diag - 1);
          rows[t] = ((rng.nextUint32() & above) | diag) >>> 0;
        }
        this.shift[d] = rng.nextUint32();
        const o = d * SOBOL_BITS;
        for (let k = 0; k < SOBOL_BITS; k++) {
          const v = V[o + k] as number;
          let w = 0;
          for (let t = 0; t < SOBOL_BITS; t++) {
            if (parity((rows[t] as number) & v)) w |= 2 ** (31 - t) | 0;
          }
          V[o + k] = w >>> 0;
        }
      }
    }
    this.V = V;
  }

  /** {@inheritDoc IntegrationRule.fill} */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void {
    const R = this.size;
    checkFillArgs(unit, out, this.dim * R, this.maxUnit);
    const start = this.options.discard + unit * R;
    const gray = (start ^ (start >>> 1)) >>> 0;
    const V = this.V;
    const half = this.half;
    const scale = 2.3283064365386963e-10; // 2^-32
    for (let d = 0; d < this.dim; d++) {
      const o = d * SOBOL_BITS;
      const base = d * R;
      const wantU = uniform != null && uniform[d] === 1;
      let x = this.shift[d] as number;
      for (let g = gray, k = 0; g !== 0; g >>>= 1, k++) {
        if (g & 1) x ^= V[o + k] as number;
      }
      for (let r = 0; r < R; r++) {
        if (r > 0) {
          const i = (start + r) | 0;
          x ^= V[o + 31 - Math.clz32(i & -i)] as number;
        }
        const u = ((x >>> 0) + half) * scale;
        out[base + r] = wantU ? u : normalQuantile(u);
      }
    }
  }

  /** {@inheritDoc IntegrationRule.toJSON} */
  toJSON(): { rule: 'sobol'; draws: number; discard: number; scramble: SobolScramble; seed: number } {
    const o = this.options;
    return { rule: 'sobol', draws: o.draws, discard: o.discard, scramble: o.scramble, seed: o.seed };
  }

  /** {@inheritDoc IntegrationRule.toString} */
  toString(): string {
    const o = this.options;
    const seed = o.scramble === 'none' ? '' : `, seed=${o.seed}`;
    return `sobol(draws=${o.draws}, discard=${o.discard}, scramble=${o.scramble}${seed})`;
  }
}
