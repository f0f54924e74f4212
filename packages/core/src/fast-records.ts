/**
 * The fast kernel's view of the data: each situation as differences against
 * the chosen alternative, d_o = x_o - x_c for every other alternative o (the
 * outside option, utility 0, is one more "other" with d = -x_c; when it is
 * chosen, d_o = x_o), staged per unit as records
 *
 *     [J', then J' groups of (f_a, d_a0 .. d_a,K-1)]
 *
 * with f_a the part of w_a from coefficients constant over nodes; and which
 * counts J' get specialized code.
 */
import type { ChoiceData } from './layout.js';
import { MAX_SPECIAL_TERMS, MAX_SPECIALIZED, WASM_MAX_SPECIAL_OTHER, WASM_MAX_SPECIAL_TERMS, WASM_MAX_SPECIALIZED } from './constants.js';

/** Doubles of one situation record with jp other alternatives and K coefficients. */
function recordSize(jp: number, K: number): number {
  return 1 + jp * (K + 1);
}

/** The data's situations as the fast loop sees them. */
export interface SituationCounts {
  /** Per situation: its number of other alternatives J' (J with an outside option, else J - 1). */
  readonly nOther: Int32Array;
  /** How many situations have each count J' > 0. */
  readonly counts: Map<number, number>;
  /** Doubles the largest unit's records take (at least 1). */
  readonly maxRec: number;
  /** The largest count (at least 1). */
  readonly maxOther: number;
}

export function situationCounts(data: ChoiceData, K: number): SituationCounts {
  const nOther = new Int32Array(data.nSituations);
  const counts = new Map<number, number>();
  let maxRec = 1;
  for (let u = 0; u < data.nUnits; u++) {
    let size = 0;
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
      const J = data.sitRow[s + 1] - data.sitRow[s];
      const jp = data.outside ? J : J - 1;
      nOther[s] = jp;
      if (jp > 0) {
        counts.set(jp, (counts.get(jp) ?? 0) + 1);
        size += recordSize(jp, K);
      }
    }
    if (size > maxRec) maxRec = size;
  }
  let maxOther = 1;
  for (const jp of counts.keys()) maxOther = Math.max(maxOther, jp);
  return { nOther, counts, maxRec, maxOther };
}

/** The counts that get specialized code: the most frequent (at most MAX_SPECIALIZED, small enough), ascending. */
export function specializedCounts(counts: Map<number, number>, K: number): number[] {
  return [...counts.entries()]
    .filter(([jp]) => jp * K <= MAX_SPECIAL_TERMS)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SPECIALIZED)
    .map(([jp]) => jp)
    .sort((a, b) => a - b);
}

/**
 * The counts that get a specialized WebAssembly loop (every other count runs
 * its generic loop): J' <= WASM_MAX_SPECIAL_OTHER, the most frequent first,
 * while the total of J' × K stays within WASM_MAX_SPECIAL_TERMS; ascending.
 */
export function wasmSpecializedCounts(counts: Map<number, number>, K: number): number[] {
  const out: number[] = [];
  let terms = 0;
  for (const [jp] of [...counts.entries()].filter(([jp]) => jp <= WASM_MAX_SPECIAL_OTHER).sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    if (out.length === WASM_MAX_SPECIALIZED || terms + jp * K > WASM_MAX_SPECIAL_TERMS) continue;
    out.push(jp);
    terms += jp * K;
  }
  return out.sort((a, b) => a - b);
}

/** What staging needs: the data, the counts, the fixed coefficients and their values. */
export interface Stage {
  readonly data: ChoiceData;
  readonly nOther: Int32Array;
  readonly fixedK: Int32Array;
  readonly betaConst: Float64Array;
  readonly rec: Float64Array;
}

/** Writes the records of situations s0..s1-1 into rec; returns their count. */
export function stageRecords(st: Stage, s0: number, s1: number): number {
  const { data, rec, nOther, betaConst, fixedK } = st;
  const K = data.nVars;
  const X = data.X;
  const nf = fixedK.length;
  let o = 0, n = 0;
  for (let s = s0; s < s1; s++) {
    const jp = nOther[s];
    if (jp === 0) continue;
    const j0 = data.sitRow[s], j1 = data.sitRow[s + 1];
    const c = data.sitChosen[s];
    rec[o++] = jp;
    for (let j = j0; j <= j1; j++) {
      // rows other than the chosen one, then (index j1) the outside option
      if (j === c) continue;
      if (j === j1 && (!data.outside || c < 0)) break;
      const xo = j * K, co = c * K;
      const a = o;
      o++;
      if (j === j1) for (let k = 0; k < K; k++) rec[o++] = -X[co + k];
      else if (c >= 0) for (let k = 0; k < K; k++) rec[o++] = X[xo + k] - X[co + k];
      else for (let k = 0; k < K; k++) rec[o++] = X[xo + k];
      let f = 0;
      for (let i = 0; i < nf; i++) { const k = fixedK[i]; f += rec[a + 1 + k] * betaConst[k]; }
      rec[a] = f;
    }
    n++;
  }
  return n;
}
