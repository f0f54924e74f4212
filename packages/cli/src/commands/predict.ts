import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { prepare, readSpec } from '@mxl/estimation';
import { parseChange, Predictor, type GroupReport, type Interval, type MatrixReport, type ResultLike } from '@mxl/postestimation';
import { BY_COLUMN } from '../by-column.js';
import { CliError } from '../errors.js';
import { loadProgress } from '../progress.js';
import { dataName, defaultBeside, readResultFile } from './estimate.js';
import { csvField, writeAtomic } from '@mxl/batch';
import { posteriorDraws } from './posterior-draws.js';
import { FULL_MATRIX_MAX, summarizeMatrix, type MatrixEntry, type RowSummary } from '@mxl/report/charts';

/** Options of `mxl predict`. */
export interface PredictOptions {
  result?: string;
  shares?: boolean;
  elasticities?: string;
  diversion?: string;
  individual?: string;
  wtp?: string;
  change?: string[];
  by?: string;
  byCsv?: string;
  probabilities?: string;
  se?: boolean;
  ci?: string;
  reps?: number;
  seed?: number;
  workers?: number;
  out?: string;
  signal?: AbortSignal;
}

function num(x: number, d = 4): string {
  return Number.isFinite(x) ? x.toFixed(d) : Number.isNaN(x) ? 'NA' : x > 0 ? 'Inf' : '-Inf';
}

/** A labelled table, right-aligned, with an optional row of standard errors under each row. */
function table(title: string, corner: string, cols: string[], rows: { label: string; values: number[]; se?: number[] }[]): string {
  const w0 = Math.max(corner.length, ...rows.map((r) => r.label.length)) + 2;
  const w = Math.max(10, ...cols.map((c) => c.length + 2));
  const lines = [title, corner.padEnd(w0) + cols.map((c) => c.padStart(w)).join('')];
  for (const r of rows) {
    lines.push(r.label.padEnd(w0) + r.values.map((v) => num(v).padStart(w)).join(''));
    if (r.se) lines.push(''.padEnd(w0) + r.se.map((v) => `(${num(v)})`.padStart(w)).join(''));
  }
  return lines.join('\n');
}

function matrixTable(title: string, corner: string, m: MatrixReport): string {
  return table(title, corner, m.alternatives, m.alternatives.map((a, i) => ({ label: a, values: m.values[i], se: m.se?.[i] })));
}

/** The largest entries per alternative that the summary of a large matrix prints. */
const TOP = 3;

/**
 * A large matrix's summary (see `summarizeMatrix`): a row per alternative with
 * its own entry (when `own` names the column) and its {@link TOP} largest
 * entries off the diagonal as "alternative value", each with its standard
 * error in parentheses underneath when asked. Lines stay a few labels wide, whatever J.
 */
function summaryTable(title: string, corner: string, own: string | null, largest: string, rows: RowSummary[]): string {
  const cell = (e: MatrixEntry) => `${e.alternative} ${num(e.value)}`;
  const se = (e: MatrixEntry) => (e.se === null ? '' : `(${num(e.se)})`);
  const anySe = rows.some((r) => r.largest.some((e) => e.se !== null) || (own !== null && r.own.se !== null));
  const w0 = Math.max(corner.length, ...rows.map((r) => r.alternative.length)) + 2;
  const wo = own === null ? 0 : Math.max(12, own.length + 2);
  const wc = Math.max(12, ...rows.flatMap((r) => r.largest.map((e) => cell(e).length + 2)));
  const lines = [title, corner.padEnd(w0) + (own === null ? '' : own.padStart(wo)) + '  ' + largest];
  for (const r of rows) {
    const cells = r.largest.map((e) => cell(e).padStart(wc)).join('');
    lines.push(r.alternative.padEnd(w0) + (own === null ? '' : num(r.own.value).padStart(wo)) + (cells || '(none)'.padStart(wc)));
    if (anySe) lines.push(''.padEnd(w0) + (own === null ? '' : se(r.own).padStart(wo)) + r.largest.map((e) => se(e).padStart(wc)).join(''));
  }
  return lines.join('\n');
}

