/**
 * The charts of a hierarchical Bayes result (result.hb): for each population parameter, its
 * trace per chain (the thinned draws the result keeps: `hb.trace`) beside its posterior
 * density (the histogram of every kept draw of every chain, `hb.histograms`, scaled to area 1)
 * with the posterior mean and the 95% credible interval. The trace shows what split R-hat and
 * ESS summarize (Gelman et al. 2013, sec. 11.4; Vehtari et al. 2021): chains that overlap and
 * move quickly across the posterior, or drift, stick and disagree. Vega-Lite specs with their
 * data inline; pure functions, no Node or DOM API.
 *
 * @packageDocumentation
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT, COLORS, slug, type ReportChart } from './chart-base.js';
import type { ReportHb, ReportHbHistogram, ReportResult } from './types.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** The charts' config (a function: ./charts.ts imports this module, so its constants are read at call time). */
const config = () => ({
  font: CHART_FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' as const, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' as const },
  title: { fontSize: 13, anchor: 'start' as const, fontWeight: 'bold' as const },
});

/** Parameters drawn at most (beyond, the HB table still lists every one). */
export const HB_CHARTS_MAX = 60;

const fmt = (x: number | undefined, d = 4) => (typeof x === 'number' && Number.isFinite(x) ? (+x.toPrecision(d)).toString() : 'NA');

/** The posterior density bars of a histogram (area 1). */
export function histogramBars(h: ReportHbHistogram): { x0: number; x1: number; density: number; count: number }[] {
  const n = h.counts.reduce((a, b) => a + b, 0);
  if (!(n > 0) || !Number.isFinite(h.lo) || !Number.isFinite(h.hi)) return [];
  const B = h.counts.length, w = (h.hi - h.lo) / B;
  // all draws equal: one bar of unit height around the value
  if (!(w > 0)) return [{ x0: h.lo - 0.5, x1: h.lo + 0.5, density: 1, count: n }];
  return h.counts.map((c, b) => ({ x0: h.lo + b * w, x1: h.lo + (b + 1) * w, density: c / (n * w), count: c }));
}

/** The trace and posterior density of parameter `name`; null when the result has no trace of it. */
export function hbParameterSpec(hb: ReportHb, name: string): TopLevelSpec | null {
  const i = hb.trace?.names.indexOf(name) ?? -1;
  if (!hb.trace || i < 0) return null;
  const every = hb.trace.every, burnIn = hb.burnIn ?? 0, thin = hb.thin ?? 1;
  const values: { chain: string; sweep: number; value: number }[] = [];
  hb.trace.chains.forEach((ch, c) => ch[i]?.forEach((v, r) => values.push({ chain: `chain ${c + 1}`, sweep: burnIn + (r * every + 1) * thin, value: v })));
  if (values.length === 0) return null;
  const s = hb.parameters?.find((p) => p.name === name);
  const hist = hb.histograms?.find((h) => h.name === name);
  const bars = hist ? histogramBars(hist) : [];
  const ys = values.map((v) => v.value);
  let lo = Math.min(...ys, ...bars.map((b) => b.x0)), hi = Math.max(...ys, ...bars.map((b) => b.x1));
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const pad = 0.03 * (hi - lo);
  const domain = [lo - pad, hi + pad];
  const color = { field: 'chain', type: 'nominal' as const, title: null, scale: { scheme: 'tableau10' } };
  const trace = {
    width: 360,
    height: 150,
    data: { values },
    mark: { type: 'line' as const, strokeWidth: 0.8, opacity: 0.8, clip: true },
    encoding: {
      x: { field: 'sweep', type: 'quantitative' as const, title: `sweep (after ${burnIn} burn-in${every * thin > 1 ? `; a point per ${every * thin} sweeps` : ''})`, scale: { zero: false, nice: false } },
      y: { field: 'value', type: 'quantitative' as const, title: name, scale: { domain, nice: false, zero: false } },
      color,
    },
  };
  const marks: Record<string, unknown>[] = [];
  if (bars.length) {
    marks.push({
      data: { values: bars },
      mark: { type: 'rect', color: COLORS.histogram, opacity: 0.95 },
      encoding: {
        y: { field: 'x0', type: 'quantitative', title: null, scale: { domain, nice: false, zero: false }, axis: { labels: false, ticks: false } },
        y2: { field: 'x1' },
        x: { field: 'density', type: 'quantitative', title: 'posterior density' },
        x2: { datum: 0 },
      },
    });
  }
  if (s) {
    const rules = [{ at: s.mean, what: 'mean' }, ...(Number.isFinite(s.lower) ? [{ at: s.lower!, what: '2.5%' }] : []), ...(Number.isFinite(s.upper) ? [{ at: s.upper!, what: '97.5%' }] : [])];
    marks.push({
      data: { values: rules },
      mark: { type: 'rule', color: COLORS.mean, strokeWidth: 1.2 },
      encoding: {
        y: { field: 'at', type: 'quantitative', scale: { domain, nice: false, zero: false }, title: null },
        strokeDash: { field: 'what', type: 'nominal', title: null, scale: { domain: ['mean', '2.5%', '97.5%'], range: [[1, 0], [4, 3], [4, 3]] }, legend: null },
      },
    });
  }
  const density = { width: 130, height: 150, layer: marks };
  const sub = s ? `mean ${fmt(s.mean)}, sd ${fmt(s.sd)}, 95% [${fmt(s.lower)}, ${fmt(s.upper)}]; R-hat ${fmt(s.rhat, 3)}, ESS ${Math.round(s.ess ?? NaN)}` : '';
  return {
    $schema: SCHEMA,
    title: { text: name, subtitle: sub, subtitleFontSize: 11 },
    ...(marks.length ? { hconcat: [trace, density] } : trace),
    resolve: { scale: { y: 'shared' } },
    config: config(),
  } as TopLevelSpec;
}

/** The HB charts of a result (none without result.hb or its trace). */
export function hbCharts(result: ReportResult): ReportChart[] {
  const hb = result.hb;
  if (!hb?.trace) return [];
  const out: ReportChart[] = [];
  for (const name of hb.trace.names.slice(0, HB_CHARTS_MAX)) {
    const spec = hbParameterSpec(hb, name);
    if (!spec) continue;
    out.push({
      id: `hb-${slug(name)}`,
      section: 'hb',
      title: name,
      caption: `Left: the draws of ${name} after the burn-in, a line per chain (chains that overlap and cross often have mixed). Right: its posterior density (histogram of every kept draw of every chain), the posterior mean (solid) and the 95% credible interval (dashed).`,
      spec,
    });
  }
  return out;
}
