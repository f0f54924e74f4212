/**
 * The library use shown in the README, as it is written there: the README's
 * `example.mts` is a whole program (estimate from a spec object with an
 * AbortSignal and progress, post-estimation, then the same data as in-memory
 * columns); it is run here as the README says, with tsx, against the workspace's
 * packages. `test/pack.test.ts` runs it again where the packed tarballs are installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estimate, prepare } from 'mxl';
import { dataSet, ELECTRICITY_DIR, readmeLibraryExample, REPO, TSX } from './shared.js';

describe('library use (README example)', () => {
  // inside the repository, so that `import ... from 'mxl'` resolves to the workspace package
  const dir = mkdtempSync(path.join(REPO, 'test', '.example-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs as the README says (npx tsx example.mts DIR) and gives the published electricity fit, from the file and from columns in memory', () => {
    writeFileSync(path.join(dir, 'example.mts'), readmeLibraryExample());
    const r = spawnSync(TSX, ['example.mts', ELECTRICITY_DIR], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/iteration 10: -LL \d+\.\d{4}\n/);
    expect(r.stdout).toMatch(/log-likelihood/); // the table
    const shares = /predicted shares ([\d. ]+); own elasticity of pf (-\d+\.\d+) \(se (\d+\.\d+)\); (\d+) individuals/.exec(r.stdout);
    expect(shares, r.stdout).not.toBeNull();
    expect(shares![1].trim().split(' ').map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(Number(shares![3])).toBeGreaterThan(0);
    expect(Number(shares![4])).toBe(361);
    const ll = /log-likelihood from the file (-\d+\.\d+), from columns in memory (-\d+\.\d+)/.exec(r.stdout);
    expect(ll, r.stdout).not.toBeNull();
    expect(Number(ll![1])).toBeCloseTo(-3952.4877, 3);
    expect(ll![2]).toBe(ll![1]);
  }, 240_000);

  it('relative data paths start at baseDir; the older (spec, specFile, options) form still works', async () => {
    const spec = {
      data: { path: 'electricity_long.csv', id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
      model: { fixed: ['pf', 'cl', 'loc', 'wk', 'tod', 'seas'] },
    };
    const a = await estimate(spec, { baseDir: ELECTRICITY_DIR, workers: 1 });
    const b = await estimate(spec, path.join(ELECTRICITY_DIR, 'spec.json'), { workers: 1 });
    expect(a.loglik).toBe(b.loglik);
    expect(a.sample.file).toBe(dataSet('electricity_long.csv'));
    await expect(prepare(spec, { baseDir: '/nonexistent' })).rejects.toThrow(/nonexistent\/electricity_long\.csv: file not found/);
  });
});
