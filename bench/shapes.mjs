#!/usr/bin/env node
/**
 * The shape grid: one log-likelihood + gradient evaluation of mxl (its
 * contract command `mxl bench loglik`, 1 worker) against our C reference
 * (bench/c-reference/mxl_ref.c, 1 thread) on the same data and draws, across
 * shapes of data: alternatives J, random coefficients K, situations per
 * individual T, draws R, and a ragged panel (2..13 alternatives available by
 * situation) against a uniform one (7 everywhere). See bench/README.md.
 *
 *   node bench/shapes.mjs [--quick] [--rounds N] [--only NAME,NAME] [--workers2 NAME,NAME] [--pin N] [--fma] [--same-width]
 *
 * --fma also times mxl 1 worker with relaxed SIMD (fused multiply-add: Node 22's
 * default path; on Node 20 through --experimental-wasm-relaxed-simd);
 * --same-width also times C built with -DMXL_SSE: 2 doubles per vector, the
 * width of WebAssembly SIMD (FMA kept), to separate the vector width from the rest.
 *
 * Per shape and round: C 1 thread, then mxl 1 worker (both pinned to CPU
 * --pin, default 0, with taskset), then mxl 2 workers where asked; each
 * implementation keeps the minimum over rounds of its median (of `reps`
 * evaluations after a warm-up), and the table gives mxl / C from those. Every
 * mxl run's LL and gradient are checked against C's (1e-9 relative; exit 1
 * otherwise) and 1 and 2 workers must agree exactly. Data are generated once
 * per shape into bench/.work/shapes/ (deterministic), C is compiled there.
 * Results: bench/results/shapes-<date>.json and the table on stdout.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { shapePanel } from './micro/shape-kernel.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'shapes');
const RESULTS = join(ROOT, 'bench', 'results');
const CSRC = join(ROOT, 'bench', 'c-reference', 'mxl_ref.c');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');

const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
const option = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const QUICK = flag('--quick');
const FMA = flag('--fma');
const SAME_WIDTH = flag('--same-width');
const RELAXED = Number(process.versions.node.split('.')[0]) >= 22 ? [] : ['--experimental-wasm-relaxed-simd'];
const ROUNDS = Number(option('--rounds', QUICK ? '1' : '3'));
const PIN = Number(option('--pin', '0'));
const DISCARD = 100;
const TOL = 1e-9;
const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const fail = (m) => { log(`bench/shapes: ${m}`); process.exit(1); };

/**
 * The grid: each axis varied around a base (J = 5 alternatives, K = 3, T = 10,
 * R = 200), sizes picked so that one C evaluation takes roughly 10-100 ms.
 * `w2`: also time mxl on 2 workers.
 */
