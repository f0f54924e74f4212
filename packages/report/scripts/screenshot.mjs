#!/usr/bin/env node
/**
 * A PNG of a report as Chromium shows it (the README's screenshot):
 *   node packages/report/scripts/screenshot.mjs REPORT.html OUT.png [--width 1100] [--height 1600] [--full]
 * Drives Debian's chromium (/usr/bin/chromium, or $CHROMIUM) with playwright-core: no browser download.
 */
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const [html, out] = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--') && args[i - 1] !== '--full'));
if (!html || !out) {
  process.stderr.write('usage: screenshot.mjs REPORT.html OUT.png [--width W] [--height H] [--full] [--scale S]\n');
  process.exit(2);
}
const profile = mkdtempSync(path.join(os.tmpdir(), 'mxl-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: Number(opt('--width', 1100)), height: Number(opt('--height', 1600)) },
  deviceScaleFactor: Number(opt('--scale', 1)),
});
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(path.resolve(html)).href);
  await page.screenshot({ path: out, fullPage: args.includes('--full'), type: 'png' });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
