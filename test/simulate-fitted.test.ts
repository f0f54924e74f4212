/**
 * Simulating from a fitted model (`mxl simulate --spec --result --out`,
 * simulateChoices + writeSimulatedData): the choices drawn at known parameters
 * on the electricity example re-estimate to those parameters; the file is the
 * input's records with only the choice column changed (byte for byte
 * otherwise: quoting, line ends, blank lines, filtered and unavailable
 * records); seeds; wide data (Swissmetro); the outside option; latent
 * classes; Parquet input; a result that does not belong to the spec.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate, prepare, type Prepared } from '@mxl/estimation';
import { PostEstimationError, simulateChoices, writeSimulatedData } from '@mxl/postestimation';
import { REPO } from './shared.js';
import { arrowTableOf, writeParquetFile } from '../packages/data/test/formats.js';

const MXL = path.join(REPO, 'packages/cli/dist/main.js');
const ELEC = path.join(REPO, 'examples/electricity/electricity_long.csv');
const SWISS = path.join(REPO, 'examples/swissmetro/swissmetro.dat');

function mxl(args: string[]) {
  const r = spawnSync(process.execPath, [MXL, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'mxl-simfit-'));

/** A result-like object at given parameter values. */
function resultAt(p: Prepared, values: Record<string, number>) {
  const names = p.design.params.map((q) => q.name);
  for (const n of names) if (!(n in values)) throw new Error(`no value for ${n}`);
  return { parameters: names.map((name) => ({ name })) as never, raw: Object.fromEntries(names.map((n) => [n, values[n]])) };
}

/** Lines of a file with field `k` (by delimiter) removed: what must not change. */
function withoutField(text: string, k: number, d = ','): string[] {
  return text.split('\n').map((l) => l.split(d).filter((_, i) => i !== k).join(d));
}

