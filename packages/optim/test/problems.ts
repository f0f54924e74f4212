/**
 * The shared table of test problems (after Optim.jl's UnconstrainedProblems):
 * every method is run against every entry. Each entry knows its minimizer,
 * computed independently of the code under test (closed form, or Newton's
 * method with a hand-written solver).
 */
import { boxMuller, maxAbsDiff, mulberry32 } from '@mxl/test-helpers';
import type { Problem } from '../src/index.js';

/** Deterministic PRNG (mulberry32, shared by the tests). */
export const rng = mulberry32;

/** Standard normal draws (Box–Muller) from a uniform generator. */
export const normal = boxMuller;

/** Solves A x = b (dense, row-major) by Gaussian elimination with partial pivoting; independent of src/linalg. */
export function gaussSolve(n: number, A: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const M = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => A[i * n + j]!), b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const m = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= m * M[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** A synchronous objective with gradient, wrapped into the async {@link Problem}. */
export type SyncFG = (x: Float64Array, g: Float64Array) => number;
/** Synchronous per-observation scores: writes nObs × n scores, returns f. */
export type SyncScores = (x: Float64Array, g: Float64Array, scores: Float64Array) => number;

export function makeProblem(n: number, fg: SyncFG, scores?: { nObs: number; fn: SyncScores }): Problem {
  const p: Problem = { n, fg: async (x, g) => fg(x, g) };
  if (scores) {
    (p as { scores?: Problem['scores'] }).scores = async (x) => {
      const g = new Float64Array(n);
      const s = new Float64Array(scores.nObs * n);
      const f = scores.fn(x, g, s);
      return { f, g, scores: s, nObs: scores.nObs };
    };
  }
  return p;
}

export interface TestProblem {
  name: string;
  problem: Problem;
  x0: Float64Array;
  xStar: Float64Array;
  fStar: number;
  /** Max-norm tolerance on the final x. */
  xTol: number;
  /** Analytic Hessian, where the problem provides one. */
  hessian?: (x: Float64Array) => Float64Array;
}

// ---------------------------------------------------------------- Rosenbrock
/** Extended Rosenbrock (Moré, Garbow & Hillstrom 1981, problem 21): Σ 100(x_{2i} − x_{2i−1}²)² + (1 − x_{2i−1})². */
export function rosenbrockFG(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const t = b - a * a;
    f += 100 * t * t + (1 - a) * (1 - a);
    g[i] = -400 * a * t - 2 * (1 - a);
    g[i + 1] = 200 * t;
  }
  return f;
}

function rosenbrock(n: number): TestProblem {
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    x0[i] = -1.2;
    x0[i + 1] = 1;
  }
  return { name: `rosenbrock-${n}d`, problem: makeProblem(n, rosenbrockFG), x0, xStar: new Float64Array(n).fill(1), fStar: 0, xTol: 1e-4 };
}

// ---------------------------------------------------------------- quadratic
function quadratic(): TestProblem {
  const n = 5;
  const u = normal(rng(7));
  const M = Array.from({ length: n * n }, () => u());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
      A[i * n + j] = s;
    }
  const xStar = Float64Array.from([1, -2, 0.5, 3, -1]);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j]! * xStar[j]!;
  let fStar = 0;
  for (let i = 0; i < n; i++) fStar -= 0.5 * b[i]! * xStar[i]!;
  const fg: SyncFG = (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i * n + j]! * x[j]!;
      g[i] = ax - b[i]!;
      f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
    }
    return f;
  };
  return { name: 'quadratic-5d', problem: makeProblem(n, fg), x0: new Float64Array(n), xStar, fStar, xTol: 1e-5 };
}

// ---------------------------------------------------------------- Beale
export function bealeFG(x: Float64Array, g: Float64Array): number {
  const [a, b] = [x[0]!, x[1]!];
  const c = [1.5, 2.25, 2.625];
  let f = 0;
  g[0] = 0;
  g[1] = 0;
  for (let k = 1; k <= 3; k++) {
    const r = c[k - 1]! - a + a * b ** k;
    f += r * r;
    g[0] += 2 * r * (b ** k - 1);
    g[1] += 2 * r * a * k * b ** (k - 1);
  }
  return f;
}

