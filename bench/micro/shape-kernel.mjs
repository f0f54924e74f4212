#!/usr/bin/env node
/**
 * The fast kernel's log-likelihood + gradient on one thread by data shape, in
 * process (no CLI, no workers): N individuals × T situations × J alternatives,
 * K normal random coefficients, R Halton nodes; `ragged` gives situation t of
 * individual i 2 + ((3i + 5t) mod 12) alternatives (2..13, as availability
 * would). Prints ns per (situation × node × available row) and which loop ran.
 *
 *     node bench/micro/shape-kernel.mjs N T J K R [ragged] [reps]
 *
 * Interleaving runs of builds to compare is left to the caller (bench/shapes.mjs
 * does it against the C reference).
 */
import { compilePlan, DrawKind, FastKernel, Link } from '@mxl/core';
import { createRule } from '@mxl/integration';
import { mulberry32 } from '@mxl/test-helpers';

/** A panel; J = 0 with `ragged` gives 2..13 alternatives by situation. */
export function shapePanel({ N, T, J, K, ragged = false, seed = 1 }) {
  const u = mulberry32(seed);
  const nSit = N * T;
  const sitRow = new Int32Array(nSit + 1);
  for (let s = 0; s < nSit; s++) {
    const i = Math.floor(s / T), t = s % T;
    sitRow[s + 1] = sitRow[s] + (ragged ? 2 + ((3 * i + 5 * t) % 12) : J);
  }
  const nRows = sitRow[nSit];
  const X = new Float64Array(nRows * K);
  for (let i = 0; i < X.length; i++) X[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const sitChosen = Int32Array.from({ length: nSit }, (_, s) => sitRow[s] + Math.floor(u() * (sitRow[s + 1] - sitRow[s])));
  const rowAlt = new Int32Array(nRows);
  for (let s = 0; s < nSit; s++) for (let r = sitRow[s]; r < sitRow[s + 1]; r++) rowAlt[r] = r - sitRow[s];
  const Jmax = ragged ? 13 : J;
  return {
    nUnits: N, nSituations: nSit, nRows, nVars: K, varNames: Array.from({ length: K }, (_, k) => `x${k}`),
    unitSit: Int32Array.from({ length: N + 1 }, (_, i) => i * T), sitRow, sitChosen, X, rowAlt,
    altLabels: Array.from({ length: Jmax }, (_, j) => String(j + 1)), unitWeight: null,
    unitCluster: Int32Array.from({ length: N }, (_, i) => i), nClusters: N, outside: false, unitChars: null, charNames: [],
  };
}

/** A kernel and an evaluation function for a shape. */
export function shapeCase(shape, options = {}) {
  const { N, K, R } = shape;
  const data = shapePanel(shape);
  const coefs = Array.from({ length: K }, (_, k) => ({ mean: k, link: Link.identity, spreads: [{ param: K + k, dim: k }] }));
  const plan = compilePlan(coefs, 2 * K, Array.from({ length: K }, () => DrawKind.normal));
  const kernel = new FastKernel(data, plan, createRule({ rule: 'halton', draws: R }, K), options);
  const theta = Float64Array.from({ length: 2 * K }, (_, p) => (p < K ? (p % 2 ? -0.5 : 1) : 0.5));
  const unitLL = new Float64Array(N), unitScore = new Float64Array(N * 2 * K);
  return { data, kernel, evaluate: () => kernel.evaluate(theta, 0, N, unitLL, unitScore) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [N, T, J, K, R] = process.argv.slice(2, 7).map(Number);
  const ragged = process.argv[7] === 'ragged';
  const reps = Number(process.argv[8] ?? 5);
  const c = shapeCase({ N, T, J, K, R, ragged });
  let ll = c.evaluate();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    ll = c.evaluate();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const med = times[times.length >> 1];
  const rows = c.data.nRows;
  console.log(JSON.stringify({ N, T, J, K, R, ragged, ll, ms: +med.toFixed(3), ns_per_row_node: +((med * 1e6) / (rows * R)).toFixed(4), wasm: c.kernel.wasm, specialized: c.kernel.specialized }));
}
