import { defineConfig } from 'vitest/config';

/** The kernel tests that run again with relaxed SIMD on (Node 20 has it behind a flag; Node 22 by default). */
const RELAXED_SIMD = ['packages/core/test/fast-kernel.test.ts', 'packages/core/test/relaxed-simd.test.ts'];
/** The flag that turns it on where it is not on by default (a newer Node may no longer take it). */
const RELAXED_FLAG = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'node', include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'] } },
      // the same kernel tests on the fused multiply-add path (FastKernel's default where the runtime has it)
      { extends: true, test: { name: 'relaxed-simd', include: RELAXED_SIMD, execArgv: RELAXED_FLAG } },
    ],
  },
});
