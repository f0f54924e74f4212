/**
 * The page: picks the data (a CSV file, or the built-in example), edits the
 * spec, runs the estimation in the estimation worker through comlink
 * (progress per iteration, Stop aborts it), and shows the estimates.
 * `?example=1` runs the built-in example on load and writes the result JSON
 * into #result.
 */
import { wrap } from 'comlink';
import { SessionClient } from '@mxl/session/protocol';
import type { EstimationResult } from '@mxl/estimation';
import type { DataInfo, EstimationWorkerApi } from './estimation-worker';
import { renderTrace, type TracePoint } from './trace';
import { fitText } from './fit';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const fileInput = $<HTMLInputElement>('file');
const exampleButton = $<HTMLButtonElement>('example');
const specArea = $<HTMLTextAreaElement>('spec');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const status = $<HTMLSpanElement>('status');
const errorBox = $<HTMLDivElement>('error');
/** The page's <svg> element with this id. */
function svgById(id: string): SVGSVGElement {
  const el = document.getElementById(id);
  if (!(el instanceof SVGSVGElement)) throw new Error(`the page has no <svg id="${id}">`);
  return el;
}
const trace = svgById('trace');

const worker = new Worker(new URL('./estimation-worker.ts', import.meta.url), { type: 'module', name: 'mxl-estimation' });
const remote = wrap<EstimationWorkerApi>(worker);
const session = new SessionClient(remote);

let controller: AbortController | null = null;
let hasData = false;

function showError(e: unknown): void {
  errorBox.hidden = false;
  errorBox.textContent = e instanceof Error ? e.message : String(e);
}

function dataLoaded(info: DataInfo): void {
  hasData = true;
  $('data-info').textContent = `${info.name}: ${info.rows.toLocaleString('en')} rows; columns ${info.header.join(', ')}`;
  runButton.disabled = controller !== null;
}

function defaultSpec(header: string[]): Record<string, unknown> {
  const pick = (...names: string[]) => header.find((h) => names.includes(h.toLowerCase())) ?? names[0];
  const keys = new Set([pick('id', 'person', 'individual'), pick('situation', 'task', 'chid', 'set'), pick('alt', 'alternative'), pick('choice', 'chosen')]);
  const vars = header.filter((h) => !keys.has(h));
  return {
    data: { id: pick('id', 'person', 'individual'), situation: pick('situation', 'task', 'chid', 'set'), alt: pick('alt', 'alternative'), choice: pick('choice', 'chosen') },
    model: { fixed: vars.slice(0, 1), random: Object.fromEntries(vars.slice(1).map((v) => [v, 'normal'])) },
    integration: { rule: 'halton', draws: 100 },
    se: 'bhhh',
  };
}

async function loadExample(): Promise<void> {
  errorBox.hidden = true;
  status.textContent = 'simulating the built-in example…';
  const info = await remote.loadExample();
  // the data are the example's columns, not a file
  const { path: _path, ...data } = info.spec.data as Record<string, unknown>;
  specArea.value = JSON.stringify({ ...info.spec, data }, null, 2);
  dataLoaded(info);
  status.textContent = '';
}

fileInput.addEventListener('change', async () => {
  const f = fileInput.files?.[0];
  if (!f) return;
  errorBox.hidden = true;
  try {
    status.textContent = `reading ${f.name}…`;
    const info = await remote.loadCsv(f.name, new Uint8Array(await f.arrayBuffer()));
    if (!specArea.value.trim()) specArea.value = JSON.stringify(defaultSpec(info.header), null, 2);
    dataLoaded(info);
    status.textContent = '';
  } catch (e) {
    status.textContent = '';
    showError(e);
  }
});

exampleButton.addEventListener('click', () => loadExample().catch(showError));
stopButton.addEventListener('click', () => controller?.abort());
runButton.addEventListener('click', () => void run());

const num = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? '' : v.toFixed(d));

function showResult(r: EstimationResult, traced?: number): void {
  const rows = r.parameters
    .map((p) => `<tr><td>${p.name}</td><td>${num(p.estimate, 6)}</td><td>${num(p.se, 6)}</td><td>${num(p.z, 2)}</td><td>${p.p === null ? '' : p.p > 0 && p.p < 1e-4 ? p.p.toExponential(1) : p.p.toFixed(4)}</td></tr>`)
    .join('');
  $('estimates').innerHTML = `<table><thead><tr><th>parameter</th><th>estimate</th><th>std. err.</th><th>z</th><th>p</th></tr></thead><tbody>${rows}</tbody></table>`;
  $('fit').textContent = fitText(r, traced);
  $('notes').replaceChildren(...r.notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
  $('result').textContent = JSON.stringify(r, null, 2);
  $('results').hidden = false;
}

/** The report's charts (vega, loaded on first use). */
async function showCharts(r: EstimationResult): Promise<void> {
  const { renderCharts } = await import('./charts');
  const n = await renderCharts($('charts'), r as never);
  $('charts-panel').hidden = n === 0;
}

async function run(): Promise<void> {
  if (!hasData || controller) return;
  errorBox.hidden = true;
  let spec: unknown;
  try {
    spec = JSON.parse(specArea.value);
  } catch (e) {
    showError(`the spec is not valid JSON: ${(e as Error).message}`);
    return;
  }
  controller = new AbortController();
  runButton.disabled = true;
  stopButton.disabled = false;
  const points: TracePoint[] = [];
  // a fallback method starts again at iteration 0 from where the failed one stopped: numbered on, as the result's history does
  let offset = 0;
  renderTrace(trace, points);
  const t0 = performance.now();
  status.textContent = 'preparing…';
  try {
    const r = await session.estimate(spec, {
      signal: controller.signal,
      onIteration: (it) => {
        if (it.iteration === 0 && points.length > 0) {
          offset = points[points.length - 1].iteration;
          return;
        }
        points.push({ iteration: it.iteration + offset, f: it.f, gradNorm: it.gradNorm, seconds: (performance.now() - t0) / 1000 });
        status.textContent = `iteration ${it.iteration + offset}: −LL ${it.f.toFixed(4)}, |g| ${it.gradNorm.toExponential(2)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`;
        renderTrace(trace, points);
      },
    });
    status.textContent = `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    showResult(r, points.length > 0 ? points[points.length - 1].iteration : undefined);
    await showCharts(r).catch((e) => showError(`the charts could not be drawn: ${(e as Error).message}`));
  } catch (e) {
    status.textContent = controller.signal.aborted ? 'stopped' : 'failed';
    if (!controller.signal.aborted) showError(e);
  } finally {
    controller = null;
    runButton.disabled = !hasData;
    stopButton.disabled = true;
  }
}

async function start(): Promise<void> {
  renderTrace(trace, []);
  const env = await remote.environment();
  $('environment').textContent =
    `The data never leave this machine: the estimation runs in this tab, on ${env.threads} thread${env.threads === 1 ? '' : 's'}` +
    (env.crossOriginIsolated ? ' sharing memory (cross-origin isolated).' : ' (not cross-origin isolated: one thread, no shared memory).');
  if (new URLSearchParams(location.search).get('example') === '1') {
    await loadExample();
    await run();
  }
}

start().catch(showError);
