/**
 * The worker thread of a Node session: exposes the library's estimate()
 * through comlink over the thread's parentPort.
 */
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { estimate } from '@mxl/estimation';
import { createSessionService } from './protocol.js';

if (!parentPort) throw new Error('@mxl/session/node-worker runs in a worker thread (openSession starts it)');
expose(createSessionService((spec, options) => estimate(spec, options)), nodeEndpoint(parentPort as never));
