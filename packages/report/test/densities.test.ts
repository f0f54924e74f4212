/**
 * The densities of the mixing distributions, each by its own formula, against what they must be:
 * each integrates to 1 (with its point mass), its mean (∫ x f(x) dx) equals the closed form, and
 * its distribution function equals the share of β = sign·g(b + s·e) below x, computed from the
 * draw's quantiles (the README's definition, independent of the density formula).
 */
import { describe, expect, it } from 'vitest';
import { mixingDensity, normalCdf, normalPdf, normalQuantile, parseDist, type Density, type DistName } from '../src/densities.js';

/** Composite Simpson on [a, b] with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** ∫ f over [lo, hi], piecewise between the density's break points (its jumps and kinks). */
function integrate(d: Density, f: (x: number) => number, lo: number, hi: number): number {
  const cuts = [lo, ...d.breaks.filter((x) => x > lo && x < hi), hi];
  let s = 0;
  // a jump's value at the break point itself is a convention: integrate each piece on its inside
  for (let i = 0; i + 1 < cuts.length; i++) { const e = (cuts[i + 1] - cuts[i]) * 1e-13; s += simpson(f, cuts[i] + e, cuts[i + 1] - e); }
  return s;
}

/** An interval holding all but ~1e-15 of the distribution (from the underlying draw's range). */
function wide(dist: DistName, b: number, s: number, sign: 1 | -1): [number, number] {
  const g = (eta: number) => ({ lognormal: Math.exp(eta), cn: Math.max(0, eta), sb: 1 / (1 + Math.exp(-eta)) } as Record<string, number>)[dist] ?? eta;
  let r: [number, number];
  if (dist === 'uniform' || dist === 'triangular') r = [b - s, b + s];
  else if (dist === 'exponential') r = s > 0 ? [0, 40 * s] : [40 * s, 0];
  else r = [g(b - 9 * s), g(b + 9 * s)];
  return sign > 0 ? r : [-r[1], -r[0]];
}

/** β = sign·g(b + s·e) on a fine grid of the draw's quantiles (as the estimation's implied distributions). */
function drawGrid(dist: DistName, b: number, s: number, sign: 1 | -1, M = 40001): Float64Array {
  const e = (p: number) => dist === 'uniform' ? 2 * p - 1
    : dist === 'triangular' ? (p < 0.5 ? Math.sqrt(2 * p) - 1 : 1 - Math.sqrt(2 * (1 - p)))
      : dist === 'exponential' ? -Math.log(1 - p) : normalQuantile(p);
  const g = (eta: number) => dist === 'lognormal' ? Math.exp(eta) : dist === 'cn' ? Math.max(0, eta) : dist === 'sb' ? 1 / (1 + Math.exp(-eta)) : eta;
  return Float64Array.from({ length: M }, (_, i) => {
    const p = (i + 0.5) / M;
    return sign * (dist === 'exponential' ? s * e(p) : g(b + s * e(p)));
  });
}

/** The closed-form means (Johnson SB has none: E[logistic(b + s z)] by Gauss-Hermite-free brute force over z). */
function closedMean(dist: DistName, b: number, s: number): number {
  switch (dist) {
    case 'normal': case 'uniform': case 'triangular': return b;
    case 'lognormal': return Math.exp(b + (s * s) / 2);
    case 'cn': return b * normalCdf(b / s) + s * normalPdf(b / s);
    case 'exponential': return s;
    case 'sb': return simpson((z) => normalPdf(z) / (1 + Math.exp(-(b + s * z))), -14, 14, 40000);
  }
}

const CASES: [DistName, number, number][] = [
  ['normal', -0.8, 0.45],
  ['lognormal', -0.3, 0.5],
  ['lognormal', 1.2, 0.15],
  ['uniform', 2, 1.5],
  ['triangular', -0.2, 0.8],
  ['cn', 1.2, 0.7],
  ['cn', -0.4, 1.1],
  ['sb', 0.5, 1.2],
  ['sb', -1.5, 0.6],
  ['exponential', 0, 0.8],
  ['exponential', 0, -2.5],
];

