/**
 * Every method against the shared problem table, plus termination codes,
 * strong Wolfe checks on accepted steps, evaluation counts, non-finite
 * handling and aborts.
 */
import { describe, expect, it } from 'vitest';
import { minimize, OptionError, WOLFE_C1, WOLFE_C2, type IterationInfo, type Method, type MinimizeResult, type Problem } from '../src/index.js';
import { cauchyNaN, makeProblem, maxAbsDiff, problemTable, Spy, type EvalRecord, type TestProblem } from './problems.js';

const METHODS: Method[] = ['bfgs', 'lbfgs', 'bhhh', 'trust-region'];
const table = problemTable();

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

async function fAt(p: Problem, x: Float64Array): Promise<number> {
  return p.fg(Float64Array.from(x), new Float64Array(p.n));
}

/** Runs minimize on a spy and returns the accepted iterates (from the trace) with the result. */
async function traced(tp: TestProblem, method: Method, extra: Parameters<typeof minimize>[2] = {}) {
  const spy = new Spy(tp.problem);
  const infos: IterationInfo[] = [];
  const iterates: EvalRecord[] = [];
  const r = await minimize(spy, tp.x0, {
    ...extra,
    method,
    onIteration: (info) => {
      infos.push(info);
      // The accepted point is the latest evaluation with this value.
      for (let k = spy.log.length - 1; k >= 0; k--) {
        if (spy.log[k]!.f === info.f) {
          iterates.push(spy.log[k]!);
          return;
        }
      }
      throw new Error(`no evaluation with f = ${info.f}`);
    },
  });
  return { r, spy, infos, iterates };
}

function usable(method: Method, tp: TestProblem): boolean {
  return method !== 'bhhh' || typeof tp.problem.scores === 'function';
}

describe.each(METHODS)('method %s on the problem table', (method) => {
  for (const tp of table) {
    if (!usable(method, tp)) {
      it(`${tp.name}: rejected with OptionError (no scores)`, async () => {
        await expect(minimize(tp.problem, tp.x0, { method })).rejects.toThrow(OptionError);
        await expect(minimize(tp.problem, tp.x0, { method })).rejects.toThrow(/optimizer\.method "bhhh" needs per-observation scores/);
      });
      continue;
    }

    it(`${tp.name}: reaches the optimum with sane counts`, async () => {
      const { r, spy, infos, iterates } = await traced(tp, method);
      expect(r.converged, r.message).toBe(true);
      expect(['gradient', 'function-change']).toContain(r.termination);
      expect(maxAbsDiff(r.x, tp.xStar)).toBeLessThan(tp.xTol);
      const fScale = Math.max(1, Math.abs(tp.fStar));
      expect(r.f - tp.fStar).toBeLessThan(1e-8 * fScale);
      expect(r.f - tp.fStar).toBeGreaterThan(-1e-10 * fScale);
      // Counts: every evaluation counted, at least one per iteration (two for BHHH: line search + scores).
      expect(r.fEvals).toBe(spy.log.length);
      expect(r.fEvals).toBeGreaterThanOrEqual(r.iterations + 1);
      if (method === 'bhhh') expect(r.fEvals).toBeGreaterThanOrEqual(2 * r.iterations + 1);
      expect(r.fEvals).toBeLessThan(40 * (r.iterations + 1));
      // Trace: iteration 0 then 1..iterations, f strictly decreasing, fEvals non-decreasing.
      expect(infos.map((i) => i.iteration)).toEqual(Array.from({ length: r.iterations + 1 }, (_, k) => k));
      for (let k = 1; k < infos.length; k++) {
        expect(infos[k]!.f).toBeLessThan(infos[k - 1]!.f);
        expect(infos[k]!.fEvals).toBeGreaterThan(infos[k - 1]!.fEvals);
        expect(infos[k]!.step).toBeGreaterThan(0);
      }
      expect(infos.at(-1)!.fEvals).toBe(r.fEvals);
      // The result is the last accepted iterate, with its own gradient.
      const last = iterates.at(-1)!;
      expect(Array.from(r.x)).toEqual(Array.from(last.x));
      expect(Array.from(r.g)).toEqual(Array.from(last.g));
      expect(r.f).toBe(last.f);
      expect(infos.at(-1)!.gradNorm).toBe(Math.max(...Array.from(r.g, Math.abs)));
      // Inverse Hessian: null for L-BFGS, else a finite symmetric n×n matrix with positive diagonal.
      const n = tp.problem.n;
      if (method === 'lbfgs') {
        expect(r.inverseHessian).toBeNull();
      } else {
        const H = r.inverseHessian!;
        expect(H.length).toBe(n * n);
        for (let i = 0; i < n; i++) {
          expect(H[i * n + i]).toBeGreaterThan(0);
          for (let j = 0; j < n; j++) expect(H[i * n + j]).toBeCloseTo(H[j * n + i]!, 8);
        }
      }
    });

    it(`${tp.name}: maxIter = 2 gives 'max-iterations'`, async () => {
      const spy = new Spy(tp.problem);
      const r = await minimize(spy, tp.x0, { method, maxIter: 2 });
      expect(r.termination).toBe('max-iterations');
      expect(r.converged).toBe(false);
      expect(r.iterations).toBe(2);
      expect(r.fEvals).toBe(spy.log.length);
      expect(r.f).toBeLessThan(await fAt(tp.problem, tp.x0));
    });

    it(`${tp.name}: starting at the optimum gives 'gradient' after one evaluation`, async () => {
      const spy = new Spy(tp.problem);
      const r = await minimize(spy, tp.xStar, { method });
      expect(r.termination).toBe('gradient');
      expect(r.converged).toBe(true);
      expect(r.iterations).toBe(0);
      expect(r.fEvals).toBe(1);
      expect(Array.from(r.x)).toEqual(Array.from(tp.xStar));
      expect(r.f).toBe(tp.fStar);
    });
  }
});

