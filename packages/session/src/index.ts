/**
 * `@mxl/session`: the library in a worker thread (Node), for hosts whose
 * event loop must stay free: {@link openSession} and its {@link Session}.
 * The protocol both sides speak (also used by the browser's worker) is the
 * subpath `@mxl/session/protocol`; the thread's entry `@mxl/session/node-worker`.
 *
 * @packageDocumentation
 */
export { openSession, Session } from './node.js';
export type { IterationInfo, RunOptions, SessionEstimateOptions } from './protocol.js';
