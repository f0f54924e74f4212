/**
 * `mxl bench integration --quick`: the integration-rule benchmark runs end to end through the
 * command line and writes sensible results (smoke test of the suite; the full run is
 * documented in bench/README.md).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSet, REPO } from './shared.js';

const run = promisify(execFile);

const COLUMNS = [
  'experiment', 'dataset', 'dim', 'rule', 'level', 'nodes', 'reps', 'param', 'value', 'reference', 'error', 'bias', 'sd',
  'unit_mae', 'rmse_exact', 'nonpos_units', 'failed', 'seconds', 'seconds_warm', 'evaluations', 'note',
];
const RULES = ['pseudo', 'mlhs', 'halton', 'halton-owen', 'halton-shuffle', 'sobol', 'sobol-owen', 'product', 'sparse-gqn', 'sparse-kpn'];
const DIMS = [1, 2, 3, 4, 6, 8];

type Row = Record<string, string>;

/** Minimal CSV reader for the suite's output (quoted fields may hold commas). */
function parseCsv(text: string): { head: string[]; rows: Row[] } {
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { rec.push(field); field = ''; } else if (ch === '\n') { rec.push(field); records.push(rec); rec = []; field = ''; } else field += ch;
  }
  const [head, ...body] = records;
  return { head, rows: body.map((r) => Object.fromEntries(head.map((h, j) => [h, r[j] ?? '']))) };
}

const num = (r: Row, k: string): number => (r[k] === '' ? NaN : Number(r[k]));

/**
 * CPU seconds used by this process's finished children (Linux: cutime + cstime of /proc/self/stat,
 * in USER_HZ = 1/100 s); null where there is no /proc. Unlike wall time, other jobs on a shared
 * host inflate it little.
 */
function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return null;
  }
}

