/**
 * The library in a worker thread, for hosts whose event loop must stay free
 * (a server, an editor extension): {@link openSession} starts the thread and
 * returns a session whose estimate() runs there, with progress callbacks
 * (comlink proxies) and an AbortSignal. The numbers are those of estimate()
 * in-process: the same code runs, with the same engine.
 *
 * ```ts
 * const session = await openSession();
 * const result = await session.estimate(spec, { baseDir, onIteration: (it) => console.log(it.iteration, it.f), signal });
 * await session.close();
 * ```
 */
import { Worker } from 'node:worker_threads';
import { wrap, releaseProxy, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { SessionClient, type SessionService } from './protocol.js';

/** A session: estimate() in its worker thread; close() ends the thread. */
export class Session extends SessionClient {
  private closed = false;

  constructor(private readonly worker: Worker, private readonly service: Remote<SessionService>) {
    super(service);
  }

  /** Ends the worker thread (a running estimation is abandoned). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.service[releaseProxy]();
    await this.worker.terminate();
  }
}

/** Starts a worker thread running the library and returns its session. */
export async function openSession(): Promise<Session> {
  const worker = new Worker(new URL('./node-worker.js', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  return new Session(worker, wrap<SessionService>(nodeEndpoint(worker as never)));
}
