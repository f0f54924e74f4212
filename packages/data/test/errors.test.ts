import { describe, expect, it } from 'vitest';
import { type DataSpec, type LoadOptions, listColumns, loadChoiceData } from '../src/index.js';
import { columns, dataError, fixture } from './helpers.js';

const LONG = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };
let n = 0;
/** Writes `lines` to a fresh fixture and loads it as long data. */
function load(lines: string[], spec: Partial<DataSpec> = {}, options: Partial<LoadOptions> = {}) {
  const path = fixture(`bad-${++n}.csv`, lines.join('\n'));
  return { path, run: () => loadChoiceData({ path, ...LONG, ...spec } as DataSpec, { variables: columns('x'), ...options }) };
}
/** Loads and returns the DataError, checking file/line/column properties. */
async function fails(lines: string[], spec: Partial<DataSpec> = {}, options: Partial<LoadOptions> = {}) {
  const { path, run } = load(lines, spec, options);
  const e = await dataError(run);
  expect(e.file).toBe(path);
  expect(e.message.startsWith(path)).toBe(true);
  return e;
}

const GOOD = ['id,sit,alt,ch,x', '1,1,1,1,0.5', '1,1,2,0,1.5'];

describe('file-level problems', () => {
  it('missing file', async () => {
    const e = await dataError(() => loadChoiceData({ path: '/nonexistent/dir/data.csv', ...LONG }, { variables: [] }));
    expect(e.message).toBe('/nonexistent/dir/data.csv: file not found (expected an existing data file)');
    expect((await dataError(() => listColumns('/nonexistent/x.csv'))).message).toMatch(/file not found/);
  });

  it('empty file and header without rows', async () => {
    const e1 = await fails([]);
    expect(e1.line).toBe(1);
    expect(e1.message).toMatch(/line 1: the file is empty \(expected a header line naming the columns\)/);
    const e2 = await fails(['id,sit,alt,ch,x', '']);
    expect(e2.line).toBe(2);
    expect(e2.message).toMatch(/line 2: the file has a header but no data rows/);
  });

  it('missing column: named, with the available ones listed', async () => {
    const e = await fails(GOOD, { choice: 'choice' });
    expect(e.column).toBe('choice');
    expect(e.message).toMatch(
      /column "choice": column "choice" \(the choice column\) not found; available columns: "id", "sit", "alt", "ch", "x"$/,
    );
    const e2 = await fails(GOOD, {}, { variables: columns('price') });
    expect(e2.message).toMatch(/column "price" \(used by variable "price"\) not found; available columns: "id"/);
    const e3 = await fails(GOOD, { id: 'person' });
    expect(e3.message).toMatch(/column "person" \(the individual column\) not found/);
  });

  it('a row with the wrong number of fields', async () => {
    const e = await fails([...GOOD, '1,2,1,1']);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/line 4: found 4 fields, expected 5 as in the header/);
  });

  it('malformed quoting (csv-parse path) reports the line', async () => {
    const e = await fails([...GOOD, '1,2,1,1,"0.5', '1,2,2,0,1']);
    expect(e.message).toMatch(/malformed CSV/);
    expect(e.line).toBeGreaterThanOrEqual(4);
  });
});

