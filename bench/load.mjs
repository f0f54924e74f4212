#!/usr/bin/env node
// load.mjs — how fast mxl reads a large panel (CSV and Parquet) against DuckDB, and
// how much memory loading, one log-likelihood evaluation and a whole estimation take.
//
// Usage (from the repo root, after `npx -y pnpm@12.4.2 run build`):
//   node bench/load.mjs                 # 1,000,000 individuals (20M rows), 3 reps, estimations
//   node bench/load.mjs --quick         # 100,000 individuals, 1 rep, no estimation (~1 min)
// Options:
//   --csv PATH --parquet PATH   existing fixture files (default bench/.work/panel-1m.csv and
//                               PATH.parquet; --quick: bench/.work/panel-100k.csv); generated with
//                               bench/make-panel.mjs --parquet when missing (the Parquet file must
//                               then be CSV + '.parquet'); truth from CSV + '.truth.json' (--truth PATH)
//   --individuals N             size of a generated fixture (default 1e6, --quick 1e5)
//   --reps N                    repetitions of every load measurement (default 3, --quick 1)
//   --estimate / --no-estimate  whole estimations from the CSV and the Parquet (default: on; off in --quick)
//   --estimate-timeout S        kill an estimation after S seconds (default 900)
//   --no-duck2                  skip the DuckDB 2-thread reference runs
//   --no-ll                     skip "load + one LL evaluation"
//   --draws R                   Halton draws of the LL evaluation and the estimations (default 20)
//   --only a,b,...              run only these measurements (names as in the table)
//   --out PATH                  result JSON (default bench/results/load-<ISO date>.json)
//   --quiet-wait S              before each run wait up to S s for a 1-s window with >= 90% idle CPU
//                               (default 10, --quick 2); each run records `otherLoad`, the share of
//                               the host's CPU time used by other processes while it ran
//
// Every measurement runs in a fresh child process (`node bench/load.mjs --child JSON`), so the
// peak RSS it reports (process.resourceUsage().maxRSS, worker threads included) is that
// measurement's alone; the reps are interleaved (all measurements of rep 1, then rep 2, ...),
// and the table reports the median and the min over the reps. Times are taken inside the child
// around the read only (module import and process start excluded; reported separately as
// `childWallSeconds`). Both files are read once before timing, so every run reads from the page cache.
//
// Measurements:
//   mxl-csv-w1 / -w2      loadChoiceData on the CSV (long panel layout, 5 variables, shared X), workers 1 / 2
//   mxl-pq-w1 / -w2       the same on the Parquet file
//   duck-csv-table-1t     DuckDB (threads=1) CREATE TABLE t AS SELECT the 9 columns FROM read_csv(... explicit types)
//   duck-csv-js-1t        the same SELECT streamed into JS typed arrays (Int32Array/Float64Array per column;
//                         rows unknown up front: capacity bounded by file size / 18 bytes, untouched pages cost no RSS)
//   duck-pq-table-1t / duck-pq-js-1t   read_parquet, the same two ways (rows from count(*), the metadata)
//   duck-*-2t             the same with threads=2 (reference; --no-duck2 skips them)
//   mxl-ll                prepare (load CSV, workers 2) + engineFor(p, 2) + two LL evaluations
//                         (R Halton draws, x1..x3 random normal, x4, x5 fixed; theta: means 0, sds 0.1)
//   estimate-csv / estimate-pq   `node packages/cli/dist/main.js estimate SPEC --out ... --quiet`
//                         under /usr/bin/time (wall time, peak RSS), estimates against the truth
//
// Prints the table, the ratios (mxl CSV / DuckDB read_csv, mxl Parquet / mxl CSV, mxl Parquet /
// DuckDB read_parquet; by median and by min) and PASS/FAIL for the memory bound (every mxl
// peak RSS <= 2.5 GB = 2.5e9 bytes), and writes everything to bench/results/load-<date>.json.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const WORK = path.join(HERE, '.work');
const RESULTS = path.join(HERE, 'results');
const CLI = path.join(ROOT, 'packages/cli/dist/main.js');
const INTS = ['id', 'situation', 'alt', 'choice'];
const DBLS = ['x1', 'x2', 'x3', 'x4', 'x5'];
const NAMES = [...INTS, ...DBLS];
const RSS_BOUND_BYTES = 2.5e9;
const MARK = '@@LOAD-RESULT ';

