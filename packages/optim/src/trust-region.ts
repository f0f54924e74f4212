/**
 * Trust-region method with the dogleg step on a BFGS approximation B of the
 * Hessian (Nocedal & Wright 2006, Algorithm 4.1 and §4.1 "The dogleg
 * method"; Byrd, Nocedal & Schnabel 1994, "Representations of quasi-Newton
 * matrices and their use in limited memory methods", Math. Prog. 63, for the
 * direct BFGS update of B).
 *
 * B is updated with every trial step that has yᵀs > 0 (also rejected ones),
 *   B₊ = B − (B s)(B s)ᵀ / sᵀBs + y yᵀ / yᵀs  (N&W eq. 6.19),
 * so it stays positive definite and the dogleg path is well defined. Radius
 * update: ρ < ¼ → Δ = ¼‖p‖; ρ > ¾ with ‖p‖ ≈ Δ → Δ = 2Δ; the step is accepted
 * when ρ > η = 1e-4. A non-finite trial halves the radius (Δ = ½‖p‖).
 */
import { outerProductOfScores } from './bhhh.js';
import { SKIP_EPS } from './bfgs.js';
import type { Evaluator } from './evaluator.js';
import { choleskyDecompose, choleskySolveFactor, dot, invertSymmetric, matVec, maxAbs, norm2, regularizedCholesky, setScaledIdentity } from './linalg.js';
import type { Iterate, MethodContext, MethodInstance, StepResult } from './method.js';
import type { InitialHessian, ScoresResult } from './types.js';

/** Acceptance threshold η on ρ = actual / predicted reduction. */
export const TR_ETA = 1e-4;
/** Largest trust radius. */
export const TR_MAX_RADIUS = 1e10;
/** Consecutive non-finite trials before giving up. */
export const TR_MAX_NON_FINITE = 50;

/** Dogleg trust-region method state for one run. */
export class TrustRegion implements MethodInstance {
  readonly needsScoresAtStart: boolean;
  private readonly n: number;
  private readonly evaluator: Evaluator;
  private readonly mode: InitialHessian;
  private readonly xtol: number;
  private readonly B: Float64Array;
  private readonly pB: Float64Array;
  private readonly pU: Float64Array;
  private readonly p: Float64Array;
  private readonly Bp: Float64Array;
  private readonly y: Float64Array;
  private radius: number;
  /** 'scaled' mode: rescale the identity by yᵀy/yᵀs before the first update. */
  private scalePending = false;

  constructor(ctx: MethodContext) {
    const n = ctx.n;
    this.n = n;
    this.evaluator = ctx.evaluator;
    this.mode = ctx.initialHessian;
    this.xtol = ctx.options.xtol;
    this.radius = ctx.options.trustRadius;
    this.needsScoresAtStart = this.mode === 'bhhh';
    this.B = new Float64Array(n * n);
    this.pB = new Float64Array(n);
    this.pU = new Float64Array(n);
    this.p = new Float64Array(n);
    this.Bp = new Float64Array(n);
    this.y = new Float64Array(n);
  }

  init(_cur: Iterate, scores: ScoresResult | null): void {
    const n = this.n;
    if (this.mode === 'bhhh' && scores !== null) {
      outerProductOfScores(n, scores.scores, scores.nObs, this.B);
      const reg = regularizedCholesky(n, this.B);
      if (reg === null) setScaledIdentity(n, this.B);
      else for (let i = 0; i < n; i++) this.B[i * n + i] += reg.lambda;
    } else {
      setScaledIdentity(n, this.B);
      this.scalePending = this.mode === 'scaled';
    }
  }

