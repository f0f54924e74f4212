/**
 * Pieces shared by the simulation rules (pseudo, halton, mlhs, sobol): argument checks for
 * `fill`, the stream tags that keep their random streams apart, and the default seed.
 *
 * @packageDocumentation
 */

/**
 * Default `integration.seed` of the randomized rules (pseudo, mlhs, scrambled or shuffled
 * Halton, scrambled Sobol).
 */
export const DEFAULT_SEED = 123456789;

/** Largest accepted seed: seeds are unsigned 32-bit integers (MT19937 seed words). */
export const MAX_SEED = 4294967295;

/**
 * Third word of the MT19937 seed key `[seed, stream, tag]`, one per use, so that e.g. the
 * pseudo-random draws and the MLHS shifts of the same (seed, unit) are unrelated streams.
 */
export const STREAM_TAG = Object.freeze({
  pseudo: 0x70736575, // 'pseu'
  mlhs: 0x6d6c6873, // 'mlhs'
  haltonShuffle: 0x68736866, // 'hshf'
  haltonOwen: 0x686f776e, // 'hown'
  sobolOwen: 0x736f776e, // 'sown'
});

/** The largest double below 1 (1 - 2^-53). */
export const ONE_MINUS_EPS = 1 - 1.1102230246251565e-16;

/**
 * Checks the arguments of `fill` (O(1), no allocation).
 *
 * @param unit - unit index
 * @param out - output buffer
 * @param need - required length of `out` (dim * size)
 * @param maxUnit - largest valid unit index
 * @throws {RangeError} if `unit` is not an integer in [0, maxUnit] or `out` is shorter than `need`
 */
export function checkFillArgs(unit: number, out: Float64Array, need: number, maxUnit: number): void {
  if (!Number.isInteger(unit) || unit < 0 || unit > maxUnit) {
    throw new RangeError(`fill: unit must be an integer in [0, ${maxUnit}]; received ${unit}`);
  }
  if (out.length < need) {
    throw new RangeError(`fill: out must have length at least dim*size = ${need}; received length ${out.length}`);
  }
}

/**
 * In-place Fisher-Yates shuffle of `a[offset .. offset+n)` using 53-bit uniforms from `next`.
 *
 * @param a - array
 * @param offset - start of the block
 * @param n - block length
 * @param rng - uniform source with `nextBelow(k)` in [0, k)
 * @param rng.nextBelow - uniform integer in [0, k)
 */
export function shuffleBlock(a: Float64Array, offset: number, n: number, rng: { nextBelow(k: number): number }): void {
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const t = a[offset + i] as number;
    a[offset + i] = a[offset + j] as number;
    a[offset + j] = t;
  }
}
