/**
 * `@mxl/test-helpers`: what the packages' tests share, so that no test file
 * carries its own copy.
 *
 * - {@link mulberry32}: a small seeded generator (Tommy Ettinger's mulberry32),
 *   so that tests depend on no other package for their random data;
 *   {@link boxMuller} turns it into standard normals.
 * - {@link fdGradient} and {@link fdCheck}: central finite differences of a
 *   function and their agreement with an analytic gradient.
 * - {@link maxAbsDiff}, {@link maxRelDiff}: tolerance measures.
 * - {@link dataSet}: the path of a committed public data set (`test/data/`, `examples/`).
 *
 * @packageDocumentation
 */

export { dataSet, REPO_ROOT, TEST_DATA_DIR } from './data-sets.js';

/** The mulberry32 generator's 32-bit outputs (unsigned integers), seeded. */
export function mulberry32Uint(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniforms on [0, 1) from mulberry32: its 32-bit outputs over 2^32. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Uint(seed);
  return () => next() / 4294967296;
}

/** Standard normals from a uniform generator (Box–Muller, cosine branch): sqrt(-2 log(1 - u1)) cos(2 pi u2). */
export function boxMuller(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * The gradient of f at x by central differences, (f(x + h e_i) - f(x - h e_i)) / 2h,
 * with the step h·max(1, |x_i|).
 */
export async function fdGradient(f: (x: Float64Array) => number | Promise<number>, x: ArrayLike<number>, h = 1e-6): Promise<Float64Array> {
  const g = new Float64Array(x.length);
  const t = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const step = h * Math.max(1, Math.abs(x[i]));
    t[i] = x[i] + step;
    const up = await f(t);
    t[i] = x[i] - step;
    const down = await f(t);
    t[i] = x[i];
    g[i] = (up - down) / (2 * step);
  }
  return g;
}

/** The outcome of {@link fdCheck}. */
export interface FdCheck {
  analytic: Float64Array;
  numeric: Float64Array;
  /** max_i |analytic_i - numeric_i|. */
  maxAbs: number;
  /** max_i |analytic_i - numeric_i| / max(1, |numeric_i|). */
  maxRel: number;
}

/**
 * Compares the analytic gradient of `fg` (which writes it into g and returns
 * f) with central finite differences at x.
 */
export async function fdCheck(fg: (x: Float64Array, g: Float64Array) => number | Promise<number>, x: ArrayLike<number>, h = 1e-6): Promise<FdCheck> {
  const analytic = new Float64Array(x.length);
  await fg(Float64Array.from(x), analytic);
  const scratch = new Float64Array(x.length);
  const numeric = await fdGradient((t) => fg(t, scratch), x, h);
  return { analytic, numeric, maxAbs: maxAbsDiff(analytic, numeric), maxRel: maxRelDiff(analytic, numeric) };
}

/** max_i |a_i - b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** max_i |a_i - b_i| / max(floor, |b_i|): relative error against b, absolute below `floor`. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(floor, Math.abs(b[i]!)));
  return m;
}
