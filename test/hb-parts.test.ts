/**
 * The hierarchical Bayes sampler's parts, each against an independent
 * reference: Philox4x32-10 against the Random123 known-answer vectors, the
 * inverted Wishart draws against their known mean, the split R-hat and ESS
 * against chains whose answer is known (iid draws, an AR(1) with its
 * closed-form ESS, chains that disagree).
 */
import { describe, expect, it } from 'vitest';
import { CounterStream, philox4x32 } from '@mxl/engine';
import { drawInvWishart, effectiveSampleSize, splitRhat } from '@mxl/estimation';
import { makeRng } from './simulate-dgp.js';

describe('Philox4x32-10', () => {
  it('reproduces the Random123 known-answer vectors (kat_vectors)', () => {
    const out = new Uint32Array(4);
    const cases: [number[], number[], number[]][] = [
      [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
      [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
      [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
    ];
    for (const [c, k, want] of cases) {
      philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], out);
      expect(Array.from(out)).toEqual(want);
    }
  });

  it('gamma draws have mean and variance equal to the shape (a = 0.5, 3, 40)', () => {
    const rng = new CounterStream(7, 0, 1, 2, 3);
    for (const a of [0.5, 3, 40]) {
      const n = 40000;
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) { const g = rng.gamma(a); s += g; s2 += g * g; }
      const m = s / n, v = s2 / n - m * m;
      expect(Math.abs(m - a)).toBeLessThan(4 * Math.sqrt(a / n));
      expect(Math.abs(v / a - 1)).toBeLessThan(0.08);
    }
  });
});

describe('inverted Wishart draws', () => {
  it('have mean Psi / (df - d - 1)', () => {
    const rng = new CounterStream(3, 1, 0, 0, 0);
    const Psi = Float64Array.from([2, 0.5, 0.5, 1]), df = 8, n = 20000;
    const mean = new Float64Array(4);
    for (let i = 0; i < n; i++) { const W = drawInvWishart(rng, 2, df, Psi); for (let j = 0; j < 4; j++) mean[j] += W[j] / n; }
    for (let j = 0; j < 4; j++) expect(Math.abs(mean[j] - Psi[j] / (df - 3))).toBeLessThan(0.03 * Psi[0] / (df - 3));
  });
});

function ar1(seed: number, n: number, phi: number, mu = 0): Float64Array {
  const r = makeRng(seed), x = new Float64Array(n);
  let v = r.z() / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) { v = phi * v + r.z(); x[i] = mu + v; }
  return x;
}

describe('split R-hat and effective sample size (Gelman et al. 2013)', () => {
  // one ESS estimate varies by about ±10% (iid) and ±20% (AR(1), phi 0.9) between replications: average 10
  const meanEss = (n: number, phi: number) => {
    let s = 0;
    for (let r = 0; r < 10; r++) s += effectiveSampleSize([ar1(100 + 2 * r, n, phi), ar1(101 + 2 * r, n, phi)]) / 10;
    return s;
  };

  it('iid chains: R-hat near 1, ESS near the number of draws', () => {
    expect(splitRhat([ar1(1, 4000, 0), ar1(2, 4000, 0)])).toBeLessThan(1.005);
    expect(Math.abs(meanEss(4000, 0) / 8000 - 1)).toBeLessThan(0.05);
  });

  it('AR(1), phi = 0.9: ESS near n (1 - phi) / (1 + phi)', () => {
    expect(Math.abs(meanEss(20000, 0.9) / ((40000 * 0.1) / 1.9) - 1)).toBeLessThan(0.08);
  });

  it('chains around different means: R-hat well above 1.01', () => {
    expect(splitRhat([ar1(5, 2000, 0.5), ar1(6, 2000, 0.5, 1)])).toBeGreaterThan(1.1);
  });

  it('a trend within one chain shows in the split R-hat', () => {
    const x = ar1(7, 2000, 0);
    for (let i = 0; i < x.length; i++) x[i] += (2 * i) / x.length;
    expect(splitRhat([x])).toBeGreaterThan(1.1);
  });
});
