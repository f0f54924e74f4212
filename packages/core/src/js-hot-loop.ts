/**
 * The fast kernel's hot loop as JavaScript generated at construction (new
 * Function) for the model's K, random coefficients and other-alternative
 * counts: specialized straight-line code per count, a generic loop for the
 * others. Runs where the WebAssembly loop does not apply; same formulas as
 * ./wasm/hot-loop.ts (see ./fast-kernel.ts).
 */
import { BLOCK, FLUSH_ABOVE, SHIFT_ABOVE } from './constants.js';
import { EXP_POW2, EXP_T, EXP_TAIL, expSlow, inlineExpSource } from './exp.js';

/** Signature of the generated hot function (nodes r < R; row k of beta and G at k × stride). */
export type Hot = (rec: Float64Array, nRec: number, beta: Float64Array, G: Float64Array, logL: Float64Array, prod: Float64Array, R: number, stride: number) => void;

const expSource = inlineExpSource;

/**
 * Generates the hot function for a model: K coefficients of which `rk` vary
 * over nodes, specialized loops for the other-alternative counts in
 * `special`, a generic loop for the rest.
 */
export function buildHot(K: number, rk: readonly number[], special: readonly number[], jmaxOther: number): Hot {
  const L: string[] = [];
  const line = (s: string) => L.push(s);
  const S1 = K + 1;
  line(`"use strict";`);
  line(`const W = new Float64Array(${jmaxOther}), E = new Float64Array(${jmaxOther});`);
  line(`return function hot(rec, nRec, beta, G, logL, prod, R, stride) {`);
  line(`const T = T0, TL = TL0, P2 = P20;`);
  for (const k of rk) line(`const o${k} = ${k} * stride;`);
  for (let k = 0; k < K; k++) line(`const g${k} = ${k} * stride;`);
  line(`G.fill(0);`);
  line(`for (let r = 0; r < R; r++) { logL[r] = 0; prod[r] = 1; }`);
  line(`for (let r0 = 0; r0 < R; r0 += ${BLOCK}) {`);
  line(`const r1 = Math.min(R, r0 + ${BLOCK});`);
  line(`let o = 0;`);
  line(`for (let t = 0; t < nRec; t++) {`);
  line(`const jp = rec[o];`);
  let first = true;
  for (const jp of special) {
    line(`${first ? '' : 'else '}if (jp === ${jp}) {`);
    first = false;
    for (let a = 0; a < jp; a++) {
      line(`const f${a} = rec[o + ${1 + a * S1}];`);
      for (let k = 0; k < K; k++) line(`const d${a}_${k} = rec[o + ${2 + a * S1 + k}];`);
    }
    line(`for (let r = r0; r < r1; r++) {`);
    for (const k of rk) line(`const b${k} = beta[o${k} + r];`);
    for (let a = 0; a < jp; a++) line(`const w${a} = f${a}${rk.map((k) => ` + d${a}_${k} * b${k}`).join('')};`);
    line(`let m = w0;`);
    for (let a = 1; a < jp; a++) line(`if (w${a} > m) m = w${a};`);
    line(`let sh = 0, ec = 1;`);
    line(`if (m > ${SHIFT_ABOVE}) { sh = m; ec = Math.exp(-m); logL[r] -= m; }`);
    for (let a = 0; a < jp; a++) { line(`let e${a};`); line(expSource(`e${a}`, `w${a} - sh`)); }
    line(`const S = ec${Array.from({ length: jp }, (_, a) => ` + e${a}`).join('')};`);
    line(`const iS = 1 / S;`);
    for (let a = 0; a < jp; a++) line(`const p${a} = e${a} * iS;`);
    for (let k = 0; k < K; k++) line(`G[g${k} + r] -= ${Array.from({ length: jp }, (_, a) => `p${a} * d${a}_${k}`).join(' + ')};`);
    line(`let pr = prod[r] * S;`);
    line(`if (pr > ${FLUSH_ABOVE}) { logL[r] -= Math.log(pr); pr = 1; }`);
    line(`prod[r] = pr;`);
    line(`}`);
    line(`}`);
  }
  // generic loop
  line(`${first ? '' : 'else '}{`);
  line(`for (let r = r0; r < r1; r++) {`);
  line(`let m = -Infinity;`);
  line(`for (let a = 0; a < jp; a++) {`);
  line(`const d = o + 1 + a * ${S1};`);
  line(`let w = rec[d];`);
  for (const k of rk) line(`w += rec[d + ${1 + k}] * beta[o${k} + r];`);
  line(`W[a] = w; if (w > m) m = w;`);
  line(`}`);
  line(`let sh = 0, S = 1;`);
  line(`if (m > ${SHIFT_ABOVE}) { sh = m; S = Math.exp(-m); logL[r] -= m; }`);
  line(`for (let a = 0; a < jp; a++) { let e; ${expSource('e', 'W[a] - sh')} E[a] = e; S += e; }`);
  line(`const iS = 1 / S;`);
  line(`for (let a = 0; a < jp; a++) {`);
  line(`const p = E[a] * iS, d = o + 2 + a * ${S1};`);
  for (let k = 0; k < K; k++) line(`G[g${k} + r] -= p * rec[d + ${k}];`);
  line(`}`);
  line(`let pr = prod[r] * S;`);
  line(`if (pr > ${FLUSH_ABOVE}) { logL[r] -= Math.log(pr); pr = 1; }`);
  line(`prod[r] = pr;`);
  line(`}`);
  line(`}`);
  line(`o += 1 + jp * ${S1};`);
  line(`}`); // situations
  line(`}`); // blocks
  line(`};`);
  const src = L.join('\n');
  const make = new Function('T0', 'TL0', 'P20', 'expSlow', src) as (t: Float64Array, tl: Float64Array, p2: Float64Array, slow: (x: number) => number) => Hot;
  return make(EXP_T, EXP_TAIL, EXP_POW2, expSlow);
}
