/**
 * Line searches along a descent direction d from x:
 * φ(α) = f(x + α·d), φ'(α) = ∇f(x + α·d)ᵀd.
 *
 * - {@link LineSearch.strongWolfe}: Nocedal & Wright (2006), Algorithm 3.5
 *   (bracketing) and Algorithm 3.6 (zoom) with safeguarded cubic / quadratic
 *   interpolation (§3.5, eq. 3.59). Finds α with
 *     φ(α) ≤ φ(0) + c1·α·φ'(0)           (sufficient decrease)
 *     |φ'(α)| ≤ c2·|φ'(0)|               (strong curvature condition).
 * - {@link LineSearch.backtracking}: Armijo backtracking (N&W Alg. 3.1) with
 *   safeguarded quadratic interpolation.
 *
 * A trial point where f is not finite (NaN, ±Inf, or a non-finite gradient)
 * never ends the search: α_max is lowered to the failed α and the step is
 * shortened toward the last finite point (halved twice, then cut by 10, up to
 * `maxNonFinite` consecutive times).
 */
import { dot } from './linalg.js';

/** Sufficient-decrease constant c1 (Nocedal & Wright 2006, p. 62). */
export const WOLFE_C1 = 1e-4;
/** Curvature constant c2 for quasi-Newton methods (Nocedal & Wright 2006, p. 62). */
export const WOLFE_C2 = 0.9;

/**
 * When the objective is finite at α but not at α_max ≤ (1 + BOUNDARY_GAP)·α,
 * the bracketing phase stops at α instead of pinning the boundary of the
 * finite region exactly.
 */
export const BOUNDARY_GAP = 0.01;

/** Zoom: an interpolated trial must keep this fraction of the bracket width from both ends, else bisect. */
export const ZOOM_MARGIN = 0.01;
/** Zoom: bisect when two trials did not shrink the bracket below this factor (Hager & Zhang 2005). */
export const ZOOM_SHRINK = 0.66;

/**
 * Outcome of a line search.
 * - `'wolfe'`: the strong Wolfe conditions hold at the returned α.
 * - `'armijo'`: only sufficient decrease holds (the search ran out of trials but found a lower point); the step is usable.
 * - `'failed'`: no point with sufficient decrease was found.
 * - `'non-finite'`: no trial point along the direction had a finite value.
 */
export type LineSearchStatus = 'wolfe' | 'armijo' | 'failed' | 'non-finite';

/** Result of a line search; on `'wolfe'`/`'armijo'` the point and gradient were written to the output buffers. */
export interface LineSearchResult {
  status: LineSearchStatus;
  /** Accepted step length (0 on failure). */
  alpha: number;
  /** φ(alpha) (φ(0) on failure). */
  f: number;
  /** Number of evaluations made. */
  evaluations: number;
  /** Number of trial points with a non-finite value. */
  nonFiniteTrials: number;
}

/** Evaluates f at x and writes its gradient into g; returns NaN when the value or gradient is not finite. */
export type Objective = (x: Float64Array, g: Float64Array) => Promise<number>;

/** Tuning constants of the line searches. */
export interface LineSearchParams {
  /** Sufficient-decrease constant (default {@link WOLFE_C1}). */
  c1: number;
  /** Curvature constant (default {@link WOLFE_C2}). */
  c2: number;
  /** Maximum bracketing (extrapolation) trials (default 40). */
  maxBracket: number;
  /** Maximum zoom trials (default 40). */
  maxZoom: number;
  /** Maximum consecutive step shortenings after non-finite trials (default 50). */
  maxNonFinite: number;
  /** Largest step length tried (default 1e20). */
  alphaMax: number;
}

/** Default line-search constants. */
export const DEFAULT_LINE_SEARCH: Readonly<LineSearchParams> = Object.freeze({
  c1: WOLFE_C1,
  c2: WOLFE_C2,
  maxBracket: 40,
  maxZoom: 40,
  maxNonFinite: 50,
  alphaMax: 1e20,
});

/**
 * Minimizer of the cubic interpolating φ and φ' at a and b (N&W 2006, eq. 3.59);
 * NaN when the cubic has no minimizer.
 */
export function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const den = db - da + 2 * d2;
  if (den === 0) return NaN;
  return b - (b - a) * ((db + d2 - d1) / den);
}

/** Minimizer of the quadratic interpolating φ(a), φ'(a), φ(b); NaN when it is not convex. */
export function quadraticMinimizer(a: number, fa: number, da: number, b: number, fb: number): number {
  const h = b - a;
  const curv = fb - fa - da * h;
  if (!(curv > 0)) return NaN;
  return a - (da * h * h) / (2 * curv);
}

/** Whether x + α·d differs from x in floating point. */
function moves(x: Float64Array, alpha: number, d: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (x[i]! + alpha * d[i]! !== x[i]!) return true;
  return false;
}

/**
 * A line search with preallocated buffers for an n-dimensional problem.
 * One instance serves all iterations of a run.
 */
export class LineSearch {
  private readonly xT: Float64Array;
  private readonly gT: Float64Array;
  private readonly xLo: Float64Array;
  private readonly gLo: Float64Array;
  readonly params: LineSearchParams;

