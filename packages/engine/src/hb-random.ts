/**
 * Counter-based random numbers for the hierarchical Bayes sampler: Philox4x32-10
 * (Salmon, Moraes, Dror and Shaw 2011, "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11). Each output block is a pure function of a 64-bit key and a
 * 128-bit counter, so every individual's stream is addressed by (seed, chain;
 * individual, sweep, block) and the draws do not depend on which thread makes
 * them or in what order: the chain is the same for any number of workers.
 *
 * A {@link CounterStream} walks the fourth counter word, giving 53-bit
 * uniforms on (0, 1) (two words each), 32-bit ones, and standard normals by
 * Box-Muller (four normals per block).
 */

const M0 = 0xd2511f53, M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/**
 * High 32 bits of the unsigned 64-bit product a·b (Warren, Hacker's Delight,
 * sec. 8-2, on 16-bit halves): every partial sum is below 2^32, so the
 * shifts and masks (ToUint32 of an exact integer double) are exact.
 */
export function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a1 * b0 + ((a0 * b0) >>> 16);
  const w1 = (t & 0xffff) + a0 * b1;
  return (a1 * b1 + (t >>> 16) + (w1 >>> 16)) >>> 0;
}

/**
 * Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1), into out[0..3]
 * (unsigned 32-bit words).
 */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array | number[]): void {
  c0 >>>= 0; c1 >>>= 0; c2 >>>= 0; c3 >>>= 0; k0 >>>= 0; k1 >>>= 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

const TWO53 = 9007199254740992;

/**
 * A stream of uniforms and normals at key (k0, k1) and counter prefix
 * (c0, c1, c2): block i is Philox of (c0, c1, c2, i). Reusable: {@link reset}
 * moves it to another stream without allocating.
 */
export class CounterStream {
  private k0 = 0; private k1 = 0; private c0 = 0; private c1 = 0; private c2 = 0;
  private block = 0;
  private readonly words = new Uint32Array(4);
  private used = 4; // words of the current block consumed (4: none left)
  private spare = NaN;

  constructor(k0 = 0, k1 = 0, c0 = 0, c1 = 0, c2 = 0) {
    this.reset(k0, k1, c0, c1, c2);
  }

  /** Starts the stream (k0, k1; c0, c1, c2) at its first block. */
  reset(k0: number, k1: number, c0: number, c1: number, c2: number): this {
    this.k0 = k0 >>> 0; this.k1 = k1 >>> 0; this.c0 = c0 >>> 0; this.c1 = c1 >>> 0; this.c2 = c2 >>> 0;
    this.block = 0;
    this.used = 4;
    this.spare = NaN;
    return this;
  }

  private word(): number {
    if (this.used === 4) {
      philox4x32(this.c0, this.c1, this.c2, this.block++, this.k0, this.k1, this.words);
      this.used = 0;
    }
    return this.words[this.used++];
  }

  /** A uniform on the open interval (0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.word() >>> 5, b = this.word() >>> 6;
    return (a * 67108864 + b + 0.5) / TWO53;
  }

  /** A uniform on (0, 1) with 32 random bits (one word). */
  uniform32(): number {
    return (this.word() + 0.5) / 4294967296;
  }

  /**
   * A standard normal (Box-Muller on two 32-bit uniforms, so tails reach
   * 6.7 sd; the second of each pair is kept for the next call).
   */
  normal(): number {
    if (this.spare === this.spare) { const s = this.spare; this.spare = NaN; return s; }
    const r = Math.sqrt(-2 * Math.log(this.uniform32())), t = 2 * Math.PI * this.uniform32();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /**
   * A gamma variate of shape a > 0 and scale 1 (Marsaglia and Tsang 2000,
   * "A simple method for generating gamma variables", ACM TOMS 26(3); for
   * a < 1 the boost G(a) = G(a + 1)·U^(1/a)).
   */
  gamma(a: number): number {
    if (!(a > 0)) throw new RangeError(`gamma shape must be positive; received ${a}`);
    if (a < 1) return this.gamma(a + 1) * Math.pow(this.uniform(), 1 / a);
    const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do { x = this.normal(); v = 1 + c * x; } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}
