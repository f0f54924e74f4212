/**
 * The report's charts on the page: the chart specs of @mxl/report (pure
 * Vega-Lite builders, the same as `mxl report` draws) rendered by vega in
 * the tab as SVG. Loaded on demand, after the first result, so the page
 * opens without vega.
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { reportCharts } from '@mxl/report/charts';
import type { ReportResult } from '@mxl/report/types';

/** Draws every chart the result allows (convergence, a density per random coefficient) into `container`. */
export async function renderCharts(container: HTMLElement, result: ReportResult): Promise<number> {
  container.replaceChildren();
  const charts = reportCharts(result);
  for (const c of charts) {
    const figure = document.createElement('figure');
    figure.className = `chart ${c.section}`;
    figure.id = `chart-${c.id}`;
    const body = document.createElement('div');
    const caption = document.createElement('figcaption');
    caption.textContent = c.caption;
    // a spec with its own title (the densities) needs no heading
    if ('title' in c.spec && c.spec.title) figure.append(body, caption);
    else figure.append(Object.assign(document.createElement('h3'), { textContent: c.title }), body, caption);
    container.appendChild(figure);
    const view = new View(parse(compile(c.spec).spec), { renderer: 'svg', container: body, hover: true });
    await view.runAsync();
  }
  return charts.length;
}
