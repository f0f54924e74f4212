import { describe, expect, it } from 'vitest';
import { multistart, OptionError, type Method } from '../src/index.js';
import { makeProblem, Spy } from './problems.js';

// Double well f(x) = (x² − 1)² + 0.3x: a local minimum near +0.96 and the global one near −1.04.
const doubleWell = () =>
  makeProblem(1, (x, g) => {
    const v = x[0]!;
    g[0] = 4 * v * (v * v - 1) + 0.3;
    return (v * v - 1) ** 2 + 0.3 * v;
  });
/** The two minimizers by bisection on f' (independent of the optimizer). */
function root(lo: number, hi: number): number {
  const d = (v: number) => 4 * v * (v * v - 1) + 0.3;
  for (let k = 0; k < 200; k++) {
    const m = 0.5 * (lo + hi);
    if (Math.sign(d(m)) === Math.sign(d(lo))) lo = m;
    else hi = m;
  }
  return 0.5 * (lo + hi);
}
const xGlobal = root(-2, -0.5);
const xLocal = root(0.5, 2);

describe('multistart', () => {
  it.each(['bfgs', 'lbfgs', 'trust-region'] as Method[])('%s: picks the global minimum among local optima', async (method) => {
    const starts = [2, 0.6, -2].map((v) => Float64Array.from([v]));
    const { best, runs } = await multistart(doubleWell(), starts, { method });
    expect(runs.length).toBe(3);
    expect(runs.every((r) => r.converged)).toBe(true);
    // the starts really lead to different local optima
    expect(runs[0]!.x[0]).toBeCloseTo(xLocal, 5);
    expect(runs[2]!.x[0]).toBeCloseTo(xGlobal, 5);
    expect(best).toBe(runs[2]);
    expect(best.f).toBe(Math.min(...runs.map((r) => r.f)));
  });

  it('a non-finite run never wins', async () => {
    const p = makeProblem(1, (x, g) => {
      const v = x[0]!;
      g[0] = 2 * v;
      return v > 10 ? NaN : v * v;
    });
    const { best, runs } = await multistart(p, [Float64Array.from([20]), Float64Array.from([3])]);
    expect(runs[0]!.termination).toBe('non-finite');
    expect(best).toBe(runs[1]);
  });

  it('stops launching runs once aborted', async () => {
    const ac = new AbortController();
    const spy = new Spy(doubleWell(), (count) => {
      if (count === 3) ac.abort();
    });
    const { runs, best } = await multistart(spy, [Float64Array.from([2]), Float64Array.from([-2]), Float64Array.from([0.5])], { signal: ac.signal });
    expect(runs.length).toBe(1);
    expect(runs[0]!.termination).toBe('aborted');
    expect(best).toBe(runs[0]);
    expect(spy.log.length).toBe(3);
  });

  it('needs at least one start', async () => {
    await expect(multistart(doubleWell(), [])).rejects.toThrow(OptionError);
  });
});
