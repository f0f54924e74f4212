/**
 * The hierarchical Bayes sampler's per-individual panel logit, log L_n at one
 * coefficient vector, as JavaScript generated for the model's K (new
 * Function, as @mxl/core's fast kernel does in js-hot-loop.ts).
 *
 * The data are restaged once into utility-difference records (Train 2009,
 * sec. 3.6: only differences of utility matter): per situation, the count
 * J' of the alternatives other than the chosen one, then J' rows of
 * d_a = x_a - x_c (an outside option, utility 0, is the row -x_c; when the
 * outside option was chosen the rows are the x_a themselves). Then
 *
 *     log P_c = -log(1 + sum_a exp(d_a' c))
 *
 * needs one dot product and one exp per other alternative and no max pass;
 * the 1 + sum of a unit's situations are multiplied and the product flushed
 * into a log above 1e150 (one log per unit, usually). A situation with some
 * d_a' c above 300 takes the max-shifted form, so nothing overflows. The
 * generated code holds the coefficients in locals, unrolls the dot products
 * over K, has straight-line code for the common J' (the counts of the data,
 * up to 8) and inlines the table-driven exp of @mxl/core (musl's method,
 * about 0.51 ulp, at most 1 ulp from Math.exp: see @mxl/core's exp.ts and its
 * tests). It agrees with the plain loop {@link unitLogLik} of ./hb-step.ts to
 * a few ulps (the differences are formed before the dot product, and the exp
 * differs from Math.exp by at most 1 ulp); the draws it drives are the same for
 * any number of workers, as each individual's value depends only on its
 * records and coefficients.
 */
import { expMethod, type ChoiceData } from '@mxl/core';

const { EXP_POW2, EXP_T, EXP_TAIL, expSlow, inlineExpSource } = expMethod;

/** Above this a situation's largest utility difference takes the max-shifted form. */
const SHIFT_ABOVE = 300;
/** The product of a unit's sums is flushed into its log above this. */
const FLUSH_ABOVE = 1e150;
/** Other-alternative counts up to this get straight-line code. */
const MAX_SPECIAL = 8;

/** The utility-difference records of every unit (see the file comment). */
export interface HbRecords {
  /** Per situation: J', then J' × K differences. */
  rec: Float64Array;
  /** Length nUnits + 1: unit u's records are rec[unitRec[u] .. unitRec[u + 1]). */
  unitRec: Int32Array;
  /** The distinct counts J' of the data (ascending). */
  counts: number[];
}

/** Stages the records of `data` (in shared memory when `shared`). */
export function hbRecords(data: ChoiceData, shared = false): HbRecords {
  const { X, sitRow, sitChosen, nVars: K, outside } = data;
  let len = 0;
  for (let s = 0; s < data.nSituations; s++) {
    const J = sitRow[s + 1] - sitRow[s], c = sitChosen[s];
    len += 1 + (c >= 0 ? J - 1 + (outside ? 1 : 0) : J) * K;
  }
  const rec = new Float64Array(shared ? new SharedArrayBuffer(Math.max(1, len) * 8) : new ArrayBuffer(Math.max(1, len) * 8));
  const unitRec = new Int32Array(shared ? new SharedArrayBuffer((data.nUnits + 1) * 4) : new ArrayBuffer((data.nUnits + 1) * 4));
  const counts = new Set<number>();
  let o = 0;
  for (let u = 0; u < data.nUnits; u++) {
    unitRec[u] = o;
    for (let s = data.unitSit[u], s1 = data.unitSit[u + 1]; s < s1; s++) {
      const r0 = sitRow[s], r1 = sitRow[s + 1], c = sitChosen[s];
      const jp = c >= 0 ? r1 - r0 - 1 + (outside ? 1 : 0) : r1 - r0;
      counts.add(jp);
      rec[o++] = jp;
      for (let r = r0; r < r1; r++) {
        if (r === c) continue;
        for (let k = 0; k < K; k++) rec[o++] = c >= 0 ? X[r * K + k] - X[c * K + k] : X[r * K + k];
      }
      if (outside && c >= 0) for (let k = 0; k < K; k++) rec[o++] = -X[c * K + k];
    }
  }
  unitRec[data.nUnits] = o;
  return { rec, unitRec, counts: [...counts].sort((a, b) => a - b) };
}