describe('mxl bench integration --quick', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'mxl-bench-int-'));
  const electricity = existsSync(dataSet('electricity_long.csv'));
  let stdout = '';
  let seconds = 0;
  let cpuSeconds: number | null = null;
  let csv: { head: string[]; rows: Row[] } = { head: [], rows: [] };

  beforeAll(async () => {
    const t = performance.now();
    const cpu0 = childCpuSeconds();
    const r = await run(process.execPath, [path.join(REPO, 'packages/cli/dist/main.js'), 'bench', 'integration', '--quick', '--out', out], { maxBuffer: 1 << 24, timeout: 280_000 });
    seconds = (performance.now() - t) / 1000;
    const cpu1 = childCpuSeconds();
    cpuSeconds = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    stdout = r.stdout;
    csv = parseCsv(readFileSync(path.join(out, 'results.csv'), 'utf8'));
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('takes the time the README and the help state (about N s), which agree', async () => {
    const help = (await run(process.execPath, [path.join(REPO, 'packages/cli/dist/main.js'), 'bench', 'integration', '--help'])).stdout.replace(/\s+/g, ' ');
    const stated = Number(help.match(/--quick smoke-test sizes \(about (\d+) s on 2 idle cores\)/)?.[1]);
    expect(stated, help).toBeGreaterThan(0);
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const inReadme = [...readme.matchAll(/`--quick`(?::| is) a smoke test of about (\d+) s on 2 idle cores/g)].map((m) => Number(m[1]));
    expect(inReadme).toEqual([stated, stated]); // the command list and the benchmark section
    // measured on 2 idle cores: 9.0 s wall, 10.7 s CPU. Wall time on a shared host grows with the
    // other jobs (42-116 s at a load average near 20), so the claim is checked on the CPU time the
    // run used, which they inflate less (17.2 s at a load average of 7); the wall time only has a
    // sanity bound
    if (cpuSeconds !== null) expect(cpuSeconds).toBeLessThan(4 * stated);
    expect(seconds).toBeLessThan(240);
  });

  it('writes the CSV, the Markdown report and every figure as SVG and PNG, and lists them', () => {
    for (const f of ['results.csv', 'results.md', 'run.json', 'll-error.svg', 'll-error.png', 'll-error-time.svg', 'll-error-time.png', 'estimator-rmse.svg', 'estimator-rmse.png']) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    for (const f of ['results.csv', 'results.md', 'll-error.svg', 'll-error.png']) expect(stdout).toContain(path.join(out, f));
    for (const [f, text] of [['ll-error.svg', 'nodes per individual'], ['ll-error-time.svg', 'seconds per LL'], ['estimator-rmse.svg', 'RMSE of the estimates']]) {
      const svg = readFileSync(path.join(out, f), 'utf8');
      expect(svg.startsWith('<svg'), f).toBe(true);
      expect(svg.includes(text), `${f} has "${text}"`).toBe(true);
    }
    for (const f of ['ll-error.png', 'll-error-time.png', 'estimator-rmse.png']) {
      const png = readFileSync(path.join(out, f));
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.length).toBeGreaterThan(20_000);
    }
    const md = readFileSync(path.join(out, 'results.md'), 'utf8');
    for (const s of ['## 1. Reference', '## 2. Likelihood accuracy', '## 3. Estimator accuracy', '## 4. Cost', 'Non-positive simulated probabilities']) expect(md).toContain(s);
  });

  it('has the expected columns and a row for every data set, rule and reference', () => {
    expect(csv.head).toEqual(COLUMNS);
    const sets = DIMS.map((d) => `sim-d${d}`).concat(electricity ? ['electricity'] : []);
    for (const ds of sets) {
      const ref = csv.rows.filter((r) => r.experiment === 'reference' && r.dataset === ds);
      expect(ref.some((r) => r.rule === 'sobol-owen'), ds).toBe(true);
      expect(ref.filter((r) => r.note === 'used')).toHaveLength(1);
      for (const rule of RULES) expect(csv.rows.filter((r) => r.experiment === 'll' && r.dataset === ds && r.rule === rule).length, `${ds} ${rule}`).toBeGreaterThanOrEqual(2);
    }
    // the product-rule check in low dimensions
    for (const d of [1, 2, 3]) expect(csv.rows.some((r) => r.experiment === 'reference' && r.dataset === `sim-d${d}` && r.rule === 'product')).toBe(true);
    expect(csv.rows.find((r) => r.experiment === 'reference' && r.dataset === 'sim-d1' && r.rule === 'product')?.note).toBe('used');
    const est = csv.rows.filter((r) => r.experiment === 'estimator' && r.param === '(all)');
    expect(est.length).toBeGreaterThanOrEqual(4);
    if (electricity) expect(csv.rows.filter((r) => r.experiment === 'estimation' && r.dataset === 'electricity').length).toBeGreaterThanOrEqual(1);
  });

  it('reports finite, sensible numbers', () => {
    for (const r of csv.rows.filter((x) => x.experiment === 'll')) {
      const what = `${r.dataset} ${r.rule} ${r.nodes}`;
      for (const k of ['nodes', 'reps', 'reference', 'error', 'unit_mae', 'nonpos_units', 'failed', 'seconds', 'seconds_warm']) {
        expect(Number.isFinite(num(r, k)), `${what}: ${k} = ${r[k]}`).toBe(true);
      }
      expect(num(r, 'reference')).toBeLessThan(0);
      expect(num(r, 'error')).toBeGreaterThanOrEqual(0);
      expect(num(r, 'seconds')).toBeGreaterThan(0);
      expect(Number.isInteger(num(r, 'nonpos_units'))).toBe(true);
      // a run without failures has a finite LL; one with failures says so
      if (num(r, 'failed') === 0) expect(num(r, 'value')).toBeLessThan(0);
      else expect(r.note).toContain('non-positive');
    }
    for (const r of csv.rows.filter((x) => x.experiment === 'reference')) expect(Number.isFinite(num(r, 'value')) && Number.isFinite(num(r, 'error'))).toBe(true);
    for (const r of csv.rows.filter((x) => x.experiment === 'estimator')) {
      expect(Number.isFinite(num(r, 'error')), `${r.rule} ${r.param}`).toBe(true);
      expect(num(r, 'failed')).toBeLessThanOrEqual(num(r, 'reps'));
    }
    // non-positive probabilities come only from the rules with negative weights
    for (const r of csv.rows.filter((x) => x.experiment === 'll' && num(x, 'nonpos_units') > 0)) expect(r.rule.startsWith('sparse-')).toBe(true);
  });

  it('the product rule error in d = 1 falls with the level', () => {
    const rows = csv.rows.filter((r) => r.experiment === 'll' && r.dataset === 'sim-d1' && r.rule === 'product');
    const err = new Map(rows.map((r) => [num(r, 'level'), num(r, 'error')]));
    let pairs = 0;
    for (const [level, e] of err) {
      const e2 = err.get(2 * level);
      if (e2 === undefined) continue;
      pairs++;
      expect(e2, `level ${2 * level} vs ${level}`).toBeLessThan(e);
    }
    expect(pairs).toBeGreaterThanOrEqual(5);
    expect(Math.min(...err.values())).toBeLessThan(1e-4);
  });

  it('sparse grids are very accurate in d = 1 and 2, far better than pseudo-random draws', () => {
    for (const [d, tol] of [[1, 1e-4], [2, 1e-2]] as const) {
      const ll = csv.rows.filter((r) => r.experiment === 'll' && r.dataset === `sim-d${d}`);
      const pseudo = ll.filter((r) => r.rule === 'pseudo').sort((a, b) => num(b, 'nodes') - num(a, 'nodes'))[0];
      for (const rule of ['sparse-gqn', 'sparse-kpn']) {
        const best = Math.min(...ll.filter((r) => r.rule === rule && num(r, 'failed') === 0).map((r) => num(r, 'error')));
        expect(best, `${rule} d=${d}`).toBeLessThan(tol);
        expect(best, `${rule} d=${d} vs pseudo at ${pseudo.nodes} draws`).toBeLessThan(num(pseudo, 'error') / 10);
      }
    }
  });

  it('simulation errors shrink with the number of draws', () => {
    for (const d of DIMS) {
      for (const rule of ['pseudo', 'sobol-owen', 'halton']) {
        const rs = csv.rows.filter((r) => r.experiment === 'll' && r.dataset === `sim-d${d}` && r.rule === rule).sort((a, b) => num(a, 'nodes') - num(b, 'nodes'));
        expect(num(rs[rs.length - 1], 'error'), `${rule} d=${d}`).toBeLessThan(num(rs[0], 'error'));
      }
    }
  });
});
