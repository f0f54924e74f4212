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
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    server = spawn(process.execPath, [MXL, 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/\S+?:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      server.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      server.once('exit', (code) => reject(new Error(`mxl web exited (${code}): ${out}`)));
    });
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
    if (server && server.exitCode === null) {
      server.kill('SIGINT');
      await new Promise((r) => server.once('exit', r));
    }
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

  it('the server sends the cross-origin isolation headers', async () => {
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect((await fetch(new URL('no-such-file.js', url))).status).toBe(404);
  });

  it('?example=1 estimates the built-in example in Web Workers with the log-likelihood of mxl demo, bit for bit', async () => {
    const page = await open('?example=1');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const r = await result(page);
    expect(r.converged).toBe(true);
    expect(r.loglik).toBe(demo.loglik);
    expect(r.parameters.map((p) => [p.name, p.estimate, p.se])).toEqual(demo.parameters.map((p) => [p.name, p.estimate, p.se]));
    expect(r.workers).toBe(Math.max(1, await page.evaluate(() => navigator.hardwareConcurrency)));
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
