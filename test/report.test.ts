/**
 * `mxl report` end to end, in a real browser: estimate a small model (three mixing
 * distributions), predict (shares, a scenario, elasticities, diversion, WTP, individual-level
 * means), make the report, open it in headless Chromium (Debian's chromium, driven by
 * playwright-core: no browser download) and check that every chart is drawn, that nothing is
 * logged to the console, that no request leaves the page, and that it prints on A4 without
 * running off the page. Skipped, with a message, only where no chromium can be found (.ci/run
 * installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');

function mxl(args: string[]) {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Debian's chromium (or $CHROMIUM). */
const CHROMIUM = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((f): f is string => !!f && existsSync(f));
if (!CHROMIUM) console.warn('chromium is not installed: the report\'s browser tests are skipped (.ci/run installs Debian\'s chromium)');

/** The flags of a quiet, offline, throwaway headless Chromium. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A fresh Chromium profile in a temporary folder (removed by the returned close). */
export async function launchChromium(viewport = { width: 1100, height: 900 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'mxl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, headless: true, args: CHROMIUM_ARGS, viewport });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

describe.skipIf(!CHROMIUM)('mxl report in Chromium', () => {
  let dir = '';
  let html = '';
  let chartCount = 0;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-report-'));
    const sim = mxl(['simulate', '--out', dir, '--individuals', '300', '--situations', '6', '--alternatives', '3', '--seed', '11']);
    expect(sim.code, sim.err).toBe(0);
    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({
      data: { path: 'data.csv', id: 'id', situation: 'task', alt: 'alt', choice: 'choice' },
      model: { fixed: ['price'], random: { time: 'normal', comfort: 'cn', wifi: 'triangular' } },
      integration: { rule: 'halton', draws: 30 },
      workers: 1,
    }));
    const est = mxl(['estimate', spec, '--out', path.join(dir, 'r.json'), '--quiet']);
    expect(est.code, est.err).toBe(0);
    const pred = mxl(['predict', spec, '--result', path.join(dir, 'r.json'), '--shares', '--elasticities', 'price', '--diversion', 'price', '--wtp', 'price',
      '--change', 'price=*1.1@1', '--individual', path.join(dir, 'ind.csv'), '--out', path.join(dir, 'p.json')]);
    expect(pred.code, pred.err).toBe(0);
    // the individual CSV is the one the predict JSON names
    const rep = mxl(['report', path.join(dir, 'r.json'), '--predict', path.join(dir, 'p.json'), '--out', path.join(dir, 'report.html')]);
    expect(rep.code, rep.err).toBe(0);
    expect(rep.out.trim()).toBe(path.join(dir, 'report.html'));
    chartCount = Number(/report with (\d+) charts/.exec(rep.err)?.[1]);
    html = path.join(dir, 'report.html');
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the file has every chart as inline SVG, no script and nothing to fetch', () => {
    const text = readFileSync(html, 'utf8');
    // convergence, 3 densities, WTP and individual WTP, shares, scenario, elasticities, diversion
    expect(chartCount).toBe(10);
    expect([...text.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'convergence', 'density-time', 'density-comfort', 'density-wifi', 'wtp', 'wtp-individual', 'shares', 'scenario', 'elasticities', 'diversion',
    ]);
    expect(text).not.toMatch(/<script|<link|<img|@import|@font-face|src=|url\((?!['"]?#)/i);
  });

  it('renders every chart with no console message and no request', async () => {
    const { context, close } = await launchChromium();
    try {
      const url = pathToFileURL(html).href;
      const requests: string[] = [];
      const messages: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
      await page.goto(url, { waitUntil: 'load' });
      expect(await page.title()).toMatch(/^mxl report: data\.csv/);
      const figures = page.locator('figure.chart');
      expect(await figures.count()).toBe(chartCount);
      for (let i = 0; i < chartCount; i++) {
        const svg = figures.nth(i).locator('svg');
        expect(await svg.count()).toBe(1);
        const box = (await svg.boundingBox())!;
        expect(box.width).toBeGreaterThan(150);
        expect(box.height).toBeGreaterThan(80);
        // drawn marks, not an empty frame: the mark groups Vega writes, with paths in them
        expect(await svg.locator('g[class^="mark-"] path, g[class^="mark-"] line, g[class^="mark-"] rect').count()).toBeGreaterThan(3);
      }
      // the estimates table: a row per parameter of the result
      const result = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
      expect(await page.locator('#estimates table').first().locator('tbody tr').count()).toBe(result.parameters.length);
      expect(messages).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('prints on A4: nothing wider than the page, and a PDF of a few pages', async () => {
    // A4 at 96 dpi less the page margins of the print style sheet: 210 mm - 24 mm
    const { context, close } = await launchChromium({ width: Math.floor((186 / 25.4) * 96), height: 1000 });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(html).href);
      await page.emulateMedia({ media: 'print' });
      const over = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll('figure, table')].filter((e) => e.getBoundingClientRect().right > w + 1).map((e) => e.id || e.tagName);
      });
      expect(over).toEqual([]);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(pages).toBeLessThanOrEqual(12);
    } finally {
      await close();
    }
  });
});

describe('mxl report: bad input', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-report-bad-'));
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify({ loglik: -10, parameters: [{ name: 'x', estimate: 1, se: 0.1, z: 10, p: 0 }] }));
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({ data: { path: 'd.csv' } }));
    writeFileSync(path.join(dir, 'bad.json'), '{ "loglik": ');
    writeFileSync(path.join(dir, 'ind.csv'), 'id,x\n1,2,3\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mxl(['report', ...args.map((a) => (a.startsWith('--') ? a : path.join(dir, a))), '--out', path.join(dir, 'out.html')]);
  const fails = (r: ReturnType<typeof mxl>, pattern: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'out.html'))).toBe(false);
  };

  it('one line, exit 2, no page', () => {
    fails(run('none.json'), /none\.json: no such file/);
    fails(run('bad.json'), /bad\.json: not a result JSON/);
    fails(run('spec.json'), /spec\.json: not a result of `mxl estimate` \(expected "loglik" and "parameters"\)/);
    fails(run('r.json', '--predict', 'spec.json'), /--predict .*spec\.json: not a JSON of `mxl predict`/);
    fails(run('r.json', '--predict', 'none.json'), /--predict .*none\.json: no such file/);
    fails(run('r.json', '--individual', 'ind.csv'), /--individual .*ind\.csv: the individual CSV's line 2 has 3 fields; its header has 2/);
  });

  it('a minimal result (an older version: no history, no distributions) still makes a page', () => {
    const r = run('r.json');
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(path.join(dir, 'out.html'), 'utf8');
    expect(text).toMatch(/no convergence trace/);
    expect(text).not.toMatch(/<figure/);
    rmSync(path.join(dir, 'out.html'));
  });
});
