/**
 * L-BFGS: the two-loop recursion over the last m pairs (s, y)
 * (Nocedal 1980, "Updating quasi-Newton matrices with limited storage",
 * Math. Comp. 35; Nocedal & Wright 2006, Algorithms 7.4 and 7.5).
 *
 * The initial matrix H⁰ₖ is γₖI with γₖ = sᵀy/yᵀy of the newest pair
 * (N&W eq. 7.20) for `'scaled'`, the identity for `'identity'`, and the fixed
 * inverse BHHH matrix at the starting point for `'bhhh'` (Berndt, Hall, Hall &
 * Hausman 1974) — the latter stores one n×n matrix.
 */
import { bhhhInverseHessian, steepestDescentAlpha } from './bhhh.js';
import { SKIP_EPS, type ModelState } from './bfgs.js';
import type { DirectionRule } from './descent.js';
import type { Evaluator } from './evaluator.js';
import { dot, matVec, norm2 } from './linalg.js';
import type { Iterate } from './method.js';
import type { InitialHessian, ScoresResult } from './types.js';

/** The L-BFGS direction rule with memory m (ring buffers allocated once). */
export class LbfgsRule implements DirectionRule {
  readonly armijoFallback = false;
  readonly accumulates = true;
  readonly needsScoresAtStart: boolean;
  private readonly S: Float64Array;
  private readonly Y: Float64Array;
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private readonly q: Float64Array;
  private readonly r: Float64Array;
  /** Number of stored pairs (≤ m) and index of the newest. */
  private count = 0;
  private newest = -1;
  private H0: Float64Array | null = null;
  private state: ModelState = 'base';

  constructor(
    private readonly n: number,
    private readonly m: number,
    private readonly evaluator: Evaluator,
    private readonly mode: InitialHessian,
  ) {
    this.S = new Float64Array(m * n);
    this.Y = new Float64Array(m * n);
    this.rho = new Float64Array(m);
    this.alpha = new Float64Array(m);
    this.q = new Float64Array(n);
    this.r = new Float64Array(n);
    this.needsScoresAtStart = mode === 'bhhh';
  }

  init(_cur: Iterate, scores: ScoresResult | null): void {
    this.count = 0;
    this.newest = -1;
    this.H0 = this.mode === 'bhhh' && scores !== null ? bhhhInverseHessian(this.n, scores) : null;
    this.state = 'base';
  }

  /** Two-loop recursion (N&W Alg. 7.4): d = −H g. */
  direction(cur: Iterate, d: Float64Array): void {
    const { n, m, S, Y, rho, alpha, q, r } = this;
    q.set(cur.g);
    for (let k = 0; k < this.count; k++) {
      const idx = (this.newest - k + m) % m;
      const off = idx * n;
      let a = 0;
      for (let i = 0; i < n; i++) a += S[off + i]! * q[i]!;
      a *= rho[idx]!;
      alpha[idx] = a;
      for (let i = 0; i < n; i++) q[i] -= a * Y[off + i]!;
    }
    if (this.H0 !== null) {
      matVec(n, this.H0, q, r);
    } else {
      let gamma = 1;
      if (this.mode !== 'identity' && this.count > 0) {
        const off = this.newest * n;
        let sy = 0;
        let yy = 0;
        for (let i = 0; i < n; i++) {
          sy += S[off + i]! * Y[off + i]!;
          yy += Y[off + i]! * Y[off + i]!;
        }
        gamma = sy / yy;
      }
      for (let i = 0; i < n; i++) r[i] = gamma * q[i]!;
    }
    for (let k = this.count - 1; k >= 0; k--) {
      const idx = (this.newest - k + m) % m;
      const off = idx * n;
      let b = 0;
      for (let i = 0; i < n; i++) b += Y[off + i]! * r[i]!;
      b *= rho[idx]!;
      const c = alpha[idx]! - b;
      for (let i = 0; i < n; i++) r[i] += c * S[off + i]!;
    }
    for (let i = 0; i < n; i++) d[i] = -r[i]!;
  }

  initialAlpha(cur: Iterate): number {
    // With no pairs and no BHHH matrix the direction is the unscaled −g.
    return this.H0 === null && this.count === 0 ? steepestDescentAlpha(cur.g) : 1;
  }

  async reset(cur: Iterate): Promise<boolean> {
    if (this.state === 'updated' && this.mode === 'bhhh') {
      const r = await this.evaluator.scores(cur.x);
      if (Number.isFinite(r.f)) {
        this.H0 = bhhhInverseHessian(this.n, r);
        this.count = 0;
        this.newest = -1;
        this.state = 'base';
        return true;
      }
    }
    if (this.state === 'steepest' || (this.state === 'base' && this.mode !== 'bhhh')) return false;
    this.count = 0;
    this.newest = -1;
    this.H0 = null;
    this.state = 'steepest';
    return true;
  }

  async update(_next: Iterate, s: Float64Array, y: Float64Array): Promise<void> {
    const { n, m } = this;
    const sy = dot(s, y, n);
    if (!(sy > SKIP_EPS * norm2(s) * norm2(y))) return;
    this.newest = (this.newest + 1) % m;
    const off = this.newest * n;
    this.S.set(s, off);
    this.Y.set(y, off);
    this.rho[this.newest] = 1 / sy;
    this.count = Math.min(this.count + 1, m);
    this.state = 'updated';
  }

  /** L-BFGS keeps no dense matrix: always null. */
  inverseHessian(): Float64Array | null {
    return null;
  }
}
