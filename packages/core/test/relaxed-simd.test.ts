/**
 * The WebAssembly loop with relaxed SIMD's fused multiply-adds. This file runs
 * in both test projects (vitest.config.ts): without relaxed SIMD (Node 20's
 * default) the kernel must keep the separate multiplies and adds; in the
 * `relaxed-simd` project (Node 20 with --experimental-wasm-relaxed-simd) it
 * must take the fused path, agree with the plain kernel, and give the same
 * numbers for any sharding. fast-kernel.test.ts runs in both projects too.
 */
import { describe, expect, it } from 'vitest';
import { FastKernel, Kernel, compilePlan, DrawKind, Link, reduceUnits, type CoefficientSpec, type ChoiceData, type NodeSource } from '../src/index.js';
import { wasmRelaxedSimdAvailable } from '../src/wasm/index.js';
import { makeAvailability, makeData, makeNodes } from './helpers.js';

const FLAGGED = process.execArgv.includes('--experimental-wasm-relaxed-simd');
const mixed: CoefficientSpec[] = [
  { mean: 0, link: Link.identity, spreads: [{ param: 3, dim: 0 }] },
  { mean: 1, link: Link.identity, spreads: [{ param: 4, dim: 1 }] },
  { mean: 2, link: Link.identity },
];
const plan = compilePlan(mixed, 5, [DrawKind.normal, DrawKind.normal]);
const theta = Float64Array.from([0.5, -0.3, -0.2, 0.8, 0.4]);

/** Per-unit log-likelihoods and scores of a kernel over units [a, b) of data, summed into ll/sc. */
function evaluate(kernel: Kernel | FastKernel, data: ChoiceData, cuts: number[] = []): { ll: Float64Array; sc: Float64Array; total: number } {
  const N = data.nUnits, ll = new Float64Array(N), sc = new Float64Array(N * 5);
  const bounds = [0, ...cuts, N];
  for (let i = 0; i + 1 < bounds.length; i++) kernel.evaluate(theta, bounds[i], bounds[i + 1], ll, sc);
  return { ll, sc, total: reduceUnits(ll, sc, 5, new Float64Array(5)) };
}

/** Largest relative difference between two arrays (floor 1e-3 under the scale). */
function rel(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  return m;
}

const cases: Array<{ name: string; data: ChoiceData; nodes: NodeSource }> = [
  { name: 'a short panel, 4 alternatives (specialized loops)', data: makeData(20, 5, 4, 3, 1), nodes: makeNodes(40, 2, 2) },
  { name: 'J = 1000 (the generic loop), odd node count', data: makeData(4, 2, 1000, 3, 31), nodes: makeNodes(15, 2, 32) },
  { name: 'thirteen choice-set sizes, T = 50, flushes', data: makeAvailability(6, 50, 13, 3, 51, { scale: 20 }), nodes: makeNodes(12, 2, 52) },
];

describe('relaxed SIMD (fused multiply-add) in the WebAssembly loop', () => {
  it('the runtime has relaxed SIMD exactly when the test project turns it on (Node 20)', () => {
    if (Number(process.versions.node.split('.')[0]) < 22) expect(wasmRelaxedSimdAvailable()).toBe(FLAGGED);
    else expect(wasmRelaxedSimdAvailable()).toBe(true);
  });

  it('FastKernel fuses where the runtime can, and `fma: false` keeps the separate operations', () => {
    const { data, nodes } = cases[0];
    expect(new FastKernel(data, plan, nodes).fma).toBe(wasmRelaxedSimdAvailable());
    expect(new FastKernel(data, plan, nodes, { fma: false }).fma).toBe(false);
    expect(new FastKernel(data, plan, nodes, { wasm: false }).fma).toBe(false);
  });

  for (const c of cases) {
    it(`agrees with the plain kernel and with the unfused loop: ${c.name}`, () => {
      const ref = evaluate(new Kernel(c.data, plan, c.nodes), c.data);
      const fused = evaluate(new FastKernel(c.data, plan, c.nodes), c.data);
      const plain = evaluate(new FastKernel(c.data, plan, c.nodes, { fma: false }), c.data);
      expect(rel(fused.ll, ref.ll)).toBeLessThanOrEqual(1e-12);
      expect(rel(fused.sc, ref.sc)).toBeLessThanOrEqual(1e-10);
      expect(rel(fused.ll, plain.ll)).toBeLessThanOrEqual(1e-13);
      expect(Math.abs(fused.total - ref.total)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.total));
      if (!wasmRelaxedSimdAvailable()) expect(Array.from(fused.ll)).toEqual(Array.from(plain.ll)); // Node 20: unchanged
    });
  }

  it('identical numbers for 1, 2 and 3 shards on the fused path', () => {
    const { data, nodes } = cases[2];
    const one = evaluate(new FastKernel(data, plan, nodes), data);
    for (const cuts of [[3], [2, 4]]) {
      const s = evaluate(new FastKernel(data, plan, nodes), data, cuts);
      expect(Array.from(s.ll)).toEqual(Array.from(one.ll));
      expect(Array.from(s.sc)).toEqual(Array.from(one.sc));
      expect(s.total).toBe(one.total);
    }
  });
});