  constructor(
    readonly n: number,
    params: Partial<LineSearchParams> = {},
  ) {
    this.xT = new Float64Array(n);
    this.gT = new Float64Array(n);
    this.xLo = new Float64Array(n);
    this.gLo = new Float64Array(n);
    this.params = { ...DEFAULT_LINE_SEARCH, ...params };
  }

  /**
   * Strong Wolfe line search (Nocedal & Wright 2006, Algorithms 3.5 and 3.6).
   *
   * @param fg - objective (NaN for non-finite).
   * @param x - start point; `f0`, `g0` its value and gradient.
   * @param d - search direction; must satisfy g0ᵀd < 0.
   * @param alpha1 - first trial step (1 for Newton-like directions).
   * @param xOut - receives x + α·d on success; `gOut` its gradient.
   */
  async strongWolfe(
    fg: Objective,
    x: Float64Array,
    f0: number,
    g0: Float64Array,
    d: Float64Array,
    alpha1: number,
    xOut: Float64Array,
    gOut: Float64Array,
  ): Promise<LineSearchResult> {
    const { c1, c2, maxBracket, maxNonFinite } = this.params;
    const n = this.n;
    const { xT, gT, xLo, gLo } = this;
    const dphi0 = dot(g0, d, n);
    let evaluations = 0;
    let nonFiniteTrials = 0;
    let finiteTrials = 0;
    const failed = (): LineSearchResult => ({
      status: finiteTrials === 0 && nonFiniteTrials > 0 ? 'non-finite' : 'failed',
      alpha: 0,
      f: f0,
      evaluations,
      nonFiniteTrials,
    });
    if (!(dphi0 < 0) || !Number.isFinite(f0)) return failed();

    const trial = async (alpha: number): Promise<number> => {
      for (let i = 0; i < n; i++) xT[i] = x[i]! + alpha * d[i]!;
      evaluations++;
      const f = await fg(xT, gT);
      if (Number.isFinite(f)) finiteTrials++;
      else nonFiniteTrials++;
      return f;
    };
    const accept = (status: 'wolfe' | 'armijo', alpha: number, f: number, fromLo: boolean): LineSearchResult => {
      xOut.set(fromLo ? xLo : xT);
      gOut.set(fromLo ? gLo : gT);
      return { status, alpha, f, evaluations, nonFiniteTrials };
    };
    const armijo = (alpha: number, f: number): boolean => f <= f0 + c1 * alpha * dphi0;

    // α_{i-1} ("prev"), kept in the lo buffers: starts at α = 0.
    xLo.set(x);
    gLo.set(g0);
    let aPrev = 0;
    let fPrev = f0;
    let dPrev = dphi0;
    let aMax = this.params.alphaMax;
    let aMaxNonFinite = false;
    let a = Math.min(alpha1 > 0 && Number.isFinite(alpha1) ? alpha1 : 1, aMax);
    let shortenings = 0;

    for (let i = 1; i <= maxBracket; ) {
      const fa = await trial(a);
      if (!Number.isFinite(fa)) {
        // Non-finite trial: lower α_max and move halfway back toward the last finite point.
        if (++shortenings > maxNonFinite) break;
        aMax = a;
        aMaxNonFinite = true;
        // The finite region ends within 1% beyond the last good step: take that step.
        if (aPrev > 0 && a - aPrev <= BOUNDARY_GAP * aPrev) break;
        a = aPrev + (shortenings <= 2 ? 0.5 : 0.1) * (a - aPrev);
        // Stop once the shortened step no longer moves x (in floating point).
        if (!moves(x, a, d, n)) break;
        continue;
      }
      shortenings = 0;
      const da = dot(gT, d, n);
      if (!armijo(a, fa) || (aPrev > 0 && fa >= fPrev)) {
        return this.zoom(trial, accept, failed, f0, dphi0, d, aPrev, fPrev, dPrev, a, fa, da);
      }
      if (Math.abs(da) <= -c2 * dphi0) return accept('wolfe', a, fa, false);
      if (da >= 0) {
        // The trial becomes α_lo; copy it into the lo buffers first.
        const aOld = aPrev;
        const fOld = fPrev;
        const dOld = dPrev;
        xLo.set(xT);
        gLo.set(gT);
        return this.zoom(trial, accept, failed, f0, dphi0, d, a, fa, da, aOld, fOld, dOld);
      }
      // Sufficient decrease, still descending: extrapolate (Moré & Thuente 1994 bounds [α + 1.1Δ, α + 4Δ]).
      const step = a - aPrev;
      let next = cubicMinimizer(aPrev, fPrev, dPrev, a, fa, da);
      const lo = a + 1.1 * step;
      const hi = a + 4 * step;
      if (!Number.isFinite(next) || next < lo || next > hi) next = hi;
      aPrev = a;
      fPrev = fa;
      dPrev = da;
      xLo.set(xT);
      gLo.set(gT);
      if (aMaxNonFinite && aMax - a <= BOUNDARY_GAP * a) break;
      next = Math.min(next, aMaxNonFinite ? a + 0.5 * (aMax - a) : aMax);
      if (!(next > a)) break;
      a = next;
      i++;
    }
    // Ran out of trials: settle for the last point with sufficient decrease, if any.
    if (aPrev > 0) return accept('armijo', aPrev, fPrev, true);
    return failed();
  }

