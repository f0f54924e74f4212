/**
 * Sign reflections of the spreads. For a symmetric mixing distribution the
 * likelihood is the same at sd and −sd (and for correlated coefficients, at
 * either sign of a column of the Cholesky factor): β = b + s·e and b − s·e
 * have one distribution. The *simulated* likelihood is not: its draws are not
 * symmetric about zero, so the difference between the two signs is simulation
 * error, and a large one says the fit is dominated by it (Train 2009, ch. 9;
 * with Halton draws the error is smaller but not zero). The log-likelihoods
 * at every reflection, in one pass over the data without gradients
 * (Engine.logLikelihoods), measure it; "search" also climbs to the best reflection. The
 * changes are judged on the scale of the LL's simulation standard error
 * (./simulation-error.ts): a raise beyond what simulation noise explains is a
 * warning, anything else a note.
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
  // a fixed value is not reflected
  const rs = reflectionsOf(design).filter((r) => !(isFixed && r.indices.some((i) => isFixed[i])));
  if (rs.length === 0) return [];
  const lls = await engine.logLikelihoods(rs.map((r) => reflect(theta, r)), signal);
  return rs.map((r, m) => ({ parameter: r.parameter, llChange: lls[m] - ll }));
}

/**
 * How far a reflection may raise the simulated LL by simulation noise alone, in units of
 * the LL's simulation standard error s: three standard deviations of the difference of two
 * independent simulations of the LL (√2·s each), 3√2 ≈ 4.24. A reflection evaluates the LL
 * with the draws of the reflected dimension mirrored, another simulation of the same LL;
 * measured over 40 seeds on simulated panels (pseudo-random, MLHS, scrambled Sobol'), the
 * standard deviation of a reflection's change was 0.8 to 1.75 s. At the MSL estimate a
 * reflection lowers the LL on average (the estimate is fitted to the draws, not to their mirror).
 */
export const NOISE_SE = 3 * Math.SQRT2;

/** "reflecting sd.x raises the LL by 3.19 (2.35 s.e.)"; with `first` false "sd.x raises it by 3.19 (2.35 s.e.)" (the later items of a list). */
export function describeChange(c: ReflectionCheck, logLikSe: number | null, first = true): string {
  const verb = c.llChange > 0 ? 'raises' : c.llChange < 0 ? 'lowers' : 'leaves';
  const amount = c.llChange === 0 ? 'the LL as it is' : `${first ? 'the LL' : 'it'} by ${Math.abs(c.llChange).toFixed(2)}`;
  const scale = logLikSe && logLikSe > 0 ? ` (${(Math.abs(c.llChange) / logLikSe).toFixed(2)} s.e.)` : '';
  return `${first ? 'reflecting ' : ''}${c.parameter} ${verb} ${amount}${scale}`;
}

/** What a reflection check says: a note on every change, and a warning when one is more than simulation noise. */
export interface ReflectionVerdict {
  /** Every reflection's change, with its sign and its size in simulation standard errors (null without reflections). */
  note: string | null;
  /** Set when the largest raise exceeds both the tolerance and {@link NOISE_SE} simulation standard errors. */
  warning: string | null;
}

/**
 * Judges a reflection check on the scale of the LL's simulation error.
 * @param logLikSe - the simulation standard error of the LL at the estimate (null when unknown:
 *   then the tolerance alone decides)
 * @param tolerance - optimizer.reflectionTolerance: raises up to it are never warned about
 * @param searched - whether the estimate is already the best reflection ("search")
 */
export function judgeReflections(check: readonly ReflectionCheck[], logLikSe: number | null, tolerance: number, searched = false): ReflectionVerdict {
  if (check.length === 0) return { note: null, warning: null };
  const se = logLikSe !== null && Number.isFinite(logLikSe) && logLikSe > 0 ? logLikSe : null;
  const noise = se === null ? 0 : NOISE_SE * se;
  const limit = Math.max(tolerance, noise);
  const changes = check.map((c, i) => describeChange(c, se, i === 0)).join(', ');
  const best = check.reduce((a, b) => (b.llChange > a.llChange ? b : a));
  const scale = se === null ? '' : ` (the LL's simulation s.e. is ${se.toFixed(3)}; simulation noise explains a raise up to ${NOISE_SE.toFixed(2)} s.e. = ${noise.toFixed(2)})`;
  const note = `Sign reflections of the spreads, a symmetry of the model${scale}: ${changes}.`;
  if (!(best.llChange > limit)) return { note, warning: null };
  const size = se === null ? '' : `, ${(best.llChange / se).toFixed(1)} times its simulation standard error (${se.toFixed(3)}) and more than simulation noise explains`;
  const warning =
    `reflecting ${best.parameter} (a symmetry of the model) raises the simulated log-likelihood by ${best.llChange.toFixed(2)}${size}: ` +
    `the estimate is not the best fit of these draws, and the draws are far from symmetric. Use more draws or scrambled sequences ` +
    `(e.g. integration: { rule: "sobol", scramble: "owen" })` +
    (searched ? '.' : ', or optimizer.reflections: "search" for the best reflection.');
  return { note, warning };
}

/**
 * The warning of {@link judgeReflections}, or null.
 * @param searched - Whether the estimate is already the best reflection ("search").
 */
export function reflectionWarning(check: readonly ReflectionCheck[], tolerance: number, searched = false, logLikSe: number | null = null): string | null {
  return judgeReflections(check, logLikSe, tolerance, searched).warning;
}
