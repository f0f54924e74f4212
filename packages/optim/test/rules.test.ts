/** Unit tests of the quasi-Newton / BHHH direction rules (internal modules). */
import { describe, expect, it } from 'vitest';
import { BfgsRule } from '../src/bfgs.js';
import { BhhhRule, outerProductOfScores } from '../src/bhhh.js';
import { LineSearchDescent, type DirectionRule } from '../src/descent.js';
import { Evaluator } from '../src/evaluator.js';
import { LbfgsRule } from '../src/lbfgs.js';
import { choleskyDecompose, choleskySolve } from '../src/linalg.js';
import type { Iterate } from '../src/method.js';
import { makeProblem, normal, rng } from './problems.js';

const n = 4;
const z = normal(rng(99));
const A = (() => {
  const M = Float64Array.from({ length: n * n }, () => z());
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) S[i * n + j] += M[i * n + k]! * M[j * n + k]!;
  for (let i = 0; i < n; i++) S[i * n + i] += 0.5;
  return S;
})();
/** Pairs (s, y = A s) with yᵀs > 0. */
const pairs = Array.from({ length: 6 }, () => {
  const s = Float64Array.from({ length: n }, () => z());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += A[i * n + j]! * s[j]!;
  return { s, y };
});
const g = Float64Array.from([0.3, -1.2, 0.7, 2]);
const cur: Iterate = { x: new Float64Array(n), f: 1, g };
const dot = (a: Float64Array, b: Float64Array) => a.reduce((acc, v, i) => acc + v * b[i]!, 0);

// scores: 10 observations × n
const nObs = 10;
const scores = Float64Array.from({ length: nObs * n }, () => z());
const withScores = () =>
  makeProblem(n, (x, gg) => (gg.fill(0), 0), {
    nObs,
    fn: (_x, gg, s) => {
      s.set(scores);
      gg.fill(0);
      for (let o = 0; o < nObs; o++) for (let i = 0; i < n; i++) gg[i] += scores[o * n + i]!;
      return 0;
    },
  });