describe('strong Wolfe conditions at accepted steps', () => {
  const names = ['rosenbrock-2d', 'rosenbrock-10d', 'beale', 'quadratic-5d', 'logistic-mle', 'normal-regression-mle'];
  for (const method of ['bfgs', 'lbfgs', 'bhhh'] as Method[]) {
    for (const name of names) {
      const tp = table.find((t) => t.name === name)!;
      if (!usable(method, tp)) continue;
      it(`${method} on ${name}`, async () => {
        const { iterates, r } = await traced(tp, method);
        expect(iterates.length).toBe(r.iterations + 1);
        expect(r.iterations).toBeGreaterThan(3);
        for (let k = 0; k + 1 < iterates.length; k++) {
          const a = iterates[k]!;
          const b = iterates[k + 1]!;
          const s = b.x.map((v, i) => v - a.x[i]!);
          const gs0 = dot(a.g, s);
          const gs1 = dot(b.g, s);
          const slack = 1e-12 * Math.max(1, Math.abs(a.f));
          expect(gs0).toBeLessThan(0); // descent direction
          expect(b.f).toBeLessThanOrEqual(a.f + WOLFE_C1 * gs0 + slack); // sufficient decrease
          expect(Math.abs(gs1)).toBeLessThanOrEqual(WOLFE_C2 * Math.abs(gs0) * (1 + 1e-12)); // strong curvature
        }
      });
    }
  }
});

