/**
 * What crosses the channel between a host and the worker that runs the
 * library (a worker thread in Node, a Web Worker in the browser), through
 * comlink. The worker exposes a {@link SessionService}; the host calls it
 * through {@link SessionClient}, which turns the AbortSignal (not cloneable)
 * into an `abort(run)` message and the progress callback into a comlink
 * proxy. This module has no Node import: the browser worker uses it too.
 */
import { proxy, releaseProxy } from 'comlink';
import type { EstimateOptions, EstimationResult, SpecLocation } from '@mxl/estimation';

/** One iteration of the optimizer, as the progress callback receives it. */
export type IterationInfo = Parameters<NonNullable<EstimateOptions['onIteration']>>[0];

/** The options that cross the channel (plain data). */
export interface RunOptions {
  /** Worker threads of the engine (default: the spec's, else all cores). */
  workers?: number;
  /** Where relative data paths start (default: the worker's working directory). */
  baseDir?: string;
}

/** What the worker exposes. */
export interface SessionService {
  /** Estimates the model of `spec` (parsed JSON); `run` names the run for {@link SessionService.abort}. */
  estimate(run: number, spec: unknown, options: RunOptions, onIteration?: (info: IterationInfo) => void): Promise<EstimationResult>;
  /** Aborts a run (a run that has finished is ignored). */
  abort(run: number): void;
}

/** How the worker estimates: the library's estimate(), or a wrapper (the browser's engine and data). */
export type EstimateFn = (spec: unknown, options: EstimateOptions & SpecLocation) => Promise<EstimationResult>;

/** The worker side: runs estimations, one AbortController per run. */
export function createSessionService(run: EstimateFn): SessionService {
  const runs = new Map<number, AbortController>();
  return {
    async estimate(id, spec, options, onIteration) {
      const controller = new AbortController();
      runs.set(id, controller);
      // the optimizer does not wait for the host; the result does, so every progress call has arrived before it
      const pending: Promise<unknown>[] = [];
      try {
        const result = await run(spec, {
          ...options,
          signal: controller.signal,
          onIteration: onIteration ? (info) => void pending.push(Promise.resolve(onIteration({ ...info })).catch(() => {})) : undefined,
        });
        await Promise.all(pending);
        return result;
      } finally {
        runs.delete(id);
        const remote = onIteration as { [releaseProxy]?: () => void } | undefined;
        remote?.[releaseProxy]?.();
      }
    },
    abort(id) {
      runs.get(id)?.abort();
    },
  };
}

/** Options of {@link SessionClient.estimate}. */
export interface SessionEstimateOptions extends RunOptions {
  /** Called after every iteration (a plain function, or one marked with comlink.proxy). */
  onIteration?: (info: IterationInfo) => void;
  /** Aborts the run: the promise rejects (an AbortError or "estimation aborted"). */
  signal?: AbortSignal;
}

/** The part of comlink's Remote<SessionService> that the client calls. */
export interface RemoteService {
  estimate(run: number, spec: unknown, options: RunOptions, onIteration?: (info: IterationInfo) => void): Promise<EstimationResult>;
  abort(run: number): Promise<void> | void;
}

let runs = 0;

/** The host side: estimate(spec, { onIteration, signal }) over a comlink Remote. */
export class SessionClient {
  constructor(protected readonly remote: RemoteService) {}

  /** Estimates in the worker; the host's event loop stays free. */
  async estimate(spec: unknown, options: SessionEstimateOptions = {}): Promise<EstimationResult> {
    const { onIteration, signal, ...rest } = options;
    const id = ++runs;
    if (signal?.aborted) throw Object.assign(new Error('estimation aborted'), { name: 'AbortError' });
    const onAbort = () => void this.remote.abort(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.remote.estimate(id, spec, rest, onIteration ? proxy(onIteration) : undefined);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