// electricity: a panel mixed logit with three normal coefficients, Halton R = 100
const ELEC_SPEC = {
  data: { path: ELEC, id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
  model: { fixed: ['wk', 'tod', 'seas'], random: { pf: 'normal', cl: 'normal', loc: 'normal' } },
  integration: { rule: 'halton', draws: 100 },
  se: 'bhhh',
  workers: 1,
};
// about the estimates on the real data
const ELEC_TRUTH = { wk: 1.33, tod: -8.18, seas: -8.68, pf: -0.92, cl: -0.2, loc: 1.8, 'sd.pf': 0.25, 'sd.cl': 0.34, 'sd.loc': 1.29 };

describe('simulate from a fitted model: electricity (long, panel)', () => {
  it('re-estimates to the parameters used (within 3 SE); seeds; only the choice column changes', async () => {
    const dir = tmp();
    const p = await prepare(ELEC_SPEC, { records: true, situationColumns: ['chid', 'id'] });
    expect(p.data.nUnits).toBe(361);
    // the per-situation columns and records are on Prepared, not on the layout the workers get
    expect('sitRecord' in p.data || 'rowRecord' in p.data || 'situationColumns' in p.data).toBe(false);
    const fileRows = readFileSync(ELEC, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    for (let s = 0; s < p.data.nSituations; s++) {
      const rec = fileRows[p.sitRecord![s]];
      expect(p.situationColumns!.chid.labels[p.situationColumns!.chid.codes[s]]).toBe(rec[9]);
      expect(p.situationColumns!.id.labels[p.situationColumns!.id.codes[s]]).toBe(rec[1]);
    }
    const result = resultAt(p, ELEC_TRUTH);
    const sim = simulateChoices(p, result, { seed: 11 });
    // a panel: one beta per individual
    expect(sim.beta.length).toBe(361 * p.data.nVars);
    const out = path.join(dir, 'sim.csv');
    const f = await writeSimulatedData(p, sim, out);
    expect(f).toMatchObject({ records: 17232, rewritten: 17232, mode: 'copy' });
    const input = readFileSync(ELEC, 'utf8');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n').length).toBe(input.split('\n').length);
    expect(withoutField(text, 0)).toEqual(withoutField(input, 0));
    // one chosen row per situation, the one drawn
    const lines = text.trim().split('\n').slice(1).map((l) => l.split(','));
    const chosen = new Map<string, number>();
    for (const c of lines) if (c[0] === '1') chosen.set(c[9], (chosen.get(c[9]) ?? 0) + 1);
    expect(chosen.size).toBe(4308);
    expect([...chosen.values()].every((n) => n === 1)).toBe(true);
    for (let s = 0; s < p.data.nSituations; s++) expect(lines[p.rowRecord![sim.sitChosen[s]]][0]).toBe('1');

    // the same seed: the same file; another seed: other choices
    const again = path.join(dir, 'again.csv');
    await writeSimulatedData(p, simulateChoices(p, result, { seed: 11 }), again);
    expect(readFileSync(again, 'utf8')).toBe(text);
    const other = simulateChoices(p, result, { seed: 12 });
    let differ = 0;
    for (let s = 0; s < p.data.nSituations; s++) if (other.sitChosen[s] !== sim.sitChosen[s]) differ++;
    expect(differ).toBeGreaterThan(500);

    // re-estimation recovers the parameters used
    const r = await estimate({ ...ELEC_SPEC, data: { ...ELEC_SPEC.data, path: out } }, { workers: 1 });
    expect(r.converged).toBe(true);
    for (const q of r.parameters) {
      const t = sim.parameters[q.name];
      expect(t).toBe(ELEC_TRUTH[q.name as keyof typeof ELEC_TRUTH]);
      expect(Math.abs(q.estimate - t) / q.se!, `${q.name}: ${q.estimate} vs ${t} (se ${q.se})`).toBeLessThan(3);
    }
  }, 120_000);

  it('the command writes the file and FILE.truth.json; a result of another model is an error', async () => {
    const dir = tmp();
    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(ELEC_SPEC));
    const p = await prepare(ELEC_SPEC);
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify(resultAt(p, ELEC_TRUTH)));
    const out = path.join(dir, 'sim.csv');
    const a = mxl(['simulate', '--spec', spec, '--result', path.join(dir, 'r.json'), '--out', out, '--seed', '5']);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    expect(a.out).toBe(`${out}\n${path.join(dir, 'sim.truth.json')}\n`);
    const truth = JSON.parse(readFileSync(path.join(dir, 'sim.truth.json'), 'utf8'));
    expect(truth).toMatchObject({ seed: 5, parameters: ELEC_TRUTH, records: 17232, situations: 4308, units: 361, panel: true });
    const first = readFileSync(out, 'utf8');
    // the library gives the same file for the same seed
    const q = await prepare(ELEC_SPEC, { records: true });
    await writeSimulatedData(q, simulateChoices(q, resultAt(q, ELEC_TRUTH), { seed: 5 }), path.join(dir, 'lib.csv'));
    expect(readFileSync(path.join(dir, 'lib.csv'), 'utf8')).toBe(first);

    // a result of another model
    const wrong = { parameters: [{ name: 'pf' }, { name: 'cl' }], raw: { pf: -1, cl: -0.2 } };
    writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify(wrong));
    const b = mxl(['simulate', '--spec', spec, '--result', path.join(dir, 'wrong.json'), '--out', path.join(dir, 'x.csv')]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/the result does not belong to this spec's model: its parameters are pf, cl; the model's are wk, tod, seas, pf/);
    expect(() => simulateChoices(p, wrong as never)).toThrow(PostEstimationError);
    // a missing raw estimate
    const noRaw = resultAt(p, ELEC_TRUTH);
    delete (noRaw.raw as Record<string, number>)['sd.loc'];
    expect(() => simulateChoices(p, noRaw)).toThrow(/no finite raw estimate of sd\.loc/);
    // not a result at all, and writing over the input
    writeFileSync(path.join(dir, 'junk.json'), '{"a": 1}');
    expect(mxl(['simulate', '--spec', spec, '--result', path.join(dir, 'junk.json'), '--out', path.join(dir, 'x.csv')]).err).toMatch(/not a result of `mxl estimate`/);
    expect(mxl(['simulate', '--spec', spec, '--result', path.join(dir, 'r.json'), '--out', ELEC]).err).toMatch(/is the spec's data file/);
    // a filter that reads the choice column: the file does not read back to the choices drawn
    const filtered = path.join(dir, 'filtered.json');
    writeFileSync(filtered, JSON.stringify({ ...ELEC_SPEC, data: { ...ELEC_SPEC.data, filter: 'choice == 1 || alt != 2' } }));
    const c = mxl(['simulate', '--spec', filtered, '--result', path.join(dir, 'r.json'), '--out', path.join(dir, 'f.csv')]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/does not read it back to the same situations and the choices drawn; does the filter or a derived column use the choice column "choice"/);
  }, 120_000);
});

