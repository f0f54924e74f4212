/**
 * The engine with relaxed SIMD on (fused multiply-adds in the WebAssembly
 * loop, as on Node 22): `mxl bench loglik` on the shipped electricity example
 * gives identical numbers for 1, 2 and 3 workers, and agrees with Node 20's
 * default (unfused) path to 1e-12. On Node 20 the flag turns it on; on a
 * runtime with relaxed SIMD by default both runs take the fused path.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELAXED_SIMD_FLAGS, REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const SPEC = path.join(REPO, 'examples/electricity/spec.json');

/** LL and gradient of one `mxl bench loglik` run of the example (its start values, Halton R = 100). */
function loglik(nodeFlags: readonly string[], workers: number): { ll: number; grad: number[] } {
  const r = spawnSync(process.execPath, [...nodeFlags, MXL, 'bench', 'loglik', SPEC, '--reps', '1', '--workers', String(workers)], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { ll: last.ll, grad: last.grad };
}

describe('the engine with relaxed SIMD', () => {
  it('identical numbers for 1, 2 and 3 workers, within 1e-12 of the unfused path', () => {
    const one = loglik(RELAXED_SIMD_FLAGS, 1);
    for (const w of [2, 3]) expect(loglik(RELAXED_SIMD_FLAGS, w)).toEqual(one);
    const plain = loglik([], 1);
    expect(Math.abs(one.ll - plain.ll)).toBeLessThanOrEqual(1e-12 * Math.abs(plain.ll));
    const scale = Math.max(...plain.grad.map(Math.abs));
    one.grad.forEach((g, i) => expect(Math.abs(g - plain.grad[i])).toBeLessThanOrEqual(1e-12 * scale));
  });
});
