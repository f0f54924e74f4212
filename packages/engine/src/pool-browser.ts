/**
 * The piscina pool does not exist in a browser (the `browser` field of
 * package.json puts this module in place of ./pool.ts): constructing it says
 * what to use instead.
 */
import { EngineError } from './engine.js';
import type { PoolOptions } from './pool.js';

export type { PoolOptions };

/** Throws: there are no worker_threads in a browser. */
export class PoolEngine {
  constructor() {
    throw new EngineError('the piscina pool engine needs Node worker threads; in a browser use the in-process engine or a Web Worker engine (estimate options.engineFactory)');
  }
}