describe('mixing densities', () => {
  for (const [dist, b, s] of CASES) {
    for (const sign of [1, -1] as const) {
      it(`${sign < 0 ? '-' : ''}${dist}(b = ${b}, s = ${s}): integrates to 1, mean and distribution function as defined`, () => {
        const d = mixingDensity(dist, b, s, sign);
        const [lo, hi] = wide(dist, b, s, sign);
        const mass = d.atom?.mass ?? 0;
        expect(integrate(d, d.pdf, lo, hi) + mass).toBeCloseTo(1, 6);
        const mean = integrate(d, (x) => x * d.pdf(x), lo, hi) + (d.atom ? d.atom.at * d.atom.mass : 0);
        const want = sign * closedMean(dist, b, s);
        expect(d.mean).toBeCloseTo(want, 9);
        expect(Math.abs(mean - want)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));
        // F(x) from the density against the share of draws below x, at the draws' quartiles
        const grid = drawGrid(dist, b, s, sign).sort();
        for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) {
          const x = grid[Math.floor(q * grid.length)];
          const below = grid.filter((v) => v < x).length / grid.length;
          const F = integrate(d, d.pdf, lo, x) + (d.atom && d.atom.at < x ? d.atom.mass : 0);
          expect(Math.abs(F - below)).toBeLessThan(2e-4);
        }
        // the plot's range holds nearly all of it
        const inRange = grid.filter((v) => v >= d.range[0] - 1e-12 && v <= d.range[1] + 1e-12).length / grid.length;
        expect(inRange).toBeGreaterThan(0.995);
      });
    }
  }

  it('the censored normal puts Phi(-b/s) at 0', () => {
    const d = mixingDensity('cn', -0.4, 1.1);
    expect(d.atom).toEqual({ at: 0, mass: normalCdf(0.4 / 1.1) });
    expect(d.pdf(-0.1)).toBe(0);
    expect(mixingDensity('cn', -0.4, 1.1, -1).atom!.at === 0).toBe(true);
  });

  it('no spread: a point mass at g(b)', () => {
    const d = mixingDensity('lognormal', 0.5, 0);
    expect(d.atom).toEqual({ at: Math.exp(0.5), mass: 1 });
    expect(d.mean).toBe(Math.exp(0.5));
    expect(d.pdf(Math.exp(0.5))).toBe(0);
  });

  it('a negative spread is the same distribution (the sign of s is not identified), except for the exponential', () => {
    for (const dist of ['normal', 'lognormal', 'uniform', 'triangular', 'cn', 'sb'] as const) {
      const a = mixingDensity(dist, 0.3, 0.7), c = mixingDensity(dist, 0.3, -0.7);
      for (const x of [-1, 0.2, 0.5, 0.9, 1.7]) expect(c.pdf(x)).toBe(a.pdf(x));
    }
    expect(mixingDensity('exponential', 0, -1).pdf(-0.5)).toBeCloseTo(Math.exp(-0.5), 14);
    expect(mixingDensity('exponential', 0, -1).pdf(0.5)).toBe(0);
  });

  it('normal distribution function and quantile', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-5)).toBeCloseTo(2.866515718791939e-7, 20);
    expect(normalCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    expect(normalCdf(3) + normalCdf(-3)).toBeCloseTo(1, 15);
    expect(normalCdf(-2.9999) / normalCdf(-3.0001)).toBeGreaterThan(1);
    for (const p of [1e-10, 0.001, 0.02, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
  });

  it('distribution names as the result writes them', () => {
    expect(parseDist('-lognormal')).toEqual({ dist: 'lognormal', sign: -1 });
    expect(parseDist('sb')).toEqual({ dist: 'sb', sign: 1 });
    expect(parseDist('-exponential')).toEqual({ dist: 'exponential', sign: -1 });
    expect(parseDist('gamma')).toBeNull();
  });
});
