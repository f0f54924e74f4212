/** The convergence trace as an inline SVG: -LL against iteration, |g| on a log scale. */
export interface TracePoint {
  iteration: number;
  f: number;
  gradNorm: number;
  seconds: number;
}

const W = 640, H = 180, L = 70, R = 56, T = 14, B = 30;

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(5);
}

/** Draws the points into the svg element (replacing what was there). */
export function renderTrace(svg: SVGSVGElement, points: readonly TracePoint[]): void {
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    svg.appendChild(el);
    return el;
  };
  add('rect', { x: L, y: T, width: W - L - R, height: H - T - B, fill: 'none', stroke: '#d5d9de' });
  if (points.length === 0) {
    add('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#8a939c', 'font-size': 13 }, 'the convergence trace appears here');
    return;
  }
  const n = Math.max(1, points[points.length - 1].iteration);
  const fs = points.map((p) => p.f);
  let lo = Math.min(...fs), hi = Math.max(...fs);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const gs = points.map((p) => Math.log10(Math.max(p.gradNorm, 1e-12)));
  let glo = Math.min(...gs), ghi = Math.max(...gs);
  if (ghi - glo < 1e-9) { glo -= 1; ghi += 1; }
  const x = (i: number) => L + ((W - L - R) * i) / n;
  const y = (f: number) => T + (H - T - B) * (1 - (f - lo) / (hi - lo));
  const yg = (g: number) => T + (H - T - B) * (1 - (g - glo) / (ghi - glo));
  add('polyline', { points: points.map((p, i) => `${x(p.iteration)},${yg(gs[i])}`).join(' '), fill: 'none', stroke: '#d08c2c', 'stroke-width': 1.2, 'stroke-dasharray': '4 3' });
  add('polyline', { points: points.map((p) => `${x(p.iteration)},${y(p.f)}`).join(' '), fill: 'none', stroke: '#1f5fa0', 'stroke-width': 2 });
  for (const p of points) add('circle', { cx: x(p.iteration), cy: y(p.f), r: 2.5, fill: '#1f5fa0' });
  const small = { 'font-size': 11, fill: '#5c6670' };
  add('text', { ...small, x: L - 6, y: T + 10, 'text-anchor': 'end' }, fmt(hi));
  add('text', { ...small, x: L - 6, y: H - B, 'text-anchor': 'end' }, fmt(lo));
  add('text', { ...small, x: L - 6, y: (H - B + T) / 2 + 4, 'text-anchor': 'end', fill: '#1f5fa0' }, '−LL');
  add('text', { ...small, x: W - R + 6, y: T + 10, fill: '#d08c2c' }, `1e${ghi.toFixed(1)}`);
  add('text', { ...small, x: W - R + 6, y: H - B, fill: '#d08c2c' }, `1e${glo.toFixed(1)}`);
  add('text', { ...small, x: W - R + 6, y: (H - B + T) / 2 + 4, fill: '#d08c2c' }, '|g|');
  add('text', { ...small, x: L, y: H - 10 }, '0');
  add('text', { ...small, x: W - R, y: H - 10, 'text-anchor': 'end' }, `iteration ${n}`);
}
