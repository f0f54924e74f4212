/**
 * The parallel engine: identical numbers for any number of workers, clear
 * failures (never a hang) when a worker throws or dies, cancellation.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, EngineError } from '@mxl/engine';
import { Kernel, type CoefficientPlan } from '@mxl/core';
import { defaultStart, estimate, prepare, simulate } from '@mxl/estimation';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-engine-'));
const files = simulate(dir, { individuals: 300, situations: 5, alternatives: 4, seed: 5 });
const spec = { ...JSON.parse(readFileSync(files.spec, 'utf8')), integration: { rule: 'halton', draws: 50 } };

const p = await prepare(spec, files.spec);

describe('pool engine', () => {
  const engineOf = (workers: number, extra: Record<string, unknown> = {}) =>
    createEngine(p.data, p.design.plan, p.rule!, { workers, rule: p.rule!.toJSON(), ...extra });

  it('log-likelihood, gradient and per-unit scores are identical for 1, 2, 3, 4 and 8 workers', async () => {
    const theta = await defaultStart(p);
    theta[theta.length - 1] = 0.4;
    let ref: { ll: number; grad: number[]; scores: Float64Array } | null = null;
    for (const w of [1, 2, 3, 4, 8]) {
      const e = engineOf(w);
      try {
        const ev = await e.evaluate(theta);
        expect(e.workers).toBe(w);
        const cur = { ll: ev.ll, grad: Array.from(ev.grad), scores: Float64Array.from(ev.unitScores) };
        if (!ref) ref = cur;
        else {
          expect(cur.ll).toBe(ref.ll);
          expect(cur.grad).toEqual(ref.grad);
          expect(Buffer.from(cur.scores.buffer).equals(Buffer.from(ref.scores.buffer))).toBe(true);
        }
      } finally {
        await e.close();
      }
    }
    // shards are claimed by whichever worker is free, so which worker takes a shard
    // changes from call to call; the numbers must not (equal shards too)
    for (const extra of [{}, { shardsPerWorker: 7 }]) {
      const e = engineOf(3, extra);
      try {
        for (let rep = 0; rep < 5; rep++) {
          const ev = await e.evaluate(theta);
          expect(ev.ll).toBe(ref!.ll);
          expect(Array.from(ev.grad)).toEqual(ref!.grad);
        }
      } finally {
        await e.close();
      }
    }
  });

  it('estimates and standard errors agree to 1e-12 for 1 and 3 workers, also without the draw cache', async () => {
    const a = await estimate({ ...spec, workers: 1 }, files.spec);
    const b = await estimate({ ...spec, workers: 3 }, files.spec);
    expect(b.loglik).toBe(a.loglik);
    for (let i = 0; i < a.parameters.length; i++) {
      expect(Math.abs(b.parameters[i].estimate - a.parameters[i].estimate)).toBeLessThanOrEqual(1e-12 * Math.abs(a.parameters[i].estimate));
      expect(Math.abs(b.parameters[i].se - a.parameters[i].se)).toBeLessThanOrEqual(1e-12 * a.parameters[i].se);
    }
    const theta = Float64Array.from(a.parameters.map((q) => a.raw[q.name]));
    const cached = engineOf(2), flat = engineOf(2, { cacheDraws: false });
    try {
      const x = await cached.evaluate(theta);
      const llx = x.ll, gx = Array.from(x.grad);
      const y = await flat.evaluate(theta);
      expect(y.ll).toBe(llx);
      expect(Array.from(y.grad)).toEqual(gx);
    } finally {
      await cached.close();
      await flat.close();
    }
  });

  it('row probabilities (MSM) and their derivatives, MSM and MSS estimates are identical for 1, 2 and 3 workers', async () => {
    const theta = await defaultStart(p);
    theta[theta.length - 1] = 0.4;
    const ref = new Kernel(p.data, p.design.plan as CoefficientPlan, p.rule!, {});
    const prob = new Float64Array(p.data.nRows), dprob = new Float64Array(p.data.nRows * theta.length);
    ref.rowProbabilities(theta, 0, p.data.nUnits, prob, dprob);
    for (const w of [1, 2, 3]) {
      for (const extra of [{}, { unitOffset: p.data.nUnits }]) {
        const e = engineOf(w, extra);
        try {
          const r = await e.rowProbabilities(theta, true);
          const got = { prob: Float64Array.from(r.prob), dprob: Float64Array.from(r.dprob!) };
          if (!('unitOffset' in extra)) {
            expect(Buffer.from(got.prob.buffer).equals(Buffer.from(prob.buffer))).toBe(true);
            expect(Buffer.from(got.dprob.buffer).equals(Buffer.from(dprob.buffer))).toBe(true);
          } else {
            // other draws: other numbers, still probabilities
            expect(got.prob.some((x, i) => x !== prob[i])).toBe(true);
            expect(got.prob.every((x) => x > 0 && x < 1)).toBe(true);
          }
        } finally {
          await e.close();
        }
      }
    }
    const a = await estimate({ ...spec, estimator: 'msm', model: { ...spec.model, panel: false }, workers: 1 }, files.spec);
    const b = await estimate({ ...spec, estimator: 'msm', model: { ...spec.model, panel: false }, workers: 2 }, files.spec);
    expect(b.parameters.map((q) => q.estimate)).toEqual(a.parameters.map((q) => q.estimate));
    expect(b.parameters.map((q) => q.se)).toEqual(a.parameters.map((q) => q.se));
    // MSS: the posterior samplers run sharded over the pool; same numbers for 1, 2 and 3 workers
    const m = await Promise.all([1, 2, 3].map((w) => estimate({ ...spec, estimator: 'mss', workers: w }, files.spec)));
    for (const r of m.slice(1)) {
      expect(r.parameters.map((q) => q.estimate)).toEqual(m[0].parameters.map((q) => q.estimate));
      expect(r.parameters.map((q) => q.se)).toEqual(m[0].parameters.map((q) => q.se));
    }
  });

  it('the spec key drawCache: regenerated draws give the same estimates as cached ones; bad values are named', async () => {
    const a = await estimate({ ...spec, workers: 2 }, files.spec);
    const b = await estimate({ ...spec, workers: 2, drawCache: false }, files.spec);
    const c = await estimate({ ...spec, workers: 2, drawCache: 0.001 }, files.spec); // 1 KiB: too small, regenerated
    expect(b.loglik).toBe(a.loglik);
    expect(c.loglik).toBe(a.loglik);
    expect(b.parameters.map((q) => q.estimate)).toEqual(a.parameters.map((q) => q.estimate));
    await expect(estimate({ ...spec, drawCache: 'yes' }, files.spec)).rejects.toThrow(/drawCache must be true, false or a limit in MiB .*received "yes"/);
  });

  it('a shard that throws rejects the evaluation with the shard named, and the pool shuts down', async () => {
    const e = engineOf(2, { inject: { shard: 1, kind: 'throw' } });
    const theta = await defaultStart(p);
    await expect(e.evaluate(theta)).rejects.toThrow(/shard 1 .*injected fault in shard 1.*shut down/);
    await expect(e.evaluate(theta)).rejects.toBeInstanceOf(EngineError);
    await e.close();
  });

  it('a worker that dies rejects the evaluation instead of hanging', async () => {
    const e = engineOf(2, { inject: { shard: 0, kind: 'exit', after: 1 } });
    const theta = await defaultStart(p);
    await e.evaluate(theta); // call 0 is fine
    await expect(e.evaluate(theta)).rejects.toThrow(/shard 0/);
    await e.close();
  });

  it('an estimation whose worker dies rejects with a clear error', async () => {
    const factory: typeof createEngine = (d, plan, nodes, o) => createEngine(d, plan, nodes, { ...o, inject: { shard: 1, kind: 'throw', after: 3 } });
    await expect(estimate({ ...spec, workers: 2 }, files.spec, { engineFactory: factory })).rejects.toThrow(/shard 1/);
  });

  it('non-finite values are reported with the shard and unit', async () => {
    const e = engineOf(2, { inject: { shard: 1, kind: 'nan' } });
    try {
      const ev = await e.evaluate(await defaultStart(p));
      expect(Number.isNaN(ev.ll)).toBe(true);
      expect(ev.fault).toMatchObject({ shard: 1, reason: 'non-finite' });
      expect(ev.fault!.unit).toBeGreaterThan(0);
    } finally {
      await e.close();
    }
  });

  it('an AbortSignal cancels a running estimation', async () => {
    const ac = new AbortController();
    const run = estimate({ ...spec, workers: 2 }, files.spec, { signal: ac.signal, onIteration: (it) => { if (it.iteration >= 2) ac.abort(); } });
    await expect(run).rejects.toThrow(/abort/i);
  });
});
