/**
 * The report's charts as Vega-Lite specifications: pure functions from the result JSON of
 * `mxl estimate`, the JSON of `mxl predict` and the individual-level CSV (parsed) to a spec with
 * its data inline. No Node or DOM API and no I/O: `mxl report` renders them to SVG in Node, and a
 * browser page can hand the same specs to vega-embed.
 *
 * @packageDocumentation
 */
import type { TopLevelSpec } from 'vega-lite';
import { densityCurve, mixingDensity, parseDist, type Density } from './densities.js';
import { hbCharts } from './hb-charts.js';
import type { IndividualTable, ReportDistribution, ReportIteration, ReportMatrix, ReportPredict, ReportResult } from './types.js';
import { CHART_FONT, COLORS, slug, type ReportChart } from './chart-base.js';

export { CHART_FONT, COLORS, slug, type ReportChart } from './chart-base.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One view of a layered spec (a unit or a nested layer), as Vega-Lite types it. */
type LayerView = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** Fonts of the charts: installed ones only, nothing to fetch. */
export { FULL_MATRIX_MAX, summarizeMatrix, type AltMatrixLike, type MatrixEntry, type RowSummary } from './substitution.js';

/** Alternatives up to which a heat map writes its values in the cells (beyond, the report's table of the largest entries gives them). */
export const HEATMAP_VALUES_MAX = 14;
/** Alternatives up to which the report draws a matrix as a heat map (60: 3,600 cells of 12 px); beyond, only the table of the largest entries. */
export const HEATMAP_MAX = 60;

const CONFIG = {
  font: CHART_FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' as const, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' as const, labelLimit: 400 },
  title: { fontSize: 13, anchor: 'start' as const, fontWeight: 'bold' as const },
};

/** A random coefficient's population density, from the result. */
export interface CoefficientDensity {
  coefficient: string;
  /** As the result names it (`-lognormal`). */
  dist: string;
  density: Density;
  /** The implied distribution's summary from the result (mean, median, sd, quantiles), when present. */
  summary: ReportDistribution | null;
}

/**
 * Each random coefficient's density: from `result.distributions` (location and scale), or for
 * results of older versions from the parameters (the location `col`, the spread `sd.col` or the
 * norm of the Cholesky row `chol.*:col`; the exponential's `col` is its scale). Latent class
 * models have none (a coefficient per class).
 */
export function coefficientDensities(result: ReportResult): CoefficientDensity[] {
  const out: CoefficientDensity[] = [];
  const byName = new Map(result.parameters.map((p) => [p.name, p]));
  for (const d of result.distributions ?? []) {
    const parsed = parseDist(d.dist);
    if (!parsed) continue;
    let location = d.location;
    let scale = d.scale;
    if (location === undefined || scale === undefined) {
      const own = byName.get(d.coefficient)?.estimate ?? 0;
      if (parsed.dist === 'exponential') {
        location = 0;
        scale = own;
      } else {
        location = own;
        const sd = byName.get(`sd.${d.coefficient}`);
        scale = sd ? Math.abs(sd.estimate) : Math.hypot(...result.parameters.filter((p) => p.kind === 'chol' && p.name.endsWith(`:${d.coefficient}`)).map((p) => p.estimate));
      }
    }
    out.push({ coefficient: d.coefficient, dist: d.dist, density: mixingDensity(parsed.dist, location, scale, parsed.sign), summary: d });
  }
  return out;
}

/** The smallest and largest of many values (no spread into Math.min: a million individuals would overflow the stack). */
export function extent(values: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const x of values) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}

/** A histogram scaled as a density (area 1): bins of equal width over [lo, hi] (default: the values' range). */
export function histogram(values: readonly number[], bins?: number, range?: [number, number]): { x0: number; x1: number; count: number; density: number }[] {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return [];
  const [min, max] = extent(v);
  let lo = range?.[0] ?? min;
  let hi = range?.[1] ?? max;
  if (!(hi > lo)) {
    const w = Math.max(1e-9, Math.abs(lo) * 1e-3);
    lo -= w;
    hi += w;
  }
  const n = bins ?? Math.min(50, Math.max(8, Math.ceil(2 * Math.cbrt(v.length))));
  const width = (hi - lo) / n;
  const counts = new Array<number>(n).fill(0);
  for (const x of v) {
    if (x < lo || x > hi) continue;
    counts[Math.min(n - 1, Math.floor((x - lo) / width))]++;
  }
  return counts.map((count, i) => ({ x0: lo + i * width, x1: lo + (i + 1) * width, count, density: count / (v.length * width) }));
}

