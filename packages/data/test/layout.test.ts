import { describe, expect, it } from 'vitest';
import { loadChoiceData } from '../src/index.js';
import { checkLayout, columns, fixture } from './helpers.js';

const base = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };

describe('long-format layout', () => {
  it('builds an unbalanced panel; situation values may restart per individual', async () => {
    const path = fixture(
      'unbalanced.csv',
      [
        'id,sit,alt,ch,x',
        '7,1,a,0,1', '7,1,b,1,2', //           individual 7: situations 1, 2
        '7,2,a,1,3', '7,2,b,0,4',
        '3,1,a,0,5', '3,1,b,1,6', //           individual 3: one situation (restarts at 1)
        '9,1,a,1,7', '9,1,b,0,8', '9,2,a,0,9', '9,2,b,1,10', '9,3,a,1,11', '9,3,b,0,12',
      ].join('\n'),
    );
    const d = await loadChoiceData({ path, ...base }, { variables: columns('x') });
    checkLayout(d);
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([3, 6, 12]);
    expect(Array.from(d.unitSit)).toEqual([0, 2, 3, 6]);
    expect(Array.from(d.sitRow)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(Array.from(d.sitChosen)).toEqual([1, 2, 5, 6, 9, 10]);
    expect(Array.from(d.X)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(d.altLabels).toEqual(['a', 'b']);
    expect(Array.from(d.unitCluster)).toEqual([0, 1, 2]);
  });

  it('drops unavailable rows, giving choice sets of varying size; a one-alternative situation is kept', async () => {
    const path = fixture(
      'avail.csv',
      [
        'id,sit,alt,ch,av,x',
        '1,1,1,0,1,10', '1,1,2,1,1,20', '1,1,3,0,0,30', // 2 available
        '1,2,1,0,0,11', '1,2,2,0,1,21', '1,2,3,1,1,31', // 2 available
        '2,1,1,0,0,12', '2,1,2,0,0,22', '2,1,3,1,1,32', // 1 available: log(1) = 0
        '2,2,1,1,1,13', '2,2,2,0,1,23', '2,2,3,0,1,33', // 3 available
      ].join('\n'),
    );
    const d = await loadChoiceData({ path, ...base, availability: 'av' }, { variables: columns('x') });
    checkLayout(d);
    expect(Array.from(d.sitRow)).toEqual([0, 2, 4, 5, 8]);
    expect(Array.from(d.X)).toEqual([10, 20, 21, 31, 32, 13, 23, 33]);
    expect(Array.from(d.rowAlt)).toEqual([0, 1, 1, 2, 2, 0, 1, 2]);
    expect(d.altLabels).toEqual(['1', '2', '3']);
    expect(Array.from(d.sitChosen)).toEqual([1, 3, 4, 5]);
  });

  it('alternative labels follow first appearance among rows taking part; asc and alt-specific use them', async () => {
    const path = fixture(
      'order.csv',
      ['sit,alt,ch,av,x', '1,car,1,1,5', '1,bus,0,1,6', '1,rail,0,0,7', '2,rail,1,1,8', '2,bus,0,1,9'].join('\n'),
    );
    const d = await loadChoiceData(
      { path, situation: 'sit', alt: 'alt', choice: 'ch', availability: 'av' },
      {
        variables: [
          { name: 'asc_rail', source: { kind: 'asc', alt: 'rail' } },
          { name: 'x_bus', source: { kind: 'alt-specific', column: 'x', alt: 'bus' } },
        ],
      },
    );
    expect(d.altLabels).toEqual(['car', 'bus', 'rail']);
    expect(Array.from(d.rowAlt)).toEqual([0, 1, 2, 1]);
    expect(Array.from(d.X)).toEqual([0, 0, 0, 6, 1, 0, 0, 9]);
    expect(d.nUnits).toBe(2); // no id: each situation is a unit
  });

  it('outside option: a situation with no chosen row chose the outside good', async () => {
    const path = fixture(
      'outside.csv',
      ['id,sit,alt,ch,x', '1,1,1,0,1', '1,1,2,0,2', '1,2,1,1,3', '1,2,2,0,4', '2,1,1,0,5'].join('\n'),
    );
    const d = await loadChoiceData({ path, ...base, outside: true }, { variables: columns('x') });
    checkLayout(d);
    expect(d.outside).toBe(true);
    expect(Array.from(d.sitChosen)).toEqual([-1, 2, -1]);
    expect(Array.from(d.sitRow)).toEqual([0, 2, 4, 5]);
    expect(Array.from(d.unitSit)).toEqual([0, 2, 3]);
  });

  it('stores one weight and one value per characteristic per individual', async () => {
    const path = fixture(
      'weights.csv',
      ['id,sit,alt,ch,w,inc,x', '1,1,1,1,2.5,30,1', '1,1,2,0,2.5,30,2', '2,1,1,0,0.5,45,3', '2,1,2,1,0.5,45,4'].join('\n'),
    );
    const d = await loadChoiceData({ path, ...base, weight: 'w' }, { variables: columns('x'), characteristics: ['inc', 'w'] });
    expect(Array.from(d.unitWeight!)).toEqual([2.5, 0.5]);
    expect(d.charNames).toEqual(['inc', 'w']);
    expect(Array.from(d.unitChars!)).toEqual([30, 2.5, 45, 0.5]);
  });

  it('a long-format filter drops rows; situations and individuals left empty disappear', async () => {
    const path = fixture(
      'filter.csv',
      [
        'id,sit,alt,ch,keep,x',
        '1,1,1,1,1,1', '1,1,2,0,1,2', '1,1,3,0,0,3', // alt 3 filtered out
        '1,2,1,1,0,4', '1,2,2,0,0,5', //               whole situation filtered
        '2,1,1,0,0,6', '2,1,2,1,0,7', //               whole individual filtered
        '3,1,1,0,1,8', '3,1,2,1,1,9',
      ].join('\n'),
    );
    const d = await loadChoiceData({ path, ...base, filter: 'keep == 1' }, { variables: columns('x') });
    checkLayout(d);
    expect(Array.from(d.X)).toEqual([1, 2, 8, 9]);
    expect(Array.from(d.unitSit)).toEqual([0, 1, 2]);
    expect(Array.from(d.sitChosen)).toEqual([0, 3]);
  });

  it('derived columns: later ones use earlier ones, and may replace file columns', async () => {
    const path = fixture('derive.csv', ['sit,alt,ch,p,q', '1,1,1,10,2', '1,2,0,20,3'].join('\n'));
    const d = await loadChoiceData(
      { path, situation: 'sit', alt: 'alt', choice: 'ch', derive: { pq: 'p * q', p: '-p / 10', r: 'pq + p' } },
      { variables: columns('pq', 'p', 'r') },
    );
    expect(Array.from(d.X)).toEqual([20, -1, 19, 60, -2, 58]);
  });

  it('id columns may hold strings; numeric alternatives match asc names numerically', async () => {
    const path = fixture('strings.csv', ['id,sit,alt,ch', 'ann,s1,1.0,1', 'ann,s1,2.0,0', 'bob,s1,1.0,0', 'bob,s1,2.0,1'].join('\n'));
    const d = await loadChoiceData({ path, ...base }, { variables: [{ name: 'asc2', source: { kind: 'asc', alt: '2' } }] });
    expect(d.nUnits).toBe(2);
    expect(d.altLabels).toEqual(['1.0', '2.0']);
    expect(Array.from(d.X)).toEqual([0, 1, 0, 1]);
  });
});

describe('wide-format layout', () => {
  it('maps attributes, constants, availability and default numeric codes', async () => {
    const path = fixture(
      'wide.csv',
      ['pid,choice,t1,t2,t3,av3,inc', '1,3,10,20,30,1,5', '1,1,11,21,31,0,5', '2,2,12,22,32,1,7'].join('\n'),
    );
    const d = await loadChoiceData(
      {
        path,
        format: 'wide',
        id: 'pid',
        choice: 'choice',
        alternatives: { bus: { t: 't1', c: 0 }, car: { t: 't2', c: 2 }, rail: { t: 't3', c: 'inc', av: 'av3' } },
      },
      {
        variables: [
          ...columns('t', 'c'),
          { name: 'inc_car', source: { kind: 'alt-specific', column: 'inc', alt: 'car' } },
        ],
        characteristics: ['inc'],
      },
    );
    checkLayout(d);
    expect(d.altLabels).toEqual(['bus', 'car', 'rail']);
    expect(Array.from(d.sitRow)).toEqual([0, 3, 5, 8]);
    expect(Array.from(d.rowAlt)).toEqual([0, 1, 2, 0, 1, 0, 1, 2]);
    expect(Array.from(d.sitChosen)).toEqual([2, 3, 6]);
    expect(Array.from(d.unitSit)).toEqual([0, 2, 3]);
    expect(Array.from(d.X.slice(0, 9))).toEqual([10, 0, 0, 20, 2, 5, 30, 5, 0]);
    expect(Array.from(d.unitChars!)).toEqual([5, 7]);
  });

  it('a wide-format filter drops whole situations', async () => {
    const path = fixture('wide-filter.csv', ['choice,a1,a2,keep', '1,1,2,1', '2,3,4,0', '2,5,6,1'].join('\n'));
    const d = await loadChoiceData(
      { path, format: 'wide', choice: 'choice', filter: 'keep', alternatives: { A: { x: 'a1' }, B: { x: 'a2' } } },
      { variables: columns('x') },
    );
    expect(Array.from(d.X)).toEqual([1, 2, 5, 6]);
    expect(Array.from(d.sitChosen)).toEqual([0, 3]);
  });
});