const GRID = [
  // alternatives (cross-sections, K = 3, R = 200)
  { name: 'J2', N: 20000, T: 1, J: 2, K: 3, R: 200 },
  { name: 'J5', N: 20000, T: 1, J: 5, K: 3, R: 200 },
  { name: 'J20', N: 10000, T: 1, J: 20, K: 3, R: 200, w2: true },
  { name: 'J100', N: 2000, T: 1, J: 100, K: 3, R: 200 },
  { name: 'J1000', N: 200, T: 1, J: 1000, K: 3, R: 200, w2: true },
  { name: 'J5000', N: 40, T: 1, J: 5000, K: 3, R: 200 },
  // random coefficients (panel T = 10, J = 5, R = 200)
  { name: 'K1', N: 2000, T: 10, J: 5, K: 1, R: 200 },
  { name: 'K3', N: 2000, T: 10, J: 5, K: 3, R: 200, w2: true },
  { name: 'K10', N: 1000, T: 10, J: 5, K: 10, R: 200 },
  { name: 'K30', N: 400, T: 10, J: 5, K: 30, R: 200 },
  // panel length (J = 5, K = 3, R = 200)
  { name: 'T50', N: 400, T: 50, J: 5, K: 3, R: 200 },
  // draws (T = 10, J = 5, K = 3)
  { name: 'R50', N: 4000, T: 10, J: 5, K: 3, R: 50 },
  { name: 'R1000', N: 500, T: 10, J: 5, K: 3, R: 1000 },
  // many alternatives and a long panel with more coefficients
  { name: 'J100K10', N: 500, T: 1, J: 100, K: 10, R: 200 },
  { name: 'J20T10K5R1000', N: 200, T: 10, J: 20, K: 5, R: 1000 },
  // ragged (2..13 available, 7.5 on average) against uniform (7 everywhere)
  { name: 'uniform7', N: 2000, T: 10, J: 7, K: 3, R: 200, w2: true },
  { name: 'ragged2-13', N: 2000, T: 10, J: 0, K: 3, R: 200, ragged: true, w2: true },
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}\n${r.stderr}`);
  return r.stdout;
}
const HAVE_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
/** Runs a command whose last stdout line is JSON; pinned to CPU PIN when `pin`. */
function runJSON(cmd, args, pin) {
  const out = pin && PIN >= 0 && HAVE_TASKSET ? run('taskset', ['-c', String(PIN), cmd, ...args]) : run(cmd, args);
  const lines = out.trim().split('\n');
  try { return JSON.parse(lines[lines.length - 1]); } catch { return fail(`${cmd}: last line is not JSON:\n${out}`); }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

/** Compiles the C reference (`defines`: e.g. ['-DMXL_SSE']) into bench/.work/shapes/<name> unless it is newer than the source. */
function buildC(name = 'mxl_ref', defines = []) {
  if (!existsSync(CSRC)) fail(`${CSRC} is missing`);
  mkdirSync(WORK, { recursive: true });
  const bin = join(WORK, name);
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(CSRC).mtimeMs) {
    log(`building the C reference ${name} ...`);
    run('cc', ['-O3', '-march=native', '-fopenmp', '-ffp-contract=fast', '-std=gnu11', ...defines, '-o', bin, CSRC, '-lm']);
  }
  return bin;
}

/** Writes a shape's data as the long CSV both read (id, task, alt, choice, x1..xK) once. */
async function csvFor(s) {
  const csv = join(WORK, `${s.name}-${s.N}x${s.T}x${s.ragged ? 'r' : s.J}x${s.K}.csv`);
  if (existsSync(csv)) return csv;
  log(`generating ${s.name} ...`);
  const d = shapePanel(s);
  const K = s.K;
  const out = createWriteStream(csv + '.tmp');
  let buf = `id,task,alt,choice,${Array.from({ length: K }, (_, k) => `x${k + 1}`).join(',')}\n`;
  for (let t = 0; t < d.nSituations; t++) {
    const i = Math.floor(t / s.T) + 1;
    for (let r = d.sitRow[t]; r < d.sitRow[t + 1]; r++) {
      let line = `${i},${t + 1},${d.rowAlt[r] + 1},${r === d.sitChosen[t] ? 1 : 0}`;
      for (let k = 0; k < K; k++) line += `,${d.X[r * K + k]}`;
      buf += line + '\n';
    }
    if (buf.length > 1 << 20) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
  }
  out.end(buf);
  await once(out, 'finish');
  run('mv', [csv + '.tmp', csv]);
  return csv;
}

/** mxl's spec and theta (b_k = 1 for odd k, -0.5 for even k, s_k = 0.5: the C reference's default). */
function mxlInputs(s, csv) {
  const spec = join(WORK, `${s.name}.spec.json`), theta = join(WORK, `${s.name}.theta.json`);
  writeFileSync(spec, JSON.stringify({
    data: { path: csv, id: 'id', situation: 'task', alt: 'alt', choice: 'choice' },
    model: { random: Object.fromEntries(Array.from({ length: s.K }, (_, k) => [`x${k + 1}`, 'normal'])) },
    integration: { rule: 'halton', draws: s.R, discard: DISCARD },
  }));
  const t = {};
  for (let k = 1; k <= s.K; k++) t[`x${k}`] = k % 2 ? 1 : -0.5;
  for (let k = 1; k <= s.K; k++) t[`sd.x${k}`] = 0.5;
  writeFileSync(theta, JSON.stringify(t));
  return { spec, theta };
}

/** Repetitions so that a run takes about a second or two (at least 3). */
const repsFor = (s) => Math.max(3, Math.min(QUICK ? 5 : 15, Math.round(4e9 / (s.N * s.T * (s.J || 7.5) * s.R))));

function check(label, m, c) {
  const llRel = Math.abs(m.ll - c.ll) / Math.abs(c.ll);
  const gmax = Math.max(...c.grad.map(Math.abs));
  const gradRel = Math.max(...c.grad.map((g, i) => Math.abs(m.grad[i] - g) / gmax));
  const ok = llRel <= TOL && gradRel <= TOL;
  if (!ok) log(`${label}: MISMATCH LL ${m.ll} vs C ${c.ll} (rel ${llRel.toExponential(2)}), gradient rel ${gradRel.toExponential(2)}`);
  return { ok, llRel, gradRel };
}

async function main() {
  if (!existsSync(CLI)) fail(`${CLI} is missing: build first (npx -y pnpm@12.4.2 run build)`);
  const only = option('--only', null)?.split(',');
  const w2Names = option('--workers2', null)?.split(',');
  const grid = GRID.filter((s) => !only || only.includes(s.name)).map((s) => ({ ...s, w2: w2Names ? w2Names.includes(s.name) : s.w2 }));
  const bin = buildC();
  const bin128 = SAME_WIDTH ? buildC('mxl_ref_sse', ['-DMXL_SSE']) : null;
  const started = new Date();
  const out = { date: started.toISOString(), quick: QUICK, rounds: ROUNDS, pinned_cpu: PIN >= 0 && HAVE_TASKSET ? PIN : null,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version }, loadavg_start: loadavg(), shapes: [] };
  const inputs = [];
  for (const s of grid) { const csv = await csvFor(s); inputs.push({ s, csv, ...mxlInputs(s, csv), reps: repsFor(s), runs: { c: [], m1: [], m2: [], c128: [], fma: [] } }); }
  let bad = false;
  for (let round = 0; round < ROUNDS; round++) {
    for (const x of inputs) {
      const { s, csv, spec, theta, reps } = x;
      const c = runJSON(bin, ['--data', csv, '--draws', String(s.R), '--discard', String(DISCARD), '--reps', String(reps), '--threads', '1'], true);
      const m1 = runJSON('node', [CLI, 'bench', 'loglik', spec, '--at', theta, '--reps', String(reps), '--workers', '1'], true);
      x.runs.c.push(c); x.runs.m1.push(m1);
      bad ||= !check(`${s.name} mxl 1 worker`, m1, c).ok;
      const cArgs = ['--data', csv, '--draws', String(s.R), '--discard', String(DISCARD), '--reps', String(reps), '--threads', '1'];
      const c128 = bin128 ? runJSON(bin128, cArgs, true) : null;
      if (c128) { x.runs.c128.push(c128); bad ||= !check(`${s.name} C 2 doubles per vector`, c128, c).ok; }
      const mf = FMA ? runJSON('node', [...RELAXED, CLI, 'bench', 'loglik', spec, '--at', theta, '--reps', String(reps), '--workers', '1'], true) : null;
      if (mf) { x.runs.fma.push(mf); bad ||= !check(`${s.name} mxl relaxed SIMD`, mf, c).ok; }
      let m2 = null;
      if (s.w2) {
        m2 = runJSON('node', [CLI, 'bench', 'loglik', spec, '--at', theta, '--reps', String(reps), '--workers', '2'], false);
        x.runs.m2.push(m2);
        const same = m2.ll === m1.ll && m2.grad.every((g, i) => g === m1.grad[i]);
        if (!same) { log(`${s.name}: 1 and 2 workers differ`); bad = true; }
      }
      log(`round ${round + 1} ${s.name.padEnd(14)} C ${fmt(c.median_seconds * 1e3, 1)} ms, mxl ${fmt(m1.median_seconds * 1e3, 1)} ms (x${fmt(m1.median_seconds / c.median_seconds)})` +
        (m2 ? `, 2 workers ${fmt(m2.median_seconds * 1e3, 1)} ms` : '') + (mf ? `, relaxed SIMD ${fmt(mf.median_seconds * 1e3, 1)} ms` : '') +
        (c128 ? `, C 2-wide ${fmt(c128.median_seconds * 1e3, 1)} ms` : '') + ` [load ${loadavg()[0].toFixed(1)}]`);
    }
  }
  for (const x of inputs) {
    const best = (rs) => (rs.length ? Math.min(...rs.map((r) => r.median_seconds)) : null);
    const c = best(x.runs.c), m1 = best(x.runs.m1), m2 = best(x.runs.m2), c128 = best(x.runs.c128), mf = best(x.runs.fma);
    const rows = x.runs.c[0].n_rows;
    out.shapes.push({
      ...x.s, csv: x.csv, reps: x.reps, rows, C_seconds: c, mxl1_seconds: m1, mxl2_seconds: m2,
      mxl_over_C: m1 / c, paired_mxl_over_C: median(x.runs.m1.map((r, i) => r.median_seconds / x.runs.c[i].median_seconds)),
      speedup_2w: m2 ? m1 / m2 : null, C128_seconds: c128, mxl_fma_seconds: mf,
      mxl_fma_over_C: mf ? mf / c : null, mxl_over_C128: c128 ? m1 / c128 : null, mxl_fma_over_C128: c128 && mf ? mf / c128 : null, ns_per_row_draw: { C: (c / (rows * x.s.R)) * 1e9, mxl: (m1 / (rows * x.s.R)) * 1e9 },
      ll: x.runs.c[0].ll, runs: x.runs,
    });
  }
  const extra = [...(FMA ? ['mxl relaxed SIMD ms', 'mxl relaxed SIMD / C'] : []), ...(SAME_WIDTH ? ['C 2-wide ms', 'mxl / C 2-wide', ...(FMA ? ['mxl relaxed SIMD / C 2-wide'] : [])] : [])];
  const head = ['shape', 'N × T × J × K, R', 'C 1 thread ms', 'mxl 1 worker ms', 'mxl / C', 'mxl 2 workers speed-up', ...extra];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const ratio = (v) => (v ? fmt(v) + 'x' : '-');
  for (const r of out.shapes) {
    const cells = [r.name, `${r.N} × ${r.T} × ${r.ragged ? '2..13' : r.J} × ${r.K}, ${r.R}`, fmt(r.C_seconds * 1e3, 1), fmt(r.mxl1_seconds * 1e3, 1), ratio(r.mxl_over_C), ratio(r.speedup_2w)];
    if (FMA) cells.push(fmt(r.mxl_fma_seconds * 1e3, 1), ratio(r.mxl_fma_over_C));
    if (SAME_WIDTH) cells.push(fmt(r.C128_seconds * 1e3, 1), ratio(r.mxl_over_C128), ...(FMA ? [ratio(r.mxl_fma_over_C128)] : []));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const u = out.shapes.find((r) => r.name === 'uniform7'), g = out.shapes.find((r) => r.name === 'ragged2-13');
  if (u && g) {
    const per = (r, k) => r[k] / r.rows;
    out.ragged = { mxl_ragged_over_uniform_per_row: per(g, 'mxl1_seconds') / per(u, 'mxl1_seconds'), C_ragged_over_uniform_per_row: per(g, 'C_seconds') / per(u, 'C_seconds') };
    lines.push('', `Ragged (2..13 available) against uniform (7) per available row: mxl ${fmt(out.ragged.mxl_ragged_over_uniform_per_row)}x, C ${fmt(out.ragged.C_ragged_over_uniform_per_row)}x.`);
  }
  out.table = lines.join('\n');
  out.loadavg_end = loadavg();
  out.ok = !bad;
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `shapes-${started.toISOString().replace(/[:]/g, '-').replace(/\..*/, '')}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(out.table + '\n');
  log(`results: ${file} (load average ${out.loadavg_start.map((v) => v.toFixed(1)).join(' ')} at the start, ${out.loadavg_end.map((v) => v.toFixed(1)).join(' ')} at the end)`);
  if (bad) fail('mxl disagrees with the C reference, or 1 and 2 workers differ (see above)');
}

main().catch((e) => fail(e.stack ?? String(e)));
