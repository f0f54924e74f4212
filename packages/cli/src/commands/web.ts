/**
 * `mxl web [--port P] [--host H]`: serves the page of @mxl/web (built by its
 * package's build, so it is there after `pnpm install`), which estimates in
 * the browser. Every response is sent with the cross-origin isolation
 * headers, without which the page has no SharedArrayBuffer and so no shared
 * memory between its Web Workers. Runs until Ctrl-C (the signal).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CliError } from '../errors.js';

/** The headers that make the page cross-origin isolated (SharedArrayBuffer). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** The folder of the built page. */
export function webRoot(): string {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('@mxl/web/package.json'));
  } catch {
    throw new CliError('the page (@mxl/web) is not installed; run pnpm install');
  }
  const root = path.join(dir, 'dist');
  if (!existsSync(path.join(root, 'index.html'))) throw new CliError(`the page is not built (no ${path.join(root, 'index.html')}); run pnpm run build`);
  return root;
}

/** Starts the static server of `root` on host:port (port 0: a free one); resolves once it listens. */
export async function serveWeb(root: string, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const headers = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new CliError(`port ${port} is in use; choose another with --port (0: any free port)`) : e),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** `mxl web`: serves the page until the signal. */
export async function webCommand(o: { port?: number; host?: string; signal?: AbortSignal }): Promise<void> {
  const root = webRoot();
  const host = o.host ?? '127.0.0.1';
  const server = await serveWeb(root, o.port ?? 8080, host);
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  process.stdout.write(`mxl: the page is at http://${shown}:${port}/ (the built-in example: http://${shown}:${port}/?example=1); Ctrl-C stops the server\n`);
  await new Promise<void>((resolve) => {
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
