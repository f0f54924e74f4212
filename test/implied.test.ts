/**
 * Implied distributions of the random coefficients, exact: every statistic against a reference
 * computed here independently of the package (the textbook closed forms of the normal,
 * lognormal, uniform, triangular and exponential; the censored normal's and Johnson SB's mean
 * and sd by composite Gauss–Legendre integration; the normal quantile by Newton's method on a
 * Φ integrated here) to 1e-12 relative, for either sign and for correlated coefficients (s the
 * norm of the Cholesky row). Delta-method standard errors against central differences of the
 * statistics in θ, under a covariance with off-diagonal terms, to 1e-6. On the electricity
 * example (six normals), the implied sd is |sd.x| and the mean is the location, exactly.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { estimate, impliedDistributions, prepare, type ModelDesign } from '@mxl/estimation';
import { REPO, rel } from './shared.js';

const EXAMPLE = path.join(REPO, 'examples', 'electricity');
const ELEC = { path: path.join(EXAMPLE, 'electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };

// ---- independent numerics -------------------------------------------------------------

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on the three-term recurrence). */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let t = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const step = p1 / dp;
      t -= step;
      if (Math.abs(step) < 1e-17) break;
    }
    x.push(t);
    w.push(2 / ((1 - t * t) * dp * dp));
  }
  return { x, w };
}
const GL = gaussLegendre(20);

/** ∫ f over [a, b] in panels no wider than `width` (20-point Gauss–Legendre in each). */
function integrate(f: (x: number) => number, a: number, b: number, width: number): number {
  const n = Math.max(1, Math.ceil((b - a) / width));
  const h = (b - a) / n;
  let s = 0;
  for (let j = 0; j < n; j++) {
    const mid = a + (j + 0.5) * h;
    let t = 0;
    for (let i = 0; i < GL.x.length; i++) t += GL.w[i] * f(mid + (h / 2) * GL.x[i]);
    s += (t * h) / 2;
  }
  return s;
}

