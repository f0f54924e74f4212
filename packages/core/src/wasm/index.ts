/**
 * The hot loop of the fast kernel as WebAssembly SIMD (f64x2), emitted at run
 * time as bytes for one model: its number of coefficients K, which of them
 * vary over nodes, the node count R (even or odd), and the counts of "other"
 * alternatives (see ../fast-kernel.ts) that occur in the data. Plain
 * WebAssembly 2.0 with fixed-width SIMD, which every Node 20 runs; no FMA
 * (relaxed SIMD), so the results are those of the separate multiplies and adds
 * written here.
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

const { i32: I32, f64: F64 } = Type;

/** The module's bytes for a model and layout. */
function emitModule(K: number, randomK: readonly number[], special: readonly number[], L: WasmLayout): Uint8Array {
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
  return assembleModule(types, imports, [
    { name: 'run', type: 0, body: emitRun({ K, randomK, special, L, situation }) },
    { name: 'affine', type: 2, body: emitAffine() },
    { name: 'dots', type: 3, body: emitDots(L) },
    { name: 'nodeSum', type: 4, body: emitNodeSum(L) },
    { name: 'scaleQ', type: 5, body: emitScaleQ(L) },
    { name: 'expE', type: 0, body: emitExpE(L) },
    { name: 'situation', type: 3, body: emitSituation({ K, randomK, L, imports: { flush: IMPORT_FLUSH, rareSituation: IMPORT_RARE_SITUATION } }) },
    { name: 'runLL', type: 0, body: emitRun({ K, randomK, special, L, situation: situation + 2, gradient: false }) },
    { name: 'situationLL', type: 3, body: emitSituation({ K, randomK, L, imports: { flush: IMPORT_FLUSH, rareSituation: IMPORT_RARE_SITUATION }, gradient: false }) },
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
 */
export function buildWasmHot(K: number, randomK: readonly number[], special: readonly number[], R: number, maxRec: number, nDims: number): WasmHot {
  if (!(Number.isInteger(R) && R >= 1)) throw new RangeError('the node count must be a positive integer');
  const layout = wasmLayout(K, special, R, maxRec, nDims);
  const bytes = emitModule(K, randomK, special, layout);
  const pages = layout.bytes / PAGE;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  storeExpTable(memory.buffer, layout.TABLE);
  storeConstants(memory.buffer, CONST);
  const events: WasmEvents = { count: 0 };
  const env = { mem: memory, ...loopImports(memory.buffer, layout, events, { K, randomK }) };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
  const ex = instance.exports as Record<string, never>;
  return { memory, layout, run: ex.run, runLL: ex.runLL, affine: ex.affine, dots: ex.dots, nodeSum: ex.nodeSum, scaleQ: ex.scaleQ, expE: ex.expE, events };
}
