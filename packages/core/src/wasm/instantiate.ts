/**
 * Compiling and instantiating the post-estimation's WebAssembly kernels
 * (./softmax.ts, ./situation-shares.ts, ./tangent-dots.ts): each module
 * imports one memory of a fixed number of pages (`env.mem`), is compiled
 * once per shape and thread (a thread builds many scratches of one shape),
 * and is instantiated over a fresh memory, with the exp table and the
 * constants (./exp.ts, ./constants.ts) stored in it when its code inlines
 * the table exp.
 */
import { storeConstants } from './constants.js';
import { storeExpTable } from './exp.js';
import { CONST } from './layout.js';

/** The few members of the WebAssembly JS API used here (this package compiles without lib "dom"). */
declare namespace WebAssembly {
  class Memory { constructor(d: { initial: number; maximum?: number }); readonly buffer: ArrayBuffer }
  class Module { constructor(bytes: Uint8Array) }
  class Instance { constructor(m: Module, imports: object); readonly exports: Record<string, unknown> }
}

/** An instantiated kernel: its memory and its exported functions. */
export interface KernelInstance {
  /** The kernel's memory (fixed size). */
  readonly buffer: ArrayBuffer;
  /** The module's exports by name. */
  readonly exports: Record<string, unknown>;
}

/** Compiled modules by key: each kernel's shape, prefixed by the kernel's name. */
const compiled = new Map<string, WebAssembly.Module>();

/**
 * Instantiates the module of `key` (assembled by `assemble` the first time
 * this thread meets the key) over a new memory of `pages` pages; with
 * `expTable` the exp table goes to byte 0 and the constants to CONST.
 * @param key - unique per module: the kernel's name and everything its code depends on (the page count included)
 */
export function instantiateKernel(key: string, pages: number, expTable: boolean, assemble: () => Uint8Array): KernelInstance {
  let module = compiled.get(key);
  if (!module) {
    module = new WebAssembly.Module(assemble());
    compiled.set(key, module);
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  if (expTable) {
    storeExpTable(memory.buffer, 0);
    storeConstants(memory.buffer, CONST);
  }
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  return { buffer: memory.buffer, exports: instance.exports };
}
