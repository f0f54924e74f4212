/**
 * The page's build. The browser bundle has no Node module in it: the engine
 * and data packages name their browser modules in package.json's `browser`
 * field (no piscina pool, no file system: in-process engine, in-memory
 * columns), and the few node:fs/node:path/node:crypto calls of the estimation
 * package (spec files, checkpoints, writing the example), which the page
 * never reaches, resolve to src/node-stub.ts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const stub = fileURLToPath(new URL('./src/node-stub.ts', import.meta.url));
/** Cross-origin isolation, without which there is no SharedArrayBuffer. */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: 'src',
  base: './',
  logLevel: 'warn',
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  worker: { format: 'es' },
  resolve: { alias: [{ find: /^node:(fs|fs\/promises|path|crypto)$/, replacement: stub }] },
  server: { headers: isolation },
  preview: { headers: isolation },
});