/** log L of the records rec[o .. o1) at coefficients `coef` (length K). */
export type RecordLogLik = (rec: Float64Array, o: number, o1: number, coef: Float64Array) => number;

const expSource = inlineExpSource;

/**
 * Generates the log-likelihood of a unit's records for K coefficients, with
 * straight-line code for the counts J' in `special` and a loop for the others
 * (`jmax`: the largest J' of the data).
 */
export function buildRecordLogLik(K: number, special: readonly number[], jmax: number): RecordLogLik {
  const L: string[] = [];
  const line = (s: string) => L.push(s);
  const dot = (base: string) => (K === 0 ? '0' : Array.from({ length: K }, (_, k) => `rec[${base} + ${k}] * c${k}`).join(' + '));
  line(`"use strict";`);
  line(`const T = T0, TL = TL0, P2 = P20, Wv = new Float64Array(${Math.max(1, jmax)});`);
  line(`return function recordLogLik(rec, o, o1, coef) {`);
  // small-integer offsets (the count J' is stored as a double): indexing with doubles took a third more time
  line(`o = o | 0; o1 = o1 | 0;`);
  for (let k = 0; k < K; k++) line(`const c${k} = coef[${k}];`);
  line(`let ll = 0, prod = 1;`);
  line(`while (o < o1) {`);
  line(`const jp = rec[o] | 0; let S = 1;`);
  let first = true;
  for (const jp of special) {
    if (jp < 1) continue;
    line(`${first ? '' : 'else '}if (jp === ${jp}) {`);
    first = false;
    for (let a = 0; a < jp; a++) line(`const w${a} = ${dot(`o + ${1 + a * K}`)};`);
    line(`let m = w0;`);
    for (let a = 1; a < jp; a++) line(`if (w${a} > m) m = w${a};`);
    line(`if (m > ${SHIFT_ABOVE}) { S = Math.exp(-m)${Array.from({ length: jp }, (_, a) => ` + Math.exp(w${a} - m)`).join('')}; ll -= m + Math.log(S); S = 1; }`);
    line(`else {`);
    for (let a = 0; a < jp; a++) { line(`let e${a};`); line(expSource(`e${a}`, `w${a}`)); }
    line(`S = 1${Array.from({ length: jp }, (_, a) => ` + e${a}`).join('')};`);
    line(`}`);
    line(`}`);
  }
  line(`${first ? '' : 'else '}if (jp > 0) {`);
  line(`let m = -Infinity;`);
  line(`for (let a = 0; a < jp; a++) { const w = ${dot(`o + 1 + a * ${K}`)}; Wv[a] = w; if (w > m) m = w; }`);
  line(`if (m > ${SHIFT_ABOVE}) { S = Math.exp(-m); for (let a = 0; a < jp; a++) S += Math.exp(Wv[a] - m); ll -= m + Math.log(S); S = 1; }`);
  line(`else for (let a = 0; a < jp; a++) { let e; ${expSource('e', 'Wv[a]')} S += e; }`);
  line(`}`);
  line(`prod *= S;`);
  line(`if (prod > ${FLUSH_ABOVE}) { ll -= Math.log(prod); prod = 1; }`);
  line(`o = (o + 1 + jp * ${K}) | 0;`);
  line(`}`);
  line(`return ll - Math.log(prod);`);
  line(`};`);
  const make = new Function('T0', 'TL0', 'P20', 'expSlow', L.join('\n')) as (t: Float64Array, tl: Float64Array, p2: Float64Array, slow: (x: number) => number) => RecordLogLik;
  return make(EXP_T, EXP_TAIL, EXP_POW2, expSlow);
}

/** log L_n of each unit at a coefficient vector, over the records of {@link hbRecords}. */
export class PanelLogLik {
  private readonly f: RecordLogLik;

  constructor(readonly records: HbRecords, K: number) {
    const c = records.counts;
    this.f = buildRecordLogLik(K, c.filter((j) => j <= MAX_SPECIAL), c.length ? c[c.length - 1] : 1);
  }

  /** log L_u at coefficients `coef` (length K). */
  unit(u: number, coef: Float64Array): number {
    const { rec, unitRec } = this.records;
    return this.f(rec, unitRec[u], unitRec[u + 1], coef);
  }
}
