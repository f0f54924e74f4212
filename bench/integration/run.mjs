#!/usr/bin/env node
/**
 * The integration-rule benchmark (the script behind `mxl bench integration`):
 *
 *   node bench/integration/run.mjs [--quick] [--out DIR] [--work DIR] [--electricity FILE | --no-electricity]
 *
 * Defaults: --out bench/out/integration[-quick], --work bench/.work/integration (both
 * gitignored; the generated data sets are deleted from the work folder as the run goes).
 * Needs the packages built (`npx -y pnpm@12.4.2 run build`).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIntegrationBench } from '@mxl/bench-suite';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('usage: node bench/integration/run.mjs [--quick] [--out DIR] [--work DIR] [--electricity FILE | --no-electricity]\n');
  process.exit(0);
}
const known = new Set(['--quick', '--out', '--work', '--electricity', '--no-electricity']);
for (let i = 0; i < args.length; i++) {
  if (!known.has(args[i])) {
    process.stderr.write(`run.mjs: unknown argument ${args[i]} (see --help)\n`);
    process.exit(2);
  }
  if (['--out', '--work', '--electricity'].includes(args[i])) i++;
}
const quick = args.includes('--quick');
const out = opt('--out') ?? path.join(here, '..', 'out', quick ? 'integration-quick' : 'integration');
const work = opt('--work') ?? path.join(here, '..', '.work', 'integration');
const electricity = args.includes('--no-electricity') ? null : opt('--electricity');
const r = await runIntegrationBench({ out, work, quick, ...(electricity !== undefined ? { electricity } : {}) });
for (const f of r.files) process.stdout.write(f + '\n');
