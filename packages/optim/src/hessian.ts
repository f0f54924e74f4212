/**
 * Numerical Hessian by central finite differences of an analytic gradient
 * (Nocedal & Wright 2006, §8.1, eq. 8.7 applied to ∇f):
 *
 *   H[:, i] ≈ (∇f(x + h_i e_i) − ∇f(x − h_i e_i)) / (2 h_i),
 *
 * then symmetrized, H ← (H + Hᵀ)/2. Costs 2n gradient evaluations, made one
 * at a time. Used by the inference layer for standard errors.
 */
import type { Problem } from './types.js';

/** An objective with gradient: returns f(x) and writes ∇f(x) into g. */
export type GradientFunction = (x: Float64Array, g: Float64Array) => Promise<number>;

/** Default relative step of {@link numericalHessian}: h_i = 1e-5·max(1, |x_i|). */
export const DEFAULT_HESSIAN_STEP = 1e-5;

/**
 * Central-difference Hessian of f at x from its analytic gradient, symmetrized.
 *
 * @param fg - the gradient function, or an object with `fg` (e.g. a {@link Problem}).
 * @param x - the point (not modified).
 * @param h - a number: relative step, h_i = h·max(1, |x_i|) (default 1e-5);
 *   or a Float64Array of absolute steps per coordinate.
 * @returns the n×n row-major Hessian.
 * @throws Error when a gradient evaluation is not finite (the message names the coordinate), or on invalid steps.
 */
export async function numericalHessian(
  fg: GradientFunction | Pick<Problem, 'fg'>,
  x: Float64Array,
  h: number | Float64Array = DEFAULT_HESSIAN_STEP,
): Promise<Float64Array> {
  const f = typeof fg === 'function' ? fg : (xx: Float64Array, gg: Float64Array) => fg.fg(xx, gg);
  const n = x.length;
  if (typeof h !== 'number' && h.length !== n) throw new RangeError(`numericalHessian: h has length ${h.length} but x has length ${n}`);
  const H = new Float64Array(n * n);
  const xw = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hi = typeof h === 'number' ? h * Math.max(1, Math.abs(x[i]!)) : h[i]!;
    if (!(hi > 0) || !Number.isFinite(hi)) throw new RangeError(`numericalHessian: step for coordinate ${i} must be a positive number; received ${hi}`);
    // Use the representable step actually taken.
    xw[i] = x[i]! + hi;
    const hp = xw[i]! - x[i]!;
    const fp = await f(xw, gp);
    xw[i] = x[i]! - hi;
    const hm = x[i]! - xw[i]!;
    const fm = await f(xw, gm);
    xw[i] = x[i]!;
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(fp) || !Number.isFinite(fm) || !Number.isFinite(gp[j]!) || !Number.isFinite(gm[j]!)) {
        throw new Error(`numericalHessian: the objective or gradient is not finite at x ± h e_${i} (coordinate ${i}, h = ${hi})`);
      }
      H[j * n + i] = (gp[j]! - gm[j]!) / (hp + hm);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (H[i * n + j]! + H[j * n + i]!);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}
