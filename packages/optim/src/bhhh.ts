/**
 * BHHH (Berndt, Hall, Hall & Hausman 1974, "Estimation and inference in
 * nonlinear structural models", Annals of Economic and Social Measurement
 * 3/4, 653–665).
 *
 * For f = −Σ_i ℓ_i (a negative log-likelihood), the outer product of the
 * per-observation scores, Σ_i s_i s_iᵀ, estimates the Hessian of f near the
 * maximum-likelihood estimate (the information-matrix equality). It is
 * positive semi-definite by construction, so d = −(Σ s_i s_iᵀ)⁻¹ g is a
 * descent direction; the matrix is regularized (+λI) when singular.
 */
import type { DirectionRule } from './descent.js';
import type { Evaluator } from './evaluator.js';
import { choleskySolveFactor, invertSymmetric, norm2, regularizedCholesky, regularizedInverse } from './linalg.js';
import type { Iterate } from './method.js';
import type { ScoresResult } from './types.js';

/**
 * Outer product of scores Σ_i s_i s_iᵀ (n×n row-major) from row-major
 * nObs × n scores.
 */
export function outerProductOfScores(n: number, scores: Float64Array, nObs: number, out: Float64Array = new Float64Array(n * n)): Float64Array {
  out.fill(0);
  for (let o = 0; o < nObs; o++) {
    const r = o * n;
    for (let i = 0; i < n; i++) {
      const si = scores[r + i]!;
      if (si === 0) continue;
      const row = i * n;
      for (let j = 0; j <= i; j++) out[row + j] += si * scores[r + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j]!;
  return out;
}

/**
 * The BHHH starting inverse Hessian for the quasi-Newton methods:
 * (Σ s_i s_iᵀ + λI)⁻¹ with the smallest λ ≥ 0 that makes it positive definite.
 */
export function bhhhInverseHessian(n: number, r: ScoresResult): Float64Array {
  return regularizedInverse(n, outerProductOfScores(n, r.scores, r.nObs));
}

/** First step length for an unscaled steepest-descent direction −g: a step of Euclidean length at most 1. */
export function steepestDescentAlpha(g: Float64Array): number {
  const gn = norm2(g);
  return gn > 0 && Number.isFinite(gn) ? Math.min(1, 1 / gn) : 1;
}

/**
 * The BHHH direction rule: d = −(Σ s_i s_iᵀ + λI)⁻¹ g, first trial step 1,
 * strong Wolfe line search with an Armijo backtracking fallback, a scores
 * call at every accepted point, and steepest descent as the reset.
 */
export class BhhhRule implements DirectionRule {
  readonly armijoFallback = true;
  readonly accumulates = false;
  readonly needsScoresAtStart = true;
  private readonly opg: Float64Array;
  private L: Float64Array | null = null;
  private steepest = false;
  private haveOpg = false;

  constructor(
    private readonly n: number,
    private readonly evaluator: Evaluator,
  ) {
    this.opg = new Float64Array(n * n);
  }

  private setScores(r: ScoresResult): void {
    outerProductOfScores(this.n, r.scores, r.nObs, this.opg);
    this.L = regularizedCholesky(this.n, this.opg)?.L ?? null;
    this.haveOpg = true;
    this.steepest = this.L === null;
  }

  init(_cur: Iterate, scores: ScoresResult | null): void {
    if (scores === null) throw new Error('BHHH needs the scores at the starting point');
    this.setScores(scores);
  }

  direction(cur: Iterate, d: Float64Array): void {
    const n = this.n;
    if (this.steepest || this.L === null) {
      for (let i = 0; i < n; i++) d[i] = -cur.g[i]!;
      return;
    }
    choleskySolveFactor(n, this.L, cur.g, d);
    for (let i = 0; i < n; i++) d[i] = -d[i]!;
  }

  initialAlpha(cur: Iterate): number {
    return this.steepest ? steepestDescentAlpha(cur.g) : 1;
  }

  async reset(): Promise<boolean> {
    if (this.steepest) return false;
    this.steepest = true;
    return true;
  }

  async update(next: Iterate): Promise<void> {
    const r = await this.evaluator.scores(next.x);
    if (Number.isFinite(r.f)) this.setScores(r);
    else this.steepest = true;
  }

  /** (Σ s_i s_iᵀ)⁻¹ at the last accepted iterate (pseudo-inverse if singular). */
  inverseHessian(): Float64Array | null {
    return this.haveOpg ? invertSymmetric(this.n, this.opg).inverse : null;
  }
}
