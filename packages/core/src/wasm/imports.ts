/**
 * The functions the loop imports, in JavaScript: the rare node pairs and the
 * flushes of the running products, both recorded as events (a unit with any
 * has a log-likelihood that is not the plain 1/PROD).
 */
import { SHIFT_ABOVE } from '../constants.js';
import type { WasmLayout } from './layout.js';

/** Counts the rare events (shifted nodes, flushed products) that wrote into LOGL. */
export interface WasmEvents { count: number }

/** The "env" functions over the memory `buffer`. */
export function loopImports(buffer: ArrayBuffer, L: WasmLayout, events: WasmEvents) {
  const f64 = new Float64Array(buffer);
  const scr = L.SCR / 8, logl = L.LOGL / 8, prod = L.PROD / 8;
  return {
    /**
     * The rare node pair at byte offset ro with n differences at SCR + 16(a+1):
     * shifts each lane by its largest difference when that is above 300
     * (subtracting the shift from log L) and writes exp(-shift) to SCR and
     * exp(w_a - shift) in place.
     */
    rare(ro: number, n: number): void {
      events.count++;
      for (let lane = 0; lane < 2; lane++) {
        let m = -Infinity;
        for (let a = 0; a < n; a++) { const w = f64[scr + 2 * (a + 1) + lane]; if (w > m) m = w; }
        const sh = m > SHIFT_ABOVE ? m : 0;
        f64[logl + (ro >> 3) + lane] -= sh;
        f64[scr + lane] = Math.exp(-sh);
        for (let a = 0; a < n; a++) { const i = scr + 2 * (a + 1) + lane; f64[i] = Math.exp(f64[i] - sh); }
      }
    },
    /** Moves the running products of the node pair at byte offset ro into log L. */
    flush(ro: number): void {
      events.count++;
      const r = ro >> 3;
      for (let i = r; i < r + 2; i++) { f64[logl + i] -= Math.log(f64[prod + i]); f64[prod + i] = 1; }
    },
  };
}
