/**
 * The built-in example (`mxl`, `mxl demo`), the first thing a new user runs:
 * its fit is one to trust (512 Owen-scrambled Sobol' points), so its output
 * carries the simulation error line and no warning; every sign reflection is
 * within the simulation noise. The same data with the spec `simulate` writes
 * (200 unscrambled Halton draws) has a larger simulation error, and its
 * reflection that raises the LL (by 3.19) is reported as a note on that scale.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, EXAMPLE_INTEGRATION, NOISE_SE, simulate, type EstimationResult } from '@mxl/estimation';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');

describe('the built-in example', () => {
  it('prints its fit beside the truth with the simulation error and no warning', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'mxl-demo-')), 'demo');
    const r = spawnSync(process.execPath, [MXL, 'demo', '--dir', dir, '--workers', '2'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^parameter +estimate +std\.err +z +p +true$/m);
    expect(r.stdout).toMatch(/^simulation error: LL s\.e\. 0\.[0-9]{3}, bias -0\.[0-9]{3}; [0-9]+ of 2000 units/m);
    expect(r.stdout).not.toMatch(/warning/i);
    const spec = JSON.parse(readFileSync(path.join(dir, 'spec.json'), 'utf8'));
    expect(spec.integration).toEqual(EXAMPLE_INTEGRATION);
    const result = JSON.parse(readFileSync(path.join(dir, 'spec.result.json'), 'utf8')) as EstimationResult;
    const s = result.simulation!;
    expect(s.logLikSe).toBeLessThan(1);
    expect(Math.abs(s.logLikBias)).toBeLessThan(0.5);
    expect(s.unitsOver10Percent).toBeLessThan(20);
    for (const x of result.reflections) expect(x.llChange).toBeLessThan(NOISE_SE * s.logLikSe);
    expect(result.notes.join('\n')).toMatch(/Sign reflections of the spreads, a symmetry of the model \(the LL's simulation s\.e\. is 0\.[0-9]{3}/);
  });

  it('with 200 Halton draws the raise of 3.19 is a note in standard errors, not a warning', async () => {
    const files = simulate(mkdtempSync(path.join(os.tmpdir(), 'mxl-demo-halton-')));
    const r = await estimate({ ...JSON.parse(readFileSync(files.spec, 'utf8')), workers: 2 }, files.spec);
    expect(r.integration.description).toBe('halton(draws=200, discard=100, scramble=none)');
    const se = r.simulation!.logLikSe;
    expect(se).toBeGreaterThan(1);
    const notes = r.notes.join('\n');
    expect(notes).toContain(`sd.comfort raises it by 3.19 (${(3.189 / se).toFixed(2)} s.e.)`);
    expect(notes).not.toMatch(/Warning/);
  });
});
