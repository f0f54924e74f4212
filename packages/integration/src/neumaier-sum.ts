/**
 * Compensated summation.
 *
 * @packageDocumentation
 */

/**
 * Compensated (Neumaier) sum: Kahan summation improved for terms larger than the running sum
 * (A. Neumaier 1974, Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen,
 * ZAMM 54, 39-51).
 *
 * @param xs - values
 * @returns their sum, accurate to about one rounding of the result
 */
export function neumaierSum(xs: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}
