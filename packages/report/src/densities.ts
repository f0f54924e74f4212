/**
 * The population density of a random coefficient, each mixing distribution by its own formula
 * (the README's table "Mixing distributions"): β = sign · g(η), η = b + s·e with e the
 * standardized draw, b the location and s the spread.
 *
 * | dist | β (sign 1) | density of β | mean |
 * |---|---|---|---|
 * | normal | b + s z | φ((x − b)/s) / s | b |
 * | lognormal | exp(b + s z) | φ((ln x − b)/s) / (s x), x > 0 | exp(b + s²/2) |
 * | uniform | b + s(2u − 1) | 1/(2s) on [b − s, b + s] | b |
 * | triangular | b + s t, t symmetric triangular on [−1, 1] | (s − abs(x − b)) / s² on [b − s, b + s] | b |
 * | cn (censored normal) | max(0, b + s z) | mass Φ(−b/s) at 0, φ((x − b)/s) / s for x > 0 | b Φ(b/s) + s φ(b/s) |
 * | sb (Johnson SB) | 1 / (1 + exp(−(b + s z))) | φ((logit x − b)/s) / (s x (1 − x)) on (0, 1) | ∫ logistic(b + s z) φ(z) dz (no closed form) |
 * | exponential | m e, e ~ Exp(1) (location 0, scale m) | exp(−x/m) / m, x ≥ 0 | m |
 *
 * A sign of −1 mirrors the density (x → −x). Pure functions: no Node or DOM API (the browser
 * page uses them too).
 *
 * @packageDocumentation
 */

/** The mixing distributions, by the names the estimation gives them. */
export const DIST_NAMES = ['normal', 'lognormal', 'uniform', 'triangular', 'cn', 'sb', 'exponential'] as const;
export type DistName = (typeof DIST_NAMES)[number];

/** A coefficient's population distribution, ready to draw. */
export interface Density {
  dist: DistName;
  sign: 1 | -1;
  location: number;
  scale: number;
  /** The density of the continuous part at x (0 outside the support). */
  pdf(x: number): number;
  /** A point mass (the censored normal's at 0; every distribution's when the spread is 0), else null. */
  atom: { at: number; mass: number } | null;
  /** E[β]: closed form, except Johnson SB (by quadrature over the normal). */
  mean: number;
  /** Where the continuous part lives (may be infinite). */
  support: [number, number];
  /** An interval holding all but about 0.2% of the distribution: the plot's range. */
  range: [number, number];
  /** Points of the support where the density has a kink or a jump (drawn exactly). */
  breaks: number[];
}

const SQRT2PI = Math.sqrt(2 * Math.PI);

/** The standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT2PI;
}

/**
 * The standard normal distribution function: the series Φ(x) = 1/2 + φ(x) Σ x^(2n+1)/(2n+1)!!
 * for abs(x) < 3, the tail's continued fraction (Laplace) beyond: about 1e-15 everywhere.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (x * x) / (2 * n + 1);
      sum += term;
    }
    return 0.5 + normalPdf(x) * sum;
  }
  if (a > 40) return x > 0 ? 1 : 0;
  // Q(a) = φ(a) / (a + 1/(a + 2/(a + 3/(a + ...)))), evaluated from the back
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / f;
  const tail = normalPdf(a) / f;
  return x > 0 ? 1 - tail : tail;
}

/**
 * The standard normal quantile (Acklam's rational approximation, refined by one Halley step
 * on {@link normalCdf}: about 1e-15 relative).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * SQRT2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + (x * u) / 2);
}

/** Splits a distribution name as the result writes it (`-lognormal`) into the distribution and its sign. */
export function parseDist(name: string): { dist: DistName; sign: 1 | -1 } | null {
  const sign = name.startsWith('-') ? -1 : 1;
  const dist = (sign < 0 ? name.slice(1) : name) as DistName;
  return (DIST_NAMES as readonly string[]).includes(dist) ? { dist, sign } : null;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** E[logistic(b + s z)], z ~ N(0, 1), by the trapezoid rule on z ∈ [−12, 12] (the integrand is smooth: exact to rounding). */
function sbMean(b: number, s: number): number {
  const n = 4000;
  const h = 24 / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const z = -12 + i * h;
    sum += (i === 0 || i === n ? 0.5 : 1) * logistic(b + s * z) * normalPdf(z);
  }
  return sum * h;
}

/** The quantile of the underlying distribution's draw, for the plot's range. */
const Z = normalQuantile(0.999);

/**
 * The density of β = sign · g(location + scale · e) for a mixing distribution.
 * @param scale - the spread s (its sign does not matter, except for the exponential, whose scale is
 *   its mean m and may be negative)
 */
