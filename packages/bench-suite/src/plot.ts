/**
 * The benchmark's figures: Vega-Lite specifications compiled to Vega, rendered headlessly to
 * SVG by Vega's own renderer (`View.toSVG`), and rasterized to PNG with resvg.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { VARIANT_ORDER } from './rules.js';
import type { Row } from './table.js';

/** Font used for text, in the SVG and for the PNG rasterizer. */
const FONT = 'DejaVu Sans';

/** The panel title of a data set. */
export function panelLabel(dataset: string, dim: number): string {
  return dataset.startsWith('sim-') ? `simulated, d = ${dim}` : `${dataset} (d = ${dim})`;
}

/**
 * Renders a Vega-Lite specification to `<base>.svg` and `<base>.png`.
 *
 * @returns the two paths
 */
export async function render(spec: TopLevelSpec, base: string): Promise<string[]> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: FONT } }).render().asPng();
    const files = [`${base}.svg`, `${base}.png`];
    writeFileSync(files[0] as string, svg);
    writeFileSync(files[1] as string, png);
    return files;
  } finally {
    view.finalize();
  }
}

function num(v: Row[keyof Row]): number {
  return typeof v === 'number' ? v : NaN;
}

/** Error (or another positive value) against an x value, one line per rule, one panel per data set. */
function facetLines(values: Record<string, unknown>[], o: { x: string; xTitle: string; y: string; yTitle: string; title: string; shape?: boolean; columns: number }): TopLevelSpec {
  const rules = VARIANT_ORDER.filter((r) => values.some((v) => v.rule === r));
  const extra = [...new Set(values.map((v) => String(v.rule)))].filter((r) => !rules.includes(r));
  const domain = [...rules, ...extra];
  // the same colour for a rule in every figure: the domain is every variant, the legend lists those present
  const color = { field: 'rule', type: 'nominal' as const, title: 'rule', scale: { domain: [...VARIANT_ORDER, ...extra], scheme: 'tableau10' }, legend: { values: domain } };
  const decades = (vs: number[]): number[] => {
    const f = vs.filter((v) => v > 0 && Number.isFinite(v));
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(Math.min(...f))); e <= Math.ceil(Math.log10(Math.max(...f))); e++) out.push(10 ** e);
    return out;
  };
  const xs = decades(values.map((v) => v[o.x] as number));
  const ys = decades(values.map((v) => v[o.y] as number));
  const everyOther = ys.length > 8 ? ys.filter((_, i) => i % 2 === (ys.length - 1) % 2) : ys;
  const x = { field: o.x, type: 'quantitative' as const, title: o.xTitle, scale: { type: 'log' as const, domain: [xs[0], xs[xs.length - 1]] }, axis: { values: xs, format: '~g', grid: true } };
  const y = { field: o.y, type: 'quantitative' as const, title: o.yTitle, scale: { type: 'log' as const, domain: [ys[0], ys[ys.length - 1]] }, axis: { values: everyOther, format: '.0e', grid: true } };
  const dash = { field: 'family', type: 'nominal' as const, title: 'kind', scale: { domain: ['simulation', 'quadrature'], range: [[1, 0], [5, 3]] } };
  const panels = [...new Set(values.map((v) => String(v.panel)))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, fontSize: 15 },
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelFontSize: 13 } },
    columns: o.columns,
    spec: {
      width: 260,
      height: 200,
      layer: [
        { mark: { type: 'line', strokeWidth: 1.6, clip: true }, encoding: { x, y, color, strokeDash: dash, detail: { field: 'rule' } } },
        {
          mark: { type: 'point', filled: true, size: 28, clip: true },
          encoding: {
            x, y, color,
            ...(o.shape ? { shape: { field: 'faults', type: 'nominal' as const, title: 'probabilities', scale: { domain: ['all > 0', 'some <= 0'], range: ['circle', 'cross'] } } } : {}),
            tooltip: [{ field: 'rule' }, { field: o.x, type: 'quantitative' as const }, { field: o.y, type: 'quantitative' as const }],
          },
        },
      ],
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
    config: { font: FONT, legend: { labelFontSize: 12, titleFontSize: 12 }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  } as TopLevelSpec;
}

/**
 * Writes the figures:
 * - `ll-error`: |simulated LL - reference LL| against nodes per individual;
 * - `ll-error-time`: the same against seconds per LL + gradient evaluation;
 * - `estimator-rmse`: RMSE of the estimates against the accurate rule's, against nodes
 *   (when the estimator study ran).
 *
 * @returns the files written
 */
export async function writePlots(rows: readonly Row[], outDir: string): Promise<string[]> {
  const files: string[] = [];
  const ll = rows
    .filter((r) => r.experiment === 'll' && num(r.error) > 0)
    .map((r) => ({
      panel: panelLabel(String(r.dataset), num(r.dim)),
      rule: String(r.rule),
      nodes: num(r.nodes),
      error: num(r.error),
      seconds: num(r.seconds_warm),
      faults: num(r.failed) > 0 ? 'some <= 0' : 'all > 0',
      family: r.rule === 'product' || String(r.rule).startsWith('sparse') ? 'quadrature' : 'simulation',
    }));
  if (ll.length) {
    files.push(
      ...(await render(
        facetLines(ll, { x: 'nodes', xTitle: 'nodes per individual', y: 'error', yTitle: '|simulated LL - reference LL|', title: 'Log-likelihood error at a fixed theta (RMS over seeds for randomized rules; crosses: some P_i <= 0, error over the rest)', shape: true, columns: 4 }),
        path.join(outDir, 'll-error'),
      )),
    );
    const timed = ll.filter((v) => v.seconds > 0);
    files.push(
      ...(await render(
        facetLines(timed, { x: 'seconds', xTitle: 'seconds per LL + gradient evaluation (1 thread)', y: 'error', yTitle: '|simulated LL - reference LL|', title: 'Log-likelihood error against the cost of one evaluation', shape: true, columns: 4 }),
        path.join(outDir, 'll-error-time'),
      )),
    );
  }
  const est = rows
    .filter((r) => r.experiment === 'estimator' && r.param === '(all)' && num(r.rmse_exact) > 0)
    .map((r) => ({ panel: panelLabel(String(r.dataset), num(r.dim)), rule: String(r.rule), nodes: num(r.nodes), rmse: num(r.rmse_exact), family: r.rule === 'product' || String(r.rule).startsWith('sparse') ? 'quadrature' : 'simulation' }));
  if (est.length) {
    files.push(
      ...(await render(
        facetLines(est, { x: 'nodes', xTitle: 'nodes per individual', y: 'rmse', yTitle: 'RMSE of the estimates vs the accurate rule', title: 'Estimator: integration error of the estimates (all parameters)', columns: 3 }),
        path.join(outDir, 'estimator-rmse'),
      )),
    );
  }
  return files;
}