describe('simulate from a fitted model: Swissmetro (wide, filter, availability, derived columns)', () => {
  it('writes the drawn alternatives codes; filtered records and every other field unchanged', async () => {
    const dir = tmp();
    const spec = JSON.parse(readFileSync(path.join(REPO, 'examples/swissmetro/spec.json'), 'utf8'));
    spec.data.path = SWISS;
    spec.integration = { rule: 'halton', draws: 50 };
    spec.workers = 1;
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    const p = await prepare(spec, { records: true, situationColumns: ['PURPOSE', 'TRAIN_COST'] });
    const truth = { 'asc.TRAIN': -0.56, 'asc.CAR': 0.29, cost: -1.65, time: -3.28, 'sd.time': 3.61 };
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify(resultAt(p, truth)));
    const out = path.join(dir, 'sim.dat');
    const r = mxl(['simulate', '--spec', path.join(dir, 'spec.json'), '--result', path.join(dir, 'r.json'), '--out', out, '--seed', '3']);
    expect(r.code, r.err).toBe(0);
    const a = readFileSync(SWISS, 'utf8').split('\n');
    const b = readFileSync(out, 'utf8').split('\n');
    expect(b.length).toBe(a.length);
    const header = a[0].trim().split('\t');
    const ci = header.indexOf('CHOICE');
    const av = ['TRAIN_AV', 'SM_AV', 'CAR_AV'].map((c) => header.indexOf(c));
    const purpose = header.indexOf('PURPOSE');
    const kept = new Set(p.sitRecord);
    let changed = 0;
    for (let i = 1; i < a.length; i++) {
      const x = a[i].split('\t');
      const y = b[i].split('\t');
      expect(y.filter((_, k) => k !== ci)).toEqual(x.filter((_, k) => k !== ci));
      if (x.length < 2) continue;
      const code = y[ci].trim();
      if (!kept.has(i - 1)) {
        expect(code).toBe(x[ci].trim()); // dropped by the filter: as it was
        expect(['1', '3'].includes(x[purpose]) && x[ci].trim() !== '0').toBe(false);
        continue;
      }
      expect(['1', '2', '3']).toContain(code);
      expect(x[av[Number(code) - 1]]).toBe('1'); // never an unavailable alternative
      if (code !== x[ci].trim()) changed++;
    }
    expect(changed).toBeGreaterThan(1000);
    // the per-situation columns of the same situations
    expect(p.situationColumns!.PURPOSE.labels.sort()).toEqual(['1', '3']);
    // the simulated file loads with the same spec: the same situations
    const q = await prepare({ ...spec, data: { ...spec.data, path: out } }, { records: true });
    expect(Array.from(q.sitRecord!)).toEqual(Array.from(p.sitRecord!));
    expect(q.data.X).toEqual(p.data.X);
  }, 120_000);
});