function fmt(x: number | null | undefined, d = 4): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'NA';
}

/** A power of ten as a tick label: 0.01, 0.1, 1, 10, 100, then 1e3, 1e-3, ... */
export function powerLabel(exponent: number): string {
  if (exponent >= 0 && exponent <= 2) return String(10 ** exponent);
  if (exponent < 0 && exponent >= -2) return `0.${'0'.repeat(-exponent - 1)}1`;
  return `1e${exponent}`;
}

/** A log10 axis: its range in powers of ten and its ticks. */
export interface LogAxis {
  /** log10 of the bottom and top of the axis: whole numbers. */
  lo: number;
  hi: number;
  /** Exponents of the ticks (evenly spaced whole numbers from lo to hi) and their labels. */
  ticks: { exponent: number; label: string }[];
}

/**
 * The log axis of values whose log10 runs from `lo` to `hi`: widened to whole powers of ten,
 * with a tick at every power, or at every 2nd, 3rd, ... when there would be more than
 * `maxTicks` (at least 2); both ends are ticks.
 */
export function logAxis(lo: number, hi: number, maxTicks = 6): LogAxis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`logAxis: ${lo}, ${hi} are not finite`);
  if (lo > hi) [lo, hi] = [hi, lo];
  let a = Math.floor(lo);
  let b = Math.ceil(hi);
  if (b === a) b = a + 1;
  const most = Math.max(2, maxTicks);
  // ticks at multiples of the step (1e-4, 0.01, 1, 100) when that fits in `most`, else from the bottom up
  let step = Math.ceil((b - a) / (most - 1));
  for (; step <= b - a; step++) if ((Math.ceil(b / step) - Math.floor(a / step)) + 1 <= most) break;
  if (step <= b - a) {
    a = Math.floor(a / step) * step;
    b = Math.ceil(b / step) * step;
  } else {
    step = Math.ceil((b - a) / (most - 1));
    b = a + Math.ceil((b - a) / step) * step;
  }
  const ticks: LogAxis['ticks'] = [];
  // `+ 0` turns -0 into 0
  for (let e = a; e <= b; e += step) ticks.push({ exponent: e + 0, label: powerLabel(e + 0) });
  return { lo: a + 0, hi: b + 0, ticks };
}

/**
 * The iterations of a history: per optimizer run its last iteration (iteration 0 is the run's
 * start, so a run of n iterations has n + 1 points), and their sum.
 */
export function historyIterations(history: readonly { run?: number; iteration: number }[]): { runs: number[]; total: number } {
  const last = new Map<number, number>();
  for (const h of history) last.set(h.run ?? 0, Math.max(last.get(h.run ?? 0) ?? 0, h.iteration));
  const runs = [...last.values()];
  return { runs, total: runs.reduce((a, b) => a + b, 0) };
}