/** The full matrices of a large choice set as a long CSV: one line per cell (matrix, row, column, value, se; empty where there is none). */
class MatrixCsv {
  readonly lines = ['matrix,row,column,value,se'];
  add(name: string, m: MatrixReport): void {
    const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : String(x));
    m.alternatives.forEach((a, i) => m.alternatives.forEach((b, j) => this.lines.push([name, a, b].map(csvField).join(',') + `,${f(m.values[i][j])},${f(m.se?.[i][j])}`)));
  }
}

/** The file beside the JSON report that takes the full matrices of a large choice set: X.predict.json -> X.predict.matrices.csv. */
function matricesCsvFile(outFile: string): string {
  return outFile.replace(/\.json$/i, '') + '.matrices.csv';
}

/** One line per number of a report by group, for --by-csv. */
class LongCsv {
  readonly lines = ['report,by,group,row,column,value,se'];
  add(report: string, g: { by: string; key: string }, row: string, column: string, value: number, se?: number): void {
    const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : String(x));
    this.lines.push([report, g.by, g.key, row, column].map(csvField).join(',') + `,${f(value)},${f(se)}`);
  }
  matrix(report: string, groups: GroupReport<MatrixReport>[] | undefined): void {
    for (const g of groups ?? []) {
      const m = g.report;
      m.alternatives.forEach((a, i) => m.alternatives.forEach((b, j) => this.add(report, g, a, b, m.values[i][j], m.se?.[i][j])));
    }
  }
}

function interval(o: PredictOptions & { draws?: Float64Array[] }): Interval {
  const ci = o.ci ?? 'delta';
  if (ci === 'delta') return { method: 'delta' };
  if (ci === 'krinsky-robb') return { method: 'krinsky-robb', reps: o.reps ?? 1000, seed: o.seed };
  if (ci === 'posterior' && o.draws) return { method: 'posterior', draws: o.draws };
  // "posterior" (a hierarchical Bayes result) is offered in --help; its errors come from posteriorDraws
  throw new CliError(`--ci must be "delta" or "krinsky-robb"; received ${JSON.stringify(ci)}`);
}


/**
 * `mxl predict SPEC.json`: post-estimation of the model estimated from
 * SPEC.json (its result JSON beside it, or --result): predicted and observed
 * shares, aggregate elasticities, diversion ratios, individual-level
 * parameters (CSV) and willingness to pay; prints tables and writes a JSON
 * report.
 */
export async function predictCommand(specFile: string, o: PredictOptions): Promise<void> {
  // every path is made absolute here: relative ones start at the working directory, defaults are beside the spec
  const resultFile = path.resolve(o.result ?? defaultBeside(specFile, '.result.json'));
  const abs = (f: string | undefined) => (f === undefined ? undefined : path.resolve(f));
  o = { ...o, individual: abs(o.individual), probabilities: abs(o.probabilities), byCsv: abs(o.byCsv) };
  const raw = readSpec(specFile);
  const progress = loadProgress(dataName(raw));
  let prepared;
  try {
    // a column of the data: kept per situation, and called the --by column in the data's messages about it
    const by = o.by !== undefined && o.by !== 'situation' ? { situationColumns: [o.by], situationColumnRoles: { [o.by]: BY_COLUMN } } : {};
    prepared = await prepare(raw, specFile, { onProgress: progress.update, ...by });
  } finally {
    progress.stop();
  }
  const result = readResultFile<ResultLike>(resultFile);
  // predictions integrate over the estimation's draws: a spec whose integration has changed since would give other numbers
  const estimated = (result as { integration?: { description?: string } }).integration?.description;
  const now = prepared.rule ? prepared.rule.toString() : 'no random coefficients';
  if (estimated !== undefined && estimated !== now) {
    throw new CliError(
      `the spec's integration (${now}) is not the one the result was estimated with (${estimated}); predictions would integrate ` +
        `over other draws. Set the spec's integration back, or estimate again`,
    );
  }
  if (o.ci !== undefined && !o.se) throw new CliError('--ci needs --se');
  if (o.byCsv !== undefined && o.by === undefined) throw new CliError('--by-csv needs --by COLUMN');
  // a hierarchical Bayes result: every prediction averaged over posterior draws, its uncertainty theirs
  const hb = (result as { hb?: unknown }).hb !== undefined;
  if (hb && o.ci !== undefined && o.ci !== 'posterior') throw new CliError(`--ci ${o.ci}: predictions from a hierarchical Bayes result are averages over its posterior draws, and their uncertainty is the posterior's: use --ci posterior (the default for it)`);
  if (!hb && o.ci === 'posterior') throw new CliError('--ci posterior needs a hierarchical Bayes result (estimator "hb")');
  if (o.reps !== undefined && !(Number.isInteger(o.reps) && o.reps >= 2)) throw new CliError(`--reps must be an integer of at least 2; received ${o.reps}`);
  const draws = hb ? posteriorDraws(result as Parameters<typeof posteriorDraws>[0], prepared.design.params.map((q) => q.name), o.reps ?? 200) : undefined;
  const pr = new Predictor(prepared, result, { workers: o.workers, posterior: draws });
  try {
    await predictReports(pr, specFile, resultFile, { ...o, ci: hb ? 'posterior' : o.ci, draws, wtpSpace: (result as { space?: string }).space === 'wtp' }, hb ? hbNote(draws!.length) : null);
  } finally {
    await pr.close();
  }
}

