/**
 * A turn of the event loop, in Node and in browsers alike: long in-process passes await it now
 * and then (every 50 ms or so of work) so that an abort, a timer or a progress message gets
 * through. `setImmediate` is Node's; a Web Worker has none, and there `setTimeout(0)` does the
 * same (its clamp of a few milliseconds is small against the work between yields).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