describe('termination tests fire in order: gradient, function change, step size, max iterations', () => {
  // f(x) = x²/2 + x⁴/4 from x0 = 0.7. A first run measures the first step; then
  // the tolerances are set so that a chosen subset of the tests holds at iteration 1.
  const quartic = () =>
    makeProblem(1, (x, g) => {
      const v = x[0]!;
      g[0] = v + v ** 3;
      return 0.5 * v * v + 0.25 * v ** 4;
    });
  const x0 = Float64Array.from([0.7]);
  const off = { gtol: 1e-300, ftol: 0, xtol: 0 };
  async function firstStep() {
    const infos: IterationInfo[] = [];
    const r = await minimize(quartic(), x0, { ...off, maxIter: 1, onIteration: (i) => infos.push(i) });
    expect(r.termination).toBe('max-iterations');
    const g0 = infos[0]!.gradNorm;
    const g1 = infos[1]!.gradNorm;
    const df = Math.abs(infos[0]!.f - infos[1]!.f) / Math.max(1, Math.abs(infos[0]!.f));
    const dx = Math.abs(r.x[0]! - x0[0]!) / Math.max(1, Math.abs(r.x[0]!));
    expect(g1).toBeLessThan(g0);
    expect(g1).toBeGreaterThan(0);
    return { gtol: 0.5 * (g0 + g1), ftol: 2 * df, xtol: 2 * dx };
  }
  it('all four hold → gradient', async () => {
    const t = await firstStep();
    const r = await minimize(quartic(), x0, { ...t, maxIter: 1 });
    expect(r.iterations).toBe(1);
    expect(r.termination).toBe('gradient');
    expect(r.converged).toBe(true);
  });
  it('all but gradient → function-change', async () => {
    const t = await firstStep();
    const r = await minimize(quartic(), x0, { ...t, gtol: 1e-300, maxIter: 1 });
    expect(r.iterations).toBe(1);
    expect(r.termination).toBe('function-change');
    expect(r.converged).toBe(true);
  });
  it('step size and max iterations → step-size (not converged)', async () => {
    const t = await firstStep();
    const r = await minimize(quartic(), x0, { ...t, gtol: 1e-300, ftol: 0, maxIter: 1 });
    expect(r.iterations).toBe(1);
    expect(r.termination).toBe('step-size');
    expect(r.converged).toBe(false);
  });
  it('only max iterations → max-iterations', async () => {
    const r = await minimize(quartic(), x0, { ...off, maxIter: 1 });
    expect(r.termination).toBe('max-iterations');
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
  });
  it('maxIter = 0 evaluates the start only', async () => {
    const r = await minimize(quartic(), x0, { maxIter: 0 });
    expect(r.termination).toBe('max-iterations');
    expect(r.fEvals).toBe(1);
    expect(r.iterations).toBe(0);
  });
  it('function-change fires at the first iteration where |Δf| <= ftol·max(1,|f|)', async () => {
    const tp = table.find((t) => t.name === 'rosenbrock-2d')!;
    const ftol = 1e-4;
    const { r, infos } = await traced(tp, 'bfgs', { ftol, gtol: 1e-300 });
    expect(r.termination).toBe('function-change');
    const ok = (k: number) => Math.abs(infos[k - 1]!.f - infos[k]!.f) <= ftol * Math.max(1, Math.abs(infos[k - 1]!.f));
    expect(ok(infos.length - 1)).toBe(true);
    for (let k = 1; k < infos.length - 1; k++) expect(ok(k)).toBe(false);
  });
  it('step-size fires at the first iteration where every |Δx_i| <= xtol·max(1,|x_i|)', async () => {
    const tp = table.find((t) => t.name === 'rosenbrock-2d')!;
    const xtol = 1e-3;
    const { r, iterates } = await traced(tp, 'bfgs', { xtol, ftol: 0, gtol: 1e-300 });
    expect(r.termination).toBe('step-size');
    const ok = (k: number) => iterates[k]!.x.every((v, i) => Math.abs(v - iterates[k - 1]!.x[i]!) <= xtol * Math.max(1, Math.abs(v)));
    expect(ok(iterates.length - 1)).toBe(true);
    for (let k = 1; k < iterates.length - 1; k++) expect(ok(k)).toBe(false);
  });
});

