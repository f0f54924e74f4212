#!/usr/bin/env node
/**
 * Two workers against one, measured in one process: a one-worker engine (the
 * kernel on the calling thread, as `--workers 1` runs it) and a two-worker
 * piscina pool evaluate the same LL + gradient alternately, in ABBA order
 * (one, two, two, one, ...), so that both see the same state of a shared
 * host; the speed-up is the median over pairs of adjacent evaluations.
 * Separate processes run seconds or minutes apart, and on a shared 2-vCPU
 * host their ratios scatter more than the effect being measured.
 *
 *   node bench/speedup.mjs SPEC.json THETA.json [--pairs N]
 *
 * Prints one JSON object: the pair ratios' median and quartiles, both
 * engines' median seconds, the pool's own overhead (wall time minus the
 * workers' summed compute time / 2) and the "inflation" (the two workers'
 * summed compute time over the one-worker time: how much the two vCPUs slow
 * each other down).
 */
import { readFileSync } from 'node:fs';
import { prepare, readSpec, engineFor } from '@mxl/estimation';

const [specFile, thetaFile] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const i = process.argv.indexOf('--pairs');
const pairs = i > 0 ? Number(process.argv[i + 1]) : 20;
if (!specFile || !thetaFile || !(pairs > 0)) {
  process.stderr.write('usage: node bench/speedup.mjs SPEC.json THETA.json [--pairs N]\n');
  process.exit(2);
}
const p = await prepare(readSpec(specFile), specFile);
const at = JSON.parse(readFileSync(thetaFile, 'utf8'));
const theta = Float64Array.from(p.design.params, (q) => at[q.name]);
const one = engineFor(p, 1), two = engineFor(p, 2);
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); const k = (s.length - 1) * q; const lo = Math.floor(k); return s[lo] + (s[Math.ceil(k)] - s[lo]) * (k - lo); };
try {
  await one.evaluate(theta); // warm-up: draw caches, compilation
  await two.evaluate(theta);
  const time = async (e) => { const t = performance.now(); await e.evaluate(theta); return (performance.now() - t) / 1000; };
  const t1 = [], t2 = [], ratios = [], overhead = [], inflation = [];
  for (let k = 0; k < pairs; k++) {
    let a, b;
    if (k % 2 === 0) { a = await time(one); b = await time(two); } else { b = await time(two); a = await time(one); }
    const busy = two.shardSeconds().reduce((s, x) => s + x, 0);
    t1.push(a); t2.push(b); ratios.push(a / b);
    overhead.push(b - busy / 2);
    inflation.push(busy / a);
  }
  const out = {
    pairs,
    speedup_median: quantile(ratios, 0.5), speedup_q25: quantile(ratios, 0.25), speedup_q75: quantile(ratios, 0.75),
    one_worker_median_seconds: quantile(t1, 0.5), two_workers_median_seconds: quantile(t2, 0.5),
    pool_overhead_ms_median: 1000 * quantile(overhead, 0.5),
    compute_inflation_median: quantile(inflation, 0.5),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
} finally {
  await one.close();
  await two.close();
}
