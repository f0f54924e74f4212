/**
 * The report as one self-contained HTML page: the tables as HTML, the charts as inline SVG (from
 * {@link reportCharts}, rendered by {@link renderSvg}), the styles inline; no script, no font,
 * image or style sheet to fetch. Prints on A4 (`@media print`: no chart or table split across
 * pages where it fits on one). No file access here: `mxl report` reads and writes the files.
 *
 * @packageDocumentation
 */
import { HEATMAP_MAX, HEATMAP_VALUES_MAX, reportCharts, type ReportChart } from './charts.js';
import { summarizeMatrix, type MatrixEntry } from './substitution.js';
import { renderSvg } from './render.js';
import { hbSection } from './hb-section.js';
import type { IndividualTable, ReportMatrix, ReportPredict, ReportResult } from './types.js';
import { esc, num } from './format.js';

export { esc, num } from './format.js';

/** What a report is made of. */
export interface ReportInput {
  result: ReportResult;
  predict?: ReportPredict | null;
  individual?: IndividualTable | null;
  /** The files it was made from, as shown in the header. */
  sources?: { result?: string; predict?: string; individual?: string };
  /** The page's title (default: "mxl report: " and the data file). */
  title?: string;
  /** When it was made (default: now), as shown in the header. */
  generated?: string;
}

function pval(p: number | null | undefined): string {
  if (typeof p !== 'number' || !Number.isFinite(p)) return 'NA';
  return p < 1e-4 ? '&lt; 0.0001' : p.toFixed(4);
}

function table(head: string[], rows: string[][], cls = 'num'): string {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
}

const CSS = `
:root { --ink: #1a1a1a; --muted: #666; --rule: #d8d8d8; --accent: #1f77b4; --warn: #9a3412; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: var(--muted); font-size: 12.5px; margin: 0 0 8px; }
.meta code { font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 1.5px solid #999; text-align: right; font-weight: 600; }
thead th:first-child, tbody th { text-align: left; font-weight: normal; }
table.num td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.fit td { text-align: left; }
.cols { display: flex; flex-wrap: wrap; gap: 8px 40px; align-items: flex-start; }
.cols > figure.chart { flex: 0 1 auto; max-width: 100%; }
.cols > figure.chart figcaption { width: 0; min-width: 100%; }
.warn { border-left: 4px solid var(--warn); background: #fff7ed; padding: 6px 10px; margin: 8px 0; font-size: 13px; }
.notes { color: var(--muted); font-size: 12.5px; }
figure.chart { margin: 8px 0 16px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; max-width: 760px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(430px, 1fr)); gap: 4px 24px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10.5pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18px; }
  table, .warn { break-inside: avoid; page-break-inside: avoid; }
  .grid { grid-template-columns: 1fr 1fr; }
  figure.chart svg { max-height: 120mm; width: auto; }
  a { color: inherit; text-decoration: none; }
}
`;

function figure(c: ReportChart, svg: string): string {
  return `<figure class="chart" id="chart-${esc(c.id)}" data-chart="${esc(c.id)}">${svg}<figcaption>${esc(c.caption)}</figcaption></figure>`;
}

