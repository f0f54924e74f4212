#!/usr/bin/env node
// make-data.mjs — the simulated panel of the hierarchical Bayes benchmark (long CSV).
//
//   N individuals (default 1000), T = 10 situations, J = 4 alternatives, K = 4 attributes
//   x1..x4 ~ N(0, 1) (written with 4 decimals; the utility uses the rounded value)
//   beta_n ~ N(b, Sigma), b = (1, -1, 0.5, -0.5), sds (1, 0.8, 0.6, 0.5),
//   correlation 0.4 between x1 and x2 (0 otherwise); U = x'beta_n + Gumbel.
// RNG: mulberry32 with Box-Muller normals, all in this file (identical bytes for the same arguments).
// Writes <out> (id,sit,alt,choice,x1..x4) and <out>.truth.json.
//
// Usage: node bench/hb/make-data.mjs [--individuals N] [--seed S] [--out PATH]
import fs from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, x, i, all) => (x.startsWith('--') ? [...a, [x.slice(2), all[i + 1]]] : a), []));
const N = Number(args.individuals ?? 1000), seed = Number(args.seed ?? 1), out = args.out ?? 'bench/.work/hb-panel.csv';
const T = 10, J = 4, K = 4;
const b = [1, -1, 0.5, -0.5], sd = [1, 0.8, 0.6, 0.5], rho12 = 0.4;
let s = seed >>> 0;
const u = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296; };
const z = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
// Cholesky of Sigma (only x1, x2 correlated)
const L = [[sd[0], 0, 0, 0], [rho12 * sd[1], Math.sqrt(1 - rho12 ** 2) * sd[1], 0, 0], [0, 0, sd[2], 0], [0, 0, 0, sd[3]]];
const lines = ['id,sit,alt,choice,x1,x2,x3,x4'];
for (let n = 1; n <= N; n++) {
  const e = [z(), z(), z(), z()];
  const beta = b.map((m, k) => m + L[k].reduce((a, l, j) => a + l * e[j], 0));
  for (let t = 1; t <= T; t++) {
    const xs = [], us = [];
    for (let j = 0; j < J; j++) {
      const x = Array.from({ length: K }, () => Math.round(z() * 1e4) / 1e4);
      xs.push(x);
      us.push(x.reduce((a, v, k) => a + v * beta[k], 0) - Math.log(-Math.log(u())));
    }
    const c = us.indexOf(Math.max(...us));
    for (let j = 0; j < J; j++) lines.push(`${n},${t},${j + 1},${j === c ? 1 : 0},${xs[j].map((v) => v.toFixed(4)).join(',')}`);
  }
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, lines.join('\n') + '\n');
const Sigma = L.map((r, i) => L.map((q, j) => r.reduce((a, v, k) => a + v * q[k], 0)));
fs.writeFileSync(out + '.truth.json', JSON.stringify({ N, T, J, K, seed, b, sd, Sigma }, null, 2) + '\n');
console.log(`wrote ${out} (${N * T * J} rows)`);
