import type { ChoiceData, NodeSource } from '../src/index.js';

/** Small deterministic PRNG (mulberry32, uniforms on [0, 1)), from the shared test helpers. */
import { mulberry32 as rng } from '@mxl/test-helpers';

export { rng };

export function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
}

/** A random panel data set: nUnits individuals, T situations each with J alternatives (some with J-1), K attributes. */
export function makeData(nUnits: number, T: number, J: number, K: number, seed: number, opts: { outside?: boolean; scale?: number; chars?: number; weights?: boolean } = {}): ChoiceData {
  const u = rng(seed);
  const unitSit = [0], sitRow = [0], sitChosen: number[] = [], X: number[] = [], rowAlt: number[] = [];
  let s = 0, row = 0;
  for (let i = 0; i < nUnits; i++) {
    for (let t = 0; t < T; t++) {
      const Jt = J - (((i + t) % 3 === 0 && J > 2) ? 1 : 0);
      const chosen = Math.floor(u() * (Jt + (opts.outside ? 1 : 0)));
      for (let j = 0; j < Jt; j++) {
        for (let k = 0; k < K; k++) X.push((opts.scale ?? 1) * normal(u));
        rowAlt.push(j);
      }
      sitChosen.push(chosen < Jt ? row + chosen : -1);
      row += Jt;
      sitRow.push(row);
      s++;
    }
    unitSit.push(s);
  }
  const nc = opts.chars ?? 0;
  const chars = nc ? Float64Array.from({ length: nUnits * nc }, () => normal(u)) : null;
  return {
    nUnits, nSituations: s, nRows: row, nVars: K,
    varNames: Array.from({ length: K }, (_, k) => `x${k + 1}`),
    unitSit: Int32Array.from(unitSit), sitRow: Int32Array.from(sitRow), sitChosen: Int32Array.from(sitChosen),
    X: Float64Array.from(X), rowAlt: Int32Array.from(rowAlt), altLabels: Array.from({ length: J }, (_, j) => String(j)),
    unitWeight: opts.weights ? Float64Array.from({ length: nUnits }, () => 0.5 + u()) : null,
    unitCluster: Int32Array.from({ length: nUnits }, (_, i) => i), nClusters: nUnits,
    outside: !!opts.outside, unitChars: chars, charNames: Array.from({ length: nc }, (_, c) => `d${c}`),
  };
}

/** Node source with independent uniform points per unit (uniform in (0,1), mapped to normal by Box-Muller-free inverse). */
export function makeNodes(R: number, D: number, seed: number, weights: Float64Array | null = null, shared = false): NodeSource & { points: Float64Array } {
  const u = rng(seed);
  const cache = new Map<number, Float64Array>();
  const get = (unit: number) => {
    const key = shared ? 0 : unit;
    let p = cache.get(key);
    if (!p) { p = Float64Array.from({ length: D * R }, () => 0.001 + 0.998 * u()); cache.set(key, p); }
    return p;
  };
  return {
    size: R, weights, shared, points: new Float64Array(0),
    fill(unit, out, uniform) {
      const p = get(unit);
      for (let d = 0; d < D; d++) for (let r = 0; r < R; r++) {
        const v = p[d * R + r];
        out[d * R + r] = uniform?.[d] ? v : invNorm(v);
      }
    },
  };
}

/** Acklam's inverse normal (enough for tests). */
export function invNorm(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) { const q = Math.sqrt(-2 * Math.log(p)); return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1); }
  if (p > 1 - pl) { const q = Math.sqrt(-2 * Math.log(1 - p)); return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1); }
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * A panel with availability: each situation offers a subset of Jmax
 * alternatives (the rows of the others are absent; rowAlt keeps the labels),
 * of sizes 1 .. Jmax cycling over situations so that every size occurs.
 */
export function makeAvailability(nUnits: number, T: number, Jmax: number, K: number, seed: number, opts: { outside?: boolean; scale?: number; chars?: number } = {}): ChoiceData {
  const u = rng(seed);
  const base = makeData(nUnits, 1, Jmax, K, seed, opts);
  const unitSit = [0], sitRow = [0], sitChosen: number[] = [], X: number[] = [], rowAlt: number[] = [];
  let row = 0, s = 0;
  for (let i = 0; i < nUnits; i++) {
    for (let t = 0; t < T; t++) {
      const size = 1 + ((7 * i + 5 * t) % Jmax);
      // a random subset of that size (partial Fisher-Yates), in label order
      const all = Array.from({ length: Jmax }, (_, j) => j);
      for (let a = 0; a < size; a++) { const b = a + Math.floor(u() * (Jmax - a)); [all[a], all[b]] = [all[b], all[a]]; }
      const labels = all.slice(0, size).sort((a, b) => a - b);
      for (const j of labels) {
        for (let k = 0; k < K; k++) X.push((opts.scale ?? 1) * normal(u));
        rowAlt.push(j);
      }
      const chosen = Math.floor(u() * (size + (opts.outside ? 1 : 0)));
      sitChosen.push(chosen < size ? row + chosen : -1);
      row += size;
      sitRow.push(row);
      s++;
    }
    unitSit.push(s);
  }
  return { ...base, nSituations: s, nRows: row, unitSit: Int32Array.from(unitSit), sitRow: Int32Array.from(sitRow), sitChosen: Int32Array.from(sitChosen), X: Float64Array.from(X), rowAlt: Int32Array.from(rowAlt) };
}
