/**
 * The engine as the optimizer's problem (minimize -LL), restricted to the
 * free parameters when some are held (model.fix), and the pieces around it.
 */
import type { ChoiceData, NodeSource } from '@mxl/core';
import { createEngine, type Engine } from '@mxl/engine';
import type { Problem } from '@mxl/optim';
import type { Prepared } from './prepare.js';

/** The node source for a model without random coefficients. */
export const NO_NODES: NodeSource = { size: 1, weights: null, shared: true, fill() {} };

/** The columns `free` of a row-major n × P score matrix. */
export function scoreColumns(scores: Float64Array, P: number, free: readonly number[]): Float64Array {
  if (free.length === P) return scores;
  const n = scores.length / P;
  const out = new Float64Array(n * free.length);
  for (let r = 0; r < n; r++) for (let k = 0; k < free.length; k++) out[r * free.length + k] = scores[r * P + free[k]];
  return out;
}

/**
 * The problem over the free parameters `free` (indices into θ), the others
 * held at their values in `base` (model.fix).
 */
export function restrictProblem(problem: Problem, free: readonly number[], base: Float64Array): Problem {
  const P = base.length;
  const full = (x: Float64Array) => {
    const t = Float64Array.from(base);
    free.forEach((i, k) => (t[i] = x[k]));
    return t;
  };
  return {
    n: free.length,
    async fg(x, g) {
      const gFull = new Float64Array(P);
      const f = await problem.fg(full(x), gFull);
      free.forEach((i, k) => (g[k] = gFull[i]));
      return f;
    },
    scores: problem.scores
      ? async (x) => {
          const r = await problem.scores!(full(x));
          return { ...r, g: Float64Array.from(free, (i) => r.g[i]), scores: scoreColumns(r.scores, P, free) };
        }
      : undefined,
  };
}

/** Turns an engine into the optimizer's problem: minimize −LL. */
export function negLogLik(engine: Engine, signal?: AbortSignal): Problem {
  return {
    n: engine.P,
    async fg(x, g) {
      const ev = await engine.evaluate(x, signal);
      for (let p = 0; p < g.length; p++) g[p] = -ev.grad[p];
      return -ev.ll;
    },
    async scores(x) {
      const ev = await engine.evaluate(x, signal);
      const s = new Float64Array(ev.unitScores.length);
      for (let i = 0; i < s.length; i++) s[i] = -ev.unitScores[i];
      const g = new Float64Array(engine.P);
      for (let p = 0; p < g.length; p++) g[p] = -ev.grad[p];
      return { f: -ev.ll, g, scores: s, nObs: engine.nUnits };
    },
  };
}

/** Null log-likelihood: every available alternative (and the outside option) equally likely. */
export function nullLogLik(data: ChoiceData): number {
  let ll = 0;
  for (let u = 0; u < data.nUnits; u++) {
    const w = data.unitWeight ? data.unitWeight[u] : 1;
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
      ll -= w * Math.log(data.sitRow[s + 1] - data.sitRow[s] + (data.outside ? 1 : 0));
    }
  }
  return ll;
}

/** Builds the engine of a prepared problem. */
export function engineFor(p: Prepared, workers: number | undefined, factory = createEngine): Engine {
  const dc = p.spec.drawCache;
  const cache = typeof dc === 'boolean' ? { cacheDraws: dc } : { cacheLimitBytes: dc * 2 ** 20 };
  return factory(p.data, p.design.plan, p.rule ?? NO_NODES, { workers: workers ?? p.spec.workers ?? undefined, rule: p.rule?.toJSON() ?? null, ...cache });
}