if (process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3]));
  process.exit(0);
}

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const opt = {
  csv: null, parquet: null, truth: null,
  individuals: QUICK ? 100_000 : 1_000_000,
  reps: QUICK ? 1 : 3,
  estimate: !QUICK,
  estimateTimeout: 900,
  duck2: true,
  ll: true,
  draws: 20,
  only: null,
  out: null,
  quietWait: QUICK ? 2 : 10,
};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => {
    const v = argv[++i];
    if (v === undefined) throw new Error(`missing value for ${a}`);
    return v;
  };
  if (a === '--quick') continue;
  else if (a === '--csv') opt.csv = path.resolve(val());
  else if (a === '--parquet') opt.parquet = path.resolve(val());
  else if (a === '--truth') opt.truth = path.resolve(val());
  else if (a === '--individuals') opt.individuals = Number.parseInt(val(), 10);
  else if (a === '--reps') opt.reps = Number.parseInt(val(), 10);
  else if (a === '--estimate') opt.estimate = true;
  else if (a === '--no-estimate') opt.estimate = false;
  else if (a === '--estimate-timeout') opt.estimateTimeout = Number(val());
  else if (a === '--no-duck2') opt.duck2 = false;
  else if (a === '--no-ll') opt.ll = false;
  else if (a === '--draws') opt.draws = Number.parseInt(val(), 10);
  else if (a === '--only') opt.only = val().split(',').map((s) => s.trim()).filter(Boolean);
  else if (a === '--out') opt.out = path.resolve(val());
  else if (a === '--quiet-wait') opt.quietWait = Number(val());
  else if (a === '-h' || a === '--help') {
    const head = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
    console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
    process.exit(0);
  } else throw new Error(`unknown argument ${a}`);
}
if (!(opt.reps >= 1)) throw new Error('bad --reps');
if (!(opt.individuals >= 1)) throw new Error('bad --individuals');
if (!(opt.draws >= 1)) throw new Error('bad --draws');
if (!(opt.estimateTimeout > 0)) throw new Error('bad --estimate-timeout');

const tag = opt.individuals % 1_000_000 === 0 ? `${opt.individuals / 1_000_000}m` : opt.individuals % 1000 === 0 ? `${opt.individuals / 1000}k` : String(opt.individuals);
const CSV = opt.csv ?? path.join(WORK, `panel-${tag}.csv`);
const PQ = opt.parquet ?? `${CSV}.parquet`;
const TRUTH = opt.truth ?? `${CSV}.truth.json`;

