/**
 * The hot loop of the fast kernel as WebAssembly SIMD (f64x2), emitted at run
 * time as bytes for one model: its number of coefficients K, which of them
 * vary over nodes, the node count R (even or odd), and the counts of "other"
 * alternatives (see ../fast-kernel.ts) that occur in the data. WebAssembly 2.0
 * with fixed-width SIMD, which every Node 20 runs; where the runtime also has
 * relaxed SIMD (Node 22; Node 20 with --experimental-wasm-relaxed-simd) and
 * `fma` is asked for, the multiply-adds of the utilities, the sums and exp are
 * relaxed_madd, fused on hardware with FMA (then the results differ from the
 * separate multiplies and adds in the last bits, the same for any worker count
 * on one runtime and machine).
 *
 * One memory (imported, fixed size, never grown, so JS views stay valid),
 * laid out as ./layout.ts says; run() is ./hot-loop.ts (the counts without a
 * specialized loop call situation(), ./generic-loop.ts), the node sums
 * ./node-sums.ts, the other helpers ./helpers.ts, exp ./exp.ts.
 *
 * Odd R: the padding node r = R is run like any other, so the caller makes it
 * a harmless copy of node R-1 (BETA and E at r = R equal to those at R-1: its
 * values are finite, and it meets a rare or flush event only where node R-1,
 * its pair partner, does). The helpers that sum over nodes (`dots`, `nodeSum`)
 * take n = R and leave it out with a scalar tail; its G, LOGL, PROD and Q
 * slots are scratch.
 */
import { Type } from './opcodes.js';
import { assembleModule } from './emitter/module.js';
import { storeConstants } from './constants.js';
import { storeExpTable } from './exp.js';
import { emitRun, IMPORT_FLUSH, IMPORT_RARE_SITUATION } from './hot-loop.js';
import { emitSituation } from './generic-loop.js';
import { emitAffine, emitExpE, emitScaleQ } from './helpers.js';
import { emitDots, emitNodeSum } from './node-sums.js';
import { loopImports, type WasmEvents } from './imports.js';
import { CONST, PAGE, wasmLayout, type WasmLayout } from './layout.js';

export type { WasmLayout } from './layout.js';

/** The few members of the WebAssembly JS API used here (this package compiles without lib "dom"). */
declare namespace WebAssembly {
  class Memory { constructor(d: { initial: number; maximum?: number }); readonly buffer: ArrayBuffer }
  class Module { constructor(bytes: Uint8Array) }
  class Instance { constructor(m: Module, imports: object); readonly exports: Record<string, unknown> }
  function validate(bytes: Uint8Array): boolean;
}

/** The instantiated hot loop. */
export interface WasmHot {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly layout: WasmLayout;
  /** Adds nRec staged records into G, LOGL and PROD. */
  run(nRec: number): void;
  /** run without G: LOGL and PROD only (the same values), for the log-likelihood alone. */
  runLL(nRec: number): void;
  /** dst[i] = s (a + b src[i]), i < n (byte offsets; n even, e.g. the stride): a coefficient from its draws. */
  affine(dst: number, src: number, n: number, a: number, b: number, s: number): void;
  /** OUT[0] = sum Q[i] g[i], and OUT[1] = sum Q[i] g[i] e[i] when e >= 0, i < n (byte offsets; n may be odd). */
  dots(g: number, e: number, n: number): void;
  /**
   * With PROD holding the nodes' products of sums (L_r = 1/PROD[r]), over
   * r < n (n may be odd): OUT[2] = pmin = min_r PROD[r], Q[r] = pmin / PROD[r]
   * (times WTS[r] when weighted); returns sum_r Q[r].
   */
  nodeSum(n: number, weighted: number): number;
  /** Q[i] *= c, i < n (for an odd n also the padding slot Q[n], which is scratch). */
  scaleQ(n: number, c: number): void;
  /** E[i] = exp(E[i]), i < n (n even, arguments in [-708, 300] or NaN): the loop's exp, exposed for tests. */
  expE(n: number): void;
  /** Counts the rare events (shifted nodes, flushed products) that wrote into LOGL; the caller may reset it. */
  readonly events: WasmEvents;
  /** Whether the multiply-adds are relaxed SIMD's (fused on hardware with FMA). */
  readonly fma: boolean;
}

/** Whether this runtime has WebAssembly with fixed-width SIMD. */
export function wasmSimdAvailable(): boolean {
  try {
    if (typeof WebAssembly !== 'object') return false;
    // (func (result v128) (f64x2.splat (f64.const 0)))
    const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 68, 0, 0, 0, 0, 0, 0, 0, 0, 253, 20, 11]);
    return WebAssembly.validate(probe);
  } catch {
    return false;
  }
}

