#!/usr/bin/env node
/**
 * The log-likelihood + gradient benchmark (see bench/README.md):
 *
 *   node bench/loglik.mjs [--quick] [--no-rss | --rss] [--no-electricity] [--no-scaling] [--quiet-wait S]
 *   node bench/loglik.mjs --plot bench/results/loglik-DATE.json     (redraw a run's plot)
 *
 * In one run it compiles the C reference bench/c-reference/mxl_ref.c into bench/.work
 * (with gcc, cc or clang, or $CC; skipped with a message when there is no C compiler),
 * generates P1 and P2 with bench/make-panel.mjs, times the C reference (1 and 2
 * threads) and mxl's contract command `mxl bench loglik` (1 and 2
 * workers), checks that mxl's LL and gradient equal the C reference's to 1e-9
 * relative (exit 1 otherwise), prints the table, runs the
 * scaling series (time against N and against R, mxl on 1 worker, beside C on one
 * thread), plots it (vega-lite -> SVG, resvg -> PNG), measures peak RSS of
 * N = 100,000 individuals with R = 2,000 draws that are not cached, times the
 * electricity fit (examples/electricity) at R = 2000 on 2 workers, and writes everything with the machine
 * into bench/results/loglik-<date>.json (+ .svg, .png).
 *
 * Single-thread runs (C 1 thread, mxl 1 worker) are pinned to one CPU
 * (--pin N, default 0; -1 for none) with taskset, so that their ratios compare
 * the same vCPU: on a shared host the two vCPUs can differ in speed by 1.5x.
 *
 * The machine may be shared: before each run of the main table and of the
 * electricity fit the script waits (up to --quiet-wait seconds, default 20; 0 in
 * --quick) for a 2 s window in which the CPUs are at least 90% idle, and records
 * the idle share it saw (the scaling runs only record it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work');
const RESULTS = join(ROOT, 'bench', 'results');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');
const HERE = join(ROOT, 'bench');
const C_SRC = join(HERE, 'c-reference', 'mxl_ref.c');
const ELECTRICITY = join(ROOT, 'examples', 'electricity', 'electricity_long.csv');
/** Halton points skipped, in mxl's spec and the references alike (mxl's default). */
const DISCARD = 100;

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const QUICK = flag('--quick');
const QUIET_WAIT = Number(option('--quiet-wait', QUICK ? '0' : '20'));
const TOL = 1e-9;
const ROUNDS = Number(option('--rounds', QUICK ? '1' : '3'));
/** CPU that every single-thread run is pinned to (C 1 thread, mxl 1 worker), or -1 for none. */
const PIN = Number(option('--pin', '0'));

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
function fail(msg) {
  log(`bench/loglik: ${msg}`);
  process.exit(1);
}

// ------------------------------------------------------------------ helpers
function run(cmd, args, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const wall = (performance.now() - t0) / 1000;
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, wall };
}
const HAVE_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
/** Runs a command whose last stdout line is a JSON object; pinned to CPU PIN when `pin`. */
function runJSON(cmd, args, opts, pin = false) {
  const r = pin && PIN >= 0 && HAVE_TASKSET ? run('taskset', ['-c', String(PIN), cmd, ...args], opts) : run(cmd, args, opts);
  const lines = r.stdout.trim().split('\n');
  try {
    return { ...JSON.parse(lines[lines.length - 1]), _wall: r.wall };
  } catch {
    return fail(`${cmd} ${args.join(' ')}: last line is not JSON:\n${r.stdout}`);
  }
}
function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  return { idle, total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
}
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
/** Idle percentage of all CPUs over a short window. */
function idlePct(ms = 2000) {
  const a = cpuTimes();
  sleep(ms);
  const b = cpuTimes();
  return Math.round((100 * (b.idle - a.idle)) / Math.max(1, b.total - a.total));
}
/** Waits (up to QUIET_WAIT s) for a quiet machine; returns the idle % last seen. */
function waitQuiet(maxSeconds = QUIET_WAIT) {
  if (maxSeconds <= 0) return idlePct(500);
  const t0 = Date.now();
  for (;;) {
    const idle = idlePct();
    if (idle >= 90 || Date.now() - t0 >= maxSeconds * 1000) return idle;
  }
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/).slice(0, 3).map(Number);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x, d = 4) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