// ---------------------------------------------------------------- helpers
const sh = (cmd, args) => { try { return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const min = (xs) => Math.min(...xs);
const max = (xs) => Math.max(...xs);
const mb = (bytes) => bytes / 1e6;
const f = (x, d = 2) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const log = (s) => process.stderr.write(`${s}\n`);

function machine() {
  let cpu = null;
  try { cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? null; } catch { /* not Linux */ }
  return {
    cpu: cpu ?? os.cpus()[0]?.model ?? null,
    cores: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()}`,
    commit: sh('git', ['rev-parse', 'HEAD']),
    dirty: (sh('git', ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  };
}

function runChild(args, { timeoutSeconds = 3600, wrapTime = false } = {}) {
  return new Promise((resolve) => {
    const timeFile = path.join(WORK, `load-time-${process.pid}.txt`);
    const [cmd, cmdArgs] = wrapTime ? ['/usr/bin/time', ['-f', '%M %e %U %S', '-o', timeFile, process.execPath, ...args]] : [process.execPath, args];
    const st0 = procStat();
    const t0 = performance.now();
    const ch = spawn(cmd, cmdArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', timedOut = false;
    ch.stdout.on('data', (d) => { out += d; });
    ch.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { timedOut = true; ch.kill('SIGKILL'); }, timeoutSeconds * 1000);
    ch.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = (performance.now() - t0) / 1000;
      const st1 = procStat();
      const hostBusySeconds = st0 && st1 ? st1.busy - st0.busy : null;
      let time = null;
      if (wrapTime) {
        try {
          const [kb, secs, user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
          time = { maxRSSBytes: kb * 1024, seconds: secs, cpuSeconds: user + sys };
          fs.rmSync(timeFile, { force: true });
        } catch { /* killed */ }
      }
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      const result = line ? JSON.parse(line.slice(MARK.length)) : null;
      const own = result?.cpuSeconds ?? time?.cpuSeconds ?? null;
      // CPU time the rest of the host used during the run, as a share of all cores' time
      const otherLoad = hostBusySeconds !== null && own !== null ? Math.max(0, hostBusySeconds - own) / (wall * os.cpus().length) : null;
      resolve({ code, signal, timedOut, wall, out, err, time, result, hostBusySeconds, otherLoad });
    });
  });
}

// ---------------------------------------------------------------- fixture
async function ensureFixture() {
  fs.mkdirSync(WORK, { recursive: true });
  if (fs.existsSync(CSV) && fs.existsSync(PQ)) return false;
  if (PQ !== `${CSV}.parquet`) throw new Error(`missing fixture: ${fs.existsSync(CSV) ? PQ : CSV}; make-panel.mjs writes the Parquet copy to CSV + '.parquet' only`);
  log(`generating ${CSV} (+ .parquet): ${opt.individuals} individuals, seed 1 ...`);
  const r = await runChild([path.join(HERE, 'make-panel.mjs'), '--individuals', String(opt.individuals), '--seed', '1', '--out', CSV, '--parquet']);
  if (r.code !== 0) throw new Error(`make-panel.mjs failed:\n${r.err}`);
  return true;
}

// busy and total CPU seconds of the host, from /proc/stat (null elsewhere)
function procStat() {
  try {
    const v = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = v;
    return { busy: (user + nice + system + irq + softirq + (steal || 0)) / 100, total: (user + nice + system + idle + iowait + irq + softirq + (steal || 0)) / 100 };
  } catch { return null; }
}

// waits up to `seconds` for a 1-second window with >= 90% idle CPU; returns the idle share seen last
async function quietWait(seconds) {
  if (!(seconds > 0)) return null;
  const until = Date.now() + seconds * 1000;
  let idle = null;
  do {
    const a = procStat();
    await new Promise((r) => setTimeout(r, 1000));
    const b = procStat();
    if (!a || !b) return null;
    idle = 1 - (b.busy - a.busy) / Math.max(1e-9, b.total - a.total);
    if (idle >= 0.9) break;
  } while (Date.now() < until);
  return idle;
}

// which code a run used: git HEAD and the newest build output of the packages it loads
// (the packages may be rebuilt while the benchmark runs; the reps would then mix versions)
const PKGS = ['core', 'data', 'engine', 'estimation', 'integration', 'optim', 'cli'];
function codeStamp() {
  let newest = 0;
  const walk = (dir) => {
    let ents = [];
    try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of ents) {
      const q = path.join(dir, e.name);
      if (e.isDirectory()) walk(q);
      else if (e.name.endsWith('.js')) newest = Math.max(newest, fs.statSync(q).mtimeMs);
    }
  };
  for (const k of PKGS) walk(path.join(ROOT, 'packages', k, 'dist'));
  return `${(sh('git', ['rev-parse', '--short', 'HEAD']) ?? '?')} dist ${newest ? new Date(newest).toISOString() : '?'}`;
}

async function warmPageCache(file) {
  const t0 = performance.now();
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  try { while (fs.readSync(fd, buf, 0, buf.length, null) > 0) { /* read */ } } finally { fs.closeSync(fd); }
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------- measurements
function measurements() {
  const list = [
    { name: 'mxl-csv-w1', group: 'mxl', what: 'mxl CSV load, workers 1', task: { kind: 'mxl-load', file: CSV, workers: 1 } },
    { name: 'duck-csv-table-1t', group: 'duck', what: 'DuckDB read_csv 1 thread -> own table', task: { kind: 'duck', src: 'csv', into: 'table', threads: 1, file: CSV } },
    { name: 'duck-csv-js-1t', group: 'duck', what: 'DuckDB read_csv 1 thread -> JS arrays', task: { kind: 'duck', src: 'csv', into: 'js', threads: 1, file: CSV } },
    { name: 'mxl-csv-w2', group: 'mxl', what: 'mxl CSV load, workers 2', task: { kind: 'mxl-load', file: CSV, workers: 2 } },
    { name: 'duck-csv-table-2t', group: 'duck2', what: 'DuckDB read_csv 2 threads -> own table', task: { kind: 'duck', src: 'csv', into: 'table', threads: 2, file: CSV } },
    { name: 'duck-csv-js-2t', group: 'duck2', what: 'DuckDB read_csv 2 threads -> JS arrays', task: { kind: 'duck', src: 'csv', into: 'js', threads: 2, file: CSV } },
    { name: 'mxl-pq-w1', group: 'mxl', what: 'mxl Parquet load, workers 1', task: { kind: 'mxl-load', file: PQ, workers: 1 } },
    { name: 'duck-pq-table-1t', group: 'duck', what: 'DuckDB read_parquet 1 thread -> own table', task: { kind: 'duck', src: 'parquet', into: 'table', threads: 1, file: PQ } },
    { name: 'duck-pq-js-1t', group: 'duck', what: 'DuckDB read_parquet 1 thread -> JS arrays', task: { kind: 'duck', src: 'parquet', into: 'js', threads: 1, file: PQ } },
    { name: 'mxl-pq-w2', group: 'mxl', what: 'mxl Parquet load, workers 2', task: { kind: 'mxl-load', file: PQ, workers: 2 } },
    { name: 'duck-pq-table-2t', group: 'duck2', what: 'DuckDB read_parquet 2 threads -> own table', task: { kind: 'duck', src: 'parquet', into: 'table', threads: 2, file: PQ } },
    { name: 'duck-pq-js-2t', group: 'duck2', what: 'DuckDB read_parquet 2 threads -> JS arrays', task: { kind: 'duck', src: 'parquet', into: 'js', threads: 2, file: PQ } },
    { name: 'mxl-ll', group: 'll', what: `mxl CSV load (2 workers) + LL evaluation (R=${opt.draws}, 2 workers)`, task: { kind: 'mxl-ll', file: CSV, workers: 2, draws: opt.draws } },
  ];
  return list.filter((m) => (m.group !== 'duck2' || opt.duck2) && (m.group !== 'll' || opt.ll) && (!opt.only || opt.only.includes(m.name)));
}

function spec(file, draws) {
  return {
    data: { path: file, id: 'id', situation: 'situation', alt: 'alt', choice: 'choice' },
    model: { fixed: ['x4', 'x5'], random: { x1: 'normal', x2: 'normal', x3: 'normal' } },
    integration: { rule: 'halton', draws },
    workers: 2,
  };
}

// ---------------------------------------------------------------- child side
async function child(t) {
  let r;
  if (t.kind === 'mxl-load') r = await childMxlLoad(t);
  else if (t.kind === 'duck') r = await childDuck(t);
  else if (t.kind === 'mxl-ll') r = await childMxlLL(t);
  else throw new Error(`unknown child kind ${t.kind}`);
  const ru = process.resourceUsage();
  r.maxRSSBytes = ru.maxRSS * 1024;
  r.cpuSeconds = (ru.userCPUTime + ru.systemCPUTime) / 1e6;
  process.stdout.write(`${MARK}${JSON.stringify(r)}\n`);
}

function layoutCheck(d) {
  // sum of the chosen rows' alternative index and of x1 over all rows: same numbers from every reader
  let sx1 = 0;
  const k = d.varNames.indexOf('x1');
  for (let i = 0; i < d.nRows; i++) sx1 += d.X[i * d.nVars + k];
  let chosen = 0;
  for (let s = 0; s < d.nSituations; s++) if (d.sitChosen[s] >= 0) chosen++;
  return { rows: d.nRows, units: d.nUnits, situations: d.nSituations, chosen, sumX1: Number(sx1.toFixed(4)) };
}

async function childMxlLoad(t) {
  const ti = performance.now();
  const { loadChoiceData } = await import('@mxl/data');
  const t0 = performance.now();
  const d = await loadChoiceData(
    { path: t.file, id: 'id', situation: 'situation', alt: 'alt', choice: 'choice' },
    { variables: DBLS.map((c) => ({ name: c, source: { kind: 'column', column: c } })), workers: t.workers, shared: true },
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, importSeconds: (t0 - ti) / 1000, check: layoutCheck(d) };
}

async function childMxlLL(t) {
  const ti = performance.now();
  const { prepare, engineFor } = await import('@mxl/estimation');
  const t0 = performance.now();
  const s = spec(t.file, t.draws);
  s.workers = t.workers;
  const p = await prepare(s, null);
  const t1 = performance.now();
  const theta = Float64Array.from(p.design.params, (q) => (q.kind === 'sd' ? 0.1 : 0));
  const eng = engineFor(p, t.workers);
  const evals = [];
  let ll;
  try {
    for (let k = 0; k < 2; k++) {
      const te = performance.now();
      ll = (await eng.evaluate(theta)).ll;
      evals.push((performance.now() - te) / 1000);
    }
  } finally {
    await eng.close();
  }
  return {
    seconds: (performance.now() - t0) / 1000, loadSeconds: (t1 - t0) / 1000, prepareLoadSeconds: p.loadSeconds,
    firstEvalSeconds: evals[0], secondEvalSeconds: evals[1], ll, P: p.design.params.length,
    importSeconds: (t0 - ti) / 1000, check: layoutCheck(p.data),
  };
}

async function childDuck(t) {
  const ti = performance.now();
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = performance.now();
  const inst = await DuckDBInstance.create(':memory:', { threads: String(t.threads) });
  const con = await inst.connect();
  const types = `{${NAMES.map((c) => `'${c}': '${INTS.includes(c) ? 'INTEGER' : 'DOUBLE'}'`).join(', ')}}`;
  const file = t.file.replace(/'/g, "''");
  const src = t.src === 'csv' ? `read_csv('${file}', header = true, columns = ${types})` : `read_parquet('${file}')`;
  const select = `SELECT ${NAMES.join(', ')} FROM ${src}`;
  let check;
  if (t.into === 'table') {
    await con.run(`CREATE TABLE t AS ${select}`);
    const seconds = (performance.now() - t0) / 1000;
    const row = (await con.runAndReadAll('SELECT count(*), sum(choice), sum(x1) FROM t')).getRows()[0];
    check = { rows: Number(row[0]), chosen: Number(row[1]), sumX1: Number(Number(row[2]).toFixed(4)) };
    return { seconds, importSeconds: (t0 - ti) / 1000, check, duckdb: await duckVersion(con) };
  }
  // into JS typed arrays, one per column
  let cap;
  if (t.src === 'parquet') cap = Number((await con.runAndReadAll(`SELECT count(*) FROM ${src}`)).getRows()[0][0]);
  else cap = Math.ceil(fs.statSync(t.file).size / 18); // each row has >= 9 one-byte fields + 8 commas + newline
  const cols = NAMES.map((c) => (INTS.includes(c) ? new Int32Array(cap) : new Float64Array(cap)));
  const res = await con.stream(select);
  let off = 0;
  for (let ch = await res.fetchChunk(); ch && ch.rowCount > 0; ch = await res.fetchChunk()) {
    for (let i = 0; i < NAMES.length; i++) cols[i].set(ch.getColumnVector(i).items, off); // items: a view of DuckDB's vector (private in the .d.ts)
    off += ch.rowCount;
  }
  const out = cols.map((c) => c.subarray(0, off));
  const seconds = (performance.now() - t0) / 1000;
  let chosen = 0, sx1 = 0;
  const ch = out[NAMES.indexOf('choice')], x1 = out[NAMES.indexOf('x1')];
  for (let i = 0; i < off; i++) { chosen += ch[i]; sx1 += x1[i]; }
  check = { rows: off, chosen, sumX1: Number(sx1.toFixed(4)) };
  return { seconds, importSeconds: (t0 - ti) / 1000, check, duckdb: await duckVersion(con) };
}

async function duckVersion(con) {
  try { return String((await con.runAndReadAll('SELECT version()')).getRows()[0][0]); } catch { return null; }
}

// ---------------------------------------------------------------- estimation
function truthOf(param, truth) {
  if (!truth) return null;
  const c = param.coefficient;
  if (param.kind === 'mean') return truth.random?.[c]?.mean ?? truth.fixed?.[c] ?? null;
  if (param.kind === 'sd') return truth.random?.[c]?.sd ?? null;
  return null;
}

async function runEstimation(name, file, truth) {
  const specFile = path.join(WORK, `load-${name}.spec.json`);
  const outFile = path.join(WORK, `load-${name}.result.json`);
  fs.writeFileSync(specFile, `${JSON.stringify(spec(file, opt.draws), null, 2)}\n`);
  fs.rmSync(outFile, { force: true });
  log(`${name}: node packages/cli/dist/main.js estimate ${path.relative(ROOT, specFile)} --out ${path.relative(ROOT, outFile)} --quiet (timeout ${opt.estimateTimeout} s) ...`);
  const haveTime = fs.existsSync('/usr/bin/time');
  const r = await runChild([CLI, 'estimate', specFile, '--out', outFile, '--quiet'], { timeoutSeconds: opt.estimateTimeout, wrapTime: haveTime });
  const rec = { name, file, spec: specFile, wallSeconds: r.wall, exitCode: r.code, timedOut: r.timedOut, maxRSSBytes: r.time?.maxRSSBytes ?? null, cpuSeconds: r.time?.cpuSeconds ?? null, otherLoad: r.otherLoad };
  if (r.timedOut) { rec.error = `killed after ${opt.estimateTimeout} s`; return rec; }
  if (r.code !== 0 || !fs.existsSync(outFile)) { rec.error = (r.err || r.out).trim().split('\n').slice(-5).join('\n'); return rec; }
  const res = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  Object.assign(rec, {
    result: outFile, timings: res.timings, loglik: res.loglik, converged: res.converged, iterations: res.iterations,
    functionEvaluations: res.functionEvaluations, termination: res.termination, sample: res.sample,
    parameters: res.parameters.map((q) => {
      const tv = truthOf(q, truth);
      const est = q.kind === 'sd' ? Math.abs(q.estimate) : q.estimate;
      return { name: q.name, estimate: q.estimate, se: q.se, truth: tv, zVsTruth: tv === null ? null : (est - tv) / q.se };
    }),
  });
  return rec;
}

// ---------------------------------------------------------------- main
const started = new Date();
const out = { date: started.toISOString(), quick: QUICK, options: { ...opt }, machine: machine(), loadavgStart: os.loadavg(), problems: [] };
const generated = await ensureFixture();
const truth = fs.existsSync(TRUTH) ? JSON.parse(fs.readFileSync(TRUTH, 'utf8')) : null;
out.files = {
  csv: { path: CSV, bytes: fs.statSync(CSV).size },
  parquet: { path: PQ, bytes: fs.statSync(PQ).size },
  truth: truth ? TRUTH : null,
  generatedNow: generated,
  individuals: truth?.individuals ?? null,
  rows: truth?.rows ?? null,
};
log(`files: ${CSV} (${f(mb(out.files.csv.bytes), 0)} MB), ${PQ} (${f(mb(out.files.parquet.bytes), 0)} MB)`);
out.pageCacheWarmSeconds = { csv: await warmPageCache(CSV), parquet: await warmPageCache(PQ) };

const ms = measurements();
const raw = Object.fromEntries(ms.map((m) => [m.name, []]));
for (let rep = 1; rep <= opt.reps; rep++) {
  for (const m of ms) {
    const idleBefore = await quietWait(opt.quietWait);
    const code = codeStamp();
    const r = await runChild([fileURLToPath(import.meta.url), '--child', JSON.stringify(m.task)], { timeoutSeconds: 1800 });
    if (!r.result) {
      const msg = `${m.name} rep ${rep}: failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${r.err.trim().split('\n').slice(-6).join(' | ')}`;
      out.problems.push(msg);
      log(msg);
      continue;
    }
    raw[m.name].push({ rep, ...r.result, childWallSeconds: r.wall, code, idleBefore, otherLoad: r.otherLoad, loadavg: os.loadavg()[0] });
    log(`rep ${rep} ${m.name.padEnd(18)} ${f(r.result.seconds, 3).padStart(8)} s  peak RSS ${f(mb(r.result.maxRSSBytes), 0).padStart(5)} MB  rows ${r.result.check.rows}  other load ${f(100 * (r.otherLoad ?? NaN), 0)}%`);
  }
}

// consistency: every reader must see the same rows, chosen rows and sum of x1
const checks = ms.flatMap((m) => raw[m.name].map((r) => ({ name: m.name, ...r.check })));
if (checks.length) {
  const ref = checks[0];
  for (const c of checks) {
    if (c.rows !== ref.rows || c.chosen !== ref.chosen || Math.abs(c.sumX1 - ref.sumX1) > 1e-6 * Math.max(1, Math.abs(ref.sumX1)) + 1e-3) {
      out.problems.push(`MISMATCH: ${c.name} read rows ${c.rows}, chosen ${c.chosen}, sum x1 ${c.sumX1}; ${ref.name}: ${ref.rows}, ${ref.chosen}, ${ref.sumX1}`);
    }
  }
  if (truth && ref.rows !== truth.rows) out.problems.push(`MISMATCH: ${ref.rows} rows read, the truth file says ${truth.rows}`);
}

const summary = ms.map((m) => {
  const rs = raw[m.name];
  const s = rs.map((r) => r.seconds);
  const rss = rs.map((r) => r.maxRSSBytes);
  return {
    name: m.name, what: m.what, group: m.group, n: rs.length, code: [...new Set(rs.map((r) => r.code))],
    medianSeconds: rs.length ? median(s) : null, minSeconds: rs.length ? min(s) : null,
    peakRSSBytes: rs.length ? max(rss) : null,
    maxOtherLoad: rs.length && rs.every((r) => r.otherLoad !== null) ? max(rs.map((r) => r.otherLoad)) : null,
    ...(m.name === 'mxl-ll' && rs.length ? {
      medianLoadSeconds: median(rs.map((r) => r.loadSeconds)),
      medianFirstEvalSeconds: median(rs.map((r) => r.firstEvalSeconds)),
      medianSecondEvalSeconds: median(rs.map((r) => r.secondEvalSeconds)),
      ll: rs[0].ll,
    } : {}),
  };
});
const S = Object.fromEntries(summary.map((s) => [s.name, s]));
out.summary = summary;
out.raw = raw;

out.estimations = [];
if (opt.estimate) {
  for (const [name, file] of [['estimate-csv', CSV], ['estimate-pq', PQ]]) {
    await quietWait(opt.quietWait);
    const code = codeStamp();
    const e = await runEstimation(name, file, truth);
    e.code = code;
    out.estimations.push(e);
    if (e.error) out.problems.push(`${name}: ${e.error}`);
    log(`${name}: wall ${f(e.wallSeconds, 1)} s, peak RSS ${f(mb(e.maxRSSBytes ?? NaN), 0)} MB${e.error ? `, ERROR ${e.error}` : `, load ${f(e.timings?.loadSeconds, 2)} s, LL ${e.loglik}`}`);
  }
}

const stamps = [...new Set([...Object.values(raw).flat().map((r) => r.code), ...out.estimations.map((e) => e.code), codeStamp()])];
out.codeStamps = stamps;
if (stamps.length > 1) out.problems.push(`the packages were rebuilt or HEAD moved during the run (the runs mix code versions): ${stamps.join('; ')}`);

// ---------------------------------------------------------------- report
const lines = [];
const p = (s = '') => lines.push(s);
p(`mxl load benchmark ${out.date}${QUICK ? ' (--quick)' : ''}: ${out.machine.cpu}, ${out.machine.cores} cores, ${f(out.machine.memoryBytes / 2 ** 30, 1)} GiB, Node ${out.machine.node}, commit ${out.machine.commit?.slice(0, 7)}${out.machine.dirty ? ' (dirty)' : ''}`);
p(`CSV ${path.basename(CSV)} ${f(mb(out.files.csv.bytes), 0)} MB, Parquet ${path.basename(PQ)} ${f(mb(out.files.parquet.bytes), 0)} MB, ${out.files.individuals ?? '?'} individuals, ${checks[0]?.rows ?? out.files.rows ?? '?'} rows; ${opt.reps} rep(s), page cache warm`);
p();
const w = Math.max(...summary.map((s) => s.what.length), 20);
const pct = (x) => (x === null || x === undefined ? '-' : `${f(100 * x, 0)}%`);
p(`${'measurement'.padEnd(19)} ${'what'.padEnd(w)} ${'median s'.padStart(9)} ${'min s'.padStart(9)} ${'peak RSS MB'.padStart(12)} ${'other load'.padStart(10)}`);
p('-'.repeat(19 + w + 45));
for (const s of summary) p(`${s.name.padEnd(19)} ${s.what.padEnd(w)} ${f(s.medianSeconds, 3).padStart(9)} ${f(s.minSeconds, 3).padStart(9)} ${f(mb(s.peakRSSBytes ?? NaN), 0).padStart(12)} ${pct(s.maxOtherLoad).padStart(10)}`);
if (S['mxl-ll']?.n) {
  const l = S['mxl-ll'];
  p(`  mxl-ll: load ${f(l.medianLoadSeconds, 3)} s, first LL evaluation ${f(l.medianFirstEvalSeconds, 3)} s (pool start, draws), second ${f(l.medianSecondEvalSeconds, 3)} s; LL ${f(l.ll, 4)}`);
}
for (const e of out.estimations) {
  if (e.error) { p(`${e.name.padEnd(19)} ERROR: ${e.error} (wall ${f(e.wallSeconds, 1)} s)`); continue; }
  p(`${e.name.padEnd(19)} ${`whole CLI estimation from ${path.extname(e.file).slice(1)}`.padEnd(w)} ${f(e.wallSeconds, 3).padStart(9)} ${''.padStart(9)} ${f(mb(e.maxRSSBytes ?? NaN), 0).padStart(12)} ${pct(e.otherLoad).padStart(10)}`);
  p(`  load ${f(e.timings.loadSeconds, 2)} s, estimate ${f(e.timings.estimateSeconds, 2)} s, total ${f(e.timings.totalSeconds, 2)} s; LL ${f(e.loglik, 3)}, converged ${e.converged}, ${e.iterations} iterations`);
}
if (out.estimations.some((e) => !e.error)) {
  p();
  const ests = out.estimations.filter((e) => !e.error);
  p(`${'parameter'.padEnd(12)} ${'truth'.padStart(8)} ${ests.map((e) => `${e.name.padStart(14)} ${'se'.padStart(8)} ${'z vs truth'.padStart(10)}`).join(' ')}`);
  for (const [i, q] of ests[0].parameters.entries()) {
    p(`${q.name.padEnd(12)} ${f(q.truth, 3).padStart(8)} ${ests.map((e) => { const r = e.parameters[i]; return `${f(r.estimate, 5).padStart(14)} ${f(r.se, 5).padStart(8)} ${f(r.zVsTruth, 2).padStart(10)}`; }).join(' ')}`);
  }
}

p();
p('other load: the largest share of the host CPU time used by other processes during a run (a busy host slows the run)');
p();
p('ratios (time of the first / time of the second; < 1: the first is faster)   by median   by min');
const ratios = [];
const ratio = (a, b, label) => {
  if (!S[a]?.n || !S[b]?.n) return;
  const r = { label, a, b, byMedian: S[a].medianSeconds / S[b].medianSeconds, byMin: S[a].minSeconds / S[b].minSeconds };
  ratios.push(r);
  p(`  ${label.padEnd(70)} ${f(r.byMedian, 2).padStart(6)}x ${f(r.byMin, 2).padStart(7)}x`);
};
ratio('mxl-csv-w1', 'duck-csv-table-1t', 'mxl CSV (1 worker) / DuckDB read_csv (1 thread, own table)');
ratio('mxl-csv-w1', 'duck-csv-js-1t', 'mxl CSV (1 worker) / DuckDB read_csv (1 thread, into JS)');
ratio('mxl-csv-w2', 'duck-csv-table-2t', 'mxl CSV (2 workers) / DuckDB read_csv (2 threads, own table)');
ratio('mxl-csv-w2', 'duck-csv-js-2t', 'mxl CSV (2 workers) / DuckDB read_csv (2 threads, into JS)');
ratio('mxl-csv-w2', 'mxl-csv-w1', 'mxl CSV 2 workers / 1 worker');
ratio('mxl-pq-w1', 'mxl-csv-w1', 'mxl Parquet / mxl CSV (1 worker)');
ratio('mxl-pq-w2', 'mxl-csv-w2', 'mxl Parquet / mxl CSV (2 workers)');
ratio('mxl-pq-w1', 'duck-pq-table-1t', 'mxl Parquet (1 worker) / DuckDB read_parquet (1 thread, own table)');
ratio('mxl-pq-w1', 'duck-pq-js-1t', 'mxl Parquet (1 worker) / DuckDB read_parquet (1 thread, into JS)');
ratio('mxl-pq-w2', 'duck-pq-table-2t', 'mxl Parquet (2 workers) / DuckDB read_parquet (2 threads, own table)');
ratio('mxl-pq-w2', 'duck-pq-js-2t', 'mxl Parquet (2 workers) / DuckDB read_parquet (2 threads, into JS)');
out.ratios = ratios;

p();
p(`memory bound: peak RSS <= ${f(RSS_BOUND_BYTES / 1e9, 1)} GB (${RSS_BOUND_BYTES} bytes) for every mxl measurement`);
out.memoryChecks = [];
const memCheck = (name, bytes) => {
  if (bytes === null || bytes === undefined) return;
  const pass = bytes <= RSS_BOUND_BYTES;
  out.memoryChecks.push({ name, peakRSSBytes: bytes, pass });
  p(`  ${pass ? 'PASS' : 'FAIL'} ${name.padEnd(16)} ${f(mb(bytes), 0).padStart(6)} MB (${f(bytes / 2 ** 30, 2)} GiB)`);
};
for (const s of summary) if (s.group === 'mxl' || s.group === 'll') memCheck(s.name, s.peakRSSBytes);
for (const e of out.estimations) memCheck(e.name, e.maxRSSBytes);
if (out.problems.length) { p(); p('problems:'); for (const x of out.problems) p(`  ${x}`); }

out.loadavgEnd = os.loadavg();
out.seconds = (Date.now() - started.getTime()) / 1000;
out.table = lines;
fs.mkdirSync(RESULTS, { recursive: true });
const outFile = opt.out ?? path.join(RESULTS, `load-${started.toISOString().replace(/[:]/g, '-').replace(/\..*/, '')}.json`);
fs.writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
p();
p(`written ${path.relative(process.cwd(), outFile)} (${f(out.seconds / 60, 1)} min)`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(out.problems.some((x) => x.startsWith('MISMATCH')) ? 1 : 0);