/** What predictions from a hierarchical Bayes result are (printed and in the JSON as `note`), over `R` posterior draws. */
export function hbNote(R: number): string {
  return `the result is a hierarchical Bayes posterior (estimator "hb"): shares, scenarios, elasticities, diversion ratios, WTP and per-row probabilities are posterior means, each the average of the statistic over ${R} draws of the population parameters (means, covariance, fixed coefficients) spread evenly over the chains' kept draws ("hb.trace"; --reps, default 200), integrating over the mixing distribution at each draw; with --se their posterior sds, and 95% credible intervals in the JSON, over the same draws. Individual-level parameters (--individual) are at the posterior means`;
}

async function predictReports(pr: Predictor, specFile: string, resultFile: string, o: PredictOptions & { draws?: Float64Array[]; wtpSpace?: boolean }, note: string | null = null): Promise<void> {
  const ro = { se: o.se === true, signal: o.signal, by: o.by, interval: interval(o) };
  const byCsv = new LongCsv();
  const outFile = path.resolve(o.out ?? defaultBeside(specFile, '.predict.json'));
  // more than FULL_MATRIX_MAX alternatives: a summary per alternative on the terminal, the full matrices in the JSON and a CSV
  const matrices = new MatrixCsv();
  const csvFile = matricesCsvFile(outFile);
  const large = (m: MatrixReport) => m.alternatives.length > FULL_MATRIX_MAX;
  const full = (m: MatrixReport) => `the full ${m.alternatives.length} × ${m.alternatives.length} matrix: in the JSON and in ${csvFile}`;
  const report: Record<string, unknown> = { spec: path.resolve(specFile), result: resultFile };
  const out: string[] = [];
  const changes = (o.change ?? []).map((c) => parseChange(c));
  const any = o.elasticities || o.diversion || o.individual || o.wtp || changes.length || o.probabilities;
  if (o.shares || !any) {
    const s = await pr.shares(ro);
    report.shares = s;
    const fit = `mean probability of the chosen alternative ${num(s.chosenProbability)}; hit rate (chosen = most probable) ${num(s.hitRate)}`;
    out.push(table('shares', 'alternative', ['predicted', 'observed'], s.alternatives.map((a, j) => ({ label: a, values: [s.predicted[j], s.observed[j]], se: s.se ? [s.se[j], NaN] : undefined }))) + '\n' + fit);
    for (const g of s.groups ?? []) {
      g.report.alternatives.forEach((a, j) => {
        byCsv.add('shares', g, a, 'predicted', g.report.predicted[j], g.report.se?.[j]);
        byCsv.add('shares', g, a, 'observed', g.report.observed[j]);
      });
    }
    if (s.groups) out.push(`shares by ${o.by}: ${s.groups.length} groups (in the JSON${o.byCsv ? ` and ${o.byCsv}` : ''})`);
  }
  if (changes.length) {
    const sc = await pr.scenario(changes, ro);
    report.scenario = { changes, ...sc };
    const what = (o.change ?? []).join(', ');
    for (const g of sc.groups ?? []) {
      g.report.alternatives.forEach((a, j) => {
        byCsv.add('scenario', g, a, 'base', g.report.base[j], g.report.baseSe?.[j]);
        byCsv.add('scenario', g, a, 'scenario', g.report.scenario[j], g.report.scenarioSe?.[j]);
        byCsv.add('scenario', g, a, 'change', g.report.change[j], g.report.changeSe?.[j]);
      });
    }
    out.push(table(`predicted shares under the scenario ${what}`, 'alternative', ['base', 'scenario', 'change (pp)'], sc.alternatives.map((a, j) => ({ label: a, values: [sc.base[j], sc.scenario[j], sc.change[j]], se: sc.changeSe ? [sc.baseSe?.[j] ?? NaN, sc.scenarioSe?.[j] ?? NaN, sc.changeSe[j]] : undefined }))));
  }
  if (o.elasticities) {
    const e = await pr.elasticities(o.elasticities, ro);
    report.elasticities = { variable: o.elasticities, ...e };
    byCsv.matrix('elasticities', e.groups);
    if (large(e)) {
      matrices.add('elasticities', e);
      out.push(summaryTable(
        `aggregate elasticities of demand with respect to ${o.elasticities}, ${e.alternatives.length} alternatives: the own elasticity and the ${TOP} largest cross-elasticities (by size) of the demand for each, with respect to ${o.elasticities} of the alternative named;\n${full(e)}`,
        'demand for', 'own', `largest cross-elasticities: ${o.elasticities} of`, summarizeMatrix(e, TOP, 'size'),
      ));
    } else out.push(matrixTable(`aggregate elasticities of demand (rows) with respect to ${o.elasticities} of (columns)`, 'demand for', e));
  }
  if (o.diversion) {
    const d = await pr.diversion(o.diversion, ro);
    report.diversion = { by: o.diversion, ...d };
    byCsv.matrix('diversion', d.groups);
    const how = o.diversion === 'removal' ? 'when the row alternative is removed' : o.diversion.includes('=') ? `for the change ${o.diversion} of the row alternative` : `for a small change of ${o.diversion} of the row alternative`;
    if (large(d)) {
      matrices.add('diversion', d);
      out.push(summaryTable(
        `diversion ratios ${how}, ${d.alternatives.length} alternatives: the ${TOP} alternatives that take the largest shares of each one's lost demand;\n${full(d)}`,
        'from', null, 'largest diversion: to', summarizeMatrix(d, TOP, 'value'),
      ));
    } else out.push(matrixTable(`diversion ratios ${how}: share of its lost demand going to (columns)`, 'from', d));
  }
  if (o.wtp) {
    const w = await pr.wtp(o.wtp, ro);
    report.wtp = w;
    // the cost coefficient's own WTP is -1 by definition: not a row
    const rows = w.coefficients.flatMap((c, k) => (c === w.cost ? [] : [{ label: c, values: [w.mean[k], w.sd[k], w.q05[k], w.median[k], w.q95[k]], se: w.meanSe ? [w.meanSe, w.sdSe, w.q05Se, w.medianSe, w.q95Se].map((x) => x?.[k] ?? NaN) : undefined }]));
    const title = o.wtpSpace
      ? `willingness to pay over the population: omega, estimated directly in WTP space (-beta_k / beta_${w.cost} = omega_k for every individual)`
      : `willingness to pay: -beta / beta_${w.cost} over the population`;
    out.push(table(title, 'coefficient', ['mean', 'sd', 'q05', 'median', 'q95'], rows) + w.notes.map((n) => `\nnote: ${n}`).join(''));
  }
  if (o.probabilities) {
    const n = await writeProbabilities(pr, o.probabilities, o.signal);
    report.probabilities = o.probabilities;
    out.push(`predicted probabilities of ${n} rows written to ${o.probabilities}`);
  }
  if (matrices.lines.length > 1) {
    writeAtomic(csvFile, matrices.lines.join('\n') + '\n');
    report.matricesCsv = csvFile;
    out.push(`full matrices as a long CSV (${matrices.lines.length - 1} rows: matrix, row, column, value, se) written to ${csvFile}`);
  }
  if (o.byCsv) {
    writeAtomic(o.byCsv, byCsv.lines.join('\n') + '\n');
    report.byCsv = o.byCsv;
    out.push(`reports by ${o.by} as a long CSV (${byCsv.lines.length - 1} rows) written to ${o.byCsv}`);
  }
  if (o.individual) {
    const ind = pr.individual(o.wtp);
    const K = ind.coefficients.length;
    const C = ind.classProbabilities ? ind.classProbabilities.length / ind.ids.length : 0;
    const head = ['id', ...ind.coefficients, ...ind.coefficients.map((c) => `csd.${c}`), ...(ind.wtp ? ind.coefficients.map((c) => `wtp.${c}`) : []), ...Array.from({ length: C }, (_, c) => `class${c + 1}`)];
    const lines = [head.map(csvField).join(',')];
    for (let u = 0; u < ind.ids.length; u++) {
      const cells = [csvField(ind.ids[u])];
      for (let k = 0; k < K; k++) cells.push(String(ind.mean[u * K + k]));
      for (let k = 0; k < K; k++) cells.push(String(ind.sd[u * K + k]));
      if (ind.wtp) for (let k = 0; k < K; k++) cells.push(String(ind.wtp[u * K + k]));
      for (let c = 0; c < C; c++) cells.push(String(ind.classProbabilities![u * C + c]));
      lines.push(cells.join(','));
    }
    writeAtomic(o.individual, lines.join('\n') + '\n');
    report.individual = o.individual;
    out.push(`individual-level parameters (conditional means and sds${ind.wtp ? ', conditional WTP' : ''}${C ? ', posterior class probabilities' : ''}) of ${ind.ids.length} units written to ${o.individual}`);
  }
  if (note) { report.note = note; out.push(`note: ${note}`); }
  if (o.se) out.push(ro.interval.method === 'delta' ? 'standard errors (in parentheses) by the delta method' : ro.interval.method === 'posterior' ? `posterior standard deviations (in parentheses) over ${ro.interval.draws.length} draws of the posterior; 95% credible intervals in the JSON` : `standard errors (in parentheses) by Krinsky-Robb simulation (${(ro.interval as { reps: number }).reps} draws); 95% intervals in the JSON`);
  process.stdout.write(out.join('\n\n') + '\n');
  if (existsSync(outFile)) process.stderr.write(`mxl: replacing ${outFile}\n`);
  writeAtomic(outFile, JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  process.stdout.write(`JSON report written to ${outFile}\n`);
}

/** The per-row predictions as a CSV: id, situation, alternative, probability, chosen (the outside option as a row of its own). */
async function writeProbabilities(pr: Predictor, file: string, signal?: AbortSignal): Promise<number> {
  const d = pr.prepared.data;
  const p = await pr.probabilities({ signal });
  const lines = ['id,situation,alternative,probability,chosen'];
  let sit = 0;
  for (let u = 0; u < d.nUnits; u++) {
    const id = csvField(d.clusterIds?.[d.unitCluster[u]] ?? String(d.unitCluster[u] + 1));
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      sit++;
      for (let r = d.sitRow[s]; r < d.sitRow[s + 1]; r++) lines.push(`${id},${sit},${csvField(d.altLabels[d.rowAlt[r]])},${p.row[r]},${d.sitChosen[s] === r ? 1 : 0}`);
      if (d.outside) lines.push(`${id},${sit},outside,${p.outside[s]},${d.sitChosen[s] < 0 ? 1 : 0}`);
    }
  }
  writeAtomic(file, lines.join('\n') + '\n');
  return lines.length - 1;
}