describe('non-finite values', () => {
  it.each(METHODS)('%s: non-finite start ends at once with non-finite', async (method) => {
    const p = makeProblem(2, () => NaN, { nObs: 1, fn: () => NaN });
    const x0 = Float64Array.from([1, 2]);
    const r = await minimize(p, x0, { method });
    expect(r.termination).toBe('non-finite');
    expect(r.converged).toBe(false);
    expect(r.fEvals).toBe(1);
    expect(r.iterations).toBe(0);
    expect(Array.from(r.x)).toEqual([1, 2]);
    expect(r.f).toBeNaN();
    expect(r.inverseHessian).toBeNull();
  });

  it.each(METHODS)('%s: a finite value with a non-finite gradient counts as non-finite', async (method) => {
    const p = makeProblem(1, (_x, g) => ((g[0] = Infinity), 1), { nObs: 1, fn: (_x, g, s) => ((g[0] = NaN), (s[0] = NaN), 1) });
    const r = await minimize(p, Float64Array.from([0]), { method });
    expect(r.termination).toBe('non-finite');
  });

  it.each(METHODS)('%s: NaN trial points (x1 > 3) shorten the step and the run still reaches the MLE', async (method) => {
    const tp = cauchyNaN();
    const spy = new Spy(tp.problem);
    const r = await minimize(spy, tp.x0, { method });
    expect(spy.nonFinite).toBeGreaterThan(0);
    expect(r.converged, r.message).toBe(true);
    expect(maxAbsDiff(r.x, tp.xStar)).toBeLessThan(tp.xTol);
  });

  // f = x1 + x2, finite only for x1 >= 1: from (1, 7) every trial along a descent direction is NaN.
  const walled = () =>
    makeProblem(
      2,
      (x, g) => {
        g[0] = 1;
        g[1] = 1;
        return x[0]! >= 1 ? x[0]! + x[1]! : NaN;
      },
      { nObs: 1, fn: (x, g, s) => ((g[0] = s[0] = 1), (g[1] = s[1] = 1), x[0]! >= 1 ? x[0]! + x[1]! : NaN) },
    );
  it.each(METHODS)('%s: nothing finite along the direction → non-finite, start point returned', async (method) => {
    const spy = new Spy(walled());
    const r = await minimize(spy, Float64Array.from([1, 7]), { method });
    expect(r.termination).toBe('non-finite');
    expect(r.converged).toBe(false);
    expect(Array.from(r.x)).toEqual([1, 7]);
    expect(r.f).toBe(8);
    expect(spy.nonFinite).toBeGreaterThan(10);
    expect(r.fEvals).toBe(spy.log.length);
    expect(r.fEvals).toBeLessThan(400);
  });

  // f = −x1 + x2², NaN for x1 > 3: the infimum is at the edge of the finite region.
  const edge = () =>
    makeProblem(
      2,
      (x, g) => {
        g[0] = -1;
        g[1] = 2 * x[1]!;
        return x[0]! > 3 ? NaN : -x[0]! + x[1]! ** 2;
      },
      { nObs: 1, fn: (x, g, s) => ((g[0] = s[0] = -1), (g[1] = s[1] = 2 * x[1]!), x[0]! > 3 ? NaN : -x[0]! + x[1]! ** 2) },
    );
  it.each(METHODS)('%s: minimum at the edge of the finite region → best finite point, never worse than the start', async (method) => {
    const spy = new Spy(edge());
    const x0 = Float64Array.from([0, 1]);
    const r = await minimize(spy, x0, { method });
    expect(Number.isFinite(r.f)).toBe(true);
    expect(r.x[0]).toBeLessThanOrEqual(3);
    expect(r.x[0]).toBeGreaterThan(2.99);
    expect(r.f).toBeLessThan(-2.5); // f(x0) = 1; the infimum is −3
    expect(spy.nonFinite).toBeGreaterThan(0);
    const finite = spy.log.filter((e) => Number.isFinite(e.f)).map((e) => e.f);
    if (!r.converged) expect(r.f).toBe(Math.min(...finite));
    expect(r.fEvals).toBe(spy.log.length);
  });
});

