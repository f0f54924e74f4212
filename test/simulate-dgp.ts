/**
 * A test-side data-generating process for panel choice data, independent of
 * the library: its own seeded PRNG, its own transforms of the mixing
 * distributions (written from the README's table, not from the library's
 * code), Gumbel errors, utility maximization. Writes a long CSV
 * (`id,sit,alt,choice,<attributes>,<characteristics>`, alternatives labelled
 * 1..J) that `estimate` reads with {@link longData}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mulberry32Uint } from '@mxl/test-helpers';

/** Seeded uniform and standard normal draws. */
export interface Rng {
  /** Uniform on the open interval (0, 1). */
  u(): number;
  /** Standard normal. */
  z(): number;
}

/** mulberry32 uniforms (never exactly 0 or 1), Box-Muller normals. */
export function makeRng(seed: number): Rng {
  const next = mulberry32Uint(seed);
  let spare: number | null = null;
  const u = (): number => (next() + 0.5) / 4294967296;
  const z = (): number => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    const r = Math.sqrt(-2 * Math.log(u())), th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
  return { u, z };
}

/** Mixing distributions as the README defines them (β = sign·g(b + s·e)). */
export type Dist = 'normal' | 'lognormal' | '-lognormal' | 'uniform' | 'triangular' | 'cn' | 'sb' | 'exponential';

/**
 * One draw of a random coefficient.
 * @param b - location (for exponential: the mean m)
 * @param s - spread (ignored for exponential)
 * @param shift - added to the location (mean shifts Σ π_c d_c)
 */
export function drawCoefficient(rng: Rng, dist: Dist, b: number, s: number, shift = 0): number {
  const eta = (e: number) => b + shift + s * e;
  switch (dist) {
    case 'normal': return eta(rng.z());
    case 'lognormal': return Math.exp(eta(rng.z()));
    case '-lognormal': return -Math.exp(eta(rng.z()));
    case 'uniform': return eta(2 * rng.u() - 1);
    case 'triangular': {
      const u = rng.u();
      return eta(u < 0.5 ? Math.sqrt(2 * u) - 1 : 1 - Math.sqrt(2 * (1 - u)));
    }
    case 'cn': return Math.max(0, eta(rng.z()));
    case 'sb': return 1 / (1 + Math.exp(-eta(rng.z())));
    case 'exponential': return (b + shift) * -Math.log(rng.u());
  }
}

/** The generating process. S is whatever an individual carries (coefficients, class, error components). */
export interface Dgp<S> {
  individuals: number;
  situations: number;
  alternatives: number;
  seed: number;
  /** Alternative-level attributes, drawn for every row (alt is 0-based; its label is alt + 1). */
  attributes: Record<string, (rng: Rng, alt: number) => number>;
  /** Individual-level characteristics, drawn once per individual. */
  characteristics?: Record<string, (rng: Rng) => number>;
  /** Draws an individual's heterogeneity given its characteristics. */
  individual: (rng: Rng, chars: Record<string, number>) => S;
  /** Systematic utility of alternative alt (0-based) with attributes x. */
  utility: (s: S, x: Record<string, number>, alt: number) => number;
}

/** What {@link simulateChoices} wrote and drew. */
export interface Simulated<S> {
  file: string;
  individuals: S[];
  chars: Record<string, number>[];
  /** Share of situations in which each alternative was chosen. */
  choiceShares: number[];
}

/** Simulates the DGP and writes `<dir>/<name>.csv`. */
export function simulateChoices<S>(dir: string, name: string, dgp: Dgp<S>): Simulated<S> {
  const rng = makeRng(dgp.seed);
  const attrNames = Object.keys(dgp.attributes);
  const charNames = Object.keys(dgp.characteristics ?? {});
  const J = dgp.alternatives;
  const lines = [['id', 'sit', 'alt', 'choice', ...attrNames, ...charNames].join(',')];
  const people: S[] = [];
  const allChars: Record<string, number>[] = [];
  const counts = new Array<number>(J).fill(0);
  for (let i = 0; i < dgp.individuals; i++) {
    const chars: Record<string, number> = {};
    for (const c of charNames) chars[c] = dgp.characteristics![c](rng);
    const s = dgp.individual(rng, chars);
    people.push(s);
    allChars.push(chars);
    for (let t = 0; t < dgp.situations; t++) {
      const xs: Record<string, number>[] = [];
      let best = -1, bestU = -Infinity;
      for (let j = 0; j < J; j++) {
        const x: Record<string, number> = {};
        for (const a of attrNames) x[a] = dgp.attributes[a](rng, j);
        xs.push(x);
        const util = dgp.utility(s, x, j) - Math.log(-Math.log(rng.u()));
        if (util > bestU) { bestU = util; best = j; }
      }
      counts[best]++;
      for (let j = 0; j < J; j++) {
        lines.push([i + 1, t + 1, j + 1, j === best ? 1 : 0, ...attrNames.map((a) => xs[j][a]), ...charNames.map((c) => chars[c])].join(','));
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  const n = dgp.individuals * dgp.situations;
  return { file, individuals: people, chars: allChars, choiceShares: counts.map((c) => c / n) };
}

/** The `data` part of a spec reading a file written by {@link simulateChoices}. */
export function longData(file: string): Record<string, unknown> {
  return { path: file, id: 'id', situation: 'sit', alt: 'alt', choice: 'choice' };
}