describe('bad cells in used columns', () => {
  it('empty attribute cell', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,0.5', '', '1,1,2,0,']);
    expect([e.line, e.column]).toEqual([4, 'x']); // the blank line 3 is skipped but counted
    expect(e.message).toMatch(/line 4, column "x": empty cell, expected a number \(variable "x"\)$/);
  });

  it('non-numeric attribute, choice, availability, weight, characteristic', async () => {
    expect((await fails(['id,sit,alt,ch,x', '1,1,1,1,abc', '1,1,2,0,1'])).message).toMatch(
      /line 2, column "x": "abc" is not a number, expected a number \(variable "x"\)/,
    );
    expect((await fails(['id,sit,alt,ch,x', '1,1,1,yes,1', '1,1,2,0,1'])).message).toMatch(
      /line 2, column "ch": "yes" is not a number, expected a number \(the choice column\)/,
    );
    expect((await fails(['id,sit,alt,ch,av,x', '1,1,1,1,1,1', '1,1,2,0,?,1'], { availability: 'av' })).message).toMatch(
      /line 3, column "av": "\?" is not a number, expected a number \(the availability column\)/,
    );
    expect((await fails(['id,sit,alt,ch,w,x', '1,1,1,1,NA,1', '1,1,2,0,NA,1'], { weight: 'w' })).message).toMatch(
      /line 2, column "w": missing value "NA", expected a number \(the weight "w"\)/,
    );
    expect(
      (await fails(['id,sit,alt,ch,inc,x', '1,1,1,1,,1', '1,1,2,0,,1'], {}, { variables: columns('x'), characteristics: ['inc'] }))
        .message,
    ).toMatch(/line 2, column "inc": empty cell, expected a number \(the characteristic "inc"\)/);
  });

  it('Inf and NaN literals are rejected', async () => {
    for (const lit of ['Inf', '-inf', 'NaN', 'Infinity']) {
      const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,1', `1,1,2,0,${lit}`]);
      expect(e.line).toBe(3);
      expect(e.message).toContain(`"${lit}" is not a finite number (Inf and NaN are not allowed), expected a finite number`);
    }
  });

  it('empty identifier cells', async () => {
    expect((await fails(['id,sit,alt,ch,x', ',1,1,1,1', ',1,2,0,1'])).message).toMatch(
      /line 2, column "id": empty cell, expected an individual identifier/,
    );
    expect((await fails(['id,sit,alt,ch,x', '1,1,,1,1', '1,1,2,0,1'])).message).toMatch(
      /line 2, column "alt": empty cell, expected an alternative label/,
    );
  });

  it('cells of rows that take no part are not checked', async () => {
    const unavailable = load(['id,sit,alt,ch,av,x', '1,1,1,1,1,1', '1,1,2,0,0,'], { availability: 'av' });
    expect((await unavailable.run()).nRows).toBe(1);
    const filtered = load(['id,sit,alt,ch,x', '1,1,1,1,1', '1,1,2,0,2', '2,1,1,junk,NaN', '2,1,2,0,'], { filter: 'id != 2' });
    expect((await filtered.run()).nSituations).toBe(1);
  });

  it('availability other than 0/1', async () => {
    const e = await fails(['id,sit,alt,ch,av,x', '1,1,1,1,1,1', '1,1,2,0,2,1'], { availability: 'av' });
    expect(e.message).toMatch(/line 3, column "av": availability is 2, expected 0 or 1$/);
  });
});

describe('choices', () => {
  it('a situation with no chosen row', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,0,1', '1,1,2,0,1', '1,2,1,1,1', '1,2,2,0,1']);
    expect([e.line, e.column]).toEqual([2, 'ch']);
    expect(e.message).toMatch(
      /situation "1" of individual "1" \(lines 2-3\) has no chosen row; expected exactly one row with a non-zero choice \(or outside: true/,
    );
  });

  it('a situation with several chosen rows', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,1', '1,1,2,0,1', '1,1,3,1,1']);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/situation "1" of individual "1" has several chosen rows \(lines 2 and 4\); expected exactly one/);
  });

  it('a chosen row that is unavailable', async () => {
    const e = await fails(['id,sit,alt,ch,av,x', '1,1,1,0,1,1', '1,1,2,1,0,1'], { availability: 'av' });
    expect([e.line, e.column]).toEqual([3, 'av']);
    expect(e.message).toMatch(/the chosen alternative "2" of situation "1" of individual "1" is unavailable \(av = 0\)/);
  });

  it('a situation with no available alternative', async () => {
    const e = await fails(['id,sit,alt,ch,av,x', '1,1,1,0,0,1', '1,1,2,0,0,1'], { availability: 'av', outside: true });
    expect(e.message).toMatch(/line 2, column "av": situation "1" of individual "1" \(lines 2-3\) has no available alternative/);
  });

  it('a filter that removes the chosen row but keeps the others', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,0,1', '1,1,2,1,5'], { filter: 'x < 3' });
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/the chosen row of situation "1" of individual "1" \(line 3\) is removed by the filter/);
  });

  it('everything filtered out', async () => {
    expect((await fails(GOOD, { filter: 'x > 100' })).message).toMatch(/no choice situation is left/);
  });
});

