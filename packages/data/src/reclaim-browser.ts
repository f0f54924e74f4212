/** In a browser the engine collects garbage in its own time (./reclaim.ts asks Node's V8 for a collection). */
export const RECLAIM_ABOVE = 256 * 2 ** 20;

/** Nothing to do in a browser. */
export function reclaim(_bytes: number): void {}
