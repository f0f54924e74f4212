/**
 * BFGS with the inverse-Hessian update (Nocedal & Wright 2006, Algorithm 6.1,
 * eq. 6.17):
 *
 *   H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,  ρ = 1 / yᵀs,
 *
 * skipped when yᵀs ≤ 1e-10·‖s‖·‖y‖ (no usable curvature information; the
 * strong Wolfe conditions guarantee yᵀs > 0 otherwise). The starting matrix is
 * the identity, the identity rescaled by yᵀs/yᵀy before the first update
 * (N&W eq. 6.20), or the inverse of the BHHH outer product of scores
 * (Berndt, Hall, Hall & Hausman 1974).
 */
import { bhhhInverseHessian, steepestDescentAlpha } from './bhhh.js';
import type { DirectionRule } from './descent.js';
import type { Evaluator } from './evaluator.js';
import { dot, matVec, norm2, setScaledIdentity } from './linalg.js';
import type { Iterate } from './method.js';
import type { InitialHessian, ScoresResult } from './types.js';

/** Relative threshold for skipping a quasi-Newton update: yᵀs ≤ SKIP_EPS·‖s‖·‖y‖. */
export const SKIP_EPS = 1e-10;

/**
 * Where a quasi-Newton model stands, for the reset logic shared by BFGS and
 * L-BFGS: `'updated'` → reset to the base matrix (BHHH at the current point,
 * or steepest descent) → `'steepest'` → give up.
 */
export type ModelState = 'base' | 'updated' | 'steepest';

/** The BFGS direction rule d = −H g with a dense inverse-Hessian approximation H. */
export class BfgsRule implements DirectionRule {
  readonly armijoFallback = false;
  readonly accumulates = true;
  readonly needsScoresAtStart: boolean;
  private readonly H: Float64Array;
  private readonly Hy: Float64Array;
  private state: ModelState = 'base';
  /** H is the unscaled identity: use a first step of length ≤ 1. */
  private unscaled = true;
  /** 'scaled' mode: rescale the identity by yᵀs/yᵀy before the next update. */
  private scalePending = false;
  /** yᵀs/yᵀy of the last accepted update (NaN before the first). */
  private gamma = NaN;

  constructor(
    private readonly n: number,
    private readonly evaluator: Evaluator,
    private readonly mode: InitialHessian,
  ) {
    this.H = new Float64Array(n * n);
    this.Hy = new Float64Array(n);
    this.needsScoresAtStart = mode === 'bhhh';
  }

  init(_cur: Iterate, scores: ScoresResult | null): void {
    if (this.mode === 'bhhh' && scores !== null) {
      this.H.set(bhhhInverseHessian(this.n, scores));
      this.unscaled = false;
    } else {
      setScaledIdentity(this.n, this.H);
      this.unscaled = true;
      this.scalePending = this.mode === 'scaled';
    }
    this.state = 'base';
  }

  direction(cur: Iterate, d: Float64Array): void {
    matVec(this.n, this.H, cur.g, d);
    for (let i = 0; i < this.n; i++) d[i] = -d[i]!;
  }

  initialAlpha(cur: Iterate): number {
    return this.unscaled ? steepestDescentAlpha(cur.g) : 1;
  }

  async reset(cur: Iterate): Promise<boolean> {
    if (this.state === 'updated' && this.mode === 'bhhh') {
      const r = await this.evaluator.scores(cur.x);
      if (Number.isFinite(r.f)) {
        this.H.set(bhhhInverseHessian(this.n, r));
        this.unscaled = false;
        this.scalePending = false;
        this.state = 'base';
        return true;
      }
    }
    if (this.state === 'steepest' || (this.state === 'base' && this.mode !== 'bhhh')) return false;
    // Steepest descent, scaled by the last curvature estimate when there is one.
    const useGamma = this.mode !== 'identity' && Number.isFinite(this.gamma) && this.gamma > 0;
    setScaledIdentity(this.n, this.H, useGamma ? this.gamma : 1);
    this.unscaled = !useGamma;
    this.scalePending = this.mode === 'scaled' && !useGamma;
    this.state = 'steepest';
    return true;
  }

  async update(_next: Iterate, s: Float64Array, y: Float64Array): Promise<void> {
    const { n, H, Hy } = this;
    const sy = dot(s, y, n);
    if (!(sy > SKIP_EPS * norm2(s) * norm2(y))) return;
    const yy = dot(y, y, n);
    if (this.scalePending) {
      setScaledIdentity(n, H, sy / yy);
      this.scalePending = false;
    }
    matVec(n, H, y, Hy);
    const yHy = dot(y, Hy, n);
    const rho = 1 / sy;
    const c = rho * rho * yHy + rho;
    for (let i = 0; i < n; i++) {
      const si = s[i]!;
      const hi = Hy[i]!;
      const row = i * n;
      for (let j = 0; j < n; j++) {
        H[row + j] += c * si * s[j]! - rho * (si * Hy[j]! + hi * s[j]!);
      }
    }
    this.gamma = sy / yy;
    this.unscaled = false;
    this.state = 'updated';
  }

  /** A copy of the current inverse-Hessian approximation H. */
  inverseHessian(): Float64Array | null {
    return Float64Array.from(this.H);
  }
}