describe('BFGS rule', () => {
  it('the update satisfies the secant equation H₊y = s and keeps H symmetric positive definite', async () => {
    const rule = new BfgsRule(n, new Evaluator(makeProblem(n, () => 0), undefined), 'identity');
    rule.init(cur, null);
    for (const { s, y } of pairs) {
      await rule.update(cur, s, y);
      const H = rule.inverseHessian()!;
      for (let i = 0; i < n; i++) {
        let hy = 0;
        for (let j = 0; j < n; j++) hy += H[i * n + j]! * y[j]!;
        expect(hy).toBeCloseTo(s[i]!, 9);
        for (let j = 0; j < n; j++) expect(H[i * n + j]).toBeCloseTo(H[j * n + i]!, 12);
      }
      expect(choleskyDecompose(n, H)).not.toBeNull();
    }
  });

  it('skips the update when yᵀs <= 0', async () => {
    const rule = new BfgsRule(n, new Evaluator(makeProblem(n, () => 0), undefined), 'identity');
    rule.init(cur, null);
    const before = rule.inverseHessian()!;
    const s = pairs[0]!.s;
    await rule.update(cur, s, Float64Array.from(s, (v) => -v));
    expect(Array.from(rule.inverseHessian()!)).toEqual(Array.from(before));
  });

  it("'scaled' rescales the identity by yᵀs/yᵀy before the first update (N&W 6.20)", async () => {
    const a = new BfgsRule(n, new Evaluator(makeProblem(n, () => 0), undefined), 'scaled');
    const b = new BfgsRule(n, new Evaluator(makeProblem(n, () => 0), undefined), 'identity');
    a.init(cur, null);
    b.init(cur, null);
    const { s, y } = pairs[0]!;
    await a.update(cur, s, y);
    await b.update(cur, s, y);
    expect(a.inverseHessian()).not.toEqual(b.inverseHessian());
    // With H0 = γI and one update, vectors orthogonal to s and y are scaled by γ exactly; by 1 from the identity.
    const gamma = dot(s, y) / dot(y, y);
    const v = Float64Array.from([1, -2, 0.5, 3]);
    for (const u of [s, Float64Array.from(y)]) {
      // Gram–Schmidt against s, then against y's component orthogonal to s
      const w = Float64Array.from(u);
      if (u !== s) {
        const c = dot(w, s) / dot(s, s);
        for (let i = 0; i < n; i++) w[i] -= c * s[i]!;
      }
      const c = dot(v, w) / dot(w, w);
      for (let i = 0; i < n; i++) v[i] -= c * w[i]!;
    }
    expect(Math.abs(dot(v, s))).toBeLessThan(1e-12);
    expect(Math.abs(dot(v, y))).toBeLessThan(1e-12);
    const apply = (H: Float64Array) => Array.from({ length: n }, (_, i) => H.slice(i * n, i * n + n).reduce((acc, h, j) => acc + h * v[j]!, 0));
    apply(a.inverseHessian()!).forEach((hv, i) => expect(hv).toBeCloseTo(gamma * v[i]!, 12));
    apply(b.inverseHessian()!).forEach((hv, i) => expect(hv).toBeCloseTo(v[i]!, 12));
    expect(Math.abs(gamma - 1)).toBeGreaterThan(0.01); // the two cases differ
  });

  it('reset: BFGS matrix → scaled steepest descent → give up', async () => {
    const rule = new BfgsRule(n, new Evaluator(makeProblem(n, () => 0), undefined), 'scaled');
    rule.init(cur, null);
    for (const { s, y } of pairs) await rule.update(cur, s, y);
    const last = pairs.at(-1)!;
    const gamma = dot(last.s, last.y) / dot(last.y, last.y);
    expect(await rule.reset(cur)).toBe(true);
    const d = new Float64Array(n);
    rule.direction(cur, d);
    for (let i = 0; i < n; i++) expect(d[i]).toBeCloseTo(-gamma * g[i]!, 12);
    expect(rule.initialAlpha(cur)).toBe(1);
    expect(await rule.reset(cur)).toBe(false);
  });

  it("reset with 'bhhh': BFGS matrix → BHHH at the current point (one scores call) → steepest descent → give up", async () => {
    const ev = new Evaluator(withScores(), undefined);
    const rule = new BfgsRule(n, ev, 'bhhh');
    const r0 = await ev.scores(cur.x);
    rule.init(cur, r0);
    await rule.update(cur, pairs[0]!.s, pairs[0]!.y);
    const count = ev.count;
    expect(await rule.reset(cur)).toBe(true);
    expect(ev.count).toBe(count + 1);
    const d = new Float64Array(n);
    rule.direction(cur, d);
    const expected = choleskySolve(n, outerProductOfScores(n, scores, nObs), g)!;
    for (let i = 0; i < n; i++) expect(d[i]).toBeCloseTo(-expected[i]!, 10);
    // then steepest descent, scaled by yᵀs/yᵀy of the last update
    expect(await rule.reset(cur)).toBe(true);
    rule.direction(cur, d);
    const gamma = dot(pairs[0]!.s, pairs[0]!.y) / dot(pairs[0]!.y, pairs[0]!.y);
    for (let i = 0; i < n; i++) expect(d[i]).toBeCloseTo(-gamma * g[i]!, 14);
    expect(await rule.reset(cur)).toBe(false);
  });
});

describe('L-BFGS rule', () => {
  it('with memory >= pairs, the two-loop direction equals −H g of BFGS from the identity', async () => {
    const ev = new Evaluator(makeProblem(n, () => 0), undefined);
    const bfgs = new BfgsRule(n, ev, 'identity');
    const lbfgs = new LbfgsRule(n, 10, ev, 'identity');
    bfgs.init(cur, null);
    lbfgs.init(cur, null);
    for (const { s, y } of pairs) {
      await bfgs.update(cur, s, y);
      await lbfgs.update(cur, s, y);
    }
    const d1 = new Float64Array(n);
    const d2 = new Float64Array(n);
    bfgs.direction(cur, d1);
    lbfgs.direction(cur, d2);
    for (let i = 0; i < n; i++) expect(d2[i]).toBeCloseTo(d1[i]!, 9);
  });

  it('with memory m, only the last m pairs matter', async () => {
    const ev = new Evaluator(makeProblem(n, () => 0), undefined);
    const a = new LbfgsRule(n, 2, ev, 'scaled');
    const b = new LbfgsRule(n, 2, ev, 'scaled');
    a.init(cur, null);
    b.init(cur, null);
    for (const { s, y } of pairs) await a.update(cur, s, y);
    for (const { s, y } of pairs.slice(-2)) await b.update(cur, s, y);
    const d1 = new Float64Array(n);
    const d2 = new Float64Array(n);
    a.direction(cur, d1);
    b.direction(cur, d2);
    for (let i = 0; i < n; i++) expect(d1[i]).toBeCloseTo(d2[i]!, 12);
    expect(a.inverseHessian()).toBeNull();
  });
});