function fitTable(r: ReportResult): string {
  const s = r.sample ?? {};
  const free = r.parameters.filter((p) => !p.fixed).length;
  const rows: [string, string][] = [
    ['log-likelihood', num(r.loglik)],
    ['null log-likelihood', num(r.nullLoglik)],
    ['McFadden ρ²', num(r.rho2)],
    ['AIC', num(r.aic, 2)],
    ['BIC', num(r.bic, 2)],
    ['parameters (free)', `${r.parameters.length}${free < r.parameters.length ? ` (${free})` : ''}`],
  ];
  const rows2: [string, string][] = [
    ['sample', `${s.individuals ?? '?'} individuals, ${s.situations ?? '?'} situations, ${s.rows ?? '?'} rows${s.panel === undefined ? '' : s.panel ? '; panel' : '; cross-section'}`],
    ['integration', esc(r.integration?.description ?? r.integration?.rule ?? '')],
    ['standard errors', esc(r.se ?? '')],
    ['optimizer', `${r.converged ? 'converged' : '<strong>not converged</strong>'} (${esc(r.termination ?? '')}) after ${r.iterations ?? '?'} iterations, ${r.functionEvaluations ?? '?'} evaluations`],
    ['time', `${num(r.seconds, 2)} s${r.workers ? ` on ${r.workers} worker${r.workers === 1 ? '' : 's'}` : ''}`],
  ];
  const t = (rs: [string, string][]) => `<table class="fit"><tbody>${rs.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
  return `<div class="cols">${t(rows)}${t(rows2)}</div>`;
}

/**
 * The fit's simulation error (result.simulation): the standard error and bias of the simulated
 * LL, the units whose simulated probability is off by more than 10%, and the draws at which the
 * bias would fall below 1; empty for results without it (quadrature, no random coefficients,
 * older versions).
 */
function simulationSection(r: ReportResult): string {
  const s = r.simulation;
  if (!s) return '';
  const share = s.units > 0 ? ` (${((100 * s.unitsOver10Percent) / s.units).toFixed(1)}%)` : '';
  const rows: [string, string][] = [
    ['standard error of the simulated LL', num(s.logLikSe, 3)],
    ['bias of the simulated LL (expected shortfall)', num(s.logLikBias, 3)],
    ['units with P̂ off by more than 10%', `${s.unitsOver10Percent} of ${s.units}${share}`],
    ['draws for a bias below 1', String(s.drawsForBiasBelow1)],
    ['estimated from', s.method === 'draws' ? `the sample variance over the ${s.draws} draws` : esc(s.source)],
  ];
  const body = rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('');
  return `<section id="simulation"><h2>Simulation error</h2><table class="fit"><tbody>${body}</tbody></table>` +
    `<p class="notes">The simulated log-likelihood at the estimate, with ${s.draws} draws per unit, differs from the exact one by about the standard error at random and by the bias on average (the bias falls as 1/R). Differences between fits smaller than the standard error say nothing.</p></section>`;
}

function estimatesTable(r: ReportResult): string {
  const rows = r.parameters.map((p) => [
    esc(p.name),
    num(p.estimate),
    p.fixed ? '(fixed)' : num(p.se),
    p.fixed ? '' : num(p.z, 2),
    p.fixed ? '' : pval(p.p),
    esc(p.kind === 'mean' || p.kind === undefined ? (p.dist === 'fixed' || !p.dist ? '' : p.dist) : p.kind),
  ]);
  return table(['parameter', 'estimate', 'std. err.', 'z', 'p', ''], rows);
}

function distributionsTable(r: ReportResult): string {
  const ds = r.distributions ?? [];
  if (ds.length === 0) return '';
  const rows = ds.map((d) => [
    `${esc(d.coefficient)} <span class="notes">(${esc(d.dist)})</span>`,
    num(d.mean) + (d.se ? ` <span class="notes">(${num(d.se.mean)})</span>` : ''),
    num(d.median) + (d.se ? ` <span class="notes">(${num(d.se.median)})</span>` : ''),
    num(d.sd) + (d.se ? ` <span class="notes">(${num(d.se.sd)})</span>` : ''),
    num(d.quantiles?.q05),
    num(d.quantiles?.q95),
  ]);
  return `<h3>Implied distributions of the random coefficients</h3>${table(['coefficient', 'mean', 'median', 'sd', 'q05', 'q95'], rows)}<p class="notes">Of β itself (not of the underlying normal or uniform draw), with delta-method standard errors in parentheses.</p>`;
}

function predictTables(p: ReportPredict): { wtp: string; shares: string } {
  let wtp = '';
  if (p.wtp) {
    const w = p.wtp;
    const se = (v: (number | null)[] | undefined, k: number) => (v && v[k] != null ? ` <span class="notes">(${num(v[k])})</span>` : '');
    const rows = w.coefficients.flatMap((c, k) => (c === w.cost ? [] : [[esc(c), num(w.mean[k]) + se(w.meanSe, k), num(w.sd[k]), num(w.q05[k]), num(w.median[k]) + se(w.medianSe, k), num(w.q95[k])]]));
    wtp = table(['coefficient', 'mean', 'sd', 'q05', 'median', 'q95'], rows) + (w.notes ?? []).map((n) => `<p class="notes">${esc(n)}</p>`).join('');
  }
  let shares = '';
  if (p.shares) {
    const s = p.shares;
    shares = table(['alternative', 'predicted', 'observed', 'difference'], s.alternatives.map((a, j) => [esc(a), num(s.predicted[j]) + (s.se?.[j] != null ? ` <span class="notes">(${num(s.se[j])})</span>` : ''), num(s.observed[j]), num((s.predicted[j] ?? NaN) - (s.observed[j] ?? NaN))]));
  }
  return { wtp, shares };
}

/** Entries per alternative in the report's table of a large matrix. */
const REPORT_TOP = 5;

/**
 * A large matrix (more than {@link HEATMAP_VALUES_MAX} alternatives, whose heat map carries no
 * values, or none at all beyond {@link HEATMAP_MAX}) as a table: per alternative its own entry
 * (elasticities) and its {@link REPORT_TOP} largest entries off the diagonal, "alternative value"
 * with the standard error underneath when there is one. Empty for a small matrix.
 */
function largestTable(m: ReportMatrix | undefined, o: { kind: 'elasticity' | 'diversion'; title: string; rows: string }): string {
  const J = m?.alternatives.length ?? 0;
  if (!m || J <= HEATMAP_VALUES_MAX) return '';
  const s = (e: MatrixEntry) => (e.se === null ? '' : `<br><span class="notes">(${num(e.se)})</span>`);
  const cell = (e: MatrixEntry) => `${esc(e.alternative)} ${num(e.value)}${s(e)}`;
  const own = o.kind === 'elasticity';
  const rows = summarizeMatrix(m, REPORT_TOP, own ? 'size' : 'value').map((r) => [
    esc(r.alternative),
    ...(own ? [num(r.own.value) + s(r.own)] : []),
    ...Array.from({ length: Math.min(REPORT_TOP, J - 1) }, (_, i) => (r.largest[i] ? cell(r.largest[i]) : '')),
  ]);
  const head = [o.rows, ...(own ? ['own'] : []), ...Array.from({ length: Math.min(REPORT_TOP, J - 1) }, (_, i) => `${i + 1}.`)];
  const what = own ? `the own elasticity and the ${REPORT_TOP} largest cross-elasticities (by size) of the demand for each alternative` : `the ${REPORT_TOP} alternatives taking the largest shares of each one's lost demand`;
  const map = J > HEATMAP_MAX ? `too many for a heat map (more than ${HEATMAP_MAX})` : 'too many to write in the heat map';
  return `<h3>${esc(o.title)}: largest entries</h3><p class="notes">${J} alternatives, ${map}: ${what}. The full ${J} × ${J} matrix is in the JSON of <code>mxl predict</code> and its <code>.matrices.csv</code>.</p>${table(head, rows)}`;
}

