/** What the results table and notes say: numbers that never touch, warnings that are due, none that are not. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimate, fmt, formatTable } from '@mxl/estimation';

describe('the results table', () => {
  it('numbers of any size keep a space between columns', () => {
    for (const x of [-0.0003581144588267, 267.619431, -123456789.123, 1e-12, 5e20, 0, -1.5]) {
      for (const [w, d] of [[13, 6], [12, 6], [9, 2], [9, 4]]) {
        const s = fmt(x, w, d);
        expect(s.length).toBe(w);
        expect(s[0]).toBe(' ');
        // the value shown is the number, to the precision the column holds
        const y = Number(s.trim());
        if (x === 0) expect(y).toBe(0);
        else expect(Math.abs(y - x) / Math.abs(x)).toBeLessThan(w >= 12 ? 1e-3 : 0.1);
      }
    }
    expect(fmt(-0.0003581144588267, 13, 6).trim()).toBe('-0.000358');
    expect(fmt(-0.0000003581144588267, 13, 6).trim()).toBe('-3.58114e-7');
    expect(fmt(123456789.5, 12, 6).trim()).toBe('1.2346e+8');
  });

  it('counts are singular or plural as they should be ("after 1 iteration, 1 evaluation ... on 1 worker")', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-report-'));
    const lines = ['id,sit,alt,choice,x'];
    for (let i = 1; i <= 30; i++) for (let j = 1; j <= 2; j++) lines.push(`${i},1,${j},${(i % 3 === 0) === (j === 1) ? 1 : 0},${(i * j) % 4}`);
    writeFileSync(path.join(dir, 'd.csv'), lines.join('\n') + '\n');
    const r = await estimate({ data: { path: 'd.csv', id: 'id', situation: 'sit', alt: 'alt', choice: 'choice' }, model: { fixed: ['x'] }, workers: 1 }, { baseDir: dir, workers: 1 });
    expect(formatTable({ ...r, iterations: 1, functionEvaluations: 1 })).toMatch(/ after 1 iteration, 1 evaluation, [\d.]+ s on 1 worker /);
    expect(formatTable({ ...r, iterations: 2, functionEvaluations: 3, workers: 2 })).toMatch(/ after 2 iterations, 3 evaluations, [\d.]+ s on 2 workers /);
  });

  it('a variable that predicts every choice is flagged; a logit without spreads gets no note about them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-report-'));
    const lines = ['id,sit,alt,choice,x,z'];
    for (let i = 1; i <= 40; i++) for (let j = 1; j <= 2; j++) lines.push(`${i},1,${j},${j === 1 ? 1 : 0},${j === 1 ? 1 : 0},${(i * 7 + j) % 5}`);
    writeFileSync(path.join(dir, 'd.csv'), lines.join('\n') + '\n');
    const r = await estimate({ data: { path: path.join(dir, 'd.csv'), id: 'id', situation: 'sit', alt: 'alt', choice: 'choice' }, model: { fixed: ['x', 'z'] }, workers: 1 }, null);
    expect(r.loglik).toBeGreaterThan(-1e-3);
    expect(r.notes.join('\n')).toMatch(/Warning: the log-likelihood is 0 to within 1e-6 per choice: the model predicts every choice/);
    expect(r.notes.join('\n')).not.toMatch(/Spreads of symmetric/);
  });
});
