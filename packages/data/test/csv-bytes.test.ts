/**
 * csvColumns: delimited text in memory (a file picked in a browser) into
 * in-memory columns, with the file reader's numbers to the last bit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvColumns, loadChoiceData } from '../src/index.js';
import { columns, dataError, fixture } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('csvColumns', () => {
  it('reads numbers as Float64Arrays and text as strings, quoting, CRLF and a BOM included', () => {
    const c = csvColumns(enc('\ufeffid;name;x;"y ""q"""\r\n1;"a;b";0.1;\r\n2;c;1e-3;7\r\n'));
    expect(c.header).toEqual(['id', 'name', 'x', 'y "q"']);
    expect(c.rows).toBe(2);
    expect(c.columns.id).toEqual(Float64Array.from([1, 2]));
    expect(c.columns.name).toEqual(['a;b', 'c']);
    expect(c.columns.x).toEqual(Float64Array.from([0.1, 0.001]));
    // an empty cell is a missing number
    expect(Array.from(c.columns['y "q"'] as Float64Array)).toEqual([NaN, 7]);
  });

  it('errors name the line', async () => {
    const e = await dataError(() => csvColumns(enc('a,b\n1,2\n3\n'), { name: 'mine.csv' }));
    expect(e.message).toMatch(/mine\.csv/);
    expect(e.message).toMatch(/line 3/);
    await dataError(() => csvColumns(enc('a,b\n')));
    await dataError(() => csvColumns(enc('a,a\n1,2\n')));
  });

  it('loads the same layout, to the last bit, as the file reader does from the file', async () => {
    const rows = ['id,task,alt,choice,price,label'];
    for (let i = 1; i <= 30; i++) for (let t = 1; t <= 2; t++) for (let j = 1; j <= 3; j++) {
      rows.push(`${i},${t},${j},${j === 1 + ((i + t) % 3) ? 1 : 0},${(Math.sin(i * 7 + t * 3 + j) * 3.14159265358979).toFixed(13)},${j === 2 ? 'bus' : 'car'}`);
    }
    const text = rows.join('\n') + '\n';
    const file = fixture('bytes.csv', text);
    const layout = { id: 'id', situation: 'task', alt: 'alt', choice: 'choice' };
    const options = { variables: columns('price') };
    const fromFile = await loadChoiceData({ path: file, ...layout }, options);
    const fromBytes = await loadChoiceData({ columns: csvColumns(readFileSync(file)).columns, ...layout }, options);
    expect(fromBytes.X).toEqual(fromFile.X);
    expect(Array.from(fromBytes.sitChosen)).toEqual(Array.from(fromFile.sitChosen));
    expect(Array.from(fromBytes.unitSit)).toEqual(Array.from(fromFile.unitSit));
    expect(fromBytes.altLabels).toEqual(fromFile.altLabels);
  });
});
