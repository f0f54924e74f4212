/**
 * An in-place reseedable MT19937, used to give every (seed, unit) pair its own deterministic
 * stream without allocating.
 *
 * @packageDocumentation
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
/** 2^26 */
const TWO_26 = 67108864;
/** 2^-53 */
const TWO_M53 = 1.0 / 9007199254740992;

/**
 * The 32-bit Mersenne Twister of Matsumoto and Nishimura (1998), a transcription of the
 * reference C code (`init_genrand`, `init_by_array`, `genrand_int32`, `genrand_res53`) with a
 * preallocated state so it can be reseeded in place for every integration unit.
 *
 * It produces exactly the stream of `@stdlib/random-base-mt19937` for the same seed (an integer
 * seed or a seed array of length >= 2); the tests check this bit for bit. The stdlib generator
 * itself allocates its state on creation, which `fill` must not do.
 *
 * Reference: M. Matsumoto and T. Nishimura (1998), Mersenne Twister: a 623-dimensionally
 * equidistributed uniform pseudo-random number generator, ACM TOMACS 8(1), 3-30.
 */
export class MT19937 {
  /** Generator state (624 words). */
  private readonly mt = new Uint32Array(N);
  /** Index of the next state word; N+1 means "not seeded". */
  private mti = N + 1;
  /** Scratch key for {@link MT19937.seedKey}. */
  private readonly key = new Uint32Array(4);

  /**
   * Seeds with a single 32-bit integer (`init_genrand`).
   *
   * @param s - seed, taken modulo 2^32
   */
  seed(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  /**
   * Seeds with an array of 32-bit integers (`init_by_array`).
   *
   * @param key - seed words
   * @param len - number of words of `key` to use (default `key.length`)
   */
  seedArray(key: ArrayLike<number>, len: number = key.length): void {
    const mt = this.mt;
    this.seed(19650218);
    let i = 1;
    let j = 0;
    for (let k = N > len ? N : len; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + (key[j] >>> 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.mti = N;
  }

  /**
   * Seeds the stream of one (seed, stream, tag) triple via `init_by_array([seed, a, b])`.
   * Distinct triples give unrelated streams (no 32-bit hash, hence no birthday collisions
   * between units).
   *
   * @param seed - user seed (uint32)
   * @param a - first stream coordinate, e.g. the unit index (uint32)
   * @param b - second stream coordinate, e.g. a rule-specific tag (uint32)
   */
  seedKey(seed: number, a: number, b: number): void {
    const key = this.key;
    key[0] = seed >>> 0;
    key[1] = a >>> 0;
    key[2] = b >>> 0;
    this.seedArray(key, 3);
  }

  /** Regenerates the state block (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.mti = 0;
  }

  /**
   * @returns the next unsigned 32-bit integer (`genrand_int32`)
   */
  nextUint32(): number {
    if (this.mti >= N) {
      if (this.mti === N + 1) this.seed(5489);
      this.twist();
    }
    let y = this.mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * @returns a uniform double on [0, 1) with 53-bit resolution (`genrand_res53`; identical to
   *   stdlib's `mt19937.normalized()`)
   */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_26 + b) * TWO_M53;
  }

  /**
   * @returns a uniform double on the open interval (0, 1): {@link MT19937.nextDouble},
   *   redrawn in the (probability 2^-53) case of an exact 0
   */
  nextOpen(): number {
    let u = this.nextDouble();
    while (u === 0) u = this.nextDouble();
    return u;
  }

  /**
   * Uniform integer in [0, n) by `floor(u * n)` with a 53-bit uniform u (bias below n * 2^-53).
   *
   * @param n - exclusive upper bound, a positive integer below 2^32
   * @returns the integer
   */
  nextBelow(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}
