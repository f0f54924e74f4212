import { availableParallelism } from 'node:os';
import type { ChoiceData, ModelPlan, NodeSource } from '@mxl/core';
import type { Engine } from './engine.js';
import { InProcessEngine } from './in-process.js';
import { PoolEngine, type PoolOptions } from './pool.js';
import { offsetNodes } from './offset-nodes.js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Worker threads (default: the machine's cores). 1 runs the kernel in-process. */
  workers?: number;
  /** The rule's configuration (IntegrationRule.toJSON()), so workers can rebuild it; null without random coefficients. */
  rule?: Record<string, unknown> | null;
  /** Keep draws between evaluations (default: when they take at most `cacheLimitBytes`). */
  cacheDraws?: boolean;
  /** Largest draw cache allowed when cacheDraws is not set (default 1 GiB). */
  cacheLimitBytes?: number;
  /**
   * Use a thread pool even for one worker (default false: one worker runs
   * in-process). A pool keeps the calling thread's event loop free during
   * evaluations, for callers that must stay responsive (a queue worker
   * renewing its job lock, say).
   */
  pool?: boolean;
  /** Shards per worker (pool only). */
  shardsPerWorker?: number;
  /** Unit u reads the rule's points of unit u + unitOffset: independent draws (MSM's instruments). */
  unitOffset?: number;
  /** Test hook: inject a fault (pool only). */
  inject?: PoolOptions['inject'];
}

/**
 * Creates the engine for a problem: in-process for one worker, a piscina
 * pool otherwise. Draws are cached in (shared) memory when they fit in
 * `cacheLimitBytes`, else regenerated each evaluation so memory stays flat in R.
 */
export function createEngine(data: ChoiceData, plan: ModelPlan, nodes: NodeSource, options: EngineOptions = {}): Engine {
  const workers = options.workers ?? availableParallelism();
  const bytes = nodes.shared ? 0 : data.nUnits * plan.D * nodes.size * 8;
  const cacheDraws = options.cacheDraws ?? bytes <= (options.cacheLimitBytes ?? 2 ** 30);
  const offset = options.unitOffset ?? 0;
  if (workers <= 1 && !options.pool) return new InProcessEngine(data, plan, offsetNodes(nodes, offset), { cacheDraws });
  if (plan.D > 0 && !options.rule) throw new RangeError('a pool engine needs the rule configuration (options.rule) to rebuild the rule in its workers');
  return new PoolEngine(data, plan, {
    workers, rule: options.rule ?? null, nodes: nodes.size, cacheDraws,
    shardsPerWorker: options.shardsPerWorker, inject: options.inject, unitOffset: offset,
  });
}
