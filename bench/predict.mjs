#!/usr/bin/env node
// predict.mjs — post-estimation speed against the estimation's own wall time (issue 11's
// target: `predict --se` for shares, elasticities, diversion and WTP within 2x the
// estimation, on electricity at R = 100; R = 2000 reported too).
//
// Usage (from the repo root, after `npx -y pnpm@12.4.2 run build`):
//   node bench/predict.mjs                  # R = 100 and 2000, 2 workers, 3 reps
//   node bench/predict.mjs --quick          # R = 100 only, 1 rep
//   node bench/predict.mjs --kr-only        # the Krinsky-Robb part alone (no electricity estimations)
// Options: --draws 100,2000  --workers N  --reps N  --kr-reps N (default 200; 0 skips)  --kr-only  --out PATH (default bench/results/predict-<ISO date>.json)
//
// For each R: estimate the shipped electricity example (panel, six normal coefficients, Halton,
// BHHH standard errors) with `workers` threads, then run the four reports with delta-method
// standard errors through the library's Predictor on the same number of workers, and with
// one worker (to show what the pool buys). Wall times are medians over the reps; the
// ratio is predict / estimate in the same run. Estimates are checked to agree across reps.
//
// Then Krinsky-Robb on the shipped Swissmetro example (R = 200): the wall time of `kr-reps`
// replicates of the shares on `workers` threads, and one replicate (a shares pass over the
// sample at one parameter vector, on one thread) against one LL+gradient evaluation of the
// same data and draws (FastKernel.evaluate), interleaved: the median over 7 runs of 40 replicates
// (per replicate) against the median of 35 evaluations.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FastKernel } from '@mxl/core';
import { estimate, prepare } from '@mxl/estimation';
import { Predictor } from '@mxl/postestimation';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const quick = args.includes('--quick');
const draws = args.includes('--kr-only') ? [] : opt('draws', quick ? '100' : '100,2000').split(',').map(Number);
const workers = Number(opt('workers', String(Math.min(2, availableParallelism()))));
const reps = Number(opt('reps', quick ? '1' : '3'));
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const out = opt('out', path.join(here, 'results', `predict-${stamp}.json`));
const exampleDir = path.join(here, '..', 'examples', 'electricity');
const base = JSON.parse(readFileSync(path.join(exampleDir, 'spec.json'), 'utf8'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function reports(pr) {
  const t0 = performance.now();
  await pr.shares({ se: true });
  await pr.elasticities('pf', { se: true });
  await pr.diversion('pf', { se: true });
  await pr.wtp('pf', { se: true });
  return (performance.now() - t0) / 1000;
}

const rows = [];
for (const R of draws) {
  const spec = { ...base, integration: { ...base.integration, draws: R } };
  const est = [], pred = [], pred1 = [];
  let ll = null;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const result = await estimate(spec, { workers, baseDir: exampleDir });
    est.push((performance.now() - t0) / 1000);
    if (ll !== null && ll !== result.loglik) throw new Error(`estimates differ between reps: ${ll} vs ${result.loglik}`);
    ll = result.loglik;
    const p = await prepare(spec, { baseDir: exampleDir });
    for (const [w, into] of [[workers, pred], [1, pred1]]) {
      const pr = new Predictor(p, result, { workers: w });
      try { into.push(await reports(pr)); } finally { await pr.close(); }
    }
  }
  const row = { draws: R, workers, loglik: ll, estimateSeconds: median(est), predictSeconds: median(pred), predictSeconds1Worker: median(pred1) };
  row.ratio = row.predictSeconds / row.estimateSeconds;
  row.poolSpeedup = row.predictSeconds1Worker / row.predictSeconds;
  rows.push(row);
  console.log(`R=${R}: estimate ${row.estimateSeconds.toFixed(2)} s, predict --se (shares, elasticities, diversion, WTP) ${row.predictSeconds.toFixed(2)} s on ${workers} workers = ${row.ratio.toFixed(2)}x the estimation; ${row.predictSeconds1Worker.toFixed(2)} s on 1 worker (pool ${row.poolSpeedup.toFixed(2)}x)`);
}
let kr = null;
const krReps = Number(opt('kr-reps', '200'));
if (krReps > 0) {
  const smDir = path.join(here, '..', 'examples', 'swissmetro');
  const smSpec = JSON.parse(readFileSync(path.join(smDir, 'spec.json'), 'utf8'));
  const result = await estimate(smSpec, { workers, baseDir: smDir });
  const p = await prepare(smSpec, { baseDir: smDir });
  const interval = { method: 'krinsky-robb', reps: krReps };
  const pr = new Predictor(p, result, { workers });
  let seconds;
  try { const t0 = performance.now(); await pr.shares({ se: true, interval }); seconds = (performance.now() - t0) / 1000; } finally { await pr.close(); }
  // one replicate on one thread: the same KR with few replicates, per replicate, against one LL+gradient evaluation
  const theta = Float64Array.from(p.design.params.map((q) => result.raw[q.name]));
  const kernel = new FastKernel(p.data, p.design.plan, p.rule, { cacheDraws: true });
  const N = p.data.nUnits, ll = new Float64Array(N), grad = new Float64Array(N * theta.length);
  const pr1 = new Predictor(p, result, { workers: 1 });
  const rep1 = [], llt = [];
  try {
    await pr1.shares({ se: true, interval: { method: 'krinsky-robb', reps: 5 } }); // warm up
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 5; j++) { const t0 = performance.now(); kernel.evaluate(theta, 0, N, ll, grad); llt.push(performance.now() - t0); }
      const t0 = performance.now(); await pr1.shares({ se: true, interval: { method: 'krinsky-robb', reps: 40, seed: i + 1 } }); rep1.push((performance.now() - t0) / 40);
    }
  } finally { await pr1.close(); }
  kr = { reps: krReps, workers, seconds, replicateMs: median(rep1), llGradientMs: median(llt) };
  kr.replicateOverLlGradient = kr.replicateMs / kr.llGradientMs;
  console.log(`Swissmetro Krinsky-Robb: ${krReps} replicates ${seconds.toFixed(2)} s on ${workers} workers; one replicate ${kr.replicateMs.toFixed(2)} ms vs one LL+gradient ${kr.llGradientMs.toFixed(2)} ms = ${kr.replicateOverLlGradient.toFixed(2)}x`);
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), host: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() }, reps, rows, kr }, null, 2) + '\n');
console.log(`written ${out}`);