const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
/** Φ(x), integrated (the lower tail directly, so it keeps its relative accuracy). */
const Phi = (x: number): number => (x <= 0 ? integrate(phi, x - 15, x, 0.25) : 1 - Phi(-x));
/** The normal p-quantile, by Newton's method on Φ. */
function zq(p: number): number {
  let z = 0;
  for (let i = 0; i < 50; i++) {
    const step = (Phi(z) - p) / phi(z);
    z -= step;
    if (Math.abs(step) < 1e-16 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
/** E[f(Z)] over [−15, 15], split at `cuts` (where f has a kink or a steep transition), panels of `width`. */
function expectN(f: (z: number) => number, width: number, cuts: number[] = []): number {
  const pts = [-15, ...cuts.filter((c) => c > -15 && c < 15).sort((a, b) => a - b), 15];
  let s = 0;
  for (let i = 0; i + 1 < pts.length; i++) s += integrate((z) => f(z) * phi(z), pts[i], pts[i + 1], width);
  return s;
}

type Stats = { mean: number; median: number; sd: number; q05: number; q25: number; q75: number; q95: number };
const PROBS = { q05: 0.05, q25: 0.25, q75: 0.75, q95: 0.95 } as const;

/**
 * The reference statistics of β = sign·g(b + s·e): `quantile` is the p-quantile of g(b + σe)
 * (non-decreasing), so β's p-quantile is sign·quantile(p) for sign 1 and −quantile(1 − p) for −1.
 */
function reference(sign: number, mean: number, sd: number, quantile: (p: number) => number): Stats {
  const q = (p: number) => (sign > 0 ? quantile(p) : -quantile(1 - p));
  return { mean: sign * mean, median: q(0.5), sd, q05: q(0.05), q25: q(0.25), q75: q(0.75), q95: q(0.95) };
}

/** The reference for one coefficient, σ = |s| (for the exponential, s is the scale m). */
function referenceOf(dist: string, sign: number, b: number, s: number): Stats {
  const sg = Math.abs(s);
  switch (dist) {
    case 'normal':
      return reference(sign, b, sg, (p) => b + sg * zq(p));
    case 'lognormal': {
      const mean = Math.exp(b + (sg * sg) / 2);
      return reference(sign, mean, Math.sqrt((Math.exp(sg * sg) - 1) * Math.exp(2 * b + sg * sg)), (p) => Math.exp(b + sg * zq(p)));
    }
    case 'uniform':
      // uniform on [b − σ, b + σ]: variance (2σ)²/12
      return reference(sign, b, (2 * sg) / Math.sqrt(12), (p) => b - sg + 2 * sg * p);
    case 'triangular': {
      // symmetric triangular on [b − σ, b + σ]: variance (a² + c² + m² − ac − am − cm)/18, F(x) = (x − a)²/(2σ²) left of b
      const a = b - sg;
      const c = b + sg;
      const v = (a * a + c * c + b * b - a * c - a * b - c * b) / 18;
      return reference(sign, b, Math.sqrt(v), (p) => (p <= 0.5 ? a + sg * Math.sqrt(2 * p) : c - sg * Math.sqrt(2 * (1 - p))));
    }
    case 'cn': {
      // max(0, b + σz): an atom Φ(−b/σ) at 0, the normal above; the mean and the centred second moment integrated
      const kink = -b / sg;
      const y = (z: number) => Math.max(0, b + sg * z);
      const mean = expectN(y, 0.1, [kink]);
      const v = expectN((z) => (y(z) - mean) ** 2, 0.1, [kink]);
      return reference(sign, mean, Math.sqrt(v), (p) => Math.max(0, b + sg * zq(p)));
    }
    case 'sb': {
      const L = (z: number) => 1 / (1 + Math.exp(-(b + sg * z)));
      const w = Math.min(0.1, 0.05 / sg);
      const mean = expectN(L, w, [-b / sg]);
      const v = expectN((z) => (L(z) - mean) ** 2, w, [-b / sg]);
      return reference(sign, mean, Math.sqrt(v), (p) => 1 / (1 + Math.exp(-(b + sg * zq(p)))));
    }
    case 'exponential': {
      // β = c·e, e ~ Exp(1), c = sign·m: mean c, sd |c|; F(x) = 1 − exp(−x/c) for c > 0
      const c = sign * s;
      const E = (p: number) => -Math.log(1 - p);
      const q = (p: number) => (c > 0 ? c * E(p) : c * E(1 - p));
      return { mean: c, median: q(0.5), sd: Math.abs(c), q05: q(0.05), q25: q(0.25), q75: q(0.75), q95: q(0.95) };
    }
  }
  throw new Error(dist);
}

// ---- the models -------------------------------------------------------------------------

interface Case {
  name: string;
  model: Record<string, unknown>;
  /** θ by parameter name (every parameter of the model). */
  theta: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: 'every distribution, sign 1',
    model: { random: { pf: 'normal', cl: 'lognormal', loc: 'uniform', wk: 'triangular', tod: 'cn', seas: 'sb' } },
    theta: { pf: -0.7, 'sd.pf': 0.45, cl: -0.3, 'sd.cl': 0.6, loc: 2, 'sd.loc': 1.5, wk: 1.1, 'sd.wk': 0.8, tod: 0.4, 'sd.tod': 1.3, seas: 0.7, 'sd.seas': 1.9 },
  },
  {
    name: 'sign −1, negative spreads, the exponential',
    model: { random: { pf: '-lognormal', cl: { dist: 'sb', sign: -1 }, loc: 'exponential', wk: { dist: 'cn', sign: -1 }, tod: { dist: 'exponential', sign: -1 }, seas: { dist: 'triangular', sign: -1 } } },
    theta: { pf: -0.3, 'sd.pf': -0.5, cl: -1.2, 'sd.cl': -0.9, loc: -0.8, wk: -0.6, 'sd.wk': 1.1, tod: -1.7, seas: 0.5, 'sd.seas': -0.35 },
  },
  {
    name: 'correlated lognormal, sb, cn and normal',
    model: { random: { wk: 'lognormal', tod: 'sb', seas: 'cn', pf: 'normal' }, correlated: true },
    theta: { wk: 0.2, tod: -0.4, seas: 0.3, pf: -0.5, 'chol.wk:wk': 0.5, 'chol.wk:tod': 0.7, 'chol.tod:tod': -1.1, 'chol.wk:seas': 0.2, 'chol.tod:seas': -0.6, 'chol.seas:seas': 0.9, 'chol.wk:pf': 0.3, 'chol.tod:pf': 0.1, 'chol.seas:pf': -0.2, 'chol.pf:pf': 0.4 },
  },
];

async function setUp(c: Case): Promise<{ design: ModelDesign; theta: Float64Array; names: string[] }> {
  const p = await prepare({ data: ELEC, model: c.model });
  const names = p.design.params.map((q) => q.name);
  expect([...names].sort()).toEqual(Object.keys(c.theta).sort());
  return { design: p.design, theta: Float64Array.from(names, (n) => c.theta[n]), names };
}

/** A covariance with off-diagonal terms: A Aᵀ/P + 0.01 I, A_ij = sin(1 + i + 2j). */
function covariance(P: number): Float64Array {
  const C = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < P; j++) {
      let s = 0;
      for (let k = 0; k < P; k++) s += Math.sin(1 + i + 2 * k) * Math.sin(1 + j + 2 * k);
      C[i * P + j] = s / P + (i === j ? 0.01 : 0);
    }
  }
  return C;
}

/** b and σ of a coefficient as the README defines them (σ the norm of the Cholesky row). */
function locationSpread(design: ModelDesign, theta: Float64Array, column: string, dist: string): [number, number] {
  const idx = (pred: (q: ModelDesign['params'][number]) => boolean) => design.params.flatMap((q, i) => (pred(q) ? [i] : []));
  const mean = idx((q) => q.kind === 'mean' && q.coefficient === column);
  if (dist === 'exponential') return [0, theta[mean[0]]];
  const sd = idx((q) => q.kind === 'sd' && q.coefficient === column);
  const chol = idx((q) => q.kind === 'chol' && q.row === column);
  const s = sd.length ? theta[sd[0]] : Math.sqrt(chol.reduce((a, i) => a + theta[i] ** 2, 0));
  return [theta[mean[0]], s];
}

