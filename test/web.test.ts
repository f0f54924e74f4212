/**
 * The page of `mxl web` in a real browser: headless Chromium (Debian's
 * chromium package, installed by .ci/run), driven by playwright-core, which
 * never downloads a browser. The page must be cross-origin isolated (shared
 * memory between its Web Workers), estimate the built-in example on
 * `?example=1` with the log-likelihood of `mxl demo` to the last bit, log no
 * console error, and stop a run when asked. Skipped, with a message, only
 * where the browser is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { RELAXED_SIMD_FLAGS, REPO } from './shared.js';
import { convergenceSpec, historyIterations, logAxis, powerLabel, reportCharts } from '../packages/report/src/charts.js';
import { renderTrace } from '../packages/web/src/trace.js';
import { fitText, type FitResult } from '../packages/web/src/fit.js';
import { RELAXED_SIMD_PROBE } from '../packages/core/src/wasm/index.js';

const CHROMIUM = process.env.MXL_CHROMIUM ?? '/usr/bin/chromium';
const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`web.test: skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)`);

interface PageResult {
  loglik: number;
  iterations: number;
  workers: number;
  converged: boolean;
  parameters: { name: string; estimate: number; se: number }[];
}

/** Starts `mxl web --port 0` and returns the process and the page's address. */
async function startServer(): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [MXL, 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/\S+?:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    server.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    server.once('exit', (code) => reject(new Error(`mxl web exited (${code}): ${out}`)));
  });
  return { server, url };
}

/** Stops the server as Ctrl-C does; it exits 0. */
async function stopServer(server: ChildProcess | undefined): Promise<number | null> {
  if (!server || server.exitCode !== null) return server?.exitCode ?? null;
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  server.kill('SIGINT');
  return exited;
}

/** A tick label of a log axis: a round power of ten (0.01, 0.1, 1, 10, 100, 1e3, 1e-3, ...). */
const POWER_OF_TEN = /^(0\.01|0\.1|1|10|100|1e-?([3-9]|\d\d+))$/;

/** Enough of the DOM for renderTrace: elements that keep their attributes, text and children. */
class FakeElement {
  attrs: Record<string, string> = {};
  children: FakeElement[] = [];
  textContent = '';
  constructor(readonly tag: string) {}
  setAttribute(k: string, v: string) { this.attrs[k] = v; }
  appendChild(c: FakeElement) { this.children.push(c); return c; }
  replaceChildren() { this.children = []; }
}

