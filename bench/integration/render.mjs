#!/usr/bin/env node
/**
 * Rewrites results.md and the figures of a finished `mxl bench integration` run from its
 * results.csv and run.json, without running the benchmark again:
 *
 *   node bench/integration/render.mjs DIR
 */
import { rerenderIntegrationBench } from '@mxl/bench-suite';

const dir = process.argv[2];
if (!dir || dir.startsWith('-')) {
  process.stderr.write('usage: node bench/integration/render.mjs DIR (a folder written by mxl bench integration)\n');
  process.exit(2);
}
for (const f of await rerenderIntegrationBench(dir)) process.stdout.write(f + '\n');