/** The convergence trace: −LL and max |g| against the iteration, a line per optimizer run. Null without a history. */
export function convergenceSpec(result: ReportResult): TopLevelSpec | null {
  const h = result.history ?? [];
  if (h.length === 0) return null;
  const runs = new Set(h.map((r) => r.run ?? 0));
  const values = h.map((r) => ({ run: `run ${r.run ?? 0}`, iteration: r.iteration, negLogLik: r.negLogLik, gradNorm: r.gradNorm, seconds: r.seconds }));
  const color = runs.size > 1 ? { color: { field: 'run', type: 'nominal' as const, title: 'optimizer run', scale: { scheme: 'tableau10' } } } : { color: { value: COLORS.density } };
  const tooltip = [
    { field: 'run', type: 'nominal' as const },
    { field: 'iteration', type: 'quantitative' as const },
    { field: 'negLogLik', type: 'quantitative' as const, title: '-LL', format: '.6f' },
    { field: 'gradNorm', type: 'quantitative' as const, title: 'max |g|', format: '.3e' },
    { field: 'seconds', type: 'quantitative' as const, format: '.2f' },
  ];
  // the distance to the best -LL any run reached: how the last digits converge (0 at the best point: left out of the log scale)
  const best = Math.min(...h.map((r) => r.negLogLik));
  for (const v of values) (v as Record<string, unknown>).gap = v.negLogLik - best;
  // from 0 (the start) to the last iteration, not rounded up to a nicer number
  const lastIteration = Math.max(1, ...h.map((r) => r.iteration));
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration (0: the start)', scale: { domain: [0, lastIteration], nice: false }, axis: { tickMinStep: 1 } };
  // the log panels: ticks at round powers of ten only (Vega's own log ticks add 2, 3, 5, ... within a decade)
  const logScale = (field: string) => {
    const logs = values.map((v) => Math.log10((v as Record<string, unknown>)[field] as number)).filter((v) => Number.isFinite(v));
    if (logs.length === 0) return { scale: { type: 'log' as const }, axis: { format: '~g' } };
    const a = logAxis(Math.min(...logs), Math.max(...logs), 9);
    return {
      scale: { type: 'log' as const, domain: [10 ** a.lo, 10 ** a.hi], nice: false },
      // labels as powerLabel writes them: 0.01 ... 100, else 1e3, 1e-3
      axis: { values: a.ticks.map((t) => 10 ** t.exponent), labelExpr: `abs(round(log(datum.value) / LN10)) <= 2 ? format(datum.value, '~g') : '1e' + round(log(datum.value) / LN10)` },
    };
  };
  const panel = (field: string, title: string, log: boolean) => ({
    width: 230,
    height: 180,
    transform: [{ filter: `datum.${field} > 0` }],
    mark: { type: 'line' as const, point: { size: 14 }, strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field, type: 'quantitative' as const, title, ...(log ? logScale(field) : { scale: { zero: false }, axis: {} }) },
      ...color,
      tooltip,
    },
  });
  return {
    $schema: SCHEMA,
    data: { values },
    hconcat: [panel('negLogLik', '-log-likelihood', false), panel('gap', '-LL above the best (log)', true), panel('gradNorm', 'max |gradient| (log)', true)],
    config: CONFIG,
  };
}

/**
 * A random coefficient's population density (its own formula), the mean as a dashed rule, a
 * point mass as a spike with its probability, and the individual-level conditional means as a
 * histogram (scaled to area 1) behind it when given.
 */