describe('the convergence trace: log ticks at round powers of ten; iterations counted as the fit line counts them', () => {
  it('powerLabel and logAxis: whole powers of ten, the data inside, both ends ticks', () => {
    expect([-4, -3, -2, -1, 0, 1, 2, 3, 12].map(powerLabel)).toEqual(['1e-4', '1e-3', '0.01', '0.1', '1', '10', '100', '1e3', '1e12']);
    // the page's numbers: |g| from 1.1e3 down to 2.5e-4 (log10 3.04 to -3.6) read 1e3.0 and 1e-3.6 before
    const axis = logAxis(-3.6, 3.04, 5);
    expect(axis).toEqual({ lo: -4, hi: 4, ticks: [-4, -2, 0, 2, 4].map((e) => ({ exponent: e, label: powerLabel(e) })) });
    expect(logAxis(-3.6, 3.04, 9).ticks.map((t) => t.label)).toEqual(['1e-4', '1e-3', '0.01', '0.1', '1', '10', '100', '1e3', '1e4']);
    for (const [lo, hi] of [[-0.2, -0.1], [2, 2], [-12, 5.5], [0.3, 0.31], [-7.9, -7.1]]) {
      for (const max of [2, 5, 9]) {
        const a = logAxis(lo, hi, max);
        expect(a.lo).toBeLessThanOrEqual(lo);
        expect(a.hi).toBeGreaterThanOrEqual(hi);
        expect(a.hi).toBeGreaterThan(a.lo);
        expect(a.ticks.length).toBeLessThanOrEqual(Math.max(max, 2));
        expect([a.ticks[0].exponent, a.ticks[a.ticks.length - 1].exponent]).toEqual([a.lo, a.hi]);
        for (const t of a.ticks) expect(t.label).toMatch(POWER_OF_TEN);
      }
    }
  });

  it('renderTrace: 18 points are iterations 0 (the start) to 17, |g| ticks round, no 1e3.0', () => {
    const grad = [1.1e3, 1.1e3, 2.8e2, 1.8e2, 1.4e2, 30, 37, 9.7, 8.8, 7.6, 5.7, 2.3, 0.71, 0.19, 0.027, 0.0098, 0.0042, 2.5e-4];
    const points = grad.map((g, i) => ({ iteration: i, f: 17200 + 600 / (i + 1), gradNorm: g, seconds: i / 10 }));
    vi.stubGlobal('document', { createElementNS: (_ns: string, tag: string) => new FakeElement(tag) });
    try {
      const svg = new FakeElement('svg');
      renderTrace(svg as unknown as SVGSVGElement, points);
      const texts = (cls: string) => svg.children.filter((c) => c.attrs.class === cls).map((c) => c.textContent);
      expect(texts('g-tick')).toEqual(['1e-4', '0.01', '1', '100', '1e4']);
      expect(svg.children.filter((c) => c.tag === 'text').map((c) => c.textContent).join(' ')).not.toMatch(/1e-?\d+\./);
      expect(texts('x-tick')).toEqual(['0', '17']);
      expect(texts('x-title')).toEqual(['iteration (0: the start; 17 iterations)']);
      expect(svg.children.filter((c) => c.tag === 'circle')).toHaveLength(18);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  const fitted = { loglik: -17154.1965, nullLoglik: -22180.7098, rho2: 0.2266, aic: 34322.39, bic: 34376.16, sample: { individuals: 2000, situations: 16000 }, integration: { description: 'halton(draws=200)' }, converged: true, iterations: 17, seconds: 1.82, workers: 2 } as unknown as FitResult;

  it('the fit line counts the iterations the trace ends at; it says so when the result counts more', () => {
    expect(fitText(fitted, 17)).toMatch(/; converged after 17 iterations, 1\.82 s on 2 workers\.$/);
    expect(fitText({ ...fitted, iterations: 1, workers: 1 })).toMatch(/converged after 1 iteration, 1\.82 s on 1 worker\.$/);
    expect(fitText({ ...fitted, iterations: 25 }, 17)).toMatch(/converged after 25 iterations \(the trace shows the first optimizer run's 17 iterations\), /);
  });

  it("the report's convergence chart (also on the page): x from 0 to the last iteration, log ticks at powers of ten, the caption's count", () => {
    const history = Array.from({ length: 18 }, (_, i) => ({ run: 0, iteration: i, negLogLik: 17154 + 600 / (i + 1), gradNorm: 1.1e3 * 10 ** (-i / 2.6), seconds: i / 10 }));
    const result = { loglik: -17154, parameters: [], history };
    const spec = convergenceSpec(result) as unknown as { hconcat: { encoding: { x: { scale: { domain: number[] } }; y: { scale: { type?: string; domain?: number[] }; axis: { values?: number[] } } } }[] };
    for (const panel of spec.hconcat) {
      expect(panel.encoding.x.scale.domain).toEqual([0, 17]);
      if (panel.encoding.y.scale.type !== 'log') continue;
      const values = panel.encoding.y.axis.values!;
      expect(values.length).toBeGreaterThanOrEqual(2);
      for (const v of values) expect(Math.log10(v)).toBeCloseTo(Math.round(Math.log10(v)), 12);
      expect(panel.encoding.y.scale.domain).toEqual([values[0], values[values.length - 1]]);
    }
    const chart = reportCharts(result).find((c) => c.id === 'convergence')!;
    expect(chart.caption).toMatch(/; iteration 0 \(the start\) to 17: 17 iterations in 1\.70 s /);
    expect(historyIterations([...history, ...history.slice(0, 5).map((h) => ({ ...h, run: 1 }))])).toEqual({ runs: [17, 4], total: 21 });
  });
});

describe('mxl web: the server and the bundle', () => {
  let server: ChildProcess;
  let url: string;
  beforeAll(async () => {
    ({ server, url } = await startServer());
  });
  afterAll(async () => {
    await stopServer(server);
  });

  it('the server sends the cross-origin isolation headers', async () => {
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect((await fetch(new URL('no-such-file.js', url))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });

  it('the browser bundle holds no Node module (no piscina, no worker_threads, no file system)', () => {
    const assets = path.join(REPO, 'packages/web/dist/assets');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThanOrEqual(3); // the page, the estimation worker, the shard worker
    for (const f of scripts) {
      const js = readFileSync(path.join(assets, f), 'utf8');
      expect(js, f).not.toMatch(/piscina|worker_threads|parquet-wasm|["'](node:)?(fs|fs\/promises|os|v8|vm|child_process|url)["']/);
    }
  });

  it('Ctrl-C stops the server, exit code 0', async () => {
    expect(await stopServer(server)).toBe(0);
  });
});

describe.skipIf(!hasBrowser)('mxl web in headless Chromium', () => {
  let tmp: string;
  let server: ChildProcess;
  let url: string;
  let context: BrowserContext;
  let demo: PageResult;
  const problems: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'mxl-web-'));
    ({ server, url } = await startServer());
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
    // Node's numbers: `mxl demo`, which writes its result JSON beside the simulated data. The kernel
    // fuses its multiply-adds where the runtime has relaxed SIMD (Chromium does; Node 20 behind a
    // flag), so Node runs with the browser's choice to give the same numbers.
    const blank = await context.newPage();
    const relaxed = await blank.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes)), Array.from(RELAXED_SIMD_PROBE));
    await blank.close();
    const d = spawnSync(process.execPath, [...(relaxed ? RELAXED_SIMD_FLAGS : []), MXL, 'demo', '--dir', path.join(tmp, 'demo')], { encoding: 'utf8', timeout: 120_000 });
    expect(d.status, d.stderr).toBe(0);
    demo = JSON.parse(readFileSync(path.join(tmp, 'demo', 'spec.result.json'), 'utf8'));
  });

  afterAll(async () => {
    await context?.close();
    await stopServer(server);
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(query: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(url + query);
    return page;
  }

  /** Waits for #result (or the page's error) and returns the result. */
  async function result(page: Page): Promise<PageResult> {
    await page.waitForFunction(() => (document.querySelector('#result')?.textContent ?? '') !== '' || !(document.querySelector('#error') as HTMLElement).hidden, null, { timeout: 180_000 });
    const error = await page.evaluate(() => ((document.querySelector('#error') as HTMLElement).hidden ? null : document.querySelector('#error')!.textContent));
    expect(error).toBeNull();
    return JSON.parse(await page.evaluate(() => document.querySelector('#result')!.textContent!));
  }

  it('?example=1 estimates the built-in example in Web Workers with the log-likelihood of mxl demo, bit for bit, and its estimates to 1e-12', async () => {
    const page = await open('?example=1');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const r = await result(page);
    expect(r.converged).toBe(true);
    expect(r.loglik).toBe(demo.loglik);
    // The browser's JavaScript engine has its own Math library (log, exp, pow differ from Node's in
    // the last bit: a newer V8 than Node 20's), which the code around the kernel uses; the kernel's
    // log-likelihood is bit for bit, the estimates and standard errors agree to 1e-12 relative.
    expect(r.parameters.map((p) => p.name)).toEqual(demo.parameters.map((p) => p.name));
    r.parameters.forEach((p, i) => {
      const d = demo.parameters[i];
      expect(Math.abs(p.estimate - d.estimate), p.name).toBeLessThanOrEqual(1e-12 * Math.abs(d.estimate));
      expect(Math.abs(p.se - d.se), `se of ${p.name}`).toBeLessThanOrEqual(1e-12 * Math.abs(d.se));
    });
    expect(r.workers).toBe(Math.max(1, await page.evaluate(() => navigator.hardwareConcurrency)));
    // the live trace: |g| ticks at round powers of ten; the x axis from 0 (the start) to the iterations the fit line counts
    const trace = await page.evaluate(() => ({
      g: [...document.querySelectorAll('#trace .g-tick')].map((t) => t.textContent),
      x: [...document.querySelectorAll('#trace .x-tick')].map((t) => t.textContent),
      points: document.querySelectorAll('#trace circle').length,
      fit: document.querySelector('#fit')!.textContent,
    }));
    expect(trace.g.length).toBeGreaterThanOrEqual(2);
    for (const label of trace.g) expect(label).toMatch(POWER_OF_TEN);
    expect(trace.x).toEqual(['0', String(demo.iterations)]);
    expect(trace.points).toBe(demo.iterations + 1);
    expect(trace.fit).toContain(`converged after ${demo.iterations} iterations, `);
    // the report's charts: the convergence trace and a density per random coefficient, drawn by vega
    await page.waitForFunction(() => document.querySelectorAll('#charts figure svg').length >= 4, null, { timeout: 60_000 });
    expect(await page.evaluate(() => [...document.querySelectorAll('#charts figure')].map((f) => f.id))).toEqual(['chart-convergence', 'chart-density-time', 'chart-density-comfort', 'chart-density-wifi']);
    const shot = process.env.MXL_WEB_SCREENSHOT;
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('a picked CSV file gives the same numbers, and Stop stops a run', async () => {
    const page = await open('');
    await page.setInputFiles('#file', path.join(tmp, 'demo', 'data.csv'));
    await page.waitForFunction(() => /64,000 rows/.test(document.querySelector('#data-info')!.textContent!));
    const spec = JSON.parse(readFileSync(path.join(tmp, 'demo', 'spec.json'), 'utf8'));
    await page.fill('#spec', JSON.stringify(spec));
    // stop after the first iterations
    await page.click('#run');
    await page.waitForFunction(() => /iteration [1-9]/.test(document.querySelector('#status')!.textContent!), null, { timeout: 120_000 });
    await page.click('#stop');
    await page.waitForFunction(() => document.querySelector('#status')!.textContent === 'stopped', null, { timeout: 60_000 });
    expect(await page.evaluate(() => document.querySelector('#result')!.textContent)).toBe('');
    // then the whole run
    await page.click('#run');
    const r = await result(page);
    expect(r.loglik).toBe(demo.loglik);
    await page.close();
    expect(problems).toEqual([]);
  });
});
