/**
 * The functions the loop imports, in JavaScript: the rare node pairs (of the
 * specialized loops and of the generic one) and the flushes of the running
 * products, all recorded as events (a unit with any has a log-likelihood that
 * is not the plain 1/PROD).
 */
import { FLUSH_ABOVE, SHIFT_ABOVE } from '../constants.js';
import type { WasmLayout } from './layout.js';

/** Counts the rare events (shifted nodes, flushed products) that wrote into LOGL. */
export interface WasmEvents { count: number }

/** The model the generic loop's rare pairs are redone for: K coefficients, those that vary over nodes. */
export interface ImportModel { K: number; randomK: readonly number[] }

/** The "env" functions over the memory `buffer`. */
export function loopImports(buffer: ArrayBuffer, L: WasmLayout, events: WasmEvents, model: ImportModel) {
  const f64 = new Float64Array(buffer);
  const scr = L.SCR / 8, logl = L.LOGL / 8, prod = L.PROD / 8, beta = L.BETA / 8, g = L.G / 8;
  const { K, randomK } = model;
  let ea = new Float64Array(16); // exp(w_a - shift) of one lane
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
    /**
     * The generic loop's rare node pair at byte offset ro for the record at
     * byte offset p: the whole situation for both lanes, max-shifted where a
     * difference is above 300, every exp by Math.exp (the sums in the order
     * of the specialized loops): log L -= shift, G_k -= sum_a P_a d_ak, PROD *= S
     * (flushed into log L above 1e150).
     */
    rareSituation(ro: number, p: number): void {
      events.count++;
      const rec = p >> 3, n = f64[rec], step = K + 1;
      if (ea.length < n) ea = new Float64Array(n);
      for (let lane = 0; lane < 2; lane++) {
        const r = (ro >> 3) + lane;
        let m = -Infinity;
        for (let a = 0, o = rec + 1; a < n; a++, o += step) {
          let w = f64[o];
          for (const k of randomK) w += f64[o + 1 + k] * f64[beta + k * L.stride + r];
          ea[a] = w;
          if (w > m) m = w;
        }
        const sh = m > SHIFT_ABOVE ? m : 0;
        f64[logl + r] -= sh;
        let S = Math.exp(-sh);
        for (let a = 0; a < n; a++) { ea[a] = Math.exp(ea[a] - sh); S += ea[a]; }
        const iS = 1 / S;
        for (let k = 0; k < K; k++) {
          let t = 0;
          for (let a = 0, o = rec + 2 + k; a < n; a++, o += step) t += ea[a] * iS * f64[o];
          f64[g + k * L.stride + r] -= t;
        }
        let pr = f64[prod + r] * S;
        if (pr > FLUSH_ABOVE) { f64[logl + r] -= Math.log(pr); pr = 1; }
        f64[prod + r] = pr;
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
