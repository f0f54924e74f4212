#!/usr/bin/env node
/**
 * Micro-benchmarks (Benchmark.js): the log-likelihood kernel's cost per node
 * by J (alternatives) and K (random coefficients), each integration rule's
 * points per second, and the inverse normal CDF. Prints a table of medians
 * and ops/s, and writes bench/results/micro-DATE.json.
 *
 *     node bench/micro/run.mjs            (about a minute)
 *     node bench/micro/run.mjs --quick    (shorter samples, for a smoke test)
 *
 * Build first (`npx -y pnpm@12.4.2 run build`): it runs the packages' dist.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import { kernelCase, KERNEL_GRID } from './kernel.mjs';
import { ruleCase, RULES } from './rules.mjs';
import { quantileCases } from './quantile.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const options = quick ? { maxTime: 0.1, minSamples: 5 } : { maxTime: 1, minSamples: 10 };

/** Median of Benchmark.js's samples (seconds per operation). */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs one group of cases; each case is { name, fn, work, unit, info }: `work` units of `unit` per operation. */
function runGroup(group, cases) {
  const suite = new Benchmark.Suite(group);
  for (const c of cases) suite.add(c.name, c.fn, options);
  const rows = [];
  suite.on('cycle', (ev) => {
    const b = ev.target;
    const c = cases.find((x) => x.name === b.name);
    const med = median(b.stats.sample);
    const row = {
      group, name: b.name, ...c.info,
      medianSeconds: med, opsPerSecond: b.hz, rme: b.stats.rme, samples: b.stats.sample.length,
      unit: c.unit, workPerOp: c.work, nsPerUnit: (med / c.work) * 1e9, unitsPerSecond: c.work / med,
    };
    rows.push(row);
    const rate = row.unitsPerSecond >= 1e6 ? `${(row.unitsPerSecond / 1e6).toFixed(2)} M` : `${(row.unitsPerSecond / 1e3).toFixed(1)} k`;
    console.log(`${group.padEnd(9)} ${b.name.padEnd(28)} median ${(med * 1e3).toFixed(4).padStart(10)} ms  ${b.hz.toFixed(1).padStart(10)} ops/s ±${b.stats.rme.toFixed(1)}%  ${rate}${c.unit}/s  ${row.nsPerUnit.toFixed(2)} ns/${c.unit}`);
  });
  suite.run({ async: false });
  return rows;
}

const results = [
  ...runGroup('kernel', KERNEL_GRID.map(kernelCase)),
  ...runGroup('rule', RULES.map(ruleCase)),
  ...runGroup('quantile', quantileCases()),
];

const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*/, '');
const out = path.resolve(here, '../results', `micro-${stamp}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(), quick, node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length,
  loadAverage: os.loadavg(), benchmark: Benchmark.version, options, results,
}, null, 2) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
