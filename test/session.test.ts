/**
 * The library in a worker thread through comlink (@mxl/session): progress
 * callbacks arrive, the host's event loop stays free, abort works, and the
 * numbers are those of estimate() in-process, to the last bit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { proxy } from 'comlink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate, readSpec, simulate, type EstimationResult } from '@mxl/estimation';
import { openSession, type IterationInfo, type Session } from '@mxl/session';

describe('a session in a worker thread (comlink)', () => {
  let dir: string;
  let spec: unknown;
  let reference: EstimationResult;
  let session: Session;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-session-'));
    const files = simulate(dir, { individuals: 300, situations: 6 });
    spec = { ...(readSpec(files.spec) as object), integration: { rule: 'halton', draws: 50 }, workers: 2 };
    reference = await estimate(spec, { baseDir: dir });
    session = await openSession();
  });

  afterAll(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('estimates in the worker with progress callbacks, the same numbers as in-process, the event loop free', async () => {
    const seen: IterationInfo[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    let r: EstimationResult;
    try {
      // a callback marked with comlink.proxy (a plain function works too: see below)
      r = await session.estimate(spec, { baseDir: dir, onIteration: proxy((it: IterationInfo) => void seen.push(it)) });
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - t0;
    expect(r.converged).toBe(true);
    expect(r.loglik).toBe(reference.loglik);
    expect(r.parameters.map((p) => [p.name, p.estimate, p.se])).toEqual(reference.parameters.map((p) => [p.name, p.estimate, p.se]));
    // every iteration reported, in order, before the result
    expect(seen.length).toBeGreaterThanOrEqual(r.iterations);
    expect(seen.map((s) => s.iteration)).toEqual([...seen.keys()]);
    expect(seen.at(-1)!.f).toBeCloseTo(-r.loglik, 3);
    // the host's timers ran while the worker estimated (a blocked loop would tick about once)
    expect(ticks).toBeGreaterThan(Math.min(20, ms / 5 / 4));
  });

  it('an AbortSignal stops a run, and the session goes on working', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = session.estimate(spec, {
      baseDir: dir,
      signal: controller.signal,
      onIteration: () => {
        if (++calls === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(calls).toBeGreaterThanOrEqual(2);
    const again = await session.estimate(spec, { baseDir: dir });
    expect(again.loglik).toBe(reference.loglik);
  });

  it('an error in the worker reaches the host as an error', async () => {
    await expect(session.estimate({ ...(spec as object), model: { fixed: ['nope'] } }, { baseDir: dir })).rejects.toThrow(/nope/);
  });
});
