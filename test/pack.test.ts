/**
 * mxl outside the repository: `pnpm pack:lib --out DIR` writes a tarball of every public
 * package; `npm install DIR/*.tgz` in an empty folder gives `import { prepare, estimate,
 * Predictor } from 'mxl'` (the README's library example, type-checked against the installed
 * types, runs there) and `npx mxl` (paths relative to that folder, one-line errors).
 *
 * Needs the npm registry for the third-party dependencies (CI has it).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeLibraryExample, REPO, TSX } from './shared.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mxl-pack-'));
const tarballs = path.join(tmp, 'tarballs');
const project = path.join(tmp, 'project');
const ELECTRICITY = path.join(REPO, 'examples/electricity');

/** A user's shell: none of the npm_* / INIT_CWD variables of a `pnpm test` run. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|PNPM_)/i.test(k)));

function run(cmd: string, args: string[], o: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 26, env: ENV, ...o });
  return { code: r.status, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** The public packages of the workspace, by name. */
function publicPackages(): string[] {
  return readdirSync(path.join(REPO, 'packages'))
    .map((d) => path.join(REPO, 'packages', d, 'package.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; private?: boolean })
    .filter((p) => !p.private)
    .map((p) => p.name);
}

let packed: string[] = [];

describe('the installable packages', () => {
  beforeAll(() => {
    // the tests run on the built dist (no rebuild here: other test files read it meanwhile); typed in
    // another folder, with --out relative to it
    const p = run('npx', ['-y', 'pnpm@12.4.2', '-C', REPO, 'pack:lib', '--out', path.basename(tarballs), '--no-build'], { cwd: tmp });
    expect(p.code, p.err).toBe(0);
    packed = p.out.trim().split('\n');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'mxl-first-hour', private: true, type: 'module' }));
    const i = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packed], { cwd: project });
    expect(i.code, i.err).toBe(0);
  }, 400_000); // about 45 s on a quiet machine (npm fetches the third-party dependencies); 143 s seen at a load average of 20
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('pack:lib writes one tarball per public package, mxl among them, without workspace: ranges', () => {
    const names = publicPackages();
    expect(names).toContain('mxl');
    expect(packed).toHaveLength(names.length);
    for (const name of names) expect(packed, name).toContain(path.join(tarballs, `${name.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz`));
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/@mxl/estimation/package.json'), 'utf8'));
    expect(JSON.stringify(manifest.dependencies)).not.toMatch(/workspace:/);
    // the worker scripts the pools load at run time are installed
    for (const f of ['@mxl/engine/dist/worker.js', '@mxl/data/dist/csv-worker.js', '@mxl/data/dist/parquet-worker.js']) {
      expect(existsSync(path.join(project, 'node_modules', f)), f).toBe(true);
    }
  });

  it('pack:lib names a missing --out', () => {
    const r = run(process.execPath, ['scripts/pack-lib.mjs', '--no-build'], { cwd: REPO });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/pack:lib: --out DIR is required/);
  });

  it("the README's library example (example.mts), type-checked against the installed types, runs with tsx and gives the electricity fit", () => {
    writeFileSync(path.join(project, 'example.mts'), readmeLibraryExample());
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const c = run(process.execPath, [
      tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck',
      '--typeRoots', path.join(REPO, 'node_modules/@types'), '--types', 'node', 'example.mts',
    ], { cwd: project });
    expect(c.code, c.out + c.err).toBe(0);
    const r = run(TSX, ['example.mts', ELECTRICITY], { cwd: project });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/log-likelihood/);
    const ll = /log-likelihood from the file (-\d+\.\d+), from columns in memory (-\d+\.\d+)/.exec(r.out);
    expect(ll, r.out).not.toBeNull();
    expect(Number(ll![1])).toBeCloseTo(-3952.4877, 3);
    expect(ll![2]).toBe(ll![1]);
    expect(r.out).toMatch(/; 361 individuals\n/);
  }, 240_000);

  it('npx mxl: --version, an estimate with paths relative to the folder, and a one-line error', () => {
    const v = run('npx', ['mxl', '--version'], { cwd: project });
    expect(v.code, v.err).toBe(0);
    expect(v.out.trim()).toBe(JSON.parse(readFileSync(path.join(REPO, 'packages/mxl/package.json'), 'utf8')).version);
    const study = path.join(project, 'study');
    mkdirSync(study);
    copyFileSync(path.join(ELECTRICITY, 'electricity_long.csv'), path.join(study, 'electricity_long.csv'));
    writeFileSync(path.join(study, 'spec.json'), JSON.stringify({
      data: { path: 'electricity_long.csv', id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
      model: { fixed: ['pf', 'cl', 'loc', 'wk', 'tod', 'seas'] },
      workers: 1,
    }));
    const e = run('npx', ['mxl', 'estimate', 'spec.json', '--out', 'fit.json'], { cwd: study });
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/log-likelihood/);
    expect(e.err).toContain(`mxl: result written to ${path.join(study, 'fit.json')}\n`);
    expect(JSON.parse(readFileSync(path.join(study, 'fit.json'), 'utf8')).parameters.map((p: { name: string }) => p.name)).toEqual(['pf', 'cl', 'loc', 'wk', 'tod', 'seas']);
    const bad = run('npx', ['mxl', 'estimate', 'nothere.json'], { cwd: study });
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('mxl: error: cannot read the spec file nothere.json: no such file\n');
    expect(bad.out).toBe('');
  }, 240_000);
});
