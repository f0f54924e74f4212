import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchError, readBatch } from '../src/index.js';

function files(batch: unknown, extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-batch-jobs-'));
  writeFileSync(path.join(dir, 'base.json'), JSON.stringify({ data: { path: 'data/d.csv', id: 'id' }, integration: { rule: 'halton', draws: 50, scramble: 'owen' } }));
  for (const [f, v] of Object.entries(extra)) writeFileSync(path.join(dir, f), JSON.stringify(v));
  const file = path.join(dir, 'batch.json');
  writeFileSync(file, JSON.stringify(batch));
  return { dir, file };
}

describe('batch file', () => {
  it('applies "set" to the base spec, resolves data paths against the spec file, expands "repeat"', () => {
    const { dir, file } = files({ spec: 'base.json', jobs: [{ name: 'a', set: { 'integration.draws': 500, 'optimizer.method': 'bfgs' } }, { name: 'b' }], repeat: { count: 3, key: 'integration.seed' } });
    const jobs = readBatch(file);
    expect(jobs.map((j) => j.name)).toEqual(['a.1', 'a.2', 'a.3', 'b.1', 'b.2', 'b.3']);
    expect(jobs[1].spec).toEqual({ data: { path: path.join(dir, 'data/d.csv'), id: 'id' }, integration: { rule: 'halton', draws: 500, scramble: 'owen', seed: 2 }, optimizer: { method: 'bfgs' } });
    expect((jobs[3].spec.integration as Record<string, unknown>).draws).toBe(50);
  });

  it('"repeat" over integration.seed with a rule that ignores the seed is refused before any job runs', () => {
    const plain = files({ spec: 'base.json', jobs: [{ name: 'ok' }, { name: 'plain', set: { 'integration.scramble': 'none' } }], repeat: { count: 4, key: 'integration.seed' } });
    expect(() => readBatch(plain.file)).toThrow(BatchError);
    expect(() => readBatch(plain.file)).toThrow(/jobs\[1\] \("plain"\): "repeat" sets integration\.seed, but rule "halton" without scrambling gives the same points for every seed, so its 4 replications would be identical; .*"scramble": "owen"/);
    const quad = files({ spec: 'base.json', jobs: [{ name: 'q', set: { integration: { rule: 'product', level: 3 } } }], repeat: { count: 2, key: 'integration.seed' } });
    expect(() => readBatch(quad.file)).toThrow(/the quadrature rule "product" has the same nodes for every seed/);
    const other = files({ spec: 'base.json', jobs: [{ name: 'd', set: { 'integration.scramble': 'none' } }], repeat: { count: 3, key: 'optimizer.seed' } });
    expect(readBatch(other.file).map((j) => j.name)).toEqual(['d.1', 'd.2', 'd.3']);
  });

  it('a job may bring its own spec (path or object)', () => {
    const { dir, file } = files({ jobs: [{ name: 'x', spec: 'sub/other.json' }, { name: 'y', spec: { data: { path: 'e.csv' } } }] });
    writeFileSync(path.join(dir, 'sub-other.json'), '{}');
    expect(() => readBatch(file)).toThrow(/jobs\[0\] \("x"\): the spec file .*other\.json: no such file/);
    const g = files({ jobs: [{ name: 'y', spec: { data: { path: 'e.csv' } } }] });
    expect(readBatch(g.file)[0].spec).toEqual({ data: { path: path.join(g.dir, 'e.csv') } });
  });

  it('bad batch files get one clear error naming the file, the job and the option', () => {
    const bad: [unknown, RegExp][] = [
      [[], /must hold a JSON object with "jobs"/],
      [{ jobs: [] }, /"jobs" must be a non-empty list/],
      [{ jobz: [] }, /unknown option "jobz"/],
      [{ spec: 'base.json', jobs: [{ name: 'a b' }] }, /jobs\[0\]: "name" must be letters/],
      [{ spec: 'base.json', jobs: [{ name: 'a' }, { name: 'a' }] }, /jobs\[1\]: the name "a" is used twice/],
      [{ jobs: [{ name: 'a' }] }, /jobs\[0\] \("a"\) has no "spec" and the batch file has no base "spec"/],
      [{ spec: 'base.json', jobs: [{ name: 'a', sett: {} }] }, /jobs\[0\]: unknown option "sett"/],
      [{ spec: 'base.json', jobs: [{ name: 'a', set: { 'data.path.x': 1 } }] }, /cannot set "data\.path\.x": "path" is not an object/],
      [{ spec: 'base.json', jobs: [{ name: 'a' }], repeat: { count: 0, key: 'integration.seed' } }, /"repeat" must be \{ "count": a positive integer/],
    ];
    for (const [b, re] of bad) {
      const { file } = files(b);
      expect(() => readBatch(file)).toThrow(BatchError);
      expect(() => readBatch(file)).toThrow(re);
    }
    const { dir } = files({});
    writeFileSync(path.join(dir, 'broken.json'), '{ nope');
    expect(() => readBatch(path.join(dir, 'broken.json'))).toThrow(/batch file .*broken\.json is not valid JSON/);
    expect(() => readBatch(path.join(dir, 'missing.json'))).toThrow(/batch file .*missing\.json: no such file/);
  });
});
