/**
 * The convergence trace as an inline SVG: -LL against the iteration, max |g| on
 * a log scale. The points are the optimizer's: iteration 0 is the start, then
 * one per accepted step, so a run of n iterations has n + 1 points and the x
 * axis runs from 0 to n (as the fit line's "after n iterations" counts).
 */
import { logAxis } from '@mxl/report/charts';

/** One point of the trace: an iteration of the optimizer (0: the start). */
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

/**
 * The x axis's title: what the points are. `n` is the last iteration (the
 * iterations the fit line counts); the first point, 0, is the start.
 */
export function iterationAxisTitle(n: number): string {
  return n === 0 ? 'iteration 0: the start' : `iteration (0: the start; ${n} iteration${n === 1 ? '' : 's'})`;
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
  const last = Math.max(...points.map((p) => p.iteration));
  const n = Math.max(1, last);
  const fs = points.map((p) => p.f);
  let lo = Math.min(...fs), hi = Math.max(...fs);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const gs = points.map((p) => Math.log10(Math.max(p.gradNorm, 1e-12)));
  const axis = logAxis(Math.min(...gs), Math.max(...gs), 5);
  const x = (i: number) => L + ((W - L - R) * i) / n;
  const y = (f: number) => T + (H - T - B) * (1 - (f - lo) / (hi - lo));
  const yg = (g: number) => T + (H - T - B) * (1 - (g - axis.lo) / (axis.hi - axis.lo));
  const small = { 'font-size': 11, fill: '#5c6670' };
  // the |g| axis: a tick and a faint grid line at each round power of ten
  for (const t of axis.ticks) {
    const ty = yg(t.exponent);
    add('line', { x1: L, x2: W - R, y1: ty, y2: ty, stroke: '#eef0f2' });
    add('line', { x1: W - R, x2: W - R + 4, y1: ty, y2: ty, stroke: '#d08c2c' });
    add('text', { ...small, x: W - R + 6, y: ty + 4, fill: '#d08c2c', class: 'g-tick' }, t.label);
  }
  add('polyline', { points: points.map((p, i) => `${x(p.iteration)},${yg(gs[i])}`).join(' '), fill: 'none', stroke: '#d08c2c', 'stroke-width': 1.2, 'stroke-dasharray': '4 3' });
  add('polyline', { points: points.map((p) => `${x(p.iteration)},${y(p.f)}`).join(' '), fill: 'none', stroke: '#1f5fa0', 'stroke-width': 2 });
  for (const p of points) add('circle', { cx: x(p.iteration), cy: y(p.f), r: 2.5, fill: '#1f5fa0' });
  add('text', { ...small, x: L - 6, y: T + 10, 'text-anchor': 'end' }, fmt(hi));
  add('text', { ...small, x: L - 6, y: H - B, 'text-anchor': 'end' }, fmt(lo));
  add('text', { ...small, x: L - 6, y: (H - B + T) / 2 + 4, 'text-anchor': 'end', fill: '#1f5fa0' }, '−LL');
  add('text', { ...small, x: W - 4, y: T - 4, 'text-anchor': 'end', fill: '#d08c2c' }, 'max |g|');
  // the x axis: 0 (the start) to the last iteration
  add('text', { ...small, x: L, y: H - 12, 'text-anchor': 'middle', class: 'x-tick' }, '0');
  if (last > 0) add('text', { ...small, x: x(last), y: H - 12, 'text-anchor': 'middle', class: 'x-tick' }, String(last));
  add('text', { ...small, x: (L + W - R) / 2, y: H - 2, 'text-anchor': 'middle', class: 'x-title' }, iterationAxisTitle(last));
}