export function mixingDensity(dist: DistName, location: number, scale: number, sign: 1 | -1 = 1): Density {
  const b = location;
  const s = dist === 'exponential' ? scale : Math.abs(scale);
  let pdf: (x: number) => number;
  let atom: Density['atom'] = null;
  let mean: number;
  let support: [number, number];
  let range: [number, number];
  let breaks: number[] = [];
  if (s === 0 || !Number.isFinite(s)) {
    // no spread: every individual has the same coefficient
    const at = dist === 'lognormal' ? Math.exp(b) : dist === 'cn' ? Math.max(0, b) : dist === 'sb' ? logistic(b) : dist === 'exponential' ? 0 : b;
    pdf = () => 0;
    atom = { at, mass: 1 };
    mean = at;
    support = [at, at];
    const w = Math.max(1e-3, Math.abs(at) * 0.1);
    range = [at - w, at + w];
  } else {
    switch (dist) {
      case 'normal':
        pdf = (x) => normalPdf((x - b) / s) / s;
        mean = b;
        support = [-Infinity, Infinity];
        range = [b - Z * s, b + Z * s];
        break;
      case 'lognormal':
        pdf = (x) => (x > 0 ? normalPdf((Math.log(x) - b) / s) / (s * x) : 0);
        mean = Math.exp(b + (s * s) / 2);
        support = [0, Infinity];
        range = [Math.exp(b - Z * s), Math.exp(b + Z * s)];
        break;
      case 'uniform':
        pdf = (x) => (x >= b - s && x <= b + s ? 1 / (2 * s) : 0);
        mean = b;
        support = [b - s, b + s];
        range = [b - 1.1 * s, b + 1.1 * s];
        breaks = [b - s, b + s];
        break;
      case 'triangular':
        pdf = (x) => Math.max(0, s - Math.abs(x - b)) / (s * s);
        mean = b;
        support = [b - s, b + s];
        range = [b - 1.1 * s, b + 1.1 * s];
        breaks = [b - s, b, b + s];
        break;
      case 'cn':
        pdf = (x) => (x > 0 ? normalPdf((x - b) / s) / s : 0);
        atom = { at: 0, mass: normalCdf(-b / s) };
        mean = b * normalCdf(b / s) + s * normalPdf(b / s);
        support = [0, Infinity];
        range = [0, Math.max(b + Z * s, 0.1 * s)];
        breaks = [0];
        break;
      case 'sb':
        pdf = (x) => (x > 0 && x < 1 ? normalPdf((Math.log(x / (1 - x)) - b) / s) / (s * x * (1 - x)) : 0);
        mean = sbMean(b, s);
        support = [0, 1];
        range = [logistic(b - Z * s), logistic(b + Z * s)];
        break;
      case 'exponential': {
        const m = s;
        pdf = (x) => (x / m >= 0 ? Math.exp(-x / m) / Math.abs(m) : 0);
        mean = m;
        support = m > 0 ? [0, Infinity] : [-Infinity, 0];
        range = m > 0 ? [0, m * -Math.log(0.002)] : [m * -Math.log(0.002), 0];
        breaks = [0];
        break;
      }
      default:
        throw new RangeError(`unknown mixing distribution ${JSON.stringify(dist)}`);
    }
  }
  if (sign > 0) return { dist, sign, location, scale, pdf, atom, mean, support, range, breaks };
  const mirror = (r: [number, number]): [number, number] => [-r[1], -r[0]];
  const base = pdf;
  return {
    dist, sign, location, scale,
    pdf: (x) => base(-x),
    atom: atom && { at: -atom.at, mass: atom.mass },
    mean: -mean,
    support: mirror(support),
    range: mirror(range),
    breaks: breaks.map((x) => -x).reverse(),
  };
}

/**
 * Points (x, density) of a density over [lo, hi]: an even grid plus its break points, each
 * jump drawn as a vertical step (the density just inside and just outside).
 */
export function densityCurve(d: Density, lo: number, hi: number, n = 241): { x: number; density: number }[] {
  const xs = new Set<number>();
  for (let i = 0; i < n; i++) xs.add(lo + ((hi - lo) * i) / (n - 1));
  const eps = (hi - lo) * 1e-9;
  for (const x of d.breaks) if (x > lo && x < hi) { xs.add(x - eps); xs.add(x); xs.add(x + eps); }
  return [...xs].sort((a, b) => a - b).map((x) => ({ x, density: finiteOr0(d.pdf(x)) }));
}

function finiteOr0(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
