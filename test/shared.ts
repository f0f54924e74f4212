import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The tsx binary of the test package (the README's TypeScript example runs with `npx tsx`). */
export const TSX = path.join(REPO, 'test', 'node_modules', '.bin', 'tsx');
/** The folder of the electricity example (its data and spec), which the tests also read. */
export const ELECTRICITY_DIR = path.join(REPO, 'examples', 'electricity');
/** The path of a committed public data set by file name (`test/data/` or `examples/`). */
export { dataSet } from '@mxl/test-helpers';

/**
 * The node flags that turn relaxed SIMD on where it is not on by default
 * (Node 20; Node 22 has it, and a newer Node may no longer take the flag).
 */
export const RELAXED_SIMD_FLAGS: readonly string[] = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

/** Relative difference. */
export function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** The README's first ```ts block under "## Library use", as it is written there. */
export function readmeLibraryExample(): string {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.split('\n## Library use\n')[1]?.split('\n## ')[0];
  const block = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README.md: no ```ts block under "## Library use"');
  return block;
}