export function densitySpec(c: CoefficientDensity, individual?: readonly number[]): TopLevelSpec {
  const d = c.density;
  const ind = (individual ?? []).filter((x) => Number.isFinite(x));
  let [lo, hi] = d.range;
  if (ind.length) {
    const [min, max] = extent(ind);
    lo = Math.min(lo, min);
    hi = Math.max(hi, max);
  }
  const pad = (hi - lo) * 0.02;
  lo -= pad;
  hi += pad;
  const curve = densityCurve(d, lo, hi);
  const bins = ind.length ? histogram(ind) : [];
  // a density that runs off to infinity (an SB or lognormal with a wide spread) would flatten the rest: cut at 1.5 times its 98th percentile
  const sorted = curve.map((p) => p.density).sort((a, b) => a - b);
  const curveTop = Math.min(sorted[sorted.length - 1], 1.5 * sorted[Math.floor(0.98 * (sorted.length - 1))]);
  const top = Math.max(curveTop, ...bins.map((b) => b.density));
  // nothing continuous (no spread, no individuals): the point mass alone, on a unit scale
  const yMax = top > 0 ? 1.08 * top : 1;
  const legendDomain = [...(ind.length ? [`individuals (n = ${ind.length})`] : []), 'population', 'mean'];
  const legendRange = [...(ind.length ? [COLORS.histogram] : []), COLORS.density, COLORS.mean];
  const color = (label: string) => ({ datum: label, type: 'nominal' as const, scale: { domain: legendDomain, range: legendRange }, title: null });
  const x = { type: 'quantitative' as const, title: `${c.coefficient} (${c.dist})`, scale: { domain: [lo, hi], nice: false, zero: false } };
  const y = { type: 'quantitative' as const, title: 'density', scale: { domain: [0, yMax], nice: false } };
  const layer: LayerView[] = [];
  if (bins.length) {
    layer.push({
      data: { values: bins },
      mark: { type: 'rect', opacity: 0.85, clip: true },
      encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'density' }, color: color(legendDomain[0]), tooltip: [{ field: 'x0', format: '.3f', title: 'from' }, { field: 'x1', format: '.3f', title: 'to' }, { field: 'count', title: 'individuals' }] },
    });
  }
  layer.push({
    data: { values: curve },
    mark: { type: 'line', strokeWidth: 2, clip: true },
    encoding: { x: { ...x, field: 'x' }, y: { ...y, field: 'density' }, color: color('population') },
  });
  layer.push({
    data: { values: [{ mean: d.mean }] },
    mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
    encoding: { x: { ...x, field: 'mean' }, color: color('mean'), tooltip: [{ field: 'mean', format: '.4f' }] },
  });
  if (d.atom && d.atom.mass > 0) {
    const a = [{ at: d.atom.at, bottom: 0, top: yMax * 0.9, label: `P(${c.coefficient} = ${+d.atom.at.toFixed(4)}) = ${d.atom.mass.toFixed(3)}` }];
    layer.push({
      data: { values: a },
      layer: [
        { mark: { type: 'rule', strokeWidth: 3, color: COLORS.density }, encoding: { x: { ...x, field: 'at' }, y: { ...y, field: 'bottom' }, y2: { field: 'top' } } },
        // the label on the side with room: right of a mass in the left half of the plot, else left of it
        { mark: { type: 'text', ...(d.atom.at < (lo + hi) / 2 ? { align: 'left', dx: 5 } : { align: 'right', dx: -5 }), dy: 4, fontSize: 11 }, encoding: { x: { ...x, field: 'at' }, y: { ...y, field: 'top' }, text: { field: 'label' } } },
      ],
    });
  }
  const s = c.summary;
  return {
    $schema: SCHEMA,
    title: { text: `${c.coefficient}: ${c.dist}`, subtitle: `mean ${fmt(d.mean)}${s ? `, median ${fmt(s.median)}, sd ${fmt(s.sd)}` : ''}`, subtitleFontSize: 11 },
    width: 320,
    height: 170,
    layer,
    config: CONFIG,
  };
}

/** The population distribution of WTP (predict's summary): the 5–95% range, median and mean of each coefficient's WTP. */
export function wtpSpec(predict: ReportPredict): TopLevelSpec | null {
  const w = predict.wtp;
  if (!w) return null;
  const values = w.coefficients.flatMap((c, k) => (c === w.cost ? [] : [{ coefficient: c, q05: w.q05[k], median: w.median[k], q95: w.q95[k], mean: w.mean[k], sd: w.sd[k] }]))
    .filter((v) => [v.q05, v.median, v.q95].some((x) => typeof x === 'number' && Number.isFinite(x)));
  if (values.length === 0) return null;
  const y = { field: 'coefficient', type: 'nominal' as const, title: null, sort: null };
  const xTitle = `willingness to pay (units of ${w.cost})`;
  const tooltip = ['mean', 'sd', 'q05', 'median', 'q95'].map((f) => ({ field: f, type: 'quantitative' as const, format: '.4f' }));
  return {
    $schema: SCHEMA,
    title: { text: `WTP = -beta / beta_${w.cost} over the population`, subtitle: 'bar: 5% to 95%; tick: median; diamond: mean', subtitleFontSize: 11 },
    width: 460,
    height: { step: 28 },
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 6, color: COLORS.histogram }, encoding: { y, x: { field: 'q05', type: 'quantitative', title: xTitle }, x2: { field: 'q95' }, tooltip } },
      { mark: { type: 'tick', thickness: 2.5, size: 18, color: COLORS.density }, encoding: { y, x: { field: 'median', type: 'quantitative' }, tooltip } },
      { mark: { type: 'point', shape: 'diamond', filled: true, size: 60, color: COLORS.mean }, encoding: { y, x: { field: 'mean', type: 'quantitative' }, tooltip } },
      { mark: { type: 'rule', strokeDash: [2, 2], color: '#888' }, encoding: { x: { datum: 0 } } },
    ],
    config: CONFIG,
  };
}

