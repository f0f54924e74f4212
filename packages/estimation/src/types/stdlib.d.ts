declare module '@stdlib/stats-base-dists-normal-cdf' {
  /** Normal CDF at x with mean mu and standard deviation sigma. */
  export default function cdf(x: number, mu: number, sigma: number): number;
}
declare module '@stdlib/random-base-mt19937' {
  interface MT { (): number; normalized(): number; }
  const mt: { factory(opts: { seed: number }): MT; };
  export default mt;
}
declare module '@stdlib/random-base-normal' {
  interface Normal { (mu: number, sigma: number): number; }
  const normal: { factory(opts: { seed: number }): Normal; };
  export default normal;
}
declare module '@stdlib/stats-base-dists-chisquare-cdf' {
  /** P(X <= x) for X ~ chi-squared with k degrees of freedom. */
  export default function cdf(x: number, k: number): number;
}
declare module '@stdlib/stats-base-dists-normal-quantile' {
  /** The p-quantile of a normal with mean mu and standard deviation sigma. */
  export default function quantile(p: number, mu: number, sigma: number): number;
}
