#!/usr/bin/env node
// profile.mjs — times mxl's hierarchical Bayes sampler alone on the bench/hb panel (no bayesm):
// the median over --repeat runs of the whole estimate() and of the sweeps alone (first to last
// onSweep callback), with the draws' checksum so runs with different worker counts can be compared.
// Usage (repo root, after the build): node bench/hb/profile.mjs [--iterations 2000] [--burn 1000] [--workers 2] [--repeat 3]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const a = Object.fromEntries(process.argv.slice(2).reduce((acc, x, i, all) => (x.startsWith('--') ? [...acc, [x.slice(2), all[i + 1]]] : acc), []));
const ITER = Number(a.iterations ?? 2000), BURN = Number(a.burn ?? 1000), WORKERS = Number(a.workers ?? 2), REPEAT = Number(a.repeat ?? 3);
const panel = path.join(repo, 'bench/.work/hb-panel.csv');
if (!fs.existsSync(panel)) execFileSync(process.execPath, [path.join(here, 'make-data.mjs'), '--out', panel], { stdio: 'inherit' });
const { estimate } = await import('mxl');
const median = (v) => { const s = [...v].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const whole = [], sweeps = [];
let sum = null;
for (let i = 0; i < REPEAT; i++) {
  let first = 0, firstSweep = 0, last = 0;
  const r = await estimate({
    data: { path: panel, id: 'id', situation: 'sit', alt: 'alt', choice: 'choice' },
    model: { random: { x1: 'normal', x2: 'normal', x3: 'normal', x4: 'normal' }, correlated: true },
    estimator: 'hb', hb: { burnIn: BURN, iterations: ITER - BURN, thin: 1, chains: 1 },
    workers: WORKERS,
  }, { onSweep: (s) => { const t = performance.now(); if (!first) { first = t; firstSweep = s; } last = t; } });
  whole.push(r.seconds);
  sweeps.push((last - first) / 1000 / (ITER - firstSweep));
  sum = r.parameters.map((p) => p.estimate.toPrecision(17)).join(',');
}
console.log(`workers ${WORKERS}: whole run ${median(whole).toFixed(3)} s (${(ITER / median(whole)).toFixed(0)} it/s), sweeps alone ${(1 / median(sweeps)).toFixed(0)} it/s; load ${os.loadavg()[0].toFixed(2)}`);
console.log(`posterior means: ${sum}`);