/** Histograms of the individual-level conditional WTP (`wtp.<coef>` columns of predict's individual CSV), one panel per coefficient. */
export function wtpHistogramSpec(individual: IndividualTable, cost?: string): TopLevelSpec | null {
  const cols = Object.keys(individual.columns).filter((c) => c.startsWith('wtp.') && c !== `wtp.${cost}`);
  const values = cols.flatMap((c) => {
    const v = individual.columns[c];
    // the cost coefficient's own (-1) and any other constant (a fixed coefficient over a fixed cost): nothing to draw
    const finite = v.filter((x) => Number.isFinite(x));
    const [min, max] = extent(finite);
    if (finite.length === 0 || max - min <= 1e-9 * Math.max(1, Math.abs(min))) return [];
    return histogram(v).map((b) => ({ coefficient: c.slice(4), ...b }));
  });
  if (values.length === 0) return null;
  return {
    $schema: SCHEMA,
    data: { values },
    facet: { field: 'coefficient', type: 'nominal', title: null, sort: cols.map((c) => c.slice(4)) },
    columns: 3,
    spec: {
      width: 200,
      height: 120,
      mark: { type: 'rect', color: COLORS.histogram, stroke: '#6baed6', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: 'conditional WTP', scale: { zero: false, nice: false } },
        x2: { field: 'x1' },
        y: { field: 'density', type: 'quantitative', title: 'density' },
        tooltip: [{ field: 'x0', format: '.3f', title: 'from' }, { field: 'x1', format: '.3f', title: 'to' }, { field: 'count', title: 'individuals' }],
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: CONFIG,
  };
}

/** Predicted against observed shares, by alternative (a 95% interval on the predicted share when predict gave standard errors). */
export function sharesSpec(predict: ReportPredict): TopLevelSpec | null {
  const s = predict.shares;
  if (!s) return null;
  const values = s.alternatives.flatMap((a, j) => [
    { alternative: a, kind: 'predicted', share: s.predicted[j], lo: s.se?.[j] != null ? (s.predicted[j] ?? NaN) - 1.96 * s.se[j]! : null, hi: s.se?.[j] != null ? (s.predicted[j] ?? NaN) + 1.96 * s.se[j]! : null },
    { alternative: a, kind: 'observed', share: s.observed[j], lo: null, hi: null },
  ]);
  const x = { field: 'alternative', type: 'nominal' as const, sort: s.alternatives, title: 'alternative', axis: { labelAngle: 0 } };
  const layer: LayerView[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset: { field: 'kind', sort: ['predicted', 'observed'] },
        y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%' } },
        color: { field: 'kind', type: 'nominal', title: null, sort: ['predicted', 'observed'], scale: { domain: ['predicted', 'observed'], range: [COLORS.predicted, COLORS.observed] } },
        tooltip: [{ field: 'alternative' }, { field: 'kind' }, { field: 'share', type: 'quantitative', format: '.4f' }],
      },
    },
  ];
  if (s.se) {
    layer.push({
      transform: [{ filter: 'datum.lo != null' }],
      mark: { type: 'rule', color: '#333' },
      encoding: { x, xOffset: { field: 'kind', sort: ['predicted', 'observed'] }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    });
  }
  return {
    $schema: SCHEMA,
    title: { text: 'Shares: predicted against observed' },
    width: { step: 24 },
    height: 200,
    data: { values },
    layer,
    config: CONFIG,
  };
}

/** Predicted shares before and after predict's scenario (`--change`), by alternative. */
export function scenarioSpec(predict: ReportPredict): TopLevelSpec | null {
  const s = predict.scenario;
  if (!s) return null;
  const values = s.alternatives.map((a, j) => ({ alternative: a, change: s.change[j], base: s.base[j], scenario: s.scenario[j] }));
  return {
    $schema: SCHEMA,
    title: { text: 'Scenario: change of the predicted shares (percentage points)' },
    width: { step: 70 },
    height: 160,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'alternative', type: 'nominal', sort: s.alternatives, axis: { labelAngle: 0 } },
      y: { field: 'change', type: 'quantitative', title: 'change (pp)' },
      color: { condition: { test: 'datum.change < 0', value: COLORS.mean }, value: COLORS.density },
      tooltip: [{ field: 'alternative' }, { field: 'base', format: '.4f' }, { field: 'scenario', format: '.4f' }, { field: 'change', format: '.4f' }],
    },
    config: CONFIG,
  };
}

