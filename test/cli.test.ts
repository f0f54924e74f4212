/**
 * The command line: bad input gets one clear line naming file, line, column or
 * option, a non-zero exit, no stack trace and no result file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';
import { arrowTableOf, writeParquetFile } from '../packages/data/test/formats.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');

function mxl(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const GOOD = 'id,sit,alt,choice,x1,x2\n1,1,a,1,0.5,1\n1,1,b,0,1.5,0\n1,2,a,0,0.2,1\n1,2,b,1,0.1,0\n2,1,a,0,0.3,0\n2,1,b,1,0.9,1\n';

function setup(csv: string | null, specPatch: Record<string, unknown> = {}, dataPatch: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-cli-'));
  if (csv !== null) writeFileSync(path.join(dir, 'd.csv'), csv);
  const spec = {
    data: { path: 'd.csv', id: 'id', situation: 'sit', alt: 'alt', choice: 'choice', ...dataPatch },
    model: { fixed: ['x1'], random: { x2: 'normal' } },
    integration: { rule: 'halton', draws: 20 },
    workers: 1,
    ...specPatch,
  };
  writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  return dir;
}

function expectUserError(dir: string, pattern: RegExp) {
  const r = mxl(['estimate', path.join(dir, 'spec.json'), '--out', path.join(dir, 'out.json'), '--quiet']);
  expect(r.err).toMatch(pattern);
  expect(r.code).toBe(2);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(existsSync(path.join(dir, 'out.json'))).toBe(false);
  return r;
}

describe('mxl estimate: bad input', () => {
  it('missing data file', () => expectUserError(setup(null), /d\.csv.*(no such|not found|does not exist|cannot)/i));
  it('empty data file', () => expectUserError(setup(''), /d\.csv.*empty/i));
  it('missing column', () => expectUserError(setup(GOOD, {}, { choice: 'chosen' }), /chosen/));
  it('a non-numeric cell names line and column', () => expectUserError(setup(GOOD.replace('1,2,a,0,0.2,1', '1,2,a,0,abc,1')), /line 4.*x1|x1.*line 4/));
  it('an empty cell', () => expectUserError(setup(GOOD.replace('2,1,b,1,0.9,1', '2,1,b,1,,1')), /line 7/));
  it('a situation with no chosen row', () => expectUserError(setup(GOOD.replace('1,2,b,1,0.1,0', '1,2,b,0,0.1,0')), /line [45].*(no chosen|none)|no.*chosen/i));
  it('a situation with several chosen rows', () => expectUserError(setup(GOOD.replace('1,1,b,0,1.5,0', '1,1,b,1,1.5,0')), /(several|more than one|2 chosen)/i));
  it('the same alternative twice in one situation names the file and both lines', () =>
    expectUserError(setup(GOOD.replace('1,1,b,0,1.5,0', '1,1,a,0,1.5,0')), /d\.csv, line 3, column "alt": alternative "a" appears twice in situation "1" of individual "1" \(lines 2 and 3\)/));
  it('rows of a situation not contiguous', () => expectUserError(setup(GOOD + '1,1,c,0,1,1\n'), /contiguous/i));
  it('unknown spec key', () => expectUserError(setup(GOOD, { modle: {} }), /modle/));
  it('a misspelt data key', () => expectUserError(setup(GOOD, {}, { fliter: 'x1 > 0' }), /unknown option "data\.fliter" \(did you mean "filter"\?\)/));
  it('a JSON syntax error names its line and column and shows it', () => {
    const dir = setup(GOOD);
    writeFileSync(path.join(dir, 'spec.json'), '{\n  "data": { "path": "d.csv" },\n  "model": { "fixed": ["x1",] }\n}\n');
    expectUserError(dir, /not valid JSON: value expected at line 3, column 29\n {6}"model": \{ "fixed": \["x1",\] \}\n {32}\^/);
  });
  it('a .parquet file that is text', () => {
    const dir = setup(GOOD, {}, { path: 'd.parquet' });
    writeFileSync(path.join(dir, 'd.parquet'), GOOD);
    expectUserError(dir, /d\.parquet: its name ends in \.parquet, but the file does not start with the magic bytes PAR1/);
  });
  it('a fileType that is not a type', () => expectUserError(setup(GOOD, {}, { fileType: 'xlsx' }), /data\.fileType must be "csv", "parquet" or "arrow"; received "xlsx"/));
  it('a rule that does not exist', () => expectUserError(setup(GOOD, { integration: { rule: 'haltonn', draws: 10 } }), /integration\.rule.*haltonn/));
  it('draws not a positive integer', () => expectUserError(setup(GOOD, { integration: { rule: 'halton', draws: -3 } }), /draws.*-3/));
  it('a model column the data lack', () => expectUserError(setup(GOOD, { model: { fixed: ['x9'] } }), /x9/));
  it('an unknown distribution', () => expectUserError(setup(GOOD, { model: { random: { x1: 'gamma' } } }), /model\.random\.x1.*gamma/));
  it('a spec that is not JSON', () => {
    const dir = setup(GOOD);
    writeFileSync(path.join(dir, 'spec.json'), '{ not json');
    expectUserError(dir, /not valid JSON/);
  });
});

describe('the command line itself', () => {
  it('--version, a mistyped command with a suggestion, flags named as flags', () => {
    const v = mxl(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const typo = mxl(['estimat', 'spec.json']);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/unknown command "estimat" \(did you mean "estimate"\?\); the commands are demo, estimate,/);
    const nodes = mxl(['nodes', '--rule', 'halton', '--dim', '2']);
    expect(nodes.code).toBe(2);
    expect(nodes.err).toMatch(/--draws must be a positive integer; none was given/);
  });

  it('every command is listed, bench integration included, in the error and in the help', () => {
    const r = mxl(['benchh']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "benchh" \(did you mean "bench"\?\); the commands are demo, estimate, .*batch run, .*bench loglik, bench integration, bench estimators \(mxl --help\)\n$/);
    const help = mxl(['--help']);
    expect(help.code).toBe(0);
    expect(help.out.replace(/\s+/g, ' ')).toMatch(/bench benchmarks: bench loglik \(.*\), bench integration \(/);
  });

  it('through pnpm a user error is one line on stderr (no echo of the command, no ELIFECYCLE) and exit 2', () => {
    const dir = setup(GOOD);
    // a user's shell: none of the npm_* / INIT_CWD variables of a `pnpm test` run
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|PNPM_)/i.test(k)));
    const pnpm = (args: string[], cwd: string) => {
      const r = spawnSync('npx', ['-y', 'pnpm@12.4.2', ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const bad = pnpm(['mxl', 'estimate', 'nothere.json'], REPO);
    expect(bad.err).toBe('mxl: error: cannot read the spec file nothere.json: no such file\n');
    expect(bad.out).toBe('');
    expect(bad.code).toBe(2);
    // from another folder, as the README shows: paths start there, the result path printed is absolute
    const typo = pnpm(['-C', REPO, 'mxl', 'estimate', 'spec.json', '--out', 'fit.json', '--workers', '0'], dir);
    expect(typo.err).toBe('mxl: error: --workers must be a positive integer; received "0"\n');
    expect(typo.code).toBe(2);
    const ok = pnpm(['-C', REPO, 'mxl', 'estimate', 'spec.json', '--out', 'fit.json'], dir);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.err).toContain(`mxl: result written to ${path.join(dir, 'fit.json')}\n`);
    expect(existsSync(path.join(dir, 'fit.json'))).toBe(true);
  });

  it('batch checks every job spec before running any', () => {
    const dir = setup(GOOD);
    writeFileSync(path.join(dir, 'batch.json'), JSON.stringify({ spec: 'spec.json', jobs: [{ name: 'ok', set: {} }, { name: 'typo', set: { modle: {} } }] }));
    const r = mxl(['batch', 'run', path.join(dir, 'batch.json'), '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/1 of 2 job specs are not valid; nothing was run:\n {2}typo: unknown option "modle" in the spec \(did you mean "model"\?\)/);
    expect(existsSync(path.join(dir, 'out', 'ok.result.json'))).toBe(false);
  });
});

describe('mxl commands', () => {
  it('estimate writes the result JSON with the documented keys', () => {
    const dir = setup(GOOD.repeat(1).concat(Array.from({ length: 60 }, (_, i) => `${i + 3},1,a,${i % 2},${(i % 7) / 3},${i % 3}\n${i + 3},1,b,${1 - (i % 2)},${(i % 5) / 2},${(i + 1) % 2}\n`).join('')), { model: { fixed: ['x1', 'x2'] } });
    const r = mxl(['estimate', path.join(dir, 'spec.json'), '--out', path.join(dir, 'out.json')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/log-likelihood/);
    expect(r.err).toMatch(/iter\s+\d+/);
    expect(r.err).toMatch(/data loaded in \d+\.\d\d s/);
    expect(r.out).toMatch(/data loaded in \d+\.\d\d s/);
    const res = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8'));
    for (const k of ['loglik', 'converged', 'iterations', 'parameters', 'nullLoglik', 'rho2', 'aic', 'bic', 'seconds', 'timings']) expect(res).toHaveProperty(k);
    expect(Object.keys(res.timings)).toEqual(['loadSeconds', 'estimateSeconds', 'totalSeconds', 'reflectionSeconds']);
    expect(res.timings.reflectionSeconds).toBeGreaterThanOrEqual(0);
    expect(res.timings.totalSeconds).toBeCloseTo(res.timings.loadSeconds + res.timings.estimateSeconds, 6);
    expect(res.parameters[0]).toMatchObject({ name: 'x1' });
  });

  it('the whole output reaches a slow pipe before the process exits (210 kB through `| (sleep; wc -c)`)', () => {
    const args = `nodes --rule sparse-kpn --dim 8 --level 5 --json`;
    const direct = mxl(args.split(' '));
    expect(direct.code).toBe(0);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${MXL}" ${args} | (sleep 0.5; wc -c)`], { encoding: 'utf8', timeout: 60_000 });
    expect(Number(r.stdout.trim())).toBe(Buffer.byteLength(direct.out));
    expect(Buffer.byteLength(direct.out)).toBeGreaterThan(200_000);
  });

  it('nodes --json prints nodes and weights', () => {
    const r = mxl(['nodes', '--rule', 'product', '--dim', '2', '--level', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.nodes).toHaveLength(9);
    expect(j.weights.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('bench loglik prints the JSON contract as its last line', () => {
    const dir = setup(GOOD);
    writeFileSync(path.join(dir, 'theta.json'), JSON.stringify({ x1: 0.3, x2: -0.2, 'sd.x2': 0.5 }));
    const r = mxl(['bench', 'loglik', path.join(dir, 'spec.json'), '--at', path.join(dir, 'theta.json'), '--reps', '3', '--workers', '2']);
    expect(r.code, r.err).toBe(0);
    const last = JSON.parse(r.out.trim().split('\n').pop()!);
    for (const k of ['ll', 'grad', 'median_seconds', 'min_seconds', 'reps', 'workers', 'peak_rss_mb']) expect(last).toHaveProperty(k);
    expect(last.workers).toBe(2);
    expect(last.grad).toHaveLength(3);
    expect(Number.isFinite(last.ll)).toBe(true);
  });

  it('bench loglik rejects a theta with an unknown parameter', () => {
    const dir = setup(GOOD);
    writeFileSync(path.join(dir, 'theta.json'), JSON.stringify({ x7: 1 }));
    const r = mxl(['bench', 'loglik', path.join(dir, 'spec.json'), '--at', path.join(dir, 'theta.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/x7/);
  });
});

describe('mxl estimate: Ctrl-C', () => {
  it('SIGINT stops the run cleanly: exit 130, a clear message, no result file, no stack', async () => {
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-int-'));
    const spec = {
      data: { path: path.join(REPO, 'examples/electricity/electricity_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
      model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
      integration: { rule: 'halton', draws: 1000 },
      workers: 2,
    };
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    const child = spawn(process.execPath, [MXL, 'estimate', path.join(dir, 'spec.json'), '--out', path.join(dir, 'out.json')]);
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait for the first iteration, or for the child to end first (a failed run must not be
    // waited on until the timeout): then the test fails with what the child printed.
    const started = await Promise.race([
      new Promise<boolean>((resolve) => child.stderr.on('data', (d) => { err += d; if (/iter\s+1\b/.test(err)) resolve(true); })),
      exited.then(() => false),
    ]);
    expect(started, `the run ended before its first iteration:\n${err}`).toBe(true);
    const t = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(Date.now() - t).toBeLessThan(15_000);
    expect(err).toMatch(/interrupted/);
    expect(err).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'out.json'))).toBe(false);
  });
});

describe('mxl with Parquet data', () => {
  it('estimate and predict from a Parquet copy give what the CSV gives', () => {
    const csv = GOOD + '2,2,a,1,0.4,1\n2,2,b,0,0.8,0\n3,1,a,1,0.1,1\n3,1,b,0,1.1,0\n3,2,a,0,0.7,0\n3,2,b,1,0.2,1\n';
    const dir = setup(csv, { model: { fixed: ['x1', 'x2'] } });
    const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
    const col = (j: number) => Float64Array.from(rows, (r) => Number(r[j]));
    writeParquetFile(path.join(dir, 'd.parquet'), arrowTableOf({ id: col(0), sit: col(1), alt: rows.map((r) => r[2]), choice: col(3), x1: col(4), x2: col(5) }), { compression: 'ZSTD' });
    const spec = JSON.parse(readFileSync(path.join(dir, 'spec.json'), 'utf8'));
    writeFileSync(path.join(dir, 'pq.json'), JSON.stringify({ ...spec, data: { ...spec.data, path: 'd.parquet' } }));
    expect(mxl(['estimate', path.join(dir, 'spec.json'), '--quiet']).code).toBe(0);
    const r = mxl(['estimate', path.join(dir, 'pq.json')]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/data loaded in/);
    const a = JSON.parse(readFileSync(path.join(dir, 'spec.result.json'), 'utf8'));
    const b = JSON.parse(readFileSync(path.join(dir, 'pq.result.json'), 'utf8'));
    expect(b.loglik).toBe(a.loglik);
    expect(b.raw).toEqual(a.raw);
    expect(b.sample.file).toMatch(/d\.parquet$/);
    const p = mxl(['predict', path.join(dir, 'pq.json'), '--shares']);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/shares\nalternative +predicted +observed\na /);
  });
});

describe('output paths: relative to the working directory, printed absolute', () => {
  it('--out relative and the default beside the spec are both printed as absolute paths', () => {
    const dir = setup(GOOD + '2,2,a,1,0.4,1\n2,2,b,0,0.8,0\n3,1,a,1,0.1,1\n3,1,b,0,1.1,0\n');
    const byDefault = mxl(['estimate', 'spec.json'], dir);
    expect(byDefault.code, byDefault.err).toBe(0);
    expect(byDefault.err).toContain(`mxl: result written to ${path.join(dir, 'spec.result.json')}\n`);
    mkdirSync(path.join(dir, 'sub'));
    const given = mxl(['estimate', '../spec.json', '--out', 'fit.json'], path.join(dir, 'sub'));
    expect(given.code, given.err).toBe(0);
    expect(given.err).toContain(`mxl: result written to ${path.join(dir, 'sub', 'fit.json')}\n`);
    expect(existsSync(path.join(dir, 'sub', 'fit.json'))).toBe(true);
    // predict: --individual relative to the working directory, the report beside the spec; a second run says it replaces it
    const p1 = mxl(['predict', 'spec.json', '--individual', 'ind.csv'], dir);
    expect(p1.code, p1.err).toBe(0);
    expect(p1.out).toContain(`written to ${path.join(dir, 'ind.csv')}`);
    expect(p1.out).toContain(`JSON report written to ${path.join(dir, 'spec.predict.json')}\n`);
    expect(p1.err).toBe('');
    const report = JSON.parse(readFileSync(path.join(dir, 'spec.predict.json'), 'utf8'));
    expect(report.individual).toBe(path.join(dir, 'ind.csv'));
    expect(report.result).toBe(path.join(dir, 'spec.result.json'));
    const p2 = mxl(['predict', 'spec.json', '--out', 'pred.json'], dir);
    expect(p2.err).toBe('');
    const p3 = mxl(['predict', 'spec.json', '--out', 'pred.json'], dir);
    expect(p3.code, p3.err).toBe(0);
    expect(p3.err).toBe(`mxl: replacing ${path.join(dir, 'pred.json')}\n`);
  });
});

describe('mxl predict', () => {
  it('estimates, then prints shares, elasticities, diversion and WTP and writes the report and the individual CSV', () => {
    const dir = setup(GOOD.replace(/\n$/, '\n') + '2,2,a,1,0.4,1\n2,2,b,0,0.8,0\n3,1,a,1,0.1,1\n3,1,b,0,1.1,0\n3,2,a,0,0.7,0\n3,2,b,1,0.2,1\n');
    const spec = path.join(dir, 'spec.json');
    expect(mxl(['estimate', spec, '--quiet']).code).toBe(0);
    const r = mxl(['predict', spec, '--shares', '--elasticities', 'x1', '--diversion', 'removal', '--wtp', 'x1', '--individual', path.join(dir, 'ind.csv')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/shares\nalternative +predicted +observed\na /);
    expect(r.out).toMatch(/aggregate elasticities/);
    expect(r.out).toMatch(/diversion ratios when the row alternative is removed/);
    // the WTP table lists the other coefficients, not the cost coefficient itself (its WTP is -1 by definition)
    const wtp = r.out.split('willingness to pay: -beta / beta_x1 over the population\n')[1].split('\n\n')[0].split('\n');
    expect(wtp[0]).toMatch(/^coefficient +mean +sd +q05 +median +q95$/);
    expect(wtp.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['x2']);
    const report = JSON.parse(readFileSync(path.join(dir, 'spec.predict.json'), 'utf8'));
    expect(report.shares.predicted.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    // two alternatives: all of a's lost demand goes to b
    expect(report.diversion.values[0][1]).toBeCloseTo(1, 12);
    const csv = readFileSync(path.join(dir, 'ind.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,x1,x2,csd.x1,csd.x2,wtp.x1,wtp.x2');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3']);
  });

  it('discrete diversion, groups, per-row probabilities and Krinsky-Robb intervals from the command line', () => {
    const dir = setup(GOOD.replace(/\n$/, '\n') + '2,2,a,1,0.4,1\n2,2,b,0,0.8,0\n3,1,a,1,0.1,1\n3,1,b,0,1.1,0\n3,2,a,0,0.7,0\n3,2,b,1,0.2,1\n', { se: 'bhhh' });
    const spec = path.join(dir, 'spec.json');
    expect(mxl(['estimate', spec, '--quiet']).code).toBe(0);
    const r = mxl(['predict', spec, '--diversion', 'x1=*1.1', '--by', 'situation', '--by-csv', path.join(dir, 'by.csv'),
      '--probabilities', path.join(dir, 'p.csv'), '--shares', '--se', '--ci', 'krinsky-robb', '--reps', '50', '--workers', '2']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/diversion ratios for the change x1=\*1\.1 of the row alternative/);
    expect(r.out).toMatch(/mean probability of the chosen alternative 0\.\d+; hit rate \(chosen = most probable\) [01]\.\d+/);
    expect(r.out).toMatch(/Krinsky-Robb simulation \(50 draws\)/);
    const report = JSON.parse(readFileSync(path.join(dir, 'spec.predict.json'), 'utf8'));
    expect(report.diversion.change).toBe('x1=*1.1');
    expect(report.diversion.values[0][1]).toBeCloseTo(1, 12);
    expect(report.shares.interval).toBe('krinsky-robb');
    expect(report.shares.groups).toHaveLength(6);
    expect(report.shares.groups[0]).toMatchObject({ by: 'situation', key: '1' });
    // a column of the data: the situation column itself has two values here
    const bySit = mxl(['predict', spec, '--shares', '--by', 'sit', '--out', path.join(dir, 'by-sit.json')]);
    expect(bySit.code).toBe(0);
    const groups = JSON.parse(readFileSync(path.join(dir, 'by-sit.json'), 'utf8')).shares.groups;
    expect(groups.map((g: { key: string }) => g.key)).toEqual(['1', '2']);
    const rows = readFileSync(path.join(dir, 'p.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,situation,alternative,probability,chosen');
    expect(rows).toHaveLength(13);
    const p1 = rows.slice(1, 3).map((l) => Number(l.split(',')[3]));
    expect(p1[0] + p1[1]).toBeCloseTo(1, 14);
    expect(rows[1]).toMatch(/^1,1,a,[0-9.e-]+,1$/);
    const by = readFileSync(path.join(dir, 'by.csv'), 'utf8').trim().split('\n');
    expect(by[0]).toBe('report,by,group,row,column,value,se');
    expect(by.some((l) => l.startsWith('diversion,situation,3,a,b,1,'))).toBe(true);
    for (const [args, msg] of [
      [['--ci', 'krinsky-robb'], /--ci needs --se/],
      [['--se', '--ci', 'bootstrap'], /--ci must be "delta" or "krinsky-robb"; received "bootstrap"/],
      [['--by-csv', 'x.csv'], /--by-csv needs --by COLUMN/],
      [['--by', 'region'], /column "region": the --by column "region" is not a column of the data; --by takes "situation" or a column: "id", "sit", "alt", "choice", "x1", "x2"\n$/],
      [['--diversion', 'x1=*1.1@a'], /a discrete intervention changes the variable of each row alternative in turn; leave out @a/],
    ] as [string[], RegExp][]) {
      const e = mxl(['predict', spec, ...args]);
      expect(e.code).toBe(2);
      expect(e.err).toMatch(msg);
    }
  });

  it('refuses a spec whose integration differs from the estimation\'s', () => {
    const dir = setup(GOOD.replace(/\n$/, '\n') + '2,2,a,1,0.4,1\n2,2,b,0,0.8,0\n3,1,a,1,0.1,1\n3,1,b,0,1.1,0\n');
    const spec = path.join(dir, 'spec.json');
    expect(mxl(['estimate', spec, '--quiet']).code).toBe(0);
    const s = JSON.parse(readFileSync(spec, 'utf8'));
    writeFileSync(spec, JSON.stringify({ ...s, integration: { rule: 'halton', draws: 10 } }));
    const r = mxl(['predict', spec, '--shares']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the spec's integration \(halton\(draws=10.*\) is not the one the result was estimated with \(halton\(draws=20/);
    expect(existsSync(path.join(dir, 'spec.predict.json'))).toBe(false);
  });

  it('bad requests: one line, exit 2, no report', () => {
    const dir = setup(GOOD);
    const spec = path.join(dir, 'spec.json');
    let r = mxl(['predict', spec]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--result .*spec\.result\.json: no such file \(run `mxl estimate` first/);
    expect(mxl(['estimate', spec, '--quiet']).code).toBe(0);
    r = mxl(['predict', spec, '--elasticities', 'price']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/elasticities: "price" is not a variable of the model; variables are x1, x2/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'spec.predict.json'))).toBe(false);
  });
});
