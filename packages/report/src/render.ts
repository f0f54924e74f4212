/**
 * Renders a Vega-Lite spec to an SVG string with Vega's own headless renderer (`View.toSVG`):
 * no DOM, no canvas, no network (the data are inline; the loader is given nothing to fetch). The
 * SVG's ids (clip paths, gradients) get a prefix, so that several SVGs can live in one HTML page
 * without one's `url(#clip1)` finding another's clip path.
 *
 * @packageDocumentation
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Gives every id of an SVG, and every reference to one, the prefix `prefix-`. */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]);
  if (ids.size === 0) return svg;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const alt = [...ids].sort((a, b) => b.length - a.length).map(esc).join('|');
  return svg
    .replace(new RegExp(`(\\sid=")(${alt})"`, 'g'), `$1${prefix}-$2"`)
    .replace(new RegExp(`url\\((['"]?)#(${alt})\\1\\)`, 'g'), `url($1#${prefix}-$2$1)`)
    .replace(new RegExp(`(href=")#(${alt})"`, 'g'), `$1#${prefix}-$2"`);
}

/** A loader that refuses every URL: a report's charts have their data inline. */
const noNetwork: vega.Loader = {
  load: async (uri: string) => { throw new Error(`the report loads nothing (asked for ${uri})`); },
  sanitize: async (uri: string) => { throw new Error(`the report loads nothing (asked for ${uri})`); },
  http: async (uri: string) => { throw new Error(`the report loads nothing (asked for ${uri})`); },
  file: async (uri: string) => { throw new Error(`the report loads nothing (asked for ${uri})`); },
};

/**
 * The SVG of a Vega-Lite spec.
 * @param idPrefix - prefix of the SVG's ids (unique within the page)
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: noNetwork });
  try {
    const svg = await view.toSVG();
    return prefixSvgIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}
