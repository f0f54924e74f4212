#!/usr/bin/env node
/**
 * A PNG of a report as Chromium shows it (the README's screenshot):
 *   node packages/report/scripts/screenshot.mjs REPORT.html OUT.png [--width 1100] [--height 1600] [--full] [--scale 1]
 * (the first --height pixels of the page, or the whole page with --full)
 * Drives Debian's chromium (/usr/bin/chromium, or $CHROMIUM) with playwright-core: no browser download.
 */
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const valued = new Set(['--width', '--height', '--scale']);
const opts = {};
const files = [];
for (let i = 0; i < args.length; i++) {
  if (valued.has(args[i])) opts[args[i]] = args[++i];
  else if (args[i].startsWith('--')) opts[args[i]] = true;
  else files.push(args[i]);
}
const opt = (name, def) => opts[name] ?? def;
const [html, out] = files;
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
  await page.screenshot({ path: out, fullPage: opts['--full'] === true, type: 'png' });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
