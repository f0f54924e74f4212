/**
 * Start-up of the command line: `mxl --help`, `--version` and a parse error load commander and
 * the command line's own modules only; every command imports the estimation, the data readers,
 * the report's charts or the queue when it runs. Checked by the modules Node resolves (a loader
 * hook writes every resolved URL to a file), not by timing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-startup-'));
writeFileSync(path.join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  appendFileSync(process.env.MXL_TRACE_FILE, r.url + '\\n');
  return r;
}
`);
writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n`);

/** The packages (workspace or node_modules) whose modules `mxl ...args` resolved. */
function loaded(args: string[]): { code: number | null; packages: string[]; out: string; err: string } {
  const trace = path.join(dir, `trace-${args.join('_').replace(/[^\w-]/g, '')}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), MXL, ...args], { encoding: 'utf8', env: { ...process.env, MXL_TRACE_FILE: trace } });
  const packages = new Set<string>();
  for (const url of readFileSync(trace, 'utf8').split('\n')) {
    const m = /\/packages\/([^/]+)\//.exec(url) ?? /\/node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url.replace(/.*\/node_modules\/\.pnpm\/[^/]+/, ''));
    if (m) packages.add(m[1]);
  }
  return { code: r.status, packages: [...packages].sort(), out: r.stdout, err: r.stderr };
}

describe('mxl start-up', () => {
  for (const args of [['--help'], ['--version'], ['estimate', '--help'], ['estimate', 'x.json', '--wrkers', '2']]) {
    it(`mxl ${args.join(' ')} loads only commander and the command line's own modules`, () => {
      const r = loaded(args);
      expect(r.code, r.err).toBe(args[2] === '--wrkers' ? 2 : 0);
      expect(r.packages).toEqual(['cli', 'commander', 'errors']);
    });
  }

  it('--version is the version of every package (the command line reads its own package.json)', async () => {
    const { VERSION } = await import('@mxl/estimation');
    const version = (pkg: string) => JSON.parse(readFileSync(path.join(REPO, 'packages', pkg, 'package.json'), 'utf8')).version;
    expect(loaded(['--version']).out.trim()).toBe(version('cli'));
    expect(version('cli')).toBe(version('mxl'));
    expect(VERSION).toBe(version('mxl'));
  });

  it('a command still loads what it needs (mxl nodes runs the integration rules)', () => {
    const r = loaded(['nodes', '--rule', 'halton', '--dim', '1', '--draws', '3']);
    expect(r.code, r.err).toBe(0);
    expect(r.packages).toContain('integration');
  });
});