describe('simulate from a fitted model: quoting, line ends, blank lines, outside option, latent classes, Parquet', () => {
  /** A long MNL data set: N individuals x T situations x 2 alternatives, x in [0, 2), an income per individual. */
  function longData(
    N: number,
    T: number,
    opts: { crlf?: boolean; blank?: boolean; quote?: boolean; outside?: boolean; choice?: (row: number) => string; at?: 'first' | 'last' } = {},
  ) {
    const nl = opts.crlf ? '\r\n' : '\n';
    const place = (cells: string[]) => {
      const c = cells.splice(4, 1)[0];
      if (opts.at === 'first') cells.unshift(c);
      else if (opts.at === 'last') cells.push(c);
      else cells.splice(4, 0, c);
      return cells.join(',');
    };
    const lines = [place(['id', 't', 'alt', '"note, quoted"', 'choice', 'x', 'inc'])];
    let k = 0;
    for (let i = 1; i <= N; i++) {
      for (let t = 1; t <= T; t++) {
        for (let j = 0; j < 2; j++) {
          const x = (((k + 1) * 7919) % 200) / 100;
          const note = opts.quote ? `"n ""${i}"", ${t}\n${j}"` : `n${i}`;
          const c = opts.outside ? 0 : j === 0 ? 1 : 0;
          const cell = opts.choice ? opts.choice(k) : opts.quote && j === 0 ? `"${c}"` : String(c);
          lines.push(place([String(i), String(t), 'ab'[j], note, cell, String(x), String(i % 3)]));
          k++;
          if (opts.blank && k % 17 === 0) lines.push('');
        }
      }
    }
    return lines.join(nl) + nl;
  }

  it('quoted fields, CRLF and blank lines are copied as they are', async () => {
    const dir = tmp();
    const shape = { crlf: true, blank: true, quote: true };
    const input = longData(30, 4, shape);
    writeFileSync(path.join(dir, 'd.csv'), input);
    const spec = { data: { path: path.join(dir, 'd.csv'), id: 'id', situation: 't', alt: 'alt', choice: 'choice' }, model: { fixed: ['x'] }, workers: 1 };
    const p = await prepare(spec, { records: true });
    const sim = simulateChoices(p, resultAt(p, { x: 1 }), { seed: 2 });
    const out = path.join(dir, 's.csv');
    const f = await writeSimulatedData(p, sim, out);
    expect(f.records).toBe(240);
    // the input with only the choice cells replaced (unquoted)
    const want = longData(30, 4, { ...shape, choice: (row) => (sim.sitChosen[row >> 1] === row ? '1' : '0') });
    expect(readFileSync(out, 'utf8')).toBe(want);
    // and it loads: the same layout, the choices drawn
    const q = await prepare({ ...spec, data: { ...spec.data, path: out } });
    expect(q.data.X).toEqual(p.data.X);
    expect(Array.from(q.data.sitChosen)).toEqual(Array.from(sim.sitChosen));
  });

  for (const at of ['first', 'last'] as const) {
    it(`the choice column ${at}: every chunk boundary (chunks of 1 to 7 bytes) gives the same file`, async () => {
      const dir = tmp();
      const shape = { crlf: true, blank: true, quote: true, at };
      writeFileSync(path.join(dir, 'd.csv'), longData(6, 3, shape));
      const spec = { data: { path: path.join(dir, 'd.csv'), id: 'id', situation: 't', alt: 'alt', choice: 'choice' }, model: { fixed: ['x'] }, workers: 1 };
      const p = await prepare(spec, { records: true });
      const sim = simulateChoices(p, resultAt(p, { x: 1 }), { seed: 5 });
      const want = longData(6, 3, { ...shape, choice: (row) => (sim.sitChosen[row >> 1] === row ? '1' : '0') });
      for (const chunkBytes of [1, 2, 3, 4, 5, 7, 4096]) {
        const out = path.join(dir, `s${chunkBytes}.csv`);
        expect((await writeSimulatedData(p, sim, out, { chunkBytes })).records).toBe(36);
        expect(readFileSync(out, 'utf8'), `chunks of ${chunkBytes}`).toBe(want);
      }
    });
  }

  it('the outside option is drawn with its logit probability (no chosen row)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'd.csv'), longData(400, 5, { outside: true }));
    const spec = { data: { path: path.join(dir, 'd.csv'), id: 'id', situation: 't', alt: 'alt', choice: 'choice', outside: true }, model: { fixed: ['x'] }, workers: 1 };
    const p = await prepare(spec, { records: true });
    const sim = simulateChoices(p, resultAt(p, { x: -0.5 }), { seed: 9 });
    const d = p.data;
    let expectOut = 0;
    let varOut = 0;
    let got = 0;
    for (let s = 0; s < d.nSituations; s++) {
      let den = 1;
      for (let r = d.sitRow[s]; r < d.sitRow[s + 1]; r++) den += Math.exp(-0.5 * d.X[r]);
      expectOut += 1 / den;
      varOut += (1 / den) * (1 - 1 / den);
      if (sim.sitChosen[s] < 0) got++;
    }
    expect(Math.abs(got - expectOut)).toBeLessThan(4 * Math.sqrt(varOut));
    const out = path.join(dir, 's.csv');
    await writeSimulatedData(p, sim, out);
    const q = await prepare({ ...spec, data: { ...spec.data, path: out } });
    expect(Array.from(q.data.sitChosen)).toEqual(Array.from(sim.sitChosen));
  });

  it('latent classes: the class is drawn first, with the membership probabilities', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'd.csv'), longData(600, 3));
    const spec = {
      data: { path: path.join(dir, 'd.csv'), id: 'id', situation: 't', alt: 'alt', choice: 'choice' },
      model: { fixed: ['x'], classes: { count: 2 } },
      workers: 1,
    };
    const p = await prepare(spec, { records: true });
    const values: Record<string, number> = {};
    for (const q of p.design.params) values[q.name] = q.kind === 'membership' ? Math.log(3) : q.cls === 1 ? 1 : -1;
    const sim = simulateChoices(p, resultAt(p, values), { seed: 4 });
    const classes = Array.from(sim.unitClass!);
    const second = classes.filter((c) => c === 1).length;
    expect(Math.abs(second / 600 - 0.75)).toBeLessThan(4 * Math.sqrt(0.75 * 0.25 / 600));
    // each unit's coefficient is its class's
    classes.forEach((c, u) => expect(sim.beta[u]).toBe(c === 0 ? 1 : -1));
  });

  it('a panel shares beta_i across its situations; a cross-section draws one per situation', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'd.csv'), longData(50, 4));
    const data = { path: path.join(dir, 'd.csv'), id: 'id', situation: 't', alt: 'alt', choice: 'choice' };
    const spec = (panel: boolean) => ({ data, model: { random: { x: 'normal' }, panel }, integration: { rule: 'halton', draws: 10 }, workers: 1 });
    const pp = await prepare(spec(true), { records: true });
    const pc = await prepare(spec(false), { records: true });
    const simP = simulateChoices(pp, resultAt(pp, { x: 0.5, 'sd.x': 2 }), { seed: 3 });
    const simC = simulateChoices(pc, resultAt(pc, { x: 0.5, 'sd.x': 2 }), { seed: 3 });
    expect(simP.beta.length).toBe(50);
    expect(simC.beta.length).toBe(200);
    expect(new Set(simC.beta).size).toBe(200);
    // the record indices do not depend on the units
    expect(pc.sitRecord).toEqual(pp.sitRecord);
    expect(pc.rowRecord).toEqual(pp.rowRecord);
  });

  it('a Parquet input is written as CSV, every column, only the choice changed', async () => {
    const dir = tmp();
    const n = 40;
    const cols = {
      id: Float64Array.from({ length: n }, (_, k) => 1 + Math.floor(k / 4)),
      t: Float64Array.from({ length: n }, (_, k) => Math.floor(k / 2)),
      alt: Array.from({ length: n }, (_, k) => ['a', 'b'][k % 2]),
      choice: Float64Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 1 : 0)),
      x: Float64Array.from({ length: n }, (_, k) => (k % 7) / 4),
      label: Array.from({ length: n }, (_, k) => `l,${k}`),
    };
    const file = writeParquetFile(path.join(dir, 'd.parquet'), arrowTableOf(cols));
    const spec = { data: { path: file, id: 'id', situation: 't', alt: 'alt', choice: 'choice' }, model: { fixed: ['x'] }, workers: 1 };
    const p = await prepare(spec, { records: true });
    const sim = simulateChoices(p, resultAt(p, { x: 2 }), { seed: 1 });
    const out = path.join(dir, 's.csv');
    const f = await writeSimulatedData(p, sim, out);
    expect(f).toMatchObject({ mode: 'csv', records: n });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,t,alt,choice,x,label');
    for (let k = 0; k < n; k++) {
      const chosen = sim.sitChosen[k >> 1] === k ? '1' : '0';
      expect(lines[k + 1]).toBe(`${cols.id[k]},${cols.t[k]},${cols.alt[k]},${chosen},${cols.x[k]},"l,${k}"`);
    }
  });
});
