/**
 * The first n primes (bases of the Halton sequence).
 *
 * @packageDocumentation
 */

/**
 * The first `n` primes, 2, 3, 5, 7, 11, ..., by trial division (n is at most a few thousand).
 *
 * @param n - how many primes, a non-negative integer
 * @returns the primes in increasing order
 * @example
 * firstPrimes(5); // Int32Array [2, 3, 5, 7, 11]
 */
export function firstPrimes(n: number): Int32Array {
  const out = new Int32Array(n);
  let count = 0;
  for (let c = 2; count < n; c++) {
    let prime = true;
    for (let i = 0; i < count; i++) {
      const p = out[i] as number;
      if (p * p > c) break;
      if (c % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) out[count++] = c;
  }
  return out;
}