describe('structure', () => {
  it('the rows of a situation are not contiguous', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,1', '1,2,1,1,1', '1,1,2,0,1']);
    expect([e.line, e.column]).toEqual([4, 'sit']);
    expect(e.message).toMatch(
      /the rows of situation "1" of individual "1" are not contiguous: it appears again here after another situation \(its earlier rows start at line 2\)/,
    );
  });

  it('without an id, situation values must not re-appear anywhere later', async () => {
    const e = await fails(['sit,alt,ch,x', '1,1,1,1', '2,1,1,1', '1,2,0,1'], { id: undefined });
    expect(e.message).toMatch(/line 4, column "sit": the rows of situation "1" are not contiguous/);
    expect(e.message).toMatch(/set "id" if they restart for each individual\)$/);
  });

  it('the situations of an individual are not contiguous', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,1', '2,1,1,1,1', '1,2,1,1,1']);
    expect([e.line, e.column]).toEqual([4, 'id']);
    expect(e.message).toMatch(
      /the rows of individual "1" are not contiguous: it appears again here after other individuals \(its earlier rows start at line 2\)/,
    );
  });

  it('the same alternative twice in a situation', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,1', '1,1,1,0,1']);
    expect(e.message).toMatch(/line 3, column "alt": alternative "1" appears twice in situation "1" of individual "1" \(lines 2 and 3\)/);
  });

  it('weight not constant within an individual, or not positive', async () => {
    const e = await fails(['id,sit,alt,ch,w,x', '1,1,1,1,2,1', '1,1,2,0,2,1', '1,2,1,1,3,1', '1,2,2,0,3,1'], { weight: 'w' });
    expect([e.line, e.column]).toEqual([4, 'w']);
    expect(e.message).toMatch(/the weight "w" must be constant within individual "1", but it is 2 at line 2 and 3 here/);
    const e2 = await fails(['id,sit,alt,ch,w,x', '1,1,1,1,0,1', '1,1,2,0,0,1'], { weight: 'w' });
    expect(e2.message).toMatch(/line 2, column "w": the weight "w" is 0, expected a positive number/);
  });

  it('characteristic not constant within an individual', async () => {
    const e = await fails(['id,sit,alt,ch,inc,x', '1,1,1,1,5,1', '1,1,2,0,6,1'], {}, { variables: columns('x'), characteristics: ['inc'] });
    expect(e.message).toMatch(/line 3, column "inc": the characteristic "inc" must be constant within individual "1"/);
  });
});

describe('expressions', () => {
  it('a derived-column parse error names the column, shows the expression and the position', async () => {
    const e = await fails(GOOD, { derive: { cost: 'x * (2 +' } });
    expect(e.column).toBe('cost');
    expect(e.message).toContain('derived column "cost": cannot parse:');
    expect(e.message).toContain('in expression "x * (2 +"');
    expect(e.message).toMatch(/at character \d+/);
    expect(e.message).toContain('\n    x * (2 +\n');
  });

  it('the position is that of the original text, also after a ^', async () => {
    const e = await fails(GOOD, { derive: { y: 'x^2 + * 3' } });
    expect(e.message).toMatch(/at character 7 in expression "x\^2 \+ \* 3"\n {4}x\^2 \+ \* 3\n {4} {6}\^$/);
  });

  it('an unknown identifier in a derived column or the filter', async () => {
    const e = await fails(GOOD, { derive: { y: '2 * x + prce' } });
    expect(e.message).toContain(
      'column "y": derived column "y": unknown column "prce" at character 9 in expression "2 * x + prce"; available columns: "id", "sit", "alt", "ch", "x"',
    );
    const later = await fails(GOOD, { derive: { a: 'b + 1', b: 'x' } });
    expect(later.message).toMatch(/derived column "a": unknown column "b"/);
    const f = await fails(GOOD, { filter: 'PURPOSE == 1' });
    expect(f.message).toMatch(/filter: unknown column "PURPOSE" at character 1/);
  });

  it('unknown functions and unsupported operators', async () => {
    expect((await fails(GOOD, { derive: { y: 'ln(x)' } })).message).toMatch(
      /derived column "y": unknown function "ln" \(known: log, exp, sqrt, abs, min, max\) at character 1/,
    );
    expect((await fails(GOOD, { derive: { y: 'x % 2' } })).message).toMatch(/operator "%" is not supported/);
    expect((await fails(GOOD, { derive: { y: 'x == "a"' } })).message).toMatch(/"\\"a\\"" is not supported \(expressions work on numbers only\)/);
    expect((await fails(GOOD, { filter: 'x y' })).message).toMatch(/filter: expected a single expression/);
    expect((await fails(GOOD, { derive: { y: '' } })).message).toMatch(/derived column "y": empty expression/);
  });

  it('a bad cell is traced through derived columns to its line and column', async () => {
    const e = await fails(['id,sit,alt,ch,p,x', '1,1,1,1,2,1', '1,1,2,0,n/a,1'], { derive: { q: 'p * 2', r: 'q + 1' } }, { variables: columns('r') });
    expect([e.line, e.column]).toEqual([3, 'p']);
    expect(e.message).toMatch(
      /line 3, column "p": missing value "n\/a", expected a number \(variable "r", through derived column "r", through derived column "q"\)/,
    );
  });

  it('a derived value that is not finite', async () => {
    const e = await fails(['id,sit,alt,ch,x', '1,1,1,1,1', '1,1,2,0,0'], { derive: { lx: 'log(x)' } }, { variables: columns('lx') });
    expect([e.line, e.column]).toEqual([3, 'lx']);
    expect(e.message).toMatch(/derived column "lx" = "log\(x\)" evaluates to -Infinity \(variable "lx"\); expected a finite number/);
  });

  it('a filter over a non-numeric cell', async () => {
    const e = await fails(['id,sit,alt,ch,g,x', '1,1,1,1,1,1', '1,1,2,0,x,1'], { filter: 'g == 1' });
    expect(e.message).toMatch(/line 3, column "g": "x" is not a number, expected a number \(used by the filter\)/);
  });
});