/**
 * The page, from its input and the SVG of each chart (by chart id; a chart without its SVG is
 * left out). Pure: the same input gives the same page.
 */
export function reportHtml(input: ReportInput, charts: readonly ReportChart[], svgs: ReadonlyMap<string, string>): string {
  const r = input.result;
  const p = input.predict ?? null;
  const title = input.title ?? `mxl report: ${r.sample?.file ? r.sample.file.split(/[\\/]/).pop() : 'estimation'}`;
  const src = input.sources ?? {};
  const fig = (section: ReportChart['section']) => charts.filter((c) => c.section === section && svgs.has(c.id)).map((c) => figure(c, svgs.get(c.id)!)).join('');
  const warnings = [...(r.seWarning ? [r.seWarning] : []), ...(r.notes ?? []).filter((n) => n.startsWith('Warning: ')).map((n) => n.slice(9))];
  const notes = (r.notes ?? []).filter((n) => !n.startsWith('Warning: '));
  const parts: string[] = [];
  parts.push(`<header><h1>${esc(title)}</h1><p class="meta">${[
    src.result ? `result <code>${esc(src.result)}</code>` : '',
    src.predict ? `predictions <code>${esc(src.predict)}</code>` : '',
    src.individual ? `individuals <code>${esc(src.individual)}</code>` : '',
    r.sample?.file ? `data <code>${esc(r.sample.file)}</code>` : '',
    `mxl ${esc(r.mxl ?? '')}`,
    `made ${esc(input.generated ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'))}`,
  ].filter(Boolean).join(' · ')}</p></header>`);
  if (!r.converged) warnings.unshift(`${r.hb ? 'the chains have not converged by the split R-hat / ESS rule' : 'the optimizer did not converge'} (${r.termination ?? ''}: ${r.message ?? ''})`);
  for (const w of warnings) parts.push(`<div class="warn">${esc(w)}</div>`);
  parts.push(`<section id="fit"><h2>Fit</h2>${fitTable(r)}</section>`);
  parts.push(simulationSection(r));
  parts.push(`<section id="estimates"><h2>Estimates</h2>${estimatesTable(r)}`);
  if (r.derived && r.derived.length) parts.push(`<h3>Derived (delta method)</h3>${table(['quantity', 'estimate', 'std. err.'], r.derived.map((d) => [esc(d.name), num(d.estimate), num(d.se)]))}`);
  parts.push(distributionsTable(r));
  if (r.optima && r.optima.length > 1) parts.push(`<h3>Multistart: distinct optima</h3>${table(['log-likelihood', 'starts', 'converged'], r.optima.map((o) => [num(o.loglik), String(o.starts), String(o.converged)]))}`);
  parts.push('</section>');
  const conv = fig('convergence');
  if (r.hb) parts.push(hbSection(r, fig('hb')));
  else parts.push(`<section id="convergence"><h2>Convergence</h2>${conv || '<p class="notes">The result has no convergence trace (it was written by an older version of mxl).</p>'}</section>`);
  const dens = fig('densities');
  const classes = r.parameters.some((q) => /^class\d+\./.test(q.name));
  parts.push(`<section id="densities"><h2>Random coefficients</h2>${dens ? `<div class="grid">${dens}</div>` : `<p class="notes">${classes ? 'A latent class model: no population density is drawn (each class has its own coefficients).' : 'No random coefficient with a spread.'}</p>`}</section>`);
  const tabs = p ? predictTables(p) : { wtp: '', shares: '' };
  const wtpFig = fig('wtp');
  if (wtpFig || tabs.wtp) parts.push(`<section id="wtp"><h2>Willingness to pay</h2>${fig('wtp')}${tabs.wtp}</section>`);
  const one = (id: string) => charts.filter((c) => c.id === id && svgs.has(c.id)).map((c) => figure(c, svgs.get(c.id)!)).join('');
  const sharesFig = one('shares');
  const scenarioFig = one('scenario');
  if (sharesFig || tabs.shares || scenarioFig) parts.push(`<section id="shares"><h2>Shares</h2><div class="cols">${sharesFig}${tabs.shares}</div>${scenarioFig}</section>`);
  const el = fig('elasticities');
  const dv = fig('diversion');
  const v = p?.elasticities?.variable ?? 'the variable';
  const big = largestTable(p?.elasticities, { kind: 'elasticity', title: `Elasticities with respect to ${v}`, rows: 'demand for' }) +
    largestTable(p?.diversion, { kind: 'diversion', title: `Diversion ratios (${p?.diversion?.by || 'diversion'})`, rows: 'from' });
  if (el || dv || big) parts.push(`<section id="substitution"><h2>Substitution</h2><div class="cols">${el}${dv}</div>${big}</section>`);
  if (!p) parts.push('<p class="notes">Shares, elasticities, diversion ratios and WTP appear with <code>--predict</code> (the JSON of <code>mxl predict</code>), individual-level means with <code>--individual</code>.</p>');
  if (notes.length) parts.push(`<section id="notes"><h2>Notes</h2>${notes.map((n) => `<p class="notes">${esc(n)}</p>`).join('')}</section>`);
  parts.push('<footer>Made by <code>mxl report</code>: one self-contained file (charts as inline SVG, rendered with Vega-Lite; no script and nothing fetched).</footer>');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${parts.filter(Boolean).join('\n')}
</main>
</body>
</html>
`;
}

/** The report's HTML: every chart of {@link reportCharts} rendered to inline SVG, and the tables. */
export async function buildReport(input: ReportInput): Promise<{ html: string; charts: ReportChart[] }> {
  const charts = reportCharts(input.result, input.predict, input.individual);
  const svgs = new Map<string, string>();
  for (const c of charts) svgs.set(c.id, await renderSvg(c.spec, `c-${c.id}`));
  return { html: reportHtml(input, charts, svgs), charts };
}
