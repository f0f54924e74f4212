import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defaultStart, engineFor, prepare, readSpec } from '@mxl/estimation';
import { CliError } from '../errors.js';

/** Options of `mxl bench loglik`. */
export interface BenchLoglikOptions { at?: string; reps: number; workers?: number; json?: boolean; signal?: AbortSignal }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `mxl bench loglik SPEC.json --at THETA.json --reps M --workers W`: one
 * warm-up evaluation, then M timed evaluations of the log-likelihood and
 * gradient at theta (data loading, setup and draw generation not timed: the
 * warm-up fills the draw cache when draws are cached). The last line printed
 * is one JSON object (a contract other tools rely on).
 */
export async function benchLoglikCommand(specFile: string, o: BenchLoglikOptions): Promise<void> {
  const prepared = await prepare(readSpec(specFile), specFile);
  const names = prepared.design.params.map((p) => p.name);
  let theta: Float64Array;
  if (o.at) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(o.at, 'utf8'));
    } catch (e) {
      throw new CliError(`--at ${o.at}: cannot read a JSON object of parameter values (${(e as Error).message})`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliError(`--at ${o.at} must hold a JSON object mapping parameter names to numbers`);
    const m = raw as Record<string, unknown>;
    for (const k of Object.keys(m)) if (!names.includes(k)) throw new CliError(`--at ${o.at}: "${k}" is not a parameter of the model; parameters are ${names.join(', ')}`);
    theta = Float64Array.from(names, (n) => {
      const v = m[n];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new CliError(`--at ${o.at}: parameter "${n}" must be a finite number; received ${JSON.stringify(v)}`);
      return v;
    });
  } else {
    theta = await defaultStart(prepared, o.signal);
  }
  const workers = o.workers ?? prepared.spec.workers ?? availableParallelism();
  const engine = engineFor(prepared, workers);
  try {
    await engine.evaluate(theta, o.signal); // warm-up
    const times: number[] = [];
    let ev = null;
    for (let i = 0; i < o.reps; i++) {
      const t = performance.now();
      ev = await engine.evaluate(theta, o.signal);
      times.push((performance.now() - t) / 1000);
    }
    ev ??= await engine.evaluate(theta, o.signal);
    const out = {
      ll: ev.ll,
      grad: Array.from(ev.grad),
      names,
      median_seconds: times.length ? median(times) : null,
      min_seconds: times.length ? Math.min(...times) : null,
      reps: o.reps,
      workers: engine.workers,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      units: prepared.data.nUnits,
      nodes: prepared.rule?.size ?? 1,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await engine.close();
  }
}
