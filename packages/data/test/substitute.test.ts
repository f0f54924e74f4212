import { describe, expect, it } from 'vitest';
import { loadChoiceData, type Variable } from '../src/index.js';
import { dataError, fixture } from './helpers.js';

const columns = (...names: string[]): Variable[] => names.map((n) => ({ name: n, source: { kind: 'column', column: n } }));

describe('substitutions (counterfactual columns)', () => {
  const path = fixture('subst.csv', ['sit,alt,ch,p,q,keep', '1,1,1,10,2,1', '1,2,0,20,3,1', '2,1,0,30,4,0', '2,2,1,40,5,1'].join('\n'));
  const spec = { path, situation: 'sit', alt: 'alt', choice: 'ch', derive: { pq: 'p * q', p: '-p / 10', r: 'pq + p' } };

  it('a file column replaced before the derived columns read it; a derived column of the same name still applies', async () => {
    const base = await loadChoiceData(spec, { variables: columns('pq', 'p', 'r') });
    const d = await loadChoiceData(spec, { variables: columns('pq', 'p', 'r'), substitute: [{ column: 'p', expression: 'p * 2' }] });
    expect(Array.from(base.X)).toEqual([20, -1, 19, 60, -2, 58, 120, -3, 117, 200, -4, 196]);
    expect(Array.from(d.X)).toEqual([40, -2, 38, 120, -4, 116, 240, -6, 234, 400, -8, 392]);
  });

  it('a derived column is replaced right after its definition', async () => {
    const d = await loadChoiceData(spec, { variables: columns('pq', 'r'), substitute: [{ column: 'pq', expression: 'pq + 1' }] });
    expect(Array.from(d.X)).toEqual([21, 20, 61, 59, 121, 118, 201, 197]);
  });

  it('the filter reads the original values, so the same rows are kept', async () => {
    const f = { ...spec, filter: 'p > -2.5 && keep == 1' };
    const base = await loadChoiceData(f, { variables: columns('p') });
    const d = await loadChoiceData(f, { variables: columns('p'), substitute: [{ column: 'p', expression: 'p * 100' }] });
    expect(Array.from(base.X)).toEqual([-1, -2]);
    expect(Array.from(d.X)).toEqual([-100, -200]);
    expect(Array.from(d.sitRow)).toEqual(Array.from(base.sitRow));
  });

  it('an unknown column is an error naming it', async () => {
    const e = await dataError(() => loadChoiceData(spec, { variables: columns('p'), substitute: [{ column: 'price', expression: 'price * 2' }] }));
    expect(e.message).toMatch(/cannot change column "price": no such column/);
  });
});
