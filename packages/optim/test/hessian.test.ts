import { describe, expect, it } from 'vitest';
import { numericalHessian } from '../src/index.js';
import { logistic, rosenbrockFG } from './problems.js';

describe('numericalHessian', () => {
  it('matches the analytic Rosenbrock Hessian and is exactly symmetric', async () => {
    const x = Float64Array.from([-1.2, 1]);
    const H = await numericalHessian(async (x, g) => rosenbrockFG(x, g), x);
    const [a, b] = [x[0]!, x[1]!];
    const exact = [1200 * a * a - 400 * b + 2, -400 * a, -400 * a, 200];
    for (let k = 0; k < 4; k++) expect(Math.abs(H[k]! - exact[k]!)).toBeLessThan(1e-6 * Math.abs(exact[k]!));
    expect(H[1]).toBe(H[2]);
    expect(Array.from(x)).toEqual([-1.2, 1]); // x not modified
  });

  it('matches Σ p(1−p) x xᵀ for logistic regression (accepts a Problem)', async () => {
    const tp = logistic(200, 3);
    const x = Float64Array.from([0.3, -0.8, 1.5]);
    const H = await numericalHessian(tp.problem, x);
    const exact = tp.hessian!(x);
    for (let k = 0; k < 9; k++) expect(Math.abs(H[k]! - exact[k]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(exact[k]!)));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i * 3 + j]).toBe(H[j * 3 + i]);
  });

  it('uses 2n evaluations at x ± h_i e_i with h_i = 1e-5·max(1,|x_i|) by default', async () => {
    const seen: number[][] = [];
    const x = Float64Array.from([0.5, -300]);
    await numericalHessian(async (x, g) => {
      seen.push(Array.from(x));
      g[0] = 2 * x[0]!;
      g[1] = 6 * x[1]!;
      return 0;
    }, x);
    expect(seen.length).toBe(4);
    expect(seen[0]![0]! - 0.5).toBeCloseTo(1e-5, 15);
    expect(seen[2]![1]! + 300).toBeCloseTo(300 * 1e-5, 12);
  });

  it('a per-coordinate step array, and a quadratic comes out exact', async () => {
    const H = await numericalHessian(
      async (x, g) => {
        g[0] = 4 * x[0]! + x[1]!;
        g[1] = x[0]! + 2 * x[1]!;
        return 0;
      },
      Float64Array.from([1, 2]),
      Float64Array.from([0.5, 0.25]),
    );
    expect(Array.from(H)).toEqual([4, 1, 1, 2]);
  });

  it('throws naming the coordinate when the gradient is not finite', async () => {
    await expect(
      numericalHessian(async (x, g) => {
        g[0] = 1;
        g[1] = x[1]! > 0 ? NaN : 1;
        return 0;
      }, Float64Array.from([0, 0])),
    ).rejects.toThrow(/coordinate 1/);
  });
});