  /** Algorithm 3.6 (zoom) on the bracket [lo, hi]; lo's point is in the lo buffers. */
  private async zoom(
    trial: (alpha: number) => Promise<number>,
    accept: (status: 'wolfe' | 'armijo', alpha: number, f: number, fromLo: boolean) => LineSearchResult,
    failed: () => LineSearchResult,
    f0: number,
    dphi0: number,
    d: Float64Array,
    aLo: number,
    fLo: number,
    dLo: number,
    aHi: number,
    fHi: number,
    dHi: number,
  ): Promise<LineSearchResult> {
    const { c1, c2, maxZoom, maxNonFinite } = this.params;
    const n = this.n;
    const { gT, xT, xLo, gLo } = this;
    let hiFinite = true;
    let shortenings = 0;
    // Widths of the bracket one and two trials ago (Hager & Zhang 2005: bisect
    // when two interpolation steps did not shrink the bracket to 2/3).
    let width1 = Infinity;
    let width2 = Infinity;
    for (let j = 0; j < maxZoom; j++) {
      const lo = Math.min(aLo, aHi);
      const hi = Math.max(aLo, aHi);
      const width = hi - lo;
      if (!(width > 4 * Number.EPSILON * hi)) break;
      let aj = NaN;
      if (hiFinite && width <= ZOOM_SHRINK * width2) {
        aj = cubicMinimizer(aLo, fLo, dLo, aHi, fHi, dHi);
        if (!Number.isFinite(aj)) aj = quadraticMinimizer(aLo, fLo, dLo, aHi, fHi);
      }
      width2 = width1;
      width1 = width;
      const margin = ZOOM_MARGIN * width;
      if (!(aj >= lo + margin && aj <= hi - margin)) aj = 0.5 * (aLo + aHi);
      const fj = await trial(aj);
      if (!Number.isFinite(fj)) {
        if (++shortenings > maxNonFinite) break;
        aHi = aj;
        hiFinite = false;
        continue;
      }
      shortenings = 0;
      const dj = dot(gT, d, n);
      if (fj > f0 + c1 * aj * dphi0 || fj >= fLo) {
        aHi = aj;
        fHi = fj;
        dHi = dj;
        hiFinite = true;
      } else {
        if (Math.abs(dj) <= -c2 * dphi0) return accept('wolfe', aj, fj, false);
        if (dj * (aHi - aLo) >= 0) {
          aHi = aLo;
          fHi = fLo;
          dHi = dLo;
          hiFinite = true;
        }
        aLo = aj;
        fLo = fj;
        dLo = dj;
        xLo.set(xT);
        gLo.set(gT);
      }
    }
    if (aLo > 0) return accept('armijo', aLo, fLo, true);
    return failed();
  }

  /**
   * Backtracking Armijo line search (Nocedal & Wright 2006, Algorithm 3.1)
   * from `alpha1`, shrinking by safeguarded quadratic interpolation into
   * [0.1α, 0.5α]; non-finite trials are halved. Used as a fallback for BHHH.
   *
   * @returns status `'armijo'` on success.
   */
  async backtracking(
    fg: Objective,
    x: Float64Array,
    f0: number,
    g0: Float64Array,
    d: Float64Array,
    alpha1: number,
    xOut: Float64Array,
    gOut: Float64Array,
    maxTrials = 60,
  ): Promise<LineSearchResult> {
    const { c1 } = this.params;
    const n = this.n;
    const { xT, gT } = this;
    const dphi0 = dot(g0, d, n);
    let evaluations = 0;
    let nonFiniteTrials = 0;
    let finiteTrials = 0;
    let a = alpha1 > 0 && Number.isFinite(alpha1) ? alpha1 : 1;
    if (dphi0 < 0 && Number.isFinite(f0)) {
      for (let k = 0; k < maxTrials && moves(x, a, d, n); k++) {
        for (let i = 0; i < n; i++) xT[i] = x[i]! + a * d[i]!;
        evaluations++;
        const f = await fg(xT, gT);
        if (!Number.isFinite(f)) {
          nonFiniteTrials++;
          a *= 0.5;
          continue;
        }
        finiteTrials++;
        if (f <= f0 + c1 * a * dphi0) {
          xOut.set(xT);
          gOut.set(gT);
          return { status: 'armijo', alpha: a, f, evaluations, nonFiniteTrials };
        }
        let next = quadraticMinimizer(0, f0, dphi0, a, f);
        if (!Number.isFinite(next)) next = 0.5 * a;
        a = Math.min(0.5 * a, Math.max(0.1 * a, next));
      }
    }
    return {
      status: finiteTrials === 0 && nonFiniteTrials > 0 ? 'non-finite' : 'failed',
      alpha: 0,
      f: f0,
      evaluations,
      nonFiniteTrials,
    };
  }
}