describe('spec problems', () => {
  it('long format without situation or alt', async () => {
    expect((await fails(GOOD, { situation: undefined })).message).toMatch(/long format needs "situation"/);
    expect((await fails(GOOD, { alt: undefined })).message).toMatch(/long format needs "alt"/);
  });

  it('asc of an unknown alternative', async () => {
    const e = await fails(GOOD, {}, { variables: [{ name: 'asc_9', source: { kind: 'asc', alt: '9' } }] });
    expect(e.message).toMatch(/variable "asc_9": alternative "9" does not occur among the rows taking part; known alternatives: "1", "2"/);
  });

  it('duplicate variable names', async () => {
    expect((await fails(GOOD, {}, { variables: [...columns('x'), ...columns('x')] })).message).toMatch(/variable "x" is listed twice/);
  });
});

describe('wide format', () => {
  const WIDE = ['pid,choice,t1,t2,av2', '1,1,10,20,1', '1,2,11,21,1', '2,2,12,22,0'];
  const wide = async (lines: string[], spec: Partial<DataSpec> = {}, options: Partial<LoadOptions> = {}) => {
    const path = fixture(`wide-bad-${++n}.csv`, lines.join('\n'));
    const e = await dataError(() =>
      loadChoiceData(
        {
          path,
          format: 'wide',
          id: 'pid',
          choice: 'choice',
          alternatives: { A: { t: 't1' }, B: { t: 't2', av: 'av2' } },
          ...spec,
        } as DataSpec,
        { variables: columns('t'), ...options },
      ),
    );
    expect(e.file).toBe(path);
    return e;
  };

  it('a chosen alternative that is unavailable', async () => {
    const e = await wide(WIDE);
    expect([e.line, e.column]).toEqual([4, 'av2']);
    expect(e.message).toMatch(/line 4, column "av2": the chosen alternative "B" is unavailable \(av2 = 0\)/);
  });

  it('a choice code matching no alternative: line, value and the known codes', async () => {
    const e = await wide(['pid,choice,t1,t2,av2', '1,1,10,20,1', '1,3,11,21,1']);
    expect([e.line, e.column]).toEqual([3, 'choice']);
    expect(e.message).toMatch(
      /line 3, column "choice": choice "3" matches no alternative; expected one of the alternative names "A", "B" or their numbers 1..2 in that order/,
    );
    const e2 = await wide(['pid,choice,t1,t2,av2', '1,x,10,20,1'], { choiceCodes: { A: 'a', B: 'b' } });
    expect(e2.message).toMatch(/choice "x" matches no alternative; expected one of "a" \(A\), "b" \(B\)/);
  });

  it('an attribute missing for an alternative', async () => {
    const e = await wide(WIDE, { alternatives: { A: { t: 't1', c: 't1' }, B: { t: 't2' } } }, { variables: columns('c') });
    expect(e.message).toMatch(
      /variable "c": alternative "B" has no attribute "c" \(defined for "A"\); expected every alternative to define it \(give it the constant 0/,
    );
  });

  it('an attribute naming a missing column', async () => {
    const e = await wide(WIDE, { alternatives: { A: { t: 't1' }, B: { t: 't_2' } } });
    expect(e.message).toMatch(/column "t_2" \(attribute "t" of alternative "B"\) not found; available columns: "pid"/);
  });

  it('no available alternative', async () => {
    const e = await wide(['pid,choice,t1,t2,av2', '1,1,10,20,1'], { alternatives: { A: { t: 't1', av: 0 }, B: { t: 't2', av: 0 } } });
    expect(e.message).toMatch(/line 2: no alternative is available in this situation; expected at least one$/);
  });

  it('individuals not contiguous', async () => {
    const e = await wide(['pid,choice,t1,t2,av2', '1,1,10,20,1', '2,1,10,20,1', '1,1,10,20,1']);
    expect(e.message).toMatch(/line 4, column "pid": the rows of individual "1" are not contiguous/);
  });

  it('bad choiceCodes and long-only options', async () => {
    expect((await wide(WIDE, { choiceCodes: { A: 1 } })).message).toMatch(/choiceCodes has no code for alternative\(s\) "B"/);
    expect((await wide(WIDE, { choiceCodes: { A: 1, C: 2 } })).message).toMatch(/choiceCodes names "C", which is not an alternative/);
    expect((await wide(WIDE, { outside: true })).message).toMatch(/"outside" is only supported for long data/);
    expect((await wide(WIDE, { availability: 'av2' })).message).toMatch(/give each alternative an "av" attribute/);
    expect((await wide(WIDE, { alternatives: {} })).message).toMatch(/wide format needs "alternatives"/);
  });
});