/** Deterministic pseudo-random value in [0, 1) from the bit patterns of x (noisy at every scale). */
function hashNoise(x: Float64Array): number {
  const words = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
  let h = 0x811c9dc5;
  for (const w of words) {
    h = Math.imul(h ^ w, 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return (h >>> 0) / 4294967296;
}

describe('line-search failure: reset, then give up with the best point', () => {
  // ½‖x‖² + ¼Σx_i⁴ plus deterministic noise of size 1e-9 in f only: the line search must fail near the optimum.
  const noisy = () =>
    makeProblem(2, (x, g) => {
      g[0] = x[0]! + x[0]! ** 3;
      g[1] = x[1]! + x[1]! ** 3;
      return 0.5 * (x[0]! ** 2 + x[1]! ** 2) + 0.25 * (x[0]! ** 4 + x[1]! ** 4) + 1e-9 * hashNoise(x);
    });
  it.each(['bfgs', 'lbfgs'] as Method[])('%s', async (method) => {
    const spy = new Spy(noisy());
    const r = await minimize(spy, Float64Array.from([3, -2]), { method, gtol: 1e-300, ftol: 0, xtol: 0 });
    expect(r.termination).toBe('line-search-failed');
    expect(r.message).toMatch(/after 1 reset/);
    expect(r.converged).toBe(false);
    expect(Math.hypot(r.x[0]!, r.x[1]!)).toBeLessThan(1e-3);
    const finite = spy.log.map((e) => e.f);
    expect(r.f).toBe(Math.min(...finite));
  });
  it('trust-region ends with step-size (radius collapse) at the best point', async () => {
    const spy = new Spy(noisy());
    const r = await minimize(spy, Float64Array.from([3, -2]), { method: 'trust-region', gtol: 1e-300, ftol: 0, xtol: 0 });
    expect(r.termination).toBe('step-size');
    expect(r.message).toMatch(/radius/);
    expect(Math.hypot(r.x[0]!, r.x[1]!)).toBeLessThan(1e-3);
    expect(r.f).toBe(Math.min(...spy.log.map((e) => e.f)));
  });
});

describe('abort signal', () => {
  const tp = table.find((t) => t.name === 'logistic-mle')!;

  it.each(METHODS)('%s: abort in onIteration stops before the next evaluation, keeping the iterate', async (method) => {
    const ac = new AbortController();
    const infos: IterationInfo[] = [];
    const spy = new Spy(tp.problem);
    const r = await minimize(spy, tp.x0, {
      method,
      signal: ac.signal,
      onIteration: (i) => {
        infos.push(i);
        if (i.iteration === 3) ac.abort();
      },
    });
    expect(r.termination).toBe('aborted');
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(r.fEvals).toBe(infos[3]!.fEvals);
    expect(spy.log.length).toBe(r.fEvals);
    expect(r.f).toBeLessThanOrEqual(infos[3]!.f);
    expect(r.f).toBeLessThan(infos[0]!.f);
    expect(r.message).toMatch(/abort/);
  });

  it.each(METHODS)('%s: abort during an evaluation returns the best point seen', async (method) => {
    const ac = new AbortController();
    const spy = new Spy(tp.problem, (count) => {
      if (count === 4) ac.abort();
    });
    const r = await minimize(spy, tp.x0, { method, signal: ac.signal });
    expect(r.termination).toBe('aborted');
    expect(r.fEvals).toBe(4);
    expect(spy.log.length).toBe(4);
    const best = Math.min(...spy.log.map((e) => e.f));
    expect(r.f).toBe(best);
    expect(r.f).toBeLessThan(spy.log[0]!.f);
  });

  it('an already aborted signal evaluates nothing', async () => {
    const spy = new Spy(tp.problem);
    const r = await minimize(spy, tp.x0, { signal: AbortSignal.abort() });
    expect(r.termination).toBe('aborted');
    expect(r.fEvals).toBe(0);
    expect(spy.log.length).toBe(0);
    expect(r.f).toBeNaN();
  });

  it('a rejected evaluation after abort (e.g. a terminated worker) still reports aborted', async () => {
    const ac = new AbortController();
    let calls = 0;
    const p: Problem = {
      n: 3,
      fg: async (x, g) => {
        if (++calls === 3) {
          ac.abort();
          throw new Error('worker terminated');
        }
        return tp.problem.fg(x, g);
      },
    };
    const r = await minimize(p, tp.x0, { signal: ac.signal });
    expect(r.termination).toBe('aborted');
    expect(Number.isFinite(r.f)).toBe(true);
  });

  it('errors from the problem propagate when not aborted', async () => {
    const p: Problem = { n: 1, fg: async () => { throw new Error('boom'); } };
    await expect(minimize(p, Float64Array.from([0]))).rejects.toThrow('boom');
  });
});

describe('initial Hessian choices', () => {
  const byName = (n: string) => table.find((t) => t.name === n)!;
  for (const method of ['bfgs', 'lbfgs', 'trust-region'] as Method[]) {
    for (const ih of ['identity', 'scaled', 'bhhh'] as const) {
      for (const name of ['rosenbrock-2d', 'logistic-mle', 'cauchy-nan-region']) {
        const tp = byName(name);
        if (ih === 'bhhh' && !tp.problem.scores) continue;
        it(`${method} with ${ih} on ${name}`, async () => {
          const spy = new Spy(tp.problem);
          const r = await minimize(spy, tp.x0, { method, initialHessian: ih });
          expect(r.converged, r.message).toBe(true);
          expect(maxAbsDiff(r.x, tp.xStar)).toBeLessThan(tp.xTol);
          // 'bhhh' evaluates the start with scores; the others never call scores.
          expect(spy.log[0]!.kind).toBe(ih === 'bhhh' ? 'scores' : 'fg');
        });
      }
    }
  }

  it('default is bhhh when the problem has scores, scaled otherwise', async () => {
    const withScores = new Spy(byName('logistic-mle').problem);
    await minimize(withScores, byName('logistic-mle').x0, { maxIter: 1 });
    expect(withScores.log[0]!.kind).toBe('scores');
    const r1 = await minimize(byName('rosenbrock-2d').problem, byName('rosenbrock-2d').x0, { maxIter: 3 });
    const r2 = await minimize(byName('rosenbrock-2d').problem, byName('rosenbrock-2d').x0, { maxIter: 3, initialHessian: 'scaled' });
    expect(Array.from(r1.x)).toEqual(Array.from(r2.x));
  });

  it("initialHessian 'bhhh' without scores is an OptionError", async () => {
    const tp = byName('rosenbrock-2d');
    await expect(minimize(tp.problem, tp.x0, { initialHessian: 'bhhh' })).rejects.toThrow(/optimizer\.initialHessian "bhhh" needs per-observation scores/);
  });

  it('L-BFGS with memory >= iterations reproduces BFGS (same identity start)', async () => {
    const tp = byName('rosenbrock-2d');
    const a: MinimizeResult = await minimize(tp.problem, tp.x0, { method: 'bfgs', initialHessian: 'identity', maxIter: 15 });
    const b = await minimize(tp.problem, tp.x0, { method: 'lbfgs', initialHessian: 'identity', maxIter: 15, lbfgsMemory: 50 });
    expect(b.iterations).toBe(a.iterations);
    expect(maxAbsDiff(a.x, b.x)).toBeLessThan(1e-9);
    // and a short memory gives a different path
    const c = await minimize(tp.problem, tp.x0, { method: 'lbfgs', initialHessian: 'identity', maxIter: 15, lbfgsMemory: 1 });
    expect(maxAbsDiff(a.x, c.x)).toBeGreaterThan(1e-6);
  });
});

describe('argument checks', () => {
  it('x0 of the wrong length is a RangeError', async () => {
    const tp = table[0]!;
    await expect(minimize(tp.problem, new Float64Array(3))).rejects.toThrow(RangeError);
  });
  it('x0 is not modified', async () => {
    const tp = table[0]!;
    const x0 = Float64Array.from(tp.x0);
    await minimize(tp.problem, x0);
    expect(Array.from(x0)).toEqual(Array.from(tp.x0));
  });
});
