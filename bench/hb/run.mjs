#!/usr/bin/env node
// run.mjs — hierarchical Bayes: mxl against bayesm's rhierMnlRwMixture (one component)
// on the same simulated panel (bench/hb/make-data.mjs: N 1000, T 10, J 4, K 4, correlated normals).
// Both run ITER sweeps of one chain (BURN of them burn-in) with the same priors
// (means N(0, 100 I), covariance IW(K + 3, I)); the table gives iterations per second and the
// posterior means of the population means and covariance side by side, with the difference in
// units of its Monte Carlo standard error sqrt(sd1²/ESS1 + sd2²/ESS2).
// Installs Debian's r-cran-bayesm with apt-get where Rscript or bayesm is missing and apt exists.
// Usage (repo root, after `npx -y pnpm@12.4.2 build`): node bench/hb/run.mjs [--iterations 2000] [--burn 1000] [--workers 2]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const a = Object.fromEntries(process.argv.slice(2).reduce((acc, x, i, all) => (x.startsWith('--') ? [...acc, [x.slice(2), all[i + 1]]] : acc), []));
const ITER = Number(a.iterations ?? 2000), BURN = Number(a.burn ?? 1000), WORKERS = Number(a.workers ?? 2);
const work = path.join(repo, 'bench/.work');
const panel = path.join(work, 'hb-panel.csv');
execFileSync(process.execPath, [path.join(here, 'make-data.mjs'), '--out', panel], { stdio: 'inherit' });

function haveBayesm() {
  return spawnSync('Rscript', ['-e', 'library(bayesm)'], { stdio: 'ignore' }).status === 0;
}
if (!haveBayesm() && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
  console.log('installing r-cran-bayesm with apt-get ...');
  spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  spawnSync('apt-get', ['install', '-y', 'r-cran-bayesm'], { stdio: 'inherit' });
}
let ref = null;
if (haveBayesm()) {
  const out = path.join(work, 'hb-bayesm.json');
  execFileSync('Rscript', [path.join(here, 'bayesm.R'), panel, String(ITER), String(BURN), out], { stdio: ['ignore', 'ignore', 'inherit'] });
  ref = JSON.parse(fs.readFileSync(out, 'utf8'));
  for (const k of ['seconds', 'iterations', 'burnIn', 'version']) ref[k] = ref[k][0]; // R writes scalars as vectors
} else console.log('bayesm is not available (no Rscript/apt-get): mxl alone');

const { estimate } = await import('mxl');
const draws = path.join(work, 'hb-mxl-draws.csv');
const t0 = performance.now();
const r = await estimate({
  data: { path: panel, id: 'id', situation: 'sit', alt: 'alt', choice: 'choice' },
  model: { random: { x1: 'normal', x2: 'normal', x3: 'normal', x4: 'normal' }, correlated: true },
  estimator: 'hb', hb: { burnIn: BURN, iterations: ITER - BURN, thin: 1, chains: 1 },
  workers: WORKERS,
}, null);
const mxlSeconds = r.seconds;
const post = Object.fromEntries(r.hb.parameters.map((p) => [p.name, p]));
const X = ['x1', 'x2', 'x3', 'x4'];
const rows = [];
X.forEach((x, k) => rows.push({ name: x, m: post[x], b: ref && { mean: ref.mu[k], sd: ref.muSd[k], ess: ref.muEss[k] } }));
for (let i = 0; i < 4; i++) for (let j = 0; j <= i; j++) rows.push({ name: `cov.${X[j]}:${X[i]}`, m: post[`cov.${X[j]}:${X[i]}`], b: ref && { mean: ref.Sigma[i * 4 + j], sd: ref.SigmaSd[i * 4 + j], ess: ref.SigmaEss[i * 4 + j] } });
const lines = [
  `| | mxl (${WORKERS} workers) | bayesm ${ref?.version ?? '—'} (1 thread) |`, '|---|---|---|',
  `| ${ITER} iterations (${BURN} burn-in), seconds | ${mxlSeconds.toFixed(1)} | ${ref ? ref.seconds.toFixed(1) : '—'} |`,
  `| iterations per second | ${(ITER / mxlSeconds).toFixed(0)} | ${ref ? (ITER / ref.seconds).toFixed(0) : '—'} |`,
  '', '| parameter | mxl mean (sd, ESS) | bayesm mean (sd, ESS) | difference / MC se |', '|---|---|---|---|',
  ...rows.map(({ name, m, b }) => {
    const se = b ? Math.sqrt(m.sd ** 2 / m.ess + b.sd ** 2 / b.ess) : NaN;
    return `| ${name} | ${m.mean.toFixed(4)} (${m.sd.toFixed(4)}, ${Math.round(m.ess)}) | ${b ? `${b.mean.toFixed(4)} (${b.sd.toFixed(4)}, ${Math.round(b.ess)})` : '—'} | ${b ? ((m.mean - b.mean) / se).toFixed(2) : '—'} |`;
  }),
];
const md = lines.join('\n') + '\n';
fs.mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(repo, 'bench/results/hb.md'), md);
console.log(md);
console.log(`(whole mxl run including data load and MNL start: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
