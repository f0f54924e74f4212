import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listColumns, loadChoiceData } from '../src/index.js';
import { checkLayout, columns, fixture, naiveTable } from './helpers.js';

const spec = { situation: 'sit', alt: 'alt', choice: 'ch' };
const ROWS = [
  ['1', 'a', '1', '0.5', '10'],
  ['1', 'b', '0', '1.5', '20'],
  ['2', 'a', '0', '-2', '30'],
  ['2', 'b', '1', '3e-1', '40'],
];
const HEADER = ['sit', 'alt', 'ch', 'x', 'y'];

async function loadText(name: string, text: string, delimiter?: string) {
  const path = fixture(name, text);
  return await loadChoiceData({ path, ...spec, ...(delimiter ? { delimiter } : {}) }, { variables: columns('x', 'y') });
}

describe('reading tables', () => {
  const expected = [0.5, 10, 1.5, 20, -2, 30, 0.3, 40];

  it('detects comma, tab and semicolon delimiters from the header', async () => {
    for (const [name, d] of [['comma.csv', ','], ['tab.tsv', '\t'], ['semi.csv', ';']] as const) {
      const text = [HEADER, ...ROWS].map((r) => r.join(d)).join('\n');
      expect(Array.from((await loadText(name, text)).X)).toEqual(expected);
      expect(await listColumns(fixture(name, text))).toEqual(HEADER);
    }
  });

  it('honours an explicit delimiter', async () => {
    const text = [HEADER, ...ROWS].map((r) => r.join('|')).join('\n');
    expect(Array.from((await loadText('pipe.txt', text, '|')).X)).toEqual(expected);
    expect(await listColumns(fixture('pipe.txt', text), '|')).toEqual(HEADER);
  });

  it('handles CRLF, a BOM, blank lines and a missing final newline', async () => {
    const text = '\uFEFF' + [HEADER, ROWS[0], [], ROWS[1], ROWS[2], ROWS[3]].map((r) => r.join(',')).join('\r\n');
    expect(Array.from((await loadText('crlf.csv', text)).X)).toEqual(expected);
    expect(await listColumns(fixture('crlf.csv', text))).toEqual(HEADER);
  });

  it('quoted files (csv-parse path) give the same result as plain ones, with the right line numbers', async () => {
    const quoted = [HEADER.map((h) => `"${h}"`), ...ROWS.map((r) => r.map((c) => `"${c}"`))].map((r) => r.join(',')).join('\n');
    expect(Array.from((await loadText('quoted.csv', quoted)).X)).toEqual(expected);
    const withComma = ['sit,alt,ch,x,y', '1,"a, the first",1,1,2', '1,b,0,3,4', '2,"multi', 'line",1,5,6', '2,b,0,7,oops'].join('\n');
    const path = fixture('embedded.csv', withComma);
    let err: unknown;
    try {
      await loadChoiceData({ path, ...spec }, { variables: columns('x', 'y') });
    } catch (e) {
      err = e;
    }
    // The record starting at line 4 spans lines 4-5; the bad cell is on line 6.
    expect(String(err)).toMatch(/line 6, column "y": "oops" is not a number/);
    const ok = fixture('embedded-ok.csv', withComma.replace('oops', '8'));
    const d = await loadChoiceData({ path: ok, ...spec }, { variables: columns('x', 'y') });
    expect(d.altLabels).toEqual(['a, the first', 'b', 'multi\nline']);
    expect(Array.from(d.X)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('trims identifier cells and header names', async () => {
    const d = await loadText('spaces.csv', ['sit , alt,ch,x,y', '1, a ,1,1,2', '1,b,0,3,4'].join('\n'));
    expect(d.altLabels).toEqual(['a', 'b']);
  });

  it('loads 300,000 rows quickly', async () => {
    const lines = ['id,task,alt,choice,x1,x2'];
    for (let i = 0; i < 25000; i++) {
      for (let t = 1; t <= 4; t++) {
        for (let j = 1; j <= 3; j++) lines.push(`${i},${t},${j},${j === 1 ? 1 : 0},${(i % 7) * 0.5},${j - t}`);
      }
    }
    const path = fixture('large.csv', lines.join('\n'));
    const t0 = performance.now();
    const d = await loadChoiceData(
      { path, id: 'id', situation: 'task', alt: 'alt', choice: 'choice' },
      { variables: columns('x1', 'x2') },
    );
    const ms = performance.now() - t0;
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([25000, 100000, 300000]);
    expect(ms).toBeLessThan(5000); // about 0.6 s on this machine
  });
});

describe('the benchmark fixture generator (bench/make-panel.mjs)', () => {
  it('loads its panel with situation "situation", cell by cell', async () => {
    const gen = fileURLToPath(new URL('../../../bench/make-panel.mjs', import.meta.url));
    const path = fixture('panel.csv', '');
    execFileSync(process.execPath, [gen, '--individuals', '50', '--seed', '1', '--out', path], { stdio: 'ignore' });
    const d = await loadChoiceData(
      { path, id: 'id', situation: 'situation', alt: 'alt', choice: 'choice' },
      { variables: columns('x1', 'x2') },
    );
    expect([d.nUnits, d.nSituations, d.nRows, d.nVars]).toEqual([50, 250, 1000, 2]);
    checkLayout(d);
    const { header, rows } = naiveTable(path);
    expect(header.slice(0, 6)).toEqual(['id', 'situation', 'alt', 'choice', 'x1', 'x2']);
    expect(Array.from(d.X)).toEqual(rows.flatMap((r) => [Number(r[4]), Number(r[5])]));
    expect(Array.from(d.sitChosen)).toEqual(rows.flatMap((r, i) => (r[3] !== '0' ? [i] : [])));
    expect(Array.from(d.unitSit)).toEqual(Array.from({ length: 51 }, (_, u) => 5 * u));
  });
});
