/**
 * createEngine in a browser (the `browser` field of package.json puts this
 * module in place of ./create.ts, which reaches piscina and node:os): the
 * kernel runs in-process on the calling thread, whatever `workers` says. A
 * browser host that wants threads passes its own engine factory (the page in
 * @mxl/web shards units over Web Workers, see its web-engine.ts); numbers are
 * the same either way, since every engine reduces per-unit results in unit order.
 */
import type { ChoiceData, ModelPlan, NodeSource } from '@mxl/core';
import type { EngineOptions } from './create.js';
import type { Engine } from './engine.js';
import { InProcessEngine } from './in-process.js';
import { offsetNodes } from './offset-nodes.js';

export type { EngineOptions };

/** The in-process engine (the browser has no piscina pool). */
export function createEngine(data: ChoiceData, plan: ModelPlan, nodes: NodeSource, options: EngineOptions = {}): Engine {
  const bytes = nodes.shared ? 0 : data.nUnits * plan.D * nodes.size * 8;
  const cacheDraws = options.cacheDraws ?? bytes <= (options.cacheLimitBytes ?? 2 ** 30);
  return new InProcessEngine(data, plan, offsetNodes(nodes, options.unitOffset ?? 0), { cacheDraws });
}
