#!/usr/bin/env node
// electricity.mjs — hierarchical Bayes against maximum simulated likelihood on Revelt and Train's
// electricity panel (examples/electricity: 361 individuals, 4308 situations, six independent
// normal coefficients). With 361 individuals and the default diffuse priors the posterior means
// should sit within about 2 standard errors of the MSL estimates at a large number of draws
// (Train 2009, sec. 12.5: the Bernstein-von Mises theorem; the two agree asymptotically).
// MSL: Halton R (default 2000); HB: --chains chains of --burn burn-in and --iterations kept sweeps
// (thinned by --thin), with the location move. Writes bench/results/hb-electricity.md.
// Usage (repo root, after `npx -y pnpm@12.4.2 build`):
//   node bench/hb/electricity.mjs [--draws 2000] [--chains 4] [--burn 5000] [--iterations 20000] [--thin 5] [--workers 2]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const a = Object.fromEntries(process.argv.slice(2).reduce((acc, x, i, all) => (x.startsWith('--') ? [...acc, [x.slice(2), all[i + 1]]] : acc), []));
const R = Number(a.draws ?? 2000), C = Number(a.chains ?? 4), BURN = Number(a.burn ?? 5000), ITER = Number(a.iterations ?? 20000), THIN = Number(a.thin ?? 5), WORKERS = Number(a.workers ?? 2);
const { estimate } = await import('mxl');
const base = JSON.parse(fs.readFileSync(path.join(repo, 'examples/electricity/spec.json'), 'utf8'));
base.data.path = path.join(repo, 'examples/electricity', base.data.path);
delete base.description;

const t0 = performance.now();
const msl = await estimate({ ...base, integration: { rule: 'halton', draws: R }, workers: WORKERS }, null);
const mslSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const hb = await estimate({ ...base, se: undefined, estimator: 'hb', hb: { chains: C, burnIn: BURN, iterations: ITER, thin: THIN, seed: 1, locationMove: true }, workers: WORKERS }, null);
const hbSeconds = (performance.now() - t1) / 1000;

const post = Object.fromEntries(hb.hb.parameters.map((p) => [p.name, p]));
const rows = msl.parameters.map((p) => {
  const q = post[p.name];
  // an sd's sign is not identified in MSL (the report's is the absolute value)
  const m = p.name.startsWith('sd.') ? Math.abs(p.estimate) : p.estimate;
  return { name: p.name, msl: m, se: p.se, hb: q.mean, sd: q.sd, lower: q.lower, upper: q.upper, rhat: q.rhat, ess: q.ess, z: (q.mean - m) / p.se };
});
const f = (x, d = 4) => x.toFixed(d);
const lines = [
  `| parameter | MSL (R = ${R}) estimate (se) | HB posterior mean (sd) | 95% credible interval | split R-hat | ESS | (HB − MSL) / se |`,
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${f(r.msl)} (${f(r.se)}) | ${f(r.hb)} (${f(r.sd)}) | [${f(r.lower)}, ${f(r.upper)}] | ${f(r.rhat, 3)} | ${Math.round(r.ess)} | ${f(r.z, 2)} |`),
];
const within = rows.filter((r) => Math.abs(r.z) <= 2).length;
const summary = `${within} of ${rows.length} posterior means within 2 MSL standard errors of the MSL estimates (largest |difference| / se ${f(Math.max(...rows.map((r) => Math.abs(r.z))), 2)}); ` +
  `MSL log-likelihood ${f(msl.loglik, 3)} (${mslSeconds.toFixed(1)} s), HB: ${C} chains × (${BURN} burn-in + ${ITER} sweeps, thinned by ${THIN}), acceptance ${hb.hb.acceptance.map((x) => x.toFixed(2)).join(', ')}, ` +
  `location move ${hb.hb.fixedAcceptance ? hb.hb.fixedAcceptance.map((x) => x.toFixed(2)).join(', ') : '—'}, max R-hat ${f(Math.max(...rows.map((r) => r.rhat)), 3)}, min ESS ${Math.round(Math.min(...rows.map((r) => r.ess)))} (${hbSeconds.toFixed(1)} s on ${WORKERS} workers).`;
const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
const md = `# Hierarchical Bayes against MSL on electricity\n\n${lines.join('\n')}\n\n${summary}\n\nRun of ${stamp} UTC (\`node bench/hb/electricity.mjs ${process.argv.slice(2).join(' ')}\`; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores).\n`;
fs.mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(repo, 'bench/results/hb-electricity.md'), md);
console.log(md);