function machine() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const flags = /flags\s*:\s*(.*)/.exec(info)?.[1]?.split(' ') ?? [];
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return {
    cpu: model, cores: availableParallelism(), avx512: flags.includes('avx512f'), memoryGB: Math.round(Number(/MemTotal:\s*(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1048576),
    node: process.version, v8: process.versions.v8,
    commit: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
  };
}

// ------------------------------------------------------------------ inputs
/** The first C compiler that answers --version: $CC, gcc, cc, clang. */
function findCompiler() {
  for (const cc of [process.env.CC, 'gcc', 'cc', 'clang'].filter(Boolean)) {
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return { cc, version: r.stdout.split('\n')[0].trim() };
  }
  return null;
}

/**
 * Compiles bench/c-reference/mxl_ref.c into bench/.work/mxl_ref (again when the source
 * or the command changed). Tries -O3 -march=native with OpenMP, then without OpenMP
 * (one thread only), then without -march=native. Returns null (and says why) when
 * there is no C compiler or nothing compiles: mxl is still timed.
 */
function buildC() {
  mkdirSync(WORK, { recursive: true });
  const found = findCompiler();
  if (!found) {
    log('C reference skipped: no C compiler found (tried $CC, gcc, cc, clang); mxl is still timed');
    return null;
  }
  const bin = join(WORK, 'mxl_ref');
  const stamp = `${bin}.cmd`;
  const base = ['-O3', '-ffp-contract=fast', '-std=gnu11'];
  const attempts = [
    { flags: [...base, '-march=native', '-fopenmp'], openmp: true },
    { flags: [...base, '-march=native'], openmp: false },
    { flags: [...base], openmp: false },
  ];
  const errors = [];
  for (const a of attempts) {
    const args = [...a.flags, '-o', bin, C_SRC, '-lm'];
    const cmd = [found.cc, ...args].join(' ');
    const fresh = existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === cmd && statSync(bin).mtimeMs >= statSync(C_SRC).mtimeMs;
    if (!fresh) {
      log(`building the C reference: ${cmd}`);
      const r = spawnSync(found.cc, args, { cwd: ROOT, encoding: 'utf8' });
      if (r.error || r.status !== 0) {
        errors.push(`${cmd}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
        continue;
      }
      writeFileSync(stamp, cmd);
    }
    if (!a.openmp) log('C reference built without OpenMP: its 2-thread runs are skipped');
    return { bin, cc: found.cc, version: found.version, command: cmd, openmp: a.openmp };
  }
  log(`C reference skipped: it does not compile with ${found.cc}; mxl is still timed\n  ${errors.join('\n  ')}`);
  return null;
}

/** Generates a make-panel.mjs shape-design panel once (the file is a deterministic function of its arguments). */
function panel(name, N, T, J, K) {
  const csv = join(WORK, `${name}.csv`);
  const stamp = `${csv}.args`;
  const args = ['--individuals', N, '--tasks', T, '--alts', J, '--vars', K, '--seed', 1].map(String);
  if (!existsSync(csv) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== args.join(' ')) {
    log(`generating ${name}: N=${N} T=${T} J=${J} K=${K} ...`);
    // --single-threaded: no V8 background tasks, so no exit-time deadlock of Node 20
    // (nodejs/node#54918: a compile task waiting for a GC while the main thread drains the
    // tasks, seen here once); a run killed after its last line still wrote the whole file
    const r = spawnSync('node', ['--single-threaded', join(HERE, 'make-panel.mjs'), ...args, '--out', csv], { cwd: ROOT, encoding: 'utf8', timeout: 600_000, killSignal: 'SIGKILL' });
    if (!(r.stdout ?? '').includes(`wrote ${csv}.truth.json`)) fail(`make-panel.mjs ${args.join(' ')} failed (status ${r.status}, signal ${r.signal})\n${r.stderr}`);
    writeFileSync(stamp, args.join(' '));
  }
  return csv;
}

/** The generator's truth, b_k = 1 for odd k and -0.5 for even k, s_k = 0.5: theta for every implementation. */
function truthTheta(K) {
  return [...Array.from({ length: K }, (_, k) => (k % 2 === 0 ? 1 : -0.5)), ...Array.from({ length: K }, () => 0.5)];
}

/** mxl's spec and theta (the generator's truth) for a make-panel.mjs file. */
function mxlInputs(name, csv, K, R) {
  const spec = join(WORK, `${name}.R${R}.spec.json`);
  const theta = join(WORK, `${name}.theta.json`);
  const random = Object.fromEntries(Array.from({ length: K }, (_, k) => [`x${k + 1}`, 'normal']));
  writeFileSync(spec, JSON.stringify({
    data: { path: csv, id: 'id', situation: 'situation', alt: 'alt', choice: 'choice' },
    model: { random },
    // individual i takes the Halton points discard + i R + r, in mxl and in the references
    integration: { rule: 'halton', draws: R, discard: DISCARD },
  }, null, 2));
  const th = truthTheta(K);
  const t = {};
  for (let k = 1; k <= K; k++) t[`x${k}`] = th[k - 1];
  for (let k = 1; k <= K; k++) t[`sd.x${k}`] = th[K + k - 1];
  writeFileSync(theta, JSON.stringify(t));
  return { spec, theta, thetaList: th.join(',') };
}

// ------------------------------------------------------------------ runners
const refArgs = (csv, R, reps, thetaList) => ['--data', csv, '--draws', String(R), '--discard', String(DISCARD), '--theta', thetaList, '--reps', String(reps)];
function runC(c, csv, R, reps, threads, thetaList, quiet = QUIET_WAIT) {
  const idle = waitQuiet(quiet);
  const r = runJSON(c.bin, [...refArgs(csv, R, reps, thetaList), '--threads', String(threads)], {}, threads === 1);
  return { impl: `C -O3 -march=native, ${threads} thread${threads > 1 ? 's' : ''}`, median: r.median_seconds, min: r.min_seconds, reps, ll: r.ll, grad: r.grad, idle, raw: r };
}
function runMxl(inputs, reps, workers, quiet = QUIET_WAIT) {
  const idle = waitQuiet(quiet);
  const r = runJSON('node', [CLI, 'bench', 'loglik', inputs.spec, '--at', inputs.theta, '--reps', String(reps), '--workers', String(workers)], {}, workers === 1);
  return { impl: `mxl, ${workers} worker${workers > 1 ? 's' : ''}`, median: r.median_seconds, min: r.min_seconds, reps, ll: r.ll, grad: r.grad, names: r.names, idle, peak_rss_mb: r.peak_rss_mb, wall: r._wall, raw: r };
}

/** An implementation's LL and gradient against a reference's: relative LL, and the gradient relative to its largest component. */
function check(label, mxl, c, refName = 'C') {
  const llRel = Math.abs(mxl.ll - c.ll) / Math.abs(c.ll);
  const gmax = Math.max(...c.grad.map(Math.abs));
  const gradRel = Math.max(...c.grad.map((g, i) => Math.abs(mxl.grad[i] - g) / gmax));
  const gradRelEach = c.grad.map((g, i) => Math.abs(mxl.grad[i] - g) / Math.max(Math.abs(g), 1e-300));
  const ok = llRel <= TOL && gradRel <= TOL;
  log(`${label}: LL ${mxl.ll} vs ${refName} ${c.ll} (rel ${llRel.toExponential(2)}), gradient max rel ${gradRel.toExponential(2)} ${ok ? 'OK' : 'MISMATCH'}`);
  return { ok, llRel, gradRel, gradRelEach };
}

// ------------------------------------------------------------------ plot
async function plot(scaling, base) {
  let vega, vegaLite, Resvg;
  try {
    vega = await import('vega');
    vegaLite = await import('vega-lite');
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch (e) {
    log(`plot skipped: ${e.message} (run npx -y pnpm@12.4.2 install)`);
    return null;
  }
  const rowsN = [], rowsR = [];
  for (const p of scaling.byN) for (const [impl, v] of Object.entries(p.seconds)) if (v !== null) rowsN.push({ x: p.N, impl, seconds: v });
  for (const p of scaling.byR) for (const [impl, v] of Object.entries(p.seconds)) if (v !== null) rowsR.push({ x: p.R, impl, seconds: v });
  const panel = (values, title, xTitle) => ({
    title, width: 320, height: 240, data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: xTitle },
      y: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'seconds per LL + gradient (median)' },
      color: { field: 'impl', type: 'nominal', title: null },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Panel mixed logit, one log-likelihood + gradient evaluation', subtitle: `T=${scaling.T} J=${scaling.J} K=${scaling.K} (bench/make-panel.mjs); mxl on 1 worker, the C reference (bench/c-reference) on 1 thread` },
    hconcat: [
      panel(rowsN, `against N (R = ${scaling.fixedR})`, 'individuals N'),
      panel(rowsR, `against R (N = ${scaling.fixedN})`, 'draws R'),
    ],
    config: { font: 'sans-serif', background: 'white' },
  };
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  await view.finalize();
  writeFileSync(`${base}.svg`, svg);
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
  writeFileSync(`${base}.png`, png);
  return { svg: `${base}.svg`, png: `${base}.png`, vegaLite: spec };
}

// ------------------------------------------------------------------ main
async function main() {
  const replot = option('--plot', null);
  if (replot) {
    // re-plot the scaling series of an earlier results file
    const prev = JSON.parse(readFileSync(replot, 'utf8'));
    const p = await plot(prev.scaling, replot.replace(/\.json$/, ''));
    log(p ? `wrote ${p.svg} and ${p.png}` : 'nothing plotted');
    return;
  }
  if (!existsSync(CLI)) fail(`${CLI} is missing: build first (npx -y pnpm@12.4.2 run build)`);
  mkdirSync(RESULTS, { recursive: true });
  const started = new Date();
  const out = { date: started.toISOString(), quick: QUICK, machine: machine(), pinned_cpu_for_single_thread_runs: PIN >= 0 && HAVE_TASKSET ? PIN : null, loadavg_start: loadavg(), problems: [], checks: [] };
  log(`machine: ${out.machine.cpu}, ${out.machine.cores} cores, node ${out.machine.node}, commit ${out.machine.commit.slice(0, 10)}${out.machine.dirty ? ' (dirty)' : ''}`);
  const c = buildC();
  out.c_reference = c ? { source: 'bench/c-reference/mxl_ref.c', compiler: c.version, command: c.command.replaceAll(ROOT + '/', ''), openmp: c.openmp } : { skipped: 'no working C compiler' };
  const c2ok = c?.openmp ?? false;

  const problems = [
    { name: 'p1', N: 361, T: 12, J: 4, K: 6, R: 2000, reps: QUICK ? 3 : 9, pairs: QUICK ? 10 : 40 },
    { name: 'p2', N: 10000, T: 10, J: 5, K: 5, R: 1000, reps: QUICK ? 2 : 5, pairs: QUICK ? 4 : 16 },
  ];
  let bad = false;
  const ratio = (a, b) => (a && b ? a / b : null);
  for (const p of problems) {
    const csv = panel(p.name, p.N, p.T, p.J, p.K);
    const inputs = mxlInputs(p.name, csv, p.K, p.R);
    log(`${p.name.toUpperCase()}: N=${p.N} T=${p.T} J=${p.J} K=${p.K} R=${p.R}`);
    // rounds of all four (the machine may be shared): each implementation keeps its best median
    const rounds = [];
    const say = (r) => { if (r) log(`  ${r.impl}: ${fmt(r.median)} s (idle ${r.idle}%)`); return r; };
    for (let i = 0; i < ROUNDS; i++) {
      // the runs whose ratios are taken sit next to each other in time
      const c1 = say(c ? runC(c, csv, p.R, p.reps, 1, inputs.thetaList) : null);
      const m1 = say(runMxl(inputs, p.reps, 1));
      const m2 = say(runMxl(inputs, p.reps, 2));
      const c2 = say(c2ok ? runC(c, csv, p.R, p.reps, 2, inputs.thetaList) : null);
      rounds.push([c1, c2, m1, m2]);
    }
    const best = (j) => rounds.map((r) => r[j]).reduce((a, b) => (a === null || (b !== null && b.median < a.median) ? b : a));
    const [c1, c2, m1, m2] = [0, 1, 2, 3].map(best);
    // mxl against C: 1e-9 relative, or MISMATCH and exit status 1
    let k1 = null, k2 = null, kc2 = null;
    if (c1) {
      k1 = check(`${p.name} mxl 1 worker`, m1, c1, 'C');
      k2 = check(`${p.name} mxl 2 workers`, m2, c1, 'C');
      bad ||= !k1.ok || !k2.ok;
      if (c2) {
        kc2 = c2.ll === c1.ll && c2.grad.every((g, i) => g === c1.grad[i]);
        if (!kc2) log(`${p.name}: the C reference on 1 and 2 threads differs`);
      }
    } else {
      log(`${p.name}: no reference ran, so mxl's LL and gradient are not checked`);
    }
    const same = m1.ll === m2.ll && m1.grad.every((g, i) => g === m2.grad[i]);
    if (!same) log(`${p.name}: 1 and 2 workers differ`);
    bad ||= !same;
    // per round (runs next to each other in time), then the median over rounds
    const paired = (f) => { const xs = rounds.map((r) => f(...r)).filter((x) => x !== null); return xs.length ? median(xs) : null; };
    const ratios = {
      paired_medians: {
        mxl1w_over_C1t: paired((rc1, _c2, rm1) => ratio(rm1?.median, rc1?.median)),
        speedup_2w_over_1w: paired((_c1, _c2, rm1, rm2) => ratio(rm1?.median, rm2?.median)),
        C_speedup_2t_over_1t: paired((rc1, rc2) => ratio(rc1?.median, rc2?.median)),
      },
      mxl1w_over_C1t: ratio(m1.median, c1?.median),
      speedup_2w_over_1w: ratio(m1.median, m2.median),
      C_speedup_2t_over_1t: ratio(c1?.median, c2?.median),
      by_min: { mxl1w_over_C1t: ratio(m1.min, c1?.min), speedup_2w_over_1w: ratio(m1.min, m2.min) },
    };
    // 1 against 2 workers interleaved in one process (ABBA pairs of adjacent evaluations): see speedup.mjs
    waitQuiet();
    const inter = runJSON('node', [join(HERE, 'speedup.mjs'), inputs.spec, inputs.theta, '--pairs', String(p.pairs)], {});
    log(`  interleaved 1 vs 2 workers (${inter.pairs} ABBA pairs): speed-up median ${fmt(inter.speedup_median, 2)}x (quartiles ${fmt(inter.speedup_q25, 2)}-${fmt(inter.speedup_q75, 2)}), pool overhead ${fmt(inter.pool_overhead_ms_median, 2)} ms, compute inflation ${fmt(inter.compute_inflation_median, 3)}`);
    const strip = (r) => { if (!r) return null; const { raw, ...rest } = r; return rest; };
    out.problems.push({ ...p, csv: csv.replace(ROOT + '/', ''), runs: [c1, c2, m1, m2].filter(Boolean).map(strip), allRounds: rounds.map((r) => r.map(strip)), ratios, interleaved: inter, check: { reference: c1 ? 'C' : null, mxl1: k1, mxl2: k2, identical_1w_2w: same, identical_C_1t_2t: kc2 } });
  }

  // table
  const lines = [];
  lines.push('| problem | implementation | median s | min s | LL |');
  lines.push('|---|---|---|---|---|');
  for (const p of out.problems) for (const r of p.runs) lines.push(`| ${p.name.toUpperCase()} | ${r.impl} | ${fmt(r.median)} | ${fmt(r.min)} | ${r.ll.toFixed(8)} |`);
  lines.push('');
  lines.push('| problem | ratios from | mxl 1w / C 1t | mxl 2w speed-up | C 2t speed-up |');
  lines.push('|---|---|---|---|---|');
  const x = (v) => (v === null ? '-' : `${fmt(v, 2)}x`);
  for (const p of out.problems) {
    const q = p.ratios, r = q.paired_medians;
    lines.push(`| ${p.name.toUpperCase()} | runs next to each other (median over ${ROUNDS} rounds) | ${x(r.mxl1w_over_C1t)} | ${x(r.speedup_2w_over_1w)} | ${x(r.C_speedup_2t_over_1t)} |`);
    lines.push(`| ${p.name.toUpperCase()} | best medians above | ${x(q.mxl1w_over_C1t)} | ${x(q.speedup_2w_over_1w)} | ${x(q.C_speedup_2t_over_1t)} |`);
    lines.push(`| ${p.name.toUpperCase()} | best mins | ${x(q.by_min.mxl1w_over_C1t)} | ${x(q.by_min.speedup_2w_over_1w)} | - |`);
    const it = p.interleaved;
    lines.push(`| ${p.name.toUpperCase()} | 1 and 2 workers interleaved in one process (median of ${it.pairs} ABBA pairs; quartiles) | - | ${fmt(it.speedup_median, 2)}x (${fmt(it.speedup_q25, 2)}-${fmt(it.speedup_q75, 2)}) | - |`);
  }
  const skipped = [!c && 'C reference (no C compiler)', c && !c2ok && 'C on 2 threads (no OpenMP)'].filter(Boolean);
  if (skipped.length) lines.push('', `skipped: ${skipped.join('; ')}`);
  out.table = lines.join('\n');
  process.stdout.write(out.table + '\n\n');
  const stamp = started.toISOString().replace(/[:]/g, '-').replace(/\..*/, '');
  const base = join(RESULTS, `loglik-${stamp}`);
  const save = () => writeFileSync(`${base}.json`, JSON.stringify(out, null, 2) + '\n');
  save();

  // scaling: time against N and against R (mxl 1 worker, C 1 thread)
  if (!flag('--no-scaling')) {
    const T = 12, J = 4, K = 6;
    const Ns = QUICK ? [50, 200, 800] : [50, 100, 200, 400, 800, 1600, 3200];
    const Rs = QUICK ? [250, 1000, 4000] : [125, 250, 500, 1000, 2000, 4000, 8000];
    const fixedR = 1000, fixedN = 361;
    const reps = QUICK ? 2 : 5;
    const scaling = { T, J, K, fixedR, fixedN, byN: [], byR: [] };
    const point = (label, csv, inputs, R) => {
      const m = runMxl(inputs, reps, 1, 0);
      const cr = c ? runC(c, csv, R, reps, 1, inputs.thetaList, 0) : null;
      if (cr) {
        const k = check(`scaling ${label}`, m, cr);
        bad ||= !k.ok;
      }
      log(`  ${label}: mxl ${fmt(m.median)} s, C ${cr ? `${fmt(cr.median)} s` : 'skipped'}`);
      const seconds = { 'mxl 1 worker': m.median };
      if (cr) seconds['C 1 thread'] = cr.median;
      return { seconds, min: { mxl: m.min, C: cr?.min ?? null }, idle: m.idle };
    };
    for (const N of Ns) {
      const csv = panel(`scale-n${N}`, N, T, J, K);
      scaling.byN.push({ N, R: fixedR, ...point(`N=${N}`, csv, mxlInputs(`scale-n${N}`, csv, K, fixedR), fixedR) });
    }
    const csv = panel('p1', 361, T, J, K);
    for (const R of Rs) scaling.byR.push({ N: fixedN, R, ...point(`R=${R}`, csv, mxlInputs('p1', csv, K, R), R) });
    out.scaling = scaling;
    out.plot = await plot(scaling, base);
    save();
  }

  // peak RSS: N = 100,000 individuals, R = 2,000, K = 5, draws not cached
  if (!flag('--no-rss') && (!QUICK || flag('--rss'))) {
    // T = 5 situations of J = 3 alternatives keep the CSV small (about 70 MB); the draws are what matters
    const N = 100000, T = 5, J = 3, K = 5, R = 2000;
    const csv = panel(`rss-n${N}`, N, T, J, K);
    const inputs = mxlInputs(`rss-n${N}`, csv, K, R);
    const drawsGB = (N * K * R * 8) / 2 ** 30;
    log(`peak RSS: N=${N} T=${T} J=${J} K=${K} R=${R} (a draw cache would take ${drawsGB.toFixed(1)} GiB: ${drawsGB > 1 ? 'not cached' : 'cached'}) ...`);
    const m = runMxl(inputs, 1, 2);
    out.rss = { N, T, J, K, R, workers: 2, draws_cached: drawsGB <= 1, would_be_cache_gib: drawsGB, peak_rss_mb: m.peak_rss_mb, seconds_per_evaluation: m.median, wall_seconds: m.wall, ll: m.ll };
    log(`  peak RSS ${m.peak_rss_mb.toFixed(0)} MB, ${fmt(m.median, 2)} s per evaluation (draws regenerated)`);
    save();
  }

  // end to end: the electricity fit at R = 2000 on 2 workers
  if (!flag('--no-electricity')) {
    const spec = join(WORK, 'electricity-r2000.spec.json');
    const result = join(WORK, 'electricity-r2000.result.json');
    writeFileSync(spec, JSON.stringify({
      data: { path: ELECTRICITY, id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
      model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
      integration: { rule: 'halton', draws: 2000 },
      se: 'bhhh',
    }, null, 2));
    const runs = [];
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      const idle = waitQuiet();
      const r = run('node', [CLI, 'estimate', spec, '--out', result, '--workers', '2', '--quiet']);
      const res = JSON.parse(readFileSync(result, 'utf8'));
      runs.push({ wall_seconds: r.wall, seconds: res.seconds, loglik: res.loglik, iterations: res.iterations, evaluations: res.functionEvaluations, idle });
      log(`electricity R=2000, 2 workers: ${r.wall.toFixed(2)} s wall, LL ${res.loglik.toFixed(4)}, ${res.iterations} iterations, ${res.functionEvaluations} evaluations`);
    }
    const target = -3883.5422;
    const ll = runs[0].loglik;
    const llOk = Math.abs(ll - target) < 5e-5;
    if (!llOk) { log(`electricity: LL ${ll} is not ${target}`); bad = true; }
    out.electricity = { draws: 2000, workers: 2, runs, median_wall_seconds: median(runs.map((r) => r.wall_seconds)), loglik: ll, expected_loglik: target, loglik_ok: llOk, under_6s: median(runs.map((r) => r.wall_seconds)) < 6 };
    save();
  }

  out.loadavg_end = loadavg();
  out.ok = !bad;
  save();
  log(`results: ${base}.json`);
  if (bad) fail('mxl disagrees with the reference, or 1 and 2 workers differ (see above)');
}

main().catch((e) => fail(e.stack ?? String(e)));