// ---------------------------------------------------------------- logistic regression
/** Logistic regression negative log-likelihood on generated data, with per-observation scores and its MLE by Newton. */
export function logistic(N = 300, seed = 11): TestProblem {
  const p = 3;
  const z = normal(rng(seed));
  const u = rng(seed + 1);
  const beta = [0.5, -1, 2];
  const X = new Float64Array(N * p);
  const y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    X[i * p] = 1;
    X[i * p + 1] = z();
    X[i * p + 2] = z();
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[i * p + j]! * beta[j]!;
    y[i] = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const scoresFn: SyncScores = (b, g, s) => {
    let f = 0;
    g.fill(0);
    for (let i = 0; i < N; i++) {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += X[i * p + j]! * b[j]!;
      // log(1 + e^eta) − y·eta, stably
      f += (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - y[i]! * eta;
      const r = 1 / (1 + Math.exp(-eta)) - y[i]!;
      for (let j = 0; j < p; j++) {
        s[i * p + j] = r * X[i * p + j]!;
        g[j] += r * X[i * p + j]!;
      }
    }
    return f;
  };
  const scratch = new Float64Array(N * p);
  const fg: SyncFG = (b, g) => scoresFn(b, g, scratch);
  // Exact Hessian Σ p(1−p) x xᵀ; MLE by Newton's method.
  const hessian = (b: Float64Array): Float64Array => {
    const H = new Float64Array(p * p);
    for (let i = 0; i < N; i++) {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += X[i * p + j]! * b[j]!;
      const pr = 1 / (1 + Math.exp(-eta));
      for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) H[j * p + k] += pr * (1 - pr) * X[i * p + j]! * X[i * p + k]!;
    }
    return H;
  };
  const bh = new Float64Array(p);
  const g = new Float64Array(p);
  for (let it = 0; it < 50; it++) {
    fg(bh, g);
    const step = gaussSolve(p, hessian(bh), g);
    for (let j = 0; j < p; j++) bh[j] -= step[j]!;
    if (Math.max(...Array.from(step, Math.abs)) < 1e-14) break;
  }
  const fStar = fg(bh, g);
  return {
    name: 'logistic-mle',
    problem: makeProblem(p, fg, { nObs: N, fn: scoresFn }),
    x0: new Float64Array(p),
    xStar: bh,
    fStar,
    xTol: 1e-4,
    hessian,
  };
}

// ---------------------------------------------------------------- normal linear regression
/** Normal linear regression −log L in (β0, β1, log σ), with scores; closed-form MLE (OLS, σ² = RSS/N). */
function normalRegression(): TestProblem {
  const N = 120;
  const z = normal(rng(23));
  const xs = new Float64Array(N);
  const ys = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    xs[i] = z();
    ys[i] = 1 + 2 * xs[i]! + 0.7 * z();
  }
  const scoresFn: SyncScores = (t, g, s) => {
    const [b0, b1, ls] = [t[0]!, t[1]!, t[2]!];
    const s2 = Math.exp(2 * ls);
    let f = 0;
    g.fill(0);
    for (let i = 0; i < N; i++) {
      const r = ys[i]! - b0 - b1 * xs[i]!;
      f += ls + 0.5 * Math.log(2 * Math.PI) + (r * r) / (2 * s2);
      const sc = [-r / s2, (-r * xs[i]!) / s2, 1 - (r * r) / s2];
      for (let j = 0; j < 3; j++) {
        s[i * 3 + j] = sc[j]!;
        g[j] += sc[j]!;
      }
    }
    return f;
  };
  const scratch = new Float64Array(N * 3);
  const fg: SyncFG = (t, g) => scoresFn(t, g, scratch);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < N; i++) {
    mx += xs[i]! / N;
    my += ys[i]! / N;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < N; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b1 = sxy / sxx;
  const b0 = my - b1 * mx;
  let rss = 0;
  for (let i = 0; i < N; i++) rss += (ys[i]! - b0 - b1 * xs[i]!) ** 2;
  const xStar = Float64Array.from([b0, b1, 0.5 * Math.log(rss / N)]);
  const fStar = fg(xStar, new Float64Array(3));
  return {
    name: 'normal-regression-mle',
    problem: makeProblem(3, fg, { nObs: N, fn: scoresFn }),
    x0: Float64Array.from([0, 0, 0]),
    xStar,
    fStar,
    xTol: 1e-4,
  };
}