/**
 * A matrix over the alternatives as a heat map with its values written in the cells: elasticities
 * on a diverging scale centred at 0, diversion ratios on a sequential one from 0. Up to
 * {@link HEATMAP_VALUES_MAX} alternatives the cells carry their values; beyond, the cells shrink
 * so that the map stays about 720 px wide (at least 10 px a cell), with smaller axis labels, and
 * the colours span the entries off the diagonal (own elasticities, which dwarf the cross terms
 * of a large choice set, saturate).
 */
export function heatmapSpec(m: ReportMatrix, o: { title: string; kind: 'elasticity' | 'diversion'; rows: string; columns: string }): TopLevelSpec {
  const values = m.alternatives.flatMap((r, i) => m.alternatives.map((c, j) => {
    const v = m.values[i]?.[j];
    return { row: r, col: c, value: typeof v === 'number' && Number.isFinite(v) ? v : null, label: fmt(v, 3) === 'NA' ? '–' : fmt(v, 3) };
  }));
  const n = m.alternatives.length;
  const labelled = n <= HEATMAP_VALUES_MAX;
  // many alternatives: the colours span the entries off the diagonal (the own ones, far larger, saturate), else every cross term is pale
  const finite = values.flatMap((v) => (v.value === null || (!labelled && v.row === v.col) ? [] : [v.value]));
  const amax = Math.max(1e-12, ...finite.map(Math.abs));
  const color = o.kind === 'elasticity'
    ? { scale: { scheme: 'redblue', domain: [-amax, amax], domainMid: 0, clamp: true }, legend: { title: 'elasticity', orient: 'right' as const, gradientLength: 120 } }
    : { scale: { scheme: 'blues', domain: [Math.min(0, ...finite), labelled ? Math.max(1, ...finite) : Math.max(1e-12, ...finite)], clamp: true }, legend: { title: 'diversion', orient: 'right' as const, format: '.0%', gradientLength: 120 } };
  const dark = o.kind === 'elasticity' ? 0.6 * amax : 0.6;
  const step = n > 10 ? (labelled ? 30 : Math.max(10, Math.floor(720 / n))) : 52;
  const small = labelled ? {} : { labelFontSize: Math.min(9, step - 2), labelLimit: 90 };
  const x = { field: 'col', type: 'ordinal' as const, sort: m.alternatives, title: o.columns, axis: { labelAngle: labelled ? 0 : -90, orient: 'top' as const, ...small } };
  const y = { field: 'row', type: 'ordinal' as const, sort: m.alternatives, title: o.rows, axis: { ...small } };
  return {
    $schema: SCHEMA,
    title: { text: o.title },
    width: { step },
    height: { step },
    data: { values },
    layer: [
      { mark: { type: 'rect' }, encoding: { x, y, color: { field: 'value', type: 'quantitative', ...color }, tooltip: [{ field: 'row', title: o.rows }, { field: 'col', title: o.columns }, { field: 'value', format: '.4f' }] } },
      { transform: [{ filter: 'datum.value === null' }], mark: { type: 'rect', color: '#f3f3f3' }, encoding: { x, y } },
      ...(labelled ? [{ mark: { type: 'text' as const, fontSize: n > 10 ? 8 : 10 }, encoding: { x, y, text: { field: 'label' }, color: { condition: { test: `datum.value !== null && abs(datum.value) > ${dark}`, value: 'white' }, value: 'black' } } }] : []),
    ],
    config: CONFIG,
  };
}

/** Column `name` of the individual table, or undefined. */
function column(ind: IndividualTable | undefined, name: string): number[] | undefined {
  return ind?.columns[name];
}

/**
 * Every chart of a report, in order: the convergence trace, a density per random coefficient,
 * WTP, shares (and the scenario), elasticities and diversion ratios. Each only when its input is there.
 */