  /**
   * Dogleg step (N&W §4.1) for the model g·p + ½ pᵀBp within ‖p‖ ≤ Δ, written
   * into `this.p`. Returns the predicted reduction −(gᵀp + ½pᵀBp).
   */
  private dogleg(g: Float64Array, radius: number): number {
    const { n, B, pB, pU, p, Bp } = this;
    let L = choleskyDecompose(n, B);
    if (L === null) {
      // Lost positive definiteness to rounding: restart from a scaled identity.
      let trace = 0;
      for (let i = 0; i < n; i++) trace += B[i * n + i]!;
      setScaledIdentity(n, B, trace > 0 && Number.isFinite(trace) ? trace / n : 1);
      L = choleskyDecompose(n, B)!;
    }
    choleskySolveFactor(n, L, g, pB);
    for (let i = 0; i < n; i++) pB[i] = -pB[i]!;
    if (norm2(pB) <= radius) {
      p.set(pB);
    } else {
      matVec(n, B, g, Bp);
      const gg = dot(g, g, n);
      const gBg = dot(g, Bp, n);
      const tau = gg / gBg;
      for (let i = 0; i < n; i++) pU[i] = -tau * g[i]!;
      const nU = norm2(pU);
      if (nU >= radius) {
        const c = radius / nU;
        for (let i = 0; i < n; i++) p[i] = c * pU[i]!;
      } else {
        // ‖pU + t (pB − pU)‖ = Δ, t ∈ [0, 1].
        let a = 0;
        let b = 0;
        for (let i = 0; i < n; i++) {
          const di = pB[i]! - pU[i]!;
          a += di * di;
          b += pU[i]! * di;
        }
        const c = nU * nU - radius * radius;
        const t = (-b + Math.sqrt(Math.max(0, b * b - a * c))) / a;
        for (let i = 0; i < n; i++) p[i] = pU[i]! + t * (pB[i]! - pU[i]!);
      }
    }
    matVec(n, B, p, Bp);
    return -(dot(g, p, n) + 0.5 * dot(p, Bp, n));
  }

  /** Direct BFGS update of B with (s, y); skipped when yᵀs is not safely positive. */
  private updateB(s: Float64Array, y: Float64Array): void {
    const { n, B, Bp } = this;
    const sy = dot(s, y, n);
    if (!(sy > SKIP_EPS * norm2(s) * norm2(y))) return;
    if (this.scalePending) {
      setScaledIdentity(n, B, dot(y, y, n) / sy);
      this.scalePending = false;
    }
    matVec(n, B, s, Bp);
    const sBs = dot(s, Bp, n);
    if (!(sBs > 0)) return;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) B[row + j] += (y[i]! * y[j]!) / sy - (Bp[i]! * Bp[j]!) / sBs;
    }
  }

  async step(cur: Iterate, next: Iterate): Promise<StepResult> {
    const { n, p, y } = this;
    let nonFinite = 0;
    let finiteTrials = 0;
    const scale = Math.max(1, maxAbs(cur.x));
    const minRadius = Math.max(this.xtol, 1e-14) * scale;
    for (;;) {
      if (!(this.radius > minRadius)) {
        if (nonFinite > 0 && finiteTrials === 0) {
          return { ok: false, termination: 'non-finite', message: `no finite point found in the trust region down to radius ${this.radius.toExponential(3)}` };
        }
        return {
          ok: false,
          termination: 'step-size',
          message: `trust-region radius ${this.radius.toExponential(3)} fell below ${minRadius.toExponential(3)} without an acceptable step`,
        };
      }
      const pred = this.dogleg(cur.g, this.radius);
      const pn = norm2(p);
      if (!(pred > 0)) {
        // No predicted decrease (rounding at a stationary point): shrink.
        this.radius = 0.25 * Math.min(this.radius, pn);
        continue;
      }
      for (let i = 0; i < n; i++) next.x[i] = cur.x[i]! + p[i]!;
      const f = await this.evaluator.fg(next.x, next.g);
      if (!Number.isFinite(f)) {
        if (++nonFinite >= TR_MAX_NON_FINITE) {
          return { ok: false, termination: 'non-finite', message: `${nonFinite} consecutive non-finite trial points in the trust region` };
        }
        this.radius = 0.5 * pn;
        continue;
      }
      nonFinite = 0;
      finiteTrials++;
      for (let i = 0; i < n; i++) y[i] = next.g[i]! - cur.g[i]!;
      this.updateB(p, y);
      const rho = (cur.f - f) / pred;
      if (rho < 0.25) this.radius = 0.25 * pn;
      else if (rho > 0.75 && pn >= 0.99 * this.radius) this.radius = Math.min(2 * this.radius, TR_MAX_RADIUS);
      if (rho > TR_ETA) {
        next.f = f;
        return { ok: true, step: pn };
      }
    }
  }

  /** Inverse of the BFGS Hessian model B (pseudo-inverse if it is singular). */
  inverseHessian(): Float64Array | null {
    return invertSymmetric(this.n, this.B).inverse;
  }
}