// ---------------------------------------------------------------- NaN outside a region
/**
 * Cauchy location likelihood in 2-D, Σ_i log(1 + (a_i1 − μ1)²) + log(1 + (a_i2 − μ2)²),
 * that returns NaN when μ1 > 3. The MLE (μ1 ≈ 2.3) lies inside; from the far
 * start the likelihood is flat, so line searches extrapolate into the NaN region.
 */
export function cauchyNaN(): TestProblem {
  const N = 40;
  const z = normal(rng(5));
  const a = new Float64Array(N * 2);
  for (let i = 0; i < N; i++) {
    a[i * 2] = 2.3 + 0.3 * z();
    a[i * 2 + 1] = -1 + 0.4 * z();
  }
  const scoresFn: SyncScores = (m, g, s) => {
    g.fill(0);
    if (m[0]! > 3) return NaN;
    let f = 0;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < 2; j++) {
        const r = a[i * 2 + j]! - m[j]!;
        f += Math.log1p(r * r);
        const sc = (-2 * r) / (1 + r * r);
        s[i * 2 + j] = sc;
        g[j] += sc;
      }
    }
    return f;
  };
  const scratch = new Float64Array(N * 2);
  const fg: SyncFG = (m, g) => scoresFn(m, g, scratch);
  // MLE per coordinate by Newton from the sample median (the problem is separable).
  const xStar = new Float64Array(2);
  for (let j = 0; j < 2; j++) {
    const col = Array.from({ length: N }, (_, i) => a[i * 2 + j]!).sort((p, q) => p - q);
    let m = 0.5 * (col[N / 2 - 1]! + col[N / 2]!);
    for (let it = 0; it < 100; it++) {
      let d1 = 0;
      let d2 = 0;
      for (const v of col) {
        const r = v - m;
        d1 += (-2 * r) / (1 + r * r);
        d2 += (2 * (1 - r * r)) / (1 + r * r) ** 2;
      }
      if (!(d2 > 0)) throw new Error('cauchy MLE: Newton met non-positive curvature');
      m -= d1 / d2;
      if (Math.abs(d1 / d2) < 1e-15) break;
    }
    xStar[j] = m;
  }
  const fStar = fg(xStar, new Float64Array(2));
  return {
    name: 'cauchy-nan-region',
    problem: makeProblem(2, fg, { nObs: N, fn: scoresFn }),
    x0: Float64Array.from([-8, 6]),
    xStar,
    fStar,
    xTol: 1e-4,
  };
}

/** The shared problem table. */
export function problemTable(): TestProblem[] {
  return [
    rosenbrock(2),
    rosenbrock(10),
    quadratic(),
    {
      name: 'beale',
      problem: makeProblem(2, bealeFG),
      x0: Float64Array.from([1, 1]),
      xStar: Float64Array.from([3, 0.5]),
      fStar: 0,
      xTol: 1e-4,
    },
    logistic(),
    normalRegression(),
    cauchyNaN(),
  ];
}

// ---------------------------------------------------------------- spy
export interface EvalRecord {
  kind: 'fg' | 'scores';
  x: Float64Array;
  f: number;
  g: Float64Array;
}

/** Wraps a problem and records every evaluation (copies); `onCall` runs after each call with the call count. */
export class Spy implements Problem {
  readonly log: EvalRecord[] = [];
  readonly n: number;
  scores?: Problem['scores'];

  constructor(
    private readonly inner: Problem,
    private readonly onCall?: (count: number) => void,
  ) {
    this.n = inner.n;
    if (inner.scores) {
      const sc = inner.scores.bind(inner);
      this.scores = async (x) => {
        const r = await sc(x);
        this.log.push({ kind: 'scores', x: Float64Array.from(x), f: r.f, g: Float64Array.from(r.g) });
        this.onCall?.(this.log.length);
        return r;
      };
    }
  }

  async fg(x: Float64Array, g: Float64Array): Promise<number> {
    const f = await this.inner.fg(x, g);
    this.log.push({ kind: 'fg', x: Float64Array.from(x), f, g: Float64Array.from(g) });
    this.onCall?.(this.log.length);
    return f;
  }

  get nonFinite(): number {
    return this.log.filter((r) => !Number.isFinite(r.f)).length;
  }
}

export { maxAbsDiff };
