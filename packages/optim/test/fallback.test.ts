import { describe, expect, it } from 'vitest';
import { FALLBACK_CHAIN, minimize, minimizeWithFallback, type Problem } from '../src/index.js';

/** |x0 - 1| + (x1 + 2)^2: a kink at the minimum, where BFGS's line search gives up. */
const kink: Problem = {
  n: 2,
  async fg(x, g) {
    g[0] = Math.sign(x[0] - 1) || 1;
    g[1] = 2 * (x[1] + 2);
    return Math.abs(x[0] - 1) + (x[1] + 2) ** 2;
  },
};

/** A smooth quadratic: no fallback needed. */
const bowl: Problem = {
  n: 2,
  async fg(x, g) {
    g[0] = 2 * (x[0] - 1);
    g[1] = 4 * (x[1] + 2);
    return (x[0] - 1) ** 2 + 2 * (x[1] + 2) ** 2;
  },
};

describe('solver fallback', () => {
  it('after a failed line search the run goes on with the next method of the chain, from the best point', async () => {
    const plain = await minimize(kink, new Float64Array([3, 3]), { method: 'bfgs' });
    expect(plain.termination).toBe('line-search-failed');
    const { result, attempts } = await minimizeWithFallback(kink, new Float64Array([3, 3]), { method: 'bfgs' });
    expect(attempts[0]).toMatchObject({ method: 'bfgs', termination: 'line-search-failed' });
    expect(attempts.map((a) => a.method)).toEqual(FALLBACK_CHAIN.slice(0, attempts.length));
    expect(attempts.length).toBeGreaterThan(1);
    expect(result.f).toBeLessThanOrEqual(plain.f);
    expect(result.iterations).toBe(attempts.reduce((a, t) => a + t.iterations, 0));
    expect(result.termination).toBe(attempts[attempts.length - 1].termination);
  });

  it('fallback off, or a run that converges: one attempt, the plain result', async () => {
    const off = await minimizeWithFallback(kink, new Float64Array([3, 3]), { method: 'bfgs' }, false);
    expect(off.attempts.length).toBe(1);
    const ok = await minimizeWithFallback(bowl, new Float64Array([3, 3]), { method: 'bfgs' });
    expect(ok.attempts).toEqual([{ method: 'bfgs', termination: ok.result.termination, f: ok.result.f, iterations: ok.result.iterations }]);
    expect(ok.result.converged).toBe(true);
  });

  it('BHHH is skipped when the problem has no scores; a chain started elsewhere tries BFGS first', async () => {
    const { attempts } = await minimizeWithFallback(kink, new Float64Array([3, 3]), { method: 'lbfgs' });
    expect(attempts[0].method).toBe('lbfgs');
    if (attempts.length > 1) expect(attempts[1].method).toBe('bfgs');
    expect(attempts.some((a) => a.method === 'bhhh')).toBe(false);
  });
});
