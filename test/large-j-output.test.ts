/**
 * Large choice sets after estimation: with more than FULL_MATRIX_MAX (12)
 * alternatives `mxl predict --elasticities X --diversion X` prints a summary
 * per alternative (own elasticity with its standard error, the 3 largest
 * cross-elasticities, the 3 largest diversion destinations) instead of two
 * J × J tables, and writes the full matrices, as in the JSON, to a long CSV
 * beside it (its absolute path printed). The HTML report draws a heat map
 * that stays about 720 px wide up to 60 alternatives and a table of the
 * largest entries per alternative beyond 14; above 60 only the table. At
 * 12 alternatives the full matrices are printed as before, and no CSV is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '@mxl/estimation';
import { buildReport, FULL_MATRIX_MAX, summarizeMatrix, type ReportPredict, type ReportResult } from '@mxl/report';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');

function mxl(args: string[]) {
  const r = spawnSync(process.execPath, [MXL, '--workers', '1', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A small simulated model with J alternatives (few individuals, 20 draws), estimated: its spec file. */
function fitted(J: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mxl-j${J}-`));
  const files = simulate(dir, { individuals: 60, situations: 3, alternatives: J, seed: 5 });
  const spec = JSON.parse(readFileSync(files.spec, 'utf8'));
  writeFileSync(files.spec, JSON.stringify({ ...spec, integration: { rule: 'halton', draws: 20 } }));
  const est = mxl(['estimate', files.spec, '--quiet']);
  expect(est.code, est.err).toBe(0);
  return files.spec;
}

/** A long CSV's rows as fields (the alternatives' labels need no quoting here). */
function csvRows(file: string): string[][] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
}

type Matrix = { alternatives: string[]; values: (number | null)[][]; se?: (number | null)[][] };

describe('mxl predict and report with many alternatives', () => {
  it('J = 60: a bounded summary on the terminal, the full matrices in the JSON and an equal CSV, a report that renders', async () => {
    const spec = fitted(60);
    const r = mxl(['predict', spec, '--shares', '--elasticities', 'price', '--diversion', 'price', '--se']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    // two 60 × 60 tables with standard errors would be ~7,300 values on 240 lines of ~600 characters
    expect(r.out.length).toBeLessThan(30_000);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(250);
    const json = JSON.parse(readFileSync(spec.replace(/\.json$/, '.predict.json'), 'utf8')) as { elasticities: Matrix; diversion: Matrix; matricesCsv: string };
    const e = json.elasticities, d = json.diversion;
    expect(e.alternatives).toHaveLength(60);
    expect(e.values.every((row) => row.length === 60)).toBe(true);
    // the summary: per alternative the own elasticity with its s.e., then the 3 largest cross-elasticities by size
    const start = lines.findIndex((l) => l.startsWith('aggregate elasticities of demand with respect to price, 60 alternatives'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines[start + 1]).toBe(`the full 60 × 60 matrix: in the JSON and in ${json.matricesCsv}`);
    const f4 = (x: number) => x.toFixed(4);
    for (const i of [0, 17, 59]) {
      const row = lines[start + 3 + 2 * i].trim().split(/\s+/);
      expect(row[0]).toBe(e.alternatives[i]);
      expect(row[1]).toBe(f4(e.values[i][i]!));
      const cross = e.values[i].map((v, j) => ({ j, v: v! })).filter((x) => x.j !== i).sort((a, b) => Math.abs(b.v) - Math.abs(a.v)).slice(0, 3);
      expect(row.slice(2)).toEqual(cross.flatMap((x) => [e.alternatives[x.j], f4(x.v)]));
      expect(lines[start + 4 + 2 * i].trim().split(/\s+/)).toEqual([`(${f4(e.se![i][i]!)})`, ...cross.map((x) => `(${f4(e.se![i][x.j]!)})`)]);
    }
    // diversion: the 3 alternatives taking the largest shares of each one's lost demand
    const ds = lines.findIndex((l) => l.startsWith('diversion ratios for a small change of price of the row alternative, 60 alternatives'));
    expect(ds).toBeGreaterThan(start);
    for (const i of [0, 33, 59]) {
      const row = lines[ds + 3 + 2 * i].trim().split(/\s+/);
      const top = d.values[i].map((v, j) => ({ j, v })).filter((x) => x.j !== i && x.v !== null).sort((a, b) => b.v! - a.v!).slice(0, 3);
      expect(row).toEqual([d.alternatives[i], ...top.flatMap((x) => [d.alternatives[x.j], f4(x.v!)])]);
    }
    // the CSV beside the JSON, its absolute path printed: every cell of both matrices, as in the JSON
    expect(path.isAbsolute(json.matricesCsv)).toBe(true);
    expect(r.out).toContain(`full matrices as a long CSV (7200 rows: matrix, row, column, value, se) written to ${json.matricesCsv}`);
    const rows = csvRows(json.matricesCsv);
    expect(rows[0]).toEqual(['matrix', 'row', 'column', 'value', 'se']);
    expect(rows).toHaveLength(1 + 2 * 60 * 60);
    const cell = (x: string) => (x === '' ? null : Number(x));
    for (const [name, m] of [['elasticities', e], ['diversion', d]] as const) {
      const mine = rows.filter((x) => x[0] === name);
      expect(mine).toHaveLength(3600);
      mine.forEach(([, a, b, v, s], n) => {
        const i = Math.floor(n / 60), j = n % 60;
        expect([a, b]).toEqual([m.alternatives[i], m.alternatives[j]]);
        expect(cell(v)).toBe(m.values[i][j]);
        expect(cell(s)).toBe(m.se?.[i][j] ?? null);
      });
    }
    // the report: both heat maps (scaled), and the tables of the largest entries
    const html = path.join(path.dirname(spec), 'report.html');
    const rep = mxl(['report', spec.replace(/\.json$/, '.result.json'), '--predict', spec.replace(/\.json$/, '.predict.json'), '--out', html]);
    expect(rep.code, rep.err).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(statSync(html).size).toBeLessThan(4e6);
    for (const id of ['elasticities', 'diversion']) {
      const svg = new RegExp(`id="chart-${id}"[^>]*><svg[^>]* width="(\\d+)" height="(\\d+)"`).exec(page);
      expect(svg, id).not.toBeNull();
      expect(Number(svg![1])).toBeLessThan(1000); // 60 cells of 12 px and the axes
    }
    expect(page).toContain('<h3>Elasticities with respect to price: largest entries</h3>');
    expect(page).toContain('<h3>Diversion ratios (price): largest entries</h3>');
    expect(page.match(/<tr><th scope="row">\d+<\/th>/g)!.length).toBeGreaterThanOrEqual(2 * 60);
  }, 120_000);

  it(`J = ${FULL_MATRIX_MAX}: the full matrices on the terminal, as before, and no CSV`, () => {
    const spec = fitted(FULL_MATRIX_MAX);
    const r = mxl(['predict', spec, '--elasticities', 'price', '--diversion', 'price']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('aggregate elasticities of demand (rows) with respect to price of (columns)');
    expect(r.out).toMatch(/^demand for\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+10\s+11\s+12$/m);
    expect(r.out).not.toMatch(/matrices\.csv|largest/);
    expect(existsSync(spec.replace(/\.json$/, '.predict.matrices.csv'))).toBe(false);
  }, 60_000);

  it('J = 150 in the report: no heat map, a table of the largest entries; the summary of a matrix', async () => {
    const J = 150;
    const alts = Array.from({ length: J }, (_, i) => `a${i + 1}`);
    const el = alts.map((_, i) => alts.map((_, j) => (i === j ? -2 - i / J : ((i * 7 + j * 13) % 29) / 1000 - 0.01)));
    const dv = alts.map((_, i) => alts.map((_, j) => (i === j ? null : (((i + 3) * (j + 5)) % 31) / 3000)));
    const predict: ReportPredict = { elasticities: { variable: 'price', alternatives: alts, values: el }, diversion: { by: 'removal', alternatives: alts, values: dv } };
    const result = { mxl: '0', loglik: -1, parameters: [], converged: true } as unknown as ReportResult;
    const { html, charts } = await buildReport({ result, predict, generated: 'now' });
    expect(charts.map((c) => c.id)).not.toContain('elasticities');
    expect(charts.map((c) => c.id)).not.toContain('diversion');
    expect(html).toContain('150 alternatives, too many for a heat map (more than 60)');
    const s = summarizeMatrix(predict.elasticities!, 5, 'size');
    expect(s).toHaveLength(J);
    expect(html).toContain(`<tr><th scope="row">a1</th><td>${'−2.0000'}</td><td>${s[0].largest[0].alternative} ${s[0].largest[0].value.toFixed(4).replace('-', '−')}</td>`);
    // by size (either sign) for elasticities, by value for diversion; the diagonal and missing values left out; ties in column order
    const m = { alternatives: ['a', 'b', 'c', 'd'], values: [[-1, 0.1, -0.3, 0.3], [0.2, -2, null, NaN], [0, 0, -1, 0], [0.5, 0.5, 0.5, 9]], se: [[0.1, null, 0.03, 0.04], [], [], []] };
    expect(summarizeMatrix(m, 2, 'size')[0]).toEqual({
      row: 0, alternative: 'a', own: { column: 0, alternative: 'a', value: -1, se: 0.1 },
      largest: [{ column: 2, alternative: 'c', value: -0.3, se: 0.03 }, { column: 3, alternative: 'd', value: 0.3, se: 0.04 }],
    });
    expect(summarizeMatrix(m, 2, 'value')[0].largest.map((x) => x.alternative)).toEqual(['d', 'b']);
    expect(summarizeMatrix(m, 3, 'value')[1].largest.map((x) => x.alternative)).toEqual(['a']);
    expect(summarizeMatrix(m, 2, 'value')[3].largest.map((x) => x.alternative)).toEqual(['a', 'b']);
    expect(() => summarizeMatrix(m, -1, 'size')).toThrow(/k must be a whole number >= 0; received -1/);
  });
});
