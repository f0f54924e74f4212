/**
 * What the command line says: a parse error that commander finds (an unknown
 * option, an option without its value, a missing argument or required
 * option) is one line in mxl's format with a did-you-mean; `predict --by`
 * names the --by column as such; every file a command writes is printed as an
 * absolute path, whichever folder it ran from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ELECTRICITY_DIR, REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');

function mxl(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('errors commander finds: one line, mxl: error:, exit 2', () => {
  const cases: [string[], string][] = [
    [['estimate', 'spec.json', '--wrkers', '2'], 'unknown option "--wrkers" for mxl estimate (did you mean "--workers"?); the options are --out, --workers, --quiet, --checkpoint (mxl estimate --help)'],
    [['estimate', 'spec.json', '--wrkers=2'], 'unknown option "--wrkers=2" for mxl estimate (did you mean "--workers"?); the options are --out, --workers, --quiet, --checkpoint (mxl estimate --help)'],
    [['compare', 'a.json', 'b.json', '--jsn'], 'unknown option "--jsn" for mxl compare (did you mean "--json"?); the options are --json (mxl compare --help)'],
    [['--wrkers', '2'], 'unknown option "--wrkers" for mxl (did you mean "--workers"?); the options before a command are --version, --workers (mxl --help)'],
    [['bootstrap', 'spec.json', '--out', 'boot', '--reps'], '--reps of mxl bootstrap needs a value: --reps <B> (number of replicates)'],
    [['simulate', '--out', 'sim', '--seed'], '--seed of mxl simulate needs a value: --seed <n> (seed)'],
    [['bootstrap', 'spec.json', '--out', 'boot'], 'mxl bootstrap needs --reps <B> (number of replicates); usage: mxl bootstrap [options] <spec>'],
    [['batch', 'run', 'batch.json'], 'mxl batch run needs --out <dir> (folder for <name>.result.json, <name>.error.txt and summary.csv); usage: mxl batch run [options] <batch>'],
    [['estimate'], 'mxl estimate needs <spec>, the spec file (JSON); usage: mxl estimate [options] <spec>'],
    [['report'], 'mxl report needs <result>, the result JSON of `mxl estimate`; usage: mxl report [options] <result>'],
    [['estimate', 'a.json', 'b.json'], 'too many arguments for mxl estimate: it takes <spec>, and "b.json" is left over; usage: mxl estimate [options] <spec>'],
    [['batch', 'runn', 'b.json'], 'unknown command "batch runn" (did you mean "batch run"?); the commands are batch run, batch submit, batch work, batch collect, batch status (mxl batch --help)'],
  ];
  it.each(cases)('mxl %j', (args, message) => {
    const r = mxl(args);
    expect(r.err).toBe(`mxl: error: ${message}\n`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
  });

  it('predict: a misspelt option is suggested among its own options; --help still prints the help, exit 0', () => {
    const r = mxl(['predict', 'spec.json', '--by-cvs', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mxl: error: unknown option "--by-cvs" for mxl predict \(did you mean "--by-csv"\?\); the options are --result, --shares, .*--by, --by-csv, .* \(mxl predict --help\)\n$/);
    const h = mxl(['predict', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: mxl predict \[options\] <spec>/);
    expect(h.err).toBe('');
  });
});

describe('files written are printed as absolute paths; predict --by names the --by column', () => {
  let dir: string;
  beforeAll(() => {
    // the electricity example as a plain logit (fast); the data from examples/, the spec here
    dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-msg-'));
    const spec = JSON.parse(readFileSync(path.join(ELECTRICITY_DIR, 'spec.json'), 'utf8'));
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({
      data: { ...spec.data, path: path.join(ELECTRICITY_DIR, spec.data.path) },
      model: { fixed: ['pf', 'cl', 'loc', 'wk', 'tod', 'seas'] },
      workers: 1,
    }));
    const r = mxl(['estimate', 'spec.json'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`mxl: result written to ${path.join(dir, 'spec.result.json')}\n`);
  });

  it('predict prints the --by-csv, --probabilities and --out files it writes, absolute, from a relative argument', () => {
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const sub = path.join(dir, 'sub');
    const r = mxl(['predict', '../spec.json', '--shares', '--by', 'id', '--by-csv', 'by.csv', '--probabilities', 'p.csv', '--out', 'pred.json'], sub);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const byCsv = readFileSync(path.join(sub, 'by.csv'), 'utf8').trim().split('\n');
    expect(r.out).toContain(`reports by id as a long CSV (${byCsv.length - 1} rows) written to ${path.join(sub, 'by.csv')}\n`);
    expect(r.out).toContain(`predicted probabilities of 17232 rows written to ${path.join(sub, 'p.csv')}\n`);
    expect(r.out).toMatch(new RegExp(`\\nJSON report written to ${path.join(sub, 'pred.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    for (const f of ['by.csv', 'p.csv', 'pred.json']) expect(existsSync(path.join(sub, f)), f).toBe(true);
    // the default JSON beside the spec, printed absolute too
    const d = mxl(['predict', 'spec.json'], dir);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toMatch(/\nJSON report written to (.*)\n$/);
    expect(d.out.trim().split('\n').pop()).toBe(`JSON report written to ${path.join(dir, 'spec.predict.json')}`);
  });

  it('report --out relative: the path printed is absolute', () => {
    mkdirSync(path.join(dir, 'pages'), { recursive: true });
    const r = mxl(['report', '../spec.result.json', '--out', 'elec.report.html'], path.join(dir, 'pages'));
    expect(r.code, r.err).toBe(0);
    const file = path.join(dir, 'pages', 'elec.report.html');
    expect(r.out).toBe(`${file}\n`);
    expect(r.err).toMatch(new RegExp(`^mxl: report with \\d+ charts? written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    expect(existsSync(file)).toBe(true);
  });

  it('--by: a column that varies within a situation, and one that does not exist, are called the --by column', () => {
    const varies = mxl(['predict', 'spec.json', '--by', 'wk'], dir);
    expect(varies.code).toBe(2);
    expect(varies.err).toMatch(/^mxl: error: .*electricity_long\.csv, line \d+, column "wk": the --by column "wk" must be constant within situation "1" of individual "1", but it is "\d" at line \d+ and "\d" here \(a group is a set of whole choice situations, so the --by column must have one value per situation\)\n$/);
    expect(varies.err).not.toMatch(/situation column/);
    const typo = mxl(['predict', 'spec.json', '--by', 'wkk'], dir);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/^mxl: error: .*electricity_long\.csv, column "wkk": the --by column "wkk" is not a column of the data \(did you mean "wk"\?\); --by takes "situation" or a column: "choice", "id", "alt", "pf", "cl", "loc", "wk", "tod", "seas", "chid"\n$/);
    const situation = mxl(['predict', 'spec.json', '--by', 'situatoin'], dir);
    expect(situation.code).toBe(2);
    expect(situation.err).toMatch(/the --by column "situatoin" is not a column of the data \(did you mean "situation"\?\)/);
    // a column constant within each situation groups as before
    const ok = mxl(['predict', 'spec.json', '--by', 'id', '--out', path.join(dir, 'by-id.json')], dir);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'by-id.json'), 'utf8')).shares.groups).toHaveLength(361);
  });
});
