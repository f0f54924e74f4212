/**
 * mxl compare: models side by side and the likelihood-ratio test of nested
 * pairs (checked against the closed form of the chi-squared tail with 2
 * degrees of freedom, exp(-LR/2)).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '@mxl/estimation';
import { REPO } from './shared.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const mxl = (args: string[]) => {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-compare-'));
const sim = simulate(path.join(dir, 'sim'), { individuals: 150, situations: 5, alternatives: 3, seed: 11 });
const base = JSON.parse(readFileSync(sim.spec, 'utf8'));
const data = { ...base.data, path: path.join(dir, 'sim', path.basename(base.data.path)) };

function run(name: string, model: unknown, extra: Record<string, unknown> = {}): string {
  const spec = path.join(dir, `${name}.json`);
  writeFileSync(spec, JSON.stringify({ data, model, integration: { rule: 'halton', draws: 50 }, workers: 1, ...extra }));
  const r = mxl(['estimate', spec, '--quiet']);
  expect(r.code, r.err).toBe(0);
  return path.join(dir, `${name}.result.json`);
}

describe('mxl compare', () => {
  const mnl = run('mnl', { fixed: ['price', 'time', 'comfort', 'wifi'] });
  const mixed = run('mixed', { fixed: ['price', 'wifi'], random: { time: 'normal', comfort: 'normal' } });
  const other = run('other', { fixed: ['price', 'time'] , random: { wifi: 'normal' } });

  it('two nested models: the LR test, with the chi-squared tail as a closed form', () => {
    const r = mxl(['compare', mnl, mixed, '--json']);
    expect(r.code, r.err).toBe(0);
    const c = JSON.parse(r.out);
    const [a, b] = [mnl, mixed].map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(c.models.map((m: { name: string }) => m.name)).toEqual(['mnl', 'mixed']);
    expect(c.models[1].estimates['sd.time'].estimate).toBe(b.parameters.find((q: { name: string }) => q.name === 'sd.time').estimate);
    expect(c.lr.restricted).toBe('mnl');
    expect(c.lr.unrestricted).toBe('mixed');
    expect(c.lr.df).toBe(2);
    expect(c.lr.stat).toBeCloseTo(2 * (b.loglik - a.loglik), 10);
    expect(c.lr.p).toBeCloseTo(Math.exp(-c.lr.stat / 2), 12);
    expect(c.notes.join(' ')).toMatch(/boundary of the parameter space/);
  });

  it('more models: a test for each nested pair only; the text table lines up', () => {
    const r = mxl(['compare', mnl, mixed, other, '--json']);
    const c = JSON.parse(r.out);
    expect(c.tests.map((t: { restricted: string; unrestricted: string }) => `${t.restricted}<${t.unrestricted}`)).toEqual(['mnl<mixed']);
    const t = mxl(['compare', mnl, mixed, other]);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/log-likelihood/);
    expect(t.out).toMatch(/mnl in mixed: LR = \d+\.\d{4}, df = 2, p = /);
    const rows = t.out.split('\n').filter((l) => /^(price|sd\.time|AIC) /.test(l));
    for (const l of rows) expect(l.trim().split(/\s+/).length).toBeGreaterThanOrEqual(2);
  });

  it('results of the same name in different folders get distinct labels: the shortest path suffix that tells them apart', () => {
    const twin = (folder: string, model: unknown) => {
      mkdirSync(path.join(dir, folder), { recursive: true });
      const spec = path.join(dir, folder, 'spec.json');
      writeFileSync(spec, JSON.stringify({ data, model, workers: 1 }));
      const r = mxl(['estimate', spec, '--quiet']);
      expect(r.code, r.err).toBe(0);
      return path.join(dir, folder, 'spec.result.json');
    };
    const a = twin('a', { fixed: ['price', 'time'] });
    const b = twin('b', { fixed: ['price', 'time', 'comfort'] });
    const c = twin('x/b', { fixed: ['price'] });
    const j = JSON.parse(mxl(['compare', a, b, '--json']).out);
    expect(j.models.map((m: { name: string }) => m.name)).toEqual(['a/spec', 'b/spec']);
    expect([j.lr.restricted, j.lr.unrestricted]).toEqual(['a/spec', 'b/spec']);
    const t = mxl(['compare', a, b, c]);
    expect(t.code, t.err).toBe(0);
    // b/spec is also the end of x/b/spec: one folder more
    const bLabel = `${path.basename(dir)}/b/spec`;
    expect(t.out.split('\n')[0].trim().split(/\s+/)).toEqual(['a/spec', bLabel, 'x/b/spec']);
    expect(t.out).toContain(`  a/spec in ${bLabel}: LR = `);
    // the same file twice: told apart by a number
    expect(JSON.parse(mxl(['compare', a, a, '--json']).out).models.map((m: { name: string }) => m.name)).toEqual(['spec', 'spec#2']);
  });

  it('different samples are not tested, and say so; bad files are named', () => {
    const sub = run('sub', { fixed: ['price', 'time', 'comfort', 'wifi'] }, { data: { ...data, filter: 'id <= 100' } });
    const c = JSON.parse(mxl(['compare', sub, mixed, '--json']).out);
    expect(c.lr).toBeNull();
    expect(c.notes.join(' ')).toMatch(/same sample/);
    const bad = mxl(['compare', mnl, path.join(dir, 'nope.json')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/nope\.json: no such file/);
    expect(mxl(['compare', mnl]).err).toMatch(/at least two result files/);
  });
});