describe('implied distributions', () => {
  for (const c of CASES) {
    it(`exact statistics and delta-method SEs: ${c.name}`, async () => {
      const { design, theta, names } = await setUp(c);
      const P = names.length;
      const cov = covariance(P);
      const got = impliedDistributions(design, theta, cov);
      expect(got.map((d) => d.coefficient)).toEqual(design.random.map((r) => r.column));
      for (const d of got) {
        const r = design.random.find((x) => x.column === d.coefficient)!;
        expect(d.dist).toBe((r.sign < 0 ? '-' : '') + r.dist);
        const [b, s] = locationSpread(design, theta, d.coefficient, r.dist);
        const ref = referenceOf(r.dist, r.sign, b, s);
        const at = `${d.coefficient} (${d.dist})`;
        const close = (x: number, y: number, what: string) => expect(Math.abs(x - y), `${at} ${what}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-12 * Math.abs(y) + 1e-300);
        close(d.mean, ref.mean, 'mean');
        close(d.median, ref.median, 'median');
        close(d.sd, ref.sd, 'sd');
        for (const k of Object.keys(PROBS) as (keyof typeof PROBS)[]) close(d.quantiles[k], ref[k], k);
        expect(d.location).toBe(r.dist === 'exponential' ? 0 : b);
        expect(rel(d.scale, r.dist === 'exponential' ? s : Math.abs(s))).toBeLessThan(1e-15);
      }
      // the delta method: gradients of each statistic in θ by central differences
      const stat = (t: Float64Array) => impliedDistributions(design, t, null).map((d) => [d.mean, d.median, d.sd]);
      const grads = got.map(() => [0, 1, 2].map(() => new Float64Array(P)));
      for (let i = 0; i < P; i++) {
        const h = 1e-5 * Math.max(1, Math.abs(theta[i]));
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[i] += h;
        dn[i] -= h;
        const [a, z] = [stat(up), stat(dn)];
        got.forEach((_, k) => [0, 1, 2].forEach((m) => (grads[k][m][i] = (a[k][m] - z[k][m]) / (2 * h))));
      }
      got.forEach((d, k) => {
        const fd = grads[k].map((g) => {
          let v = 0;
          for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) v += g[i] * g[j] * cov[i * P + j];
          return Math.sqrt(v);
        });
        const se = [d.se!.mean, d.se!.median, d.se!.sd];
        se.forEach((x, m) => {
          const what = `${d.coefficient} (${d.dist}) se of the ${['mean', 'median', 'sd'][m]}: ${x} vs ${fd[m]}`;
          // a censored normal's median at the kink's flat side (0) does not move
          if (fd[m] === 0) expect(x, what).toBe(0);
          else expect(rel(x, fd[m]), what).toBeLessThan(1e-6);
        });
      });
    });
  }

  it('Johnson SB and the censored normal over a range of locations and spreads (small, large, far in the tails)', async () => {
    const p = await prepare({ data: ELEC, model: { random: { tod: 'cn', seas: 'sb' } } });
    const names = p.design.params.map((q) => q.name);
    for (const [b, s] of [[0, 1], [0.7, 0.01], [-2, 1.5], [3, 0.2], [-1, 5], [2, 20], [-6, 2], [1.5, -3]]) {
      const theta = Float64Array.from(names, (n) => (n.startsWith('sd.') ? s : b));
      const [cn, sb] = impliedDistributions(p.design, theta, null);
      for (const [d, dist] of [[cn, 'cn'], [sb, 'sb']] as const) {
        const ref = referenceOf(dist, 1, b, s);
        for (const k of ['mean', 'sd', 'median', 'q05', 'q95'] as const) {
          const x = k === 'mean' || k === 'sd' || k === 'median' ? d[k] : d.quantiles[k];
          expect(Math.abs(x - ref[k]), `${dist} b=${b} s=${s} ${k}: ${x} vs ${ref[k]}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref[k]));
        }
      }
    }
  });

  it('the electricity example: a normal coefficient\'s implied mean and sd are its location and |sd.x|, exactly', async () => {
    const spec = JSON.parse(readFileSync(path.join(EXAMPLE, 'spec.json'), 'utf8'));
    const r = await estimate(spec, { baseDir: EXAMPLE, workers: 2 });
    expect(r.distributions.map((d) => d.dist)).toEqual(Array(6).fill('normal'));
    const est = Object.fromEntries(r.parameters.map((q) => [q.name, q]));
    for (const d of r.distributions) {
      const sd = est[`sd.${d.coefficient}`];
      expect(d.sd).toBe(Math.abs(r.raw[`sd.${d.coefficient}`]));
      expect(d.sd).toBe(sd.estimate); // the table reports |sd| after sign normalization
      expect(d.se!.sd).toBe(sd.se);
      expect(d.mean).toBe(est[d.coefficient].estimate);
      expect(d.se!.mean).toBe(est[d.coefficient].se);
      expect(rel(d.quantiles.q95, d.mean + zq(0.95) * d.sd)).toBeLessThan(1e-14);
    }
  });
});