/** A module whose one function uses f64x2.relaxed_madd: it validates where the runtime has relaxed SIMD. */
export const RELAXED_SIMD_PROBE: Uint8Array = (() => {
  // (func (result v128) (f64x2.relaxed_madd (f64x2.splat (f64.const 0)) x3))
  const splat0 = [68, 0, 0, 0, 0, 0, 0, 0, 0, 253, 20];
  const body = [0, ...splat0, ...splat0, ...splat0, 253, 0x87, 0x02, 11];
  return new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, body.length + 2, 1, body.length, ...body]);
})();

/**
 * Whether this runtime has relaxed SIMD's f64x2.relaxed_madd (Node 22, recent
 * browsers; Node 20 only with --experimental-wasm-relaxed-simd).
 */
export function wasmRelaxedSimdAvailable(): boolean {
  relaxedSimd ??= probeRelaxedSimd();
  return relaxedSimd;
}

/** The answer of {@link wasmRelaxedSimdAvailable}, probed once per thread (every kernel build asks). */
let relaxedSimd: boolean | undefined;

function probeRelaxedSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

const { i32: I32, f64: F64 } = Type;

/** The module's bytes for a model and layout (`fma`: relaxed SIMD's multiply-adds, the caller checked the runtime has them). */
function emitModule(K: number, randomK: readonly number[], special: readonly number[], L: WasmLayout, fma: boolean): Uint8Array {
  const types = [
    { params: [I32], results: [] },                          // 0 run, expE, flush
    { params: [I32, I32], results: [] },                     // 1 rare, rareSituation
    { params: [I32, I32, I32, F64, F64, F64], results: [] }, // 2 affine
    { params: [I32, I32, I32], results: [] },                // 3 dots, situation
    { params: [I32, I32], results: [F64] },                  // 4 nodeSum
    { params: [I32, F64], results: [] },                     // 5 scaleQ
  ];
  const imports = [{ name: 'rare', func: 1 }, { name: 'flush', func: 0 }, { name: 'rareSituation', func: 1 }, { name: 'mem', memoryPages: L.bytes / PAGE }];
  const situation = 3 + 6; // after the imported functions and the six below
  const calls = { flush: IMPORT_FLUSH, rareSituation: IMPORT_RARE_SITUATION };
  return assembleModule(types, imports, [
    { name: 'run', type: 0, body: emitRun({ K, randomK, special, L, situation, fma }) },
    { name: 'affine', type: 2, body: emitAffine() },
    { name: 'dots', type: 3, body: emitDots(L) },
    { name: 'nodeSum', type: 4, body: emitNodeSum(L) },
    { name: 'scaleQ', type: 5, body: emitScaleQ(L) },
    { name: 'expE', type: 0, body: emitExpE(L, fma) },
    { name: 'situation', type: 3, body: emitSituation({ K, randomK, L, imports: calls, fma }) },
    { name: 'runLL', type: 0, body: emitRun({ K, randomK, special, L, situation: situation + 2, gradient: false, fma }) },
    { name: 'situationLL', type: 3, body: emitSituation({ K, randomK, L, imports: calls, gradient: false, fma }) },
  ]);
}

/**
 * Emits and instantiates the hot loop.
 * @param K - coefficients (columns of X)
 * @param randomK - indices of the coefficients that vary over nodes
 * @param special - other-alternative counts with a specialized loop (records of any other count run the generic one)
 * @param R - nodes per unit (an odd R gets one padding node)
 * @param maxRec - doubles the largest unit's records take
 * @param nDims - random dimensions (rows of E)
 * @param fma - fuse the multiply-adds where the runtime has relaxed SIMD (default false: the separate operations)
 */
export function buildWasmHot(K: number, randomK: readonly number[], special: readonly number[], R: number, maxRec: number, nDims: number, fma = false): WasmHot {
  if (!(Number.isInteger(R) && R >= 1)) throw new RangeError('the node count must be a positive integer');
  const layout = wasmLayout(K, special, R, maxRec, nDims);
  const fused = fma && wasmRelaxedSimdAvailable();
  const bytes = emitModule(K, randomK, special, layout, fused);
  const pages = layout.bytes / PAGE;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  storeExpTable(memory.buffer, layout.TABLE);
  storeConstants(memory.buffer, CONST);
  const events: WasmEvents = { count: 0 };
  const env = { mem: memory, ...loopImports(memory.buffer, layout, events, { K, randomK }) };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
  const ex = instance.exports as Record<string, never>;
  return { memory, layout, run: ex.run, runLL: ex.runLL, affine: ex.affine, dots: ex.dots, nodeSum: ex.nodeSum, scaleQ: ex.scaleQ, expE: ex.expE, events, fma: fused };
}