describe('BHHH rule', () => {
  it('outer product of scores is Σ s_i s_iᵀ', () => {
    const O = outerProductOfScores(n, scores, nObs);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let o = 0; o < nObs; o++) s += scores[o * n + i]! * scores[o * n + j]!;
        expect(O[i * n + j]).toBeCloseTo(s, 12);
      }
  });

  it('direction −(Σ s sᵀ)⁻¹ g with step 1; a singular outer product is regularized into a descent direction', async () => {
    const ev = new Evaluator(withScores(), undefined);
    const rule = new BhhhRule(n, ev);
    rule.init(cur, await ev.scores(cur.x));
    const d = new Float64Array(n);
    rule.direction(cur, d);
    const expected = choleskySolve(n, outerProductOfScores(n, scores, nObs), g)!;
    for (let i = 0; i < n; i++) expect(d[i]).toBeCloseTo(-expected[i]!, 10);
    expect(rule.initialAlpha(cur)).toBe(1);
    // one observation: rank-1 outer product
    const one = new BhhhRule(n, ev);
    one.init(cur, { f: 0, g, scores: Float64Array.from(g), nObs: 1 });
    one.direction(cur, d);
    expect(d.every(Number.isFinite)).toBe(true);
    expect(dot(d, g)).toBeLessThan(0);
  });

  it('reset switches to steepest descent once', async () => {
    const ev = new Evaluator(withScores(), undefined);
    const rule = new BhhhRule(n, ev);
    rule.init(cur, await ev.scores(cur.x));
    expect(await rule.reset()).toBe(true);
    const d = new Float64Array(n);
    rule.direction(cur, d);
    expect(Array.from(d)).toEqual(Array.from(g, (v) => -v));
    expect(await rule.reset()).toBe(false);
  });
});

describe('shared line-search iteration (LineSearchDescent)', () => {
  /** A fixed-direction rule that records what the loop asks of it. */
  function recordingRule(accumulates: boolean) {
    const calls: string[] = [];
    const rule: DirectionRule = {
      armijoFallback: false,
      accumulates,
      needsScoresAtStart: false,
      init: () => {},
      direction: (c, d) => {
        for (let i = 0; i < c.g.length; i++) d[i] = -c.g[i]!;
      },
      initialAlpha: () => 1,
      reset: async () => (calls.push('reset'), false),
      update: async () => void calls.push('update'),
      inverseHessian: () => null,
    };
    return { rule, calls };
  }
  // f = −x on x <= 3 (NaN beyond): the step along −g = +1 is cut short by the NaN wall (no curvature information).
  const wall = makeProblem(1, (x, gg) => ((gg[0] = -1), x[0]! > 3 ? NaN : -x[0]!));
  // f = (x − 1)²: an ordinary Wolfe step.
  const bowl = makeProblem(1, (x, gg) => ((gg[0] = 2 * (x[0]! - 1)), (x[0]! - 1) ** 2));

  async function run(problem: typeof wall, x0: number, accumulates: boolean) {
    const ev = new Evaluator(problem, undefined);
    const { rule, calls } = recordingRule(accumulates);
    const m = new LineSearchDescent(1, ev, rule);
    const c: Iterate = { x: Float64Array.from([x0]), f: NaN, g: new Float64Array(1) };
    c.f = await ev.fg(c.x, c.g);
    const next: Iterate = { x: new Float64Array(1), f: NaN, g: new Float64Array(1) };
    const r = await m.step(c, next);
    return { r, calls, next };
  }

  it('a step cut short by non-finite values resets an accumulating model instead of updating it', async () => {
    const { r, calls, next } = await run(wall, 0, true);
    expect(r.ok).toBe(true);
    expect(next.x[0]).toBeLessThanOrEqual(3);
    expect(next.x[0]).toBeGreaterThan(2.9);
    expect(calls).toEqual(['reset']);
  });
  it('… but updates a model rebuilt at every point (BHHH)', async () => {
    const { calls } = await run(wall, 0, false);
    expect(calls).toEqual(['update']);
  });
  it('an ordinary step updates the model', async () => {
    const { r, calls, next } = await run(bowl, 3, true);
    expect(r.ok).toBe(true);
    expect(next.f).toBeLessThan(4);
    expect(calls).toEqual(['update']);
  });
  it('a failed search asks for a reset and gives up when there is none', async () => {
    // f increases along −g (the gradient lies): no decrease anywhere.
    const liar = makeProblem(1, (x, gg) => ((gg[0] = 1), Math.abs(x[0]!)));
    const { r, calls } = await run(liar, 0, true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.termination).toBe('line-search-failed');
    expect(calls).toEqual(['reset']);
  });
});
