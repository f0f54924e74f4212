#!/usr/bin/env node
/**
 * `npx -y pnpm@12.4.2 pack:lib --out DIR [--no-build]`: an installable tarball of every public
 * package (every packages/* whose package.json is not private) in DIR, for
 * `npm install DIR/*.tgz` in any project (`import { prepare, estimate, Predictor } from 'mxl'`,
 * `npx mxl ...`).
 *
 * It builds first (turbo; `--no-build` skips it), packs each package with `pnpm pack` (which
 * rewrites `workspace:*` dependencies to the packages' versions), then checks each tarball: it
 * holds every file of the package's dist/ (worker scripts included), its main, types, exports and
 * bin exist in it, no `workspace:` range is left, and every `@mxl/*` dependency is itself one of
 * the tarballs (else npm would look for it on the registry). It prints the tarballs' paths, one
 * per line. A relative DIR starts at the folder the command was typed in (pnpm's INIT_CWD).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`pack:lib: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  let out;
  let build = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      out = argv[++i];
      if (out === undefined || out.startsWith('--')) fail('--out needs a folder: pack:lib --out DIR');
    } else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--no-build') build = false;
    else fail(`unknown argument ${JSON.stringify(a)}; usage: pack:lib --out DIR [--no-build]`);
  }
  if (!out) fail('--out DIR is required: the folder for the tarballs (pack:lib --out DIR)');
  return { out: path.resolve(process.env.INIT_CWD ?? process.cwd(), out), build };
}

/** pnpm itself when this runs as a pnpm script, else the pinned pnpm through npx. */
function pnpmCommand() {
  const exec = process.env.npm_execpath;
  if (exec && /^pnpm(\.c?js|\.exe)?$/.test(path.basename(exec)) && existsSync(exec)) {
    return /\.c?js$/.test(exec) ? [process.execPath, exec] : [exec];
  }
  return ['npx', '-y', 'pnpm@12.4.2'];
}

function run(cmd, args, cwd, what) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) fail(`${what}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Every file under dir, as paths relative to base with forward slashes. */
function walk(dir, base) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** The file paths a package.json promises: main, types, bin and the exports' targets (without wildcards). */
function promisedFiles(pkg) {
  const out = [];
  const add = (p) => {
    if (typeof p === 'string' && !p.includes('*')) out.push(p.replace(/^\.\//, ''));
  };
  add(pkg.main);
  add(pkg.types);
  if (typeof pkg.bin === 'string') add(pkg.bin);
  else for (const b of Object.values(pkg.bin ?? {})) add(b);
  const visit = (e) => {
    if (typeof e === 'string') add(e);
    else if (e && typeof e === 'object') for (const v of Object.values(e)) visit(v);
  };
  visit(pkg.exports);
  return out;
}

const { out, build } = parseArgs(process.argv.slice(2));
mkdirSync(out, { recursive: true });
const pnpm = pnpmCommand();

const packages = readdirSync(path.join(ROOT, 'packages'))
  .map((d) => path.join(ROOT, 'packages', d))
  .filter((d) => existsSync(path.join(d, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.pkg.private);
const names = new Set(packages.map((p) => p.pkg.name));

if (build) {
  process.stderr.write('pack:lib: building\n');
  run(pnpm[0], [...pnpm.slice(1), 'run', 'build'], ROOT, 'the build (pnpm run build)');
}

const tarballs = [];
for (const { dir, pkg } of packages) {
  const where = `packages/${path.basename(dir)}`;
  if (!existsSync(path.join(dir, 'dist'))) fail(`${where}: no dist/ folder; build first (run without --no-build)`);
  const json = run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', out, '--json'], dir, `pnpm pack in ${where}`);
  let packed;
  try {
    packed = JSON.parse(json.slice(json.indexOf('{')));
  } catch (e) {
    fail(`pnpm pack in ${where}: could not read its --json report (${e.message})`);
  }
  const inTarball = new Set(packed.files.map((f) => f.path));
  const missing = [...walk(path.join(dir, 'dist'), dir).filter((f) => !f.endsWith('.tsbuildinfo')), ...promisedFiles(pkg)].filter((f) => !inTarball.has(f));
  if (missing.length) fail(`${packed.filename}: lacks ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} (check "files" in ${where}/package.json)`);
  // the manifest as published
  const manifest = JSON.parse(run('tar', ['-xzOf', packed.filename, 'package/package.json'], dir, `reading package.json from ${packed.filename}`));
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) fail(`${packed.filename}: ${field}.${dep} is still ${JSON.stringify(range)}`);
      if (dep.startsWith('@mxl/') || dep === 'mxl') {
        if (!names.has(dep)) fail(`${where}: depends on ${dep}, which is private or not a package here, so an install of the tarballs would look for it on the registry`);
      }
    }
  }
  tarballs.push(packed.filename);
}
process.stdout.write(tarballs.join('\n') + '\n');
