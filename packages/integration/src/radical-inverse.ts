/**
 * The radical inverse (van der Corput) function underlying the Halton sequence.
 *
 * @packageDocumentation
 */

/**
 * The radical inverse of `index` in base `base`: the base-b digits of the index mirrored about
 * the radix point, so index `d_0 + d_1 b + ... + d_{m-1} b^{m-1}` maps to
 * `d_0/b + d_1/b^2 + ... + d_{m-1}/b^m`. Index 0 gives 0.
 *
 * ## Method
 * The digits are reversed into the integer `k = d_0 b^{m-1} + ... + d_{m-1}` and the result is the
 * single, correctly rounded division `k / b^m`. Both integers are exact while `b^m <= 2^53`
 * (index below 2^53 / b), so the value is the double nearest to the exact rational, which
 * matches the C and numpy references bit for bit. Beyond that (never reached by realistic
 * draw counts) the digits are accumulated in floating point.
 *
 * Reference: J. H. Halton (1960), On the efficiency of certain quasi-random sequences of points
 * in evaluating multi-dimensional integrals, Numerische Mathematik 2, 84-90.
 *
 * @param index - non-negative integer below 2^53
 * @param base - base, an integer >= 2 (a prime for Halton)
 * @returns the radical inverse in [0, 1)
 * @example
 * radicalInverse(6, 2); // 0.375 (6 = 110b -> 0.011b)
 */
export function radicalInverse(index: number, base: number): number {
  let n = index;
  let k = 0;
  let bm = 1;
  while (n > 0) {
    const q = Math.floor(n / base);
    k = k * base + (n - q * base);
    bm *= base;
    n = q;
  }
  if (bm <= 9007199254740992) return k / bm;
  return radicalInverseFloat(index, base);
}

/**
 * Floating-point accumulation of the radical inverse, for indices whose b^m exceeds 2^53.
 *
 * @param index - non-negative integer
 * @param base - base >= 2
 * @returns the radical inverse (to within a few ulps)
 */
function radicalInverseFloat(index: number, base: number): number {
  let n = index;
  let v = 0;
  let f = 1 / base;
  while (n > 0) {
    const q = Math.floor(n / base);
    v += (n - q * base) * f;
    f /= base;
    n = q;
  }
  return v;
}
