/**
 * `mxl bench estimators --quick`: the estimator benchmark (MSL, MSM, MSS with each sampler
 * against the truth over replications and draws) runs end to end through the command line
 * and writes its table, its markdown and its figure (smoke test; the full run is in the
 * README under "Estimators").
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';

const run = promisify(execFile);
const ESTIMATORS = ['MSL', 'MSM', 'MSS-mh', 'MSS-accept-reject', 'MSS-importance'];

describe('mxl bench estimators --quick', () => {
  it('writes estimators.csv, estimators.md and the figure with every estimator, design and R', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'mxl-bench-est-'));
    const r = await run(process.execPath, [path.join(REPO, 'packages/cli/dist/main.js'), 'bench', 'estimators', '--quick', '--out', out], { timeout: 300_000 });
    const files = r.stdout.trim().split('\n');
    expect(files.map((f) => path.basename(f))).toEqual(['estimators.csv', 'estimators.md', 'estimators.svg', 'estimators.png']);
    for (const f of files) expect(statSync(f).size).toBeGreaterThan(500);
    const [head, ...lines] = readFileSync(path.join(out, 'estimators.csv'), 'utf8').trim().split('\n');
    expect(head).toBe('design,estimator,draws,param,truth,mean,bias,sd,rmse,seconds,replications,failed,unconverged,note');
    const all = lines.map((l) => l.split(',')).filter((c) => c[3] === '(all)');
    // 2 designs × 2 draw counts × 5 estimators
    expect(all.length).toBe(20);
    for (const design of ['cross-section', 'panel']) for (const R of ['5', '20']) for (const e of ESTIMATORS) {
      expect(all.some((c) => c[0] === design && c[1] === e && c[2] === R), `${design} ${e} R=${R}`).toBe(true);
    }
    // MSL runs everywhere and lands near the truth; accept-reject is refused in the panel, with the reason
    for (const c of all.filter((x) => x[1] === 'MSL')) {
      expect(c[11]).toBe('0');
      expect(Number(c[8])).toBeGreaterThan(0);
      expect(Number(c[8])).toBeLessThan(1);
    }
    for (const c of all.filter((x) => x[0] === 'panel' && x[1] === 'MSS-accept-reject')) {
      expect(c[11]).toBe('2');
      expect(c[13]).toMatch(/impractical/);
    }
    const md = readFileSync(path.join(out, 'estimators.md'), 'utf8');
    expect(md).toMatch(/\| panel \| MSS-accept-reject \| 5 \| — \| — \| — \| [0-9.]+ \| impractical \(refused upfront: choice probabilities too small\) \|/);
    expect(md).toContain('## Bias of the spreads');
  });
});
