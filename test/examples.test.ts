/**
 * The examples that ship (examples/): they run from a fresh clone, with
 * nothing beside it, and give the published electricity fit; paths given to
 * `pnpm mxl` from another folder resolve against that folder.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mxl-examples-'));

describe('examples/', () => {
  it('electricity reproduces the published fit; Swissmetro (wide) estimates', () => {
    const out = path.join(tmp, 'elec.json');
    const r = spawnSync(process.execPath, [MXL, 'estimate', 'examples/electricity/spec.json', '--out', out, '--quiet'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).loglik).toBeCloseTo(-3952.4877325, 4);
    const out2 = path.join(tmp, 'sm.json');
    const s = spawnSync(process.execPath, [MXL, 'estimate', 'examples/swissmetro/spec.json', '--out', out2, '--quiet'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(s.status, s.stderr).toBe(0);
    const sm = JSON.parse(readFileSync(out2, 'utf8'));
    expect(sm.sample.situations).toBe(6768);
    expect(sm.sample.individuals).toBe(752);
    expect(Number.isFinite(sm.loglik)).toBe(true);
  });

  it('run as `pnpm mxl` from another folder: relative paths resolve against that folder', () => {
    copyFileSync(path.join(REPO, 'examples/electricity/spec.json'), path.join(tmp, 'spec.json'));
    copyFileSync(path.join(REPO, 'examples/electricity/electricity_long.csv'), path.join(tmp, 'electricity_long.csv'));
    // what `pnpm -C REPO mxl` does: it runs the checkout's mxl bin in the checkout, with the folder typed in as INIT_CWD
    const env = { ...process.env, INIT_CWD: tmp, npm_lifecycle_event: 'npx' };
    const r = spawnSync(process.execPath, [MXL, 'estimate', 'spec.json', '--out', 'here.json', '--quiet'], { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(tmp, 'here.json'), 'utf8')).loglik).toBeCloseTo(-3952.4877325, 4);
  });
});
