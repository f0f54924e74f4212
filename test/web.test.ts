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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO } from './shared.js';

const CHROMIUM = process.env.MXL_CHROMIUM ?? '/usr/bin/chromium';
const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`web.test: skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)`);

interface PageResult {
  loglik: number;
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
    // Node's numbers: `mxl demo`, which writes its result JSON beside the simulated data
    const d = spawnSync(process.execPath, [MXL, 'demo', '--dir', path.join(tmp, 'demo')], { encoding: 'utf8', timeout: 120_000 });
    expect(d.status, d.stderr).toBe(0);
    demo = JSON.parse(readFileSync(path.join(tmp, 'demo', 'spec.result.json'), 'utf8'));
    ({ server, url } = await startServer());
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
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

  it('?example=1 estimates the built-in example in Web Workers with the log-likelihood of mxl demo, bit for bit', async () => {
    const page = await open('?example=1');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const r = await result(page);
    expect(r.converged).toBe(true);
    expect(r.loglik).toBe(demo.loglik);
    expect(r.parameters.map((p) => [p.name, p.estimate, p.se])).toEqual(demo.parameters.map((p) => [p.name, p.estimate, p.se]));
    expect(r.workers).toBe(Math.max(1, await page.evaluate(() => navigator.hardwareConcurrency)));
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