export function reportCharts(result: ReportResult, predict?: ReportPredict | null, individual?: IndividualTable | null): ReportChart[] {
  const charts: ReportChart[] = [];
  const ind = individual ?? undefined;
  const conv = convergenceSpec(result);
  if (conv) {
    const h = result.history!;
    const runs = new Set(h.map((x) => x.run ?? 0)).size;
    const last = h[h.length - 1];
    charts.push({
      id: 'convergence',
      section: 'convergence',
      title: 'Convergence',
      caption: `-log-likelihood, its distance to the best value reached, and the largest absolute gradient element at each iteration${runs > 1 ? `, a line per optimizer run (${runs} runs: further starts or re-estimations)` : ''}; ${iterationsText(h)} in ${fmt(last.seconds, 2)} s from the start of the estimation.`,
      spec: conv,
    });
  }
  charts.push(...hbCharts(result));
  for (const c of coefficientDensities(result)) {
    const v = column(ind, c.coefficient);
    charts.push({
      id: `density-${slug(c.coefficient)}`,
      section: 'densities',
      title: `${c.coefficient} (${c.dist})`,
      caption: `Population density of ${c.coefficient} (${c.dist}) at the estimates${v ? `; bars: the ${v.length} individual-level conditional means E[beta | choices] (narrower than the population: each is an average over the individual's posterior)` : ''}.`,
      spec: densitySpec(c, v),
    });
  }
  if (predict) {
    const w = wtpSpec(predict);
    if (w) charts.push({ id: 'wtp', section: 'wtp', title: 'Willingness to pay', caption: `WTP relative to ${predict.wtp!.cost} over the population (from mxl predict --wtp).`, spec: w });
  }
  if (ind) {
    const h = wtpHistogramSpec(ind, predict?.wtp?.cost);
    if (h) charts.push({ id: 'wtp-individual', section: 'wtp', title: 'Individual-level WTP', caption: 'Conditional WTP of each individual (the wtp.* columns of the individual CSV).', spec: h });
  }
  if (predict) {
    const s = sharesSpec(predict);
    if (s) charts.push({ id: 'shares', section: 'shares', title: 'Shares', caption: `Predicted (integrated over the estimation's draws) and observed shares${predict.shares?.se ? '; lines: 95% intervals (delta method)' : ''}.`, spec: s });
    const sc = scenarioSpec(predict);
    if (sc) charts.push({ id: 'scenario', section: 'shares', title: 'Scenario', caption: 'Change of the predicted shares under the scenario of mxl predict --change.', spec: sc });
    // a large choice set: beyond HEATMAP_MAX alternatives no heat map (the report's table of the largest entries instead)
    const values = (m: ReportMatrix, own: string) => (m.alternatives.length > HEATMAP_VALUES_MAX ? ` Colours span the entries off the diagonal${own}; values: the table of the largest entries below.` : '');
    if (predict.elasticities && predict.elasticities.alternatives.length <= HEATMAP_MAX) {
      const v = predict.elasticities.variable ?? 'the variable';
      charts.push({ id: 'elasticities', section: 'elasticities', title: `Elasticities with respect to ${v}`, caption: `Aggregate elasticity of the demand for the row alternative with respect to ${v} of the column alternative.${values(predict.elasticities, ' (the own elasticities saturate)')}`, spec: heatmapSpec(predict.elasticities, { title: `Elasticities with respect to ${v}`, kind: 'elasticity', rows: 'demand for', columns: `${v} of` }) });
    }
    if (predict.diversion && predict.diversion.alternatives.length <= HEATMAP_MAX) {
      const by = predict.diversion.by ?? '';
      const how = by === 'removal' ? 'when the row alternative is removed (second choice)' : `for a change of ${by} of the row alternative`;
      charts.push({ id: 'diversion', section: 'diversion', title: 'Diversion ratios', caption: `Share of the row alternative's lost demand that goes to the column alternative, ${how}.${values(predict.diversion, '')}`, spec: heatmapSpec(predict.diversion, { title: `Diversion ratios (${by || 'diversion'})`, kind: 'diversion', rows: 'from', columns: 'to' }) });
    }
  }
  return charts;
}

/** `iterations 0 (the start) to 17`, or per run for several runs. */
function iterationsText(h: readonly ReportIteration[]): string {
  const { runs, total } = historyIterations(h);
  if (runs.length === 1) return `iteration 0 (the start) to ${runs[0]}: ${runs[0]} iteration${runs[0] === 1 ? '' : 's'}`;
  return `${total} iterations in all (${runs.join(' + ')}; each run's iteration 0 is its start)`;
}

