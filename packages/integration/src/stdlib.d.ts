// Minimal typings for the @stdlib packages used here (CommonJS; their bundled typings pull in
// @stdlib/types, which is not installed). Only the call signatures this package uses.

declare module '@stdlib/stats-base-dists-normal-quantile' {
  /** Quantile function of N(mu, sigma^2) at probability p (NaN outside [0, 1]). */
  function quantile(p: number, mu: number, sigma: number): number;
  export = quantile;
}

declare module '@stdlib/stats-base-dists-normal-cdf' {
  /** Cumulative distribution function of N(mu, sigma^2) at x. */
  function cdf(x: number, mu: number, sigma: number): number;
  export = cdf;
}

declare module '@stdlib/random-base-mt19937' {
  /** A seeded 32-bit Mersenne Twister returning unsigned 32-bit integers. */
  interface MT19937Generator {
    (): number;
    /** Uniform double on [0, 1) with 53-bit resolution (genrand_res53). */
    normalized(): number;
    readonly seed: Uint32Array;
  }
  interface MT19937Module extends MT19937Generator {
    factory(options?: { seed?: number | ArrayLike<number> }): MT19937Generator;
  }
  const mt19937: MT19937Module;
  export = mt19937;
}
