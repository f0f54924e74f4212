/**
 * `mxl bench estimators`: runs the estimator study (./estimators-study.ts) and writes
 * `estimators.csv` (every row), `estimators.md` (the summary table and the biases of the
 * spreads) and the figure `estimators` (RMSE and |bias| against the draws, SVG and PNG, rendered
 * like the integration suite's).
 *
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { ESTIMATOR_VARIANTS, ESTIMATORS_FULL, ESTIMATORS_QUICK, estimatorsStudy, type EstimatorRow, type EstimatorsConfig } from './estimators-study.js';
import { render } from './plot.js';

/** Options of {@link runEstimatorsBench}. */
export interface EstimatorsBenchOptions {
  out: string;
  /** Smoke-test settings ({@link ESTIMATORS_QUICK}). */
  quick?: boolean;
  /** Folder for the simulated data (default: a temporary folder, removed at the end). */
  work?: string;
  log?: (line: string) => void;
  /** Overrides of the settings (tests). */
  config?: EstimatorsConfig;
}

/** What the benchmark wrote. */
export interface EstimatorsBenchResult {
  files: string[];
  rows: EstimatorRow[];
  seconds: number;
}

const COLUMNS: (keyof EstimatorRow)[] = ['design', 'estimator', 'draws', 'param', 'truth', 'mean', 'bias', 'sd', 'rmse', 'seconds', 'replications', 'failed', 'unconverged', 'note'];

/** The CSV of the rows. */
export function estimatorsCsv(rows: readonly EstimatorRow[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

const f3 = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(3));

/** The summary table (markdown): per design, estimator and R, the (all) bias, sd and RMSE, seconds, failures. */
export function estimatorsTable(rows: readonly EstimatorRow[]): string {
  const lines = ['| design | estimator | R | bias (rms over params) | sd | RMSE | seconds | failed / not converged |', '|---|---|---:|---:|---:|---:|---:|---|'];
  for (const r of rows.filter((x) => x.param === '(all)')) {
    const fail = r.failed === r.replications && r.note ? r.note : `${r.failed} / ${r.unconverged} of ${r.replications}`;
    lines.push(`| ${r.design} | ${r.estimator} | ${r.draws} | ${f3(r.bias)} | ${f3(r.sd)} | ${f3(r.rmse)} | ${r.seconds === null ? '—' : r.seconds.toFixed(2)} | ${fail} |`);
  }
  return lines.join('\n');
}

/** The biases of the spreads (markdown), where simulation bias shows first. */
export function spreadBiasTable(rows: readonly EstimatorRow[]): string {
  const spreads = [...new Set(rows.filter((r) => r.param.startsWith('sd.')).map((r) => r.param))];
  const lines = [`| design | estimator | R | ${spreads.map((s) => `bias ${s}`).join(' | ')} |`, `|---|---|---:|${spreads.map(() => '---:').join('|')}|`];
  const keyed = new Map(rows.map((r) => [`${r.design}|${r.estimator}|${r.draws}|${r.param}`, r]));
  for (const r of rows.filter((x) => x.param === '(all)' && x.failed < x.replications)) {
    lines.push(`| ${r.design} | ${r.estimator} | ${r.draws} | ${spreads.map((s) => f3(keyed.get(`${r.design}|${r.estimator}|${r.draws}|${s}`)?.bias ?? null)).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** RMSE and |bias| (all parameters) against R, one line per estimator, one panel per design and measure. */
function figure(rows: readonly EstimatorRow[]): TopLevelSpec {
  const values = rows
    .filter((r) => r.param === '(all)' && r.rmse !== null)
    .flatMap((r) => [
      { panel: `${r.design}: RMSE`, estimator: r.estimator, draws: r.draws, value: r.rmse },
      { panel: `${r.design}: |bias|`, estimator: r.estimator, draws: r.draws, value: r.bias },
    ]);
  const x = { field: 'draws', type: 'quantitative', title: 'draws per individual R', scale: { type: 'log' }, axis: { values: [5, 10, 20, 50, 100], format: '~g', grid: true } };
  const y = { field: 'value', type: 'quantitative', title: 'over parameters (root mean square)', scale: { type: 'log' }, axis: { grid: true } };
  const color = { field: 'estimator', type: 'nominal', title: 'estimator', scale: { domain: ESTIMATOR_VARIANTS.map((v) => v.label), scheme: 'tableau10' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Estimators against the truth over replications (pseudo-random draws)', fontSize: 15 },
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, header: { labelFontSize: 13 } },
    columns: 2,
    spec: {
      width: 260,
      height: 190,
      layer: [
        { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x, y, color } },
        { mark: { type: 'point', filled: true, size: 30 }, encoding: { x, y, color, tooltip: [{ field: 'estimator' }, { field: 'draws' }, { field: 'value' }] } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: 'DejaVu Sans', legend: { labelFontSize: 12, titleFontSize: 12 }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  } as TopLevelSpec;
}

/** Runs the study and writes its files into `options.out`. */
export async function runEstimatorsBench(options: EstimatorsBenchOptions): Promise<EstimatorsBenchResult> {
  const t0 = performance.now();
  const log = options.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const cfg = options.config ?? (options.quick ? ESTIMATORS_QUICK : ESTIMATORS_FULL);
  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  const ownWork = options.work === undefined;
  const work = ownWork ? mkdtempSync(path.join(os.tmpdir(), 'mxl-bench-estimators-')) : path.resolve(options.work as string);
  try {
    const rows = await estimatorsStudy(cfg, work, log);
    const seconds = (performance.now() - t0) / 1000;
    const csv = path.join(out, 'estimators.csv');
    writeFileSync(csv, estimatorsCsv(rows));
    const md = path.join(out, 'estimators.md');
    const designs = cfg.designs.map((d) => `${d.name}: ${d.individuals} individuals × ${d.situations} situation${d.situations === 1 ? '' : 's'} × ${d.alternatives} alternatives`).join('; ');
    writeFileSync(md, [
      '# mxl bench estimators',
      '',
      `The built-in data-generating process (price fixed; time, comfort, wifi normal), ${designs}; ${cfg.replications} replications (a new data set and a new seed of the pseudo-random draws each), R = ${cfg.draws.join(', ')}; one worker per estimation; ${seconds.toFixed(0)} s in all.`,
      'Bias and sd are over the replications that ran; "(all)" rows are root mean squares over the 7 parameters. Failed: an error (accept-reject refused as impractical) or non-finite estimates; not converged: kept in the statistics.',
      '',
      estimatorsTable(rows),
      '',
      '## Bias of the spreads',
      '',
      spreadBiasTable(rows),
      '',
    ].join('\n'));
    const files = [csv, md, ...(await render(figure(rows), path.join(out, 'estimators')))];
    return { files, rows, seconds };
  } finally {
    if (ownWork) rmSync(work, { recursive: true, force: true });
  }
}
