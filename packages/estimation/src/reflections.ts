/**
 * Sign reflections of the spreads. For a symmetric mixing distribution the
 * likelihood is the same at sd and −sd (and for correlated coefficients, at
 * either sign of a column of the Cholesky factor): β = b + s·e and b − s·e
 * have one distribution. The *simulated* likelihood is not: its draws are not
 * symmetric about zero, so the difference between the two signs is simulation
 * error, and a large one says the fit is dominated by it (Train 2009, ch. 9;
 * with Halton draws the error is smaller but not zero). One evaluation per
 * reflection measures it; "search" also climbs to the best reflection.
 */
import type { Engine } from '@mxl/engine';
import type { ModelDesign } from './model.js';

/** One reflection: the parameters whose sign it flips, and its name in reports. */
export interface Reflection {
  /** `sd.x` (error components: `sd.ec.name`), or the Cholesky column `chol.*:x` (a latent class's prefixed). */
  readonly parameter: string;
  readonly indices: readonly number[];
}

/** What a check found: the LL change of each reflection (reflected minus estimated). */
export interface ReflectionCheck {
  parameter: string;
  llChange: number;
}

/** The distributions whose spread's sign is a symmetry of the model (the exponential's is not). */
const SYMMETRIC = new Set(['normal', 'lognormal', 'uniform', 'triangular', 'cn', 'sb']);

/** The sign reflections of a model's spreads. */
export function reflectionsOf(design: ModelDesign): Reflection[] {
  const out: Reflection[] = [];
  const seen = new Set<string>();
  design.params.forEach((p, i) => {
    if (p.kind === 'sd' && SYMMETRIC.has(p.dist)) {
      out.push({ parameter: p.name, indices: [i] });
    } else if (p.kind === 'chol' && p.col !== undefined) {
      const key = `${p.cls}:${p.col}`;
      if (seen.has(key)) return;
      seen.add(key);
      const indices = design.params.flatMap((q, j) => (q.kind === 'chol' && q.col === p.col && q.cls === p.cls ? [j] : []));
      const prefix = p.cls > 0 ? `class${p.cls}.` : '';
      out.push({ parameter: `${prefix}chol.*:${p.col}`, indices });
    }
  });
  return out;
}

/** θ with a reflection's signs flipped. */
export function reflect(theta: Float64Array, r: Reflection): Float64Array {
  const t = Float64Array.from(theta);
  for (const i of r.indices) t[i] = -t[i];
  return t;
}

/**
 * The LL at every reflection of θ, against the LL at θ.
 * @param ll - The simulated LL at θ.
 * @param isFixed - Parameters held fixed (model.fix): reflections touching them are left out.
 */
export async function checkReflections(
  engine: Engine,
  design: ModelDesign,
  theta: Float64Array,
  ll: number,
  signal?: AbortSignal,
  isFixed?: readonly boolean[],
): Promise<ReflectionCheck[]> {
  const out: ReflectionCheck[] = [];
  for (const r of reflectionsOf(design)) {
    if (isFixed && r.indices.some((i) => isFixed[i])) continue; // a fixed value is not reflected
    const ev = await engine.evaluate(reflect(theta, r), signal);
    out.push({ parameter: r.parameter, llChange: ev.ll - ll });
  }
  return out;
}

/**
 * The warning for a check whose largest |change| exceeds the tolerance, or null.
 * @param searched - Whether the estimate is already the best reflection ("search").
 */
export function reflectionWarning(check: readonly ReflectionCheck[], tolerance: number, searched = false): string | null {
  if (check.length === 0) return null;
  const worst = check.reduce((a, b) => (Math.abs(b.llChange) > Math.abs(a.llChange) ? b : a));
  if (!(Math.abs(worst.llChange) > tolerance)) return null;
  return (
    `the simulated log-likelihood changes by ${worst.llChange.toFixed(3)} when the sign of ${worst.parameter} is reflected ` +
    `(a symmetry of the model): the fit is dominated by simulation error. Use more draws or scrambled sequences ` +
    `(e.g. integration: { rule: "sobol", scramble: "owen" })` +
    (searched ? '.' : ', or optimizer.reflections: "search" for the best reflection.')
  );
}
