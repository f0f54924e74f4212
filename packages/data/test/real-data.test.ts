import { describe, expect, it } from 'vitest';
import { listColumns, loadChoiceData } from '../src/index.js';
import { checkLayout, columns, naiveTable, dataSet } from './helpers.js';

describe('electricity (long, panel by id)', () => {
  const path = dataSet('electricity_long.csv');
  const attrs = ['pf', 'cl', 'loc', 'wk', 'tod', 'seas'];
  const spec = { path, id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' };

  it('loads 361 individuals, 4308 situations, 17232 rows, matching the file cell by cell', async () => {
    const t0 = performance.now();
    const d = await loadChoiceData(spec, { variables: columns(...attrs) });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect([d.nUnits, d.nSituations, d.nRows, d.nVars]).toEqual([361, 4308, 17232, 6]);
    expect(d.varNames).toEqual(attrs);
    expect(d.altLabels).toEqual(['1', '2', '3', '4']);
    expect(d.unitWeight).toBeNull();
    expect(d.unitChars).toBeNull();
    expect(d.outside).toBe(false);
    checkLayout(d);

    const { header, rows } = naiveTable(path);
    const col = (n: string) => header.indexOf(n);
    // Every row takes part: X equals the file's attribute cells, in file order.
    for (let r = 0; r < rows.length; r++) {
      for (let k = 0; k < attrs.length; k++) {
        if (d.X[r * 6 + k] !== Number(rows[r][col(attrs[k])])) throw new Error(`X mismatch at row ${r}, ${attrs[k]}`);
      }
      if (d.altLabels[d.rowAlt[r]] !== rows[r][col('alt')]) throw new Error(`alt mismatch at row ${r}`);
    }
    // Chosen rows are the rows with choice 1.
    const chosen = rows.flatMap((row, r) => (row[col('choice')] === '1' ? [r] : []));
    expect(Array.from(d.sitChosen)).toEqual(chosen);
    // Units follow the ids: situations per individual.
    const perId = new Map<string, Set<string>>();
    for (const row of rows) {
      const s = perId.get(row[col('id')]) ?? new Set();
      s.add(row[col('chid')]);
      perId.set(row[col('id')], s);
    }
    const sizes = [...perId.values()].map((s) => s.size);
    expect(Array.from(d.unitSit.slice(1)).map((v, u) => v - d.unitSit[u])).toEqual(sizes);
    expect(Math.max(...sizes)).toBe(12);
    expect(Math.min(...sizes)).toBeLessThan(12); // unbalanced
  });

  it('spot values: first situation', async () => {
    const d = await loadChoiceData(spec, { variables: columns('pf', 'cl') });
    // 0,1,1,7,5,...  0,1,2,9,1,...  0,1,3,0,0,...  1,1,4,0,5,...
    expect(Array.from(d.X.slice(0, 8))).toEqual([7, 5, 9, 1, 0, 0, 0, 5]);
    expect(d.sitChosen[0]).toBe(3);
    expect(d.altLabels[d.rowAlt[3]]).toBe('4');
  });

  it('lists the columns', async () => {
    expect(await listColumns(path)).toEqual(['choice', 'id', 'alt', 'pf', 'cl', 'loc', 'wk', 'tod', 'seas', 'chid']);
  });
});

describe('artificial (choice written 0.0/1.0, no individual column)', () => {
  it('loads 4000 situations of 3 alternatives, each its own unit', async () => {
    const path = dataSet('artificial_long.csv');
    const d = await loadChoiceData(
      { path, situation: 'id', alt: 'alt', choice: 'choice' },
      { variables: columns('price', 'time', 'meals') },
    );
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([4000, 4000, 12000]);
    expect(d.nClusters).toBe(4000);
    checkLayout(d);
    const { header, rows } = naiveTable(path);
    const chosen = rows.flatMap((row, r) => (Number(row[header.indexOf('choice')]) !== 0 ? [r] : []));
    expect(chosen.length).toBe(4000);
    expect(Array.from(d.sitChosen)).toEqual(chosen);
    // first rows: price 1.629 / 3.0, time 6.0 / 3.5, meals 3.0 / 2.0
    expect(Array.from(d.X.slice(0, 6))).toEqual([1.629, 6, 3, 3, 3.5, 2]);
    expect(d.sitChosen[0]).toBe(1);
  });
});

describe('fishing (string alternatives, asc and alternative-specific variables)', () => {
  it('loads 1182 situations with asc and alt-specific income', async () => {
    const path = dataSet('fishing_long.csv');
    const d = await loadChoiceData(
      { path, situation: 'id', alt: 'alt', choice: 'choice' },
      {
        variables: [
          ...columns('price', 'catch'),
          { name: 'asc_boat', source: { kind: 'asc', alt: 'boat' } },
          { name: 'asc_charter', source: { kind: 'asc', alt: 'charter' } },
          { name: 'asc_pier', source: { kind: 'asc', alt: 'pier' } },
          { name: 'income_boat', source: { kind: 'alt-specific', column: 'income', alt: 'boat' } },
        ],
      },
    );
    expect([d.nUnits, d.nSituations, d.nRows, d.nVars]).toEqual([1182, 1182, 4728, 6]);
    expect(d.altLabels).toEqual(['beach', 'boat', 'charter', 'pier']);
    checkLayout(d);
    // Situation 1: beach, boat, charter (chosen), pier.
    expect(d.sitChosen[0]).toBe(2);
    const row = (r: number) => Array.from(d.X.slice(r * 6, r * 6 + 6));
    expect(row(0)).toEqual([157.93, 0.0678, 0, 0, 0, 0]);
    expect(row(1)).toEqual([157.93, 0.2601, 1, 0, 0, 7083.3317]);
    expect(row(2)[2]).toBe(0);
    expect(row(2)[3]).toBe(1);
    expect(row(2)[5]).toBe(0);
    for (let r = 0; r < d.nRows; r++) {
      const alt = d.altLabels[d.rowAlt[r]];
      if (d.X[r * 6 + 2] !== (alt === 'boat' ? 1 : 0)) throw new Error(`asc_boat wrong at row ${r}`);
      if (d.X[r * 6 + 4] !== (alt === 'pier' ? 1 : 0)) throw new Error(`asc_pier wrong at row ${r}`);
    }
  });
});

describe('swissmetro (wide, tab-separated, availability, filter, derive)', () => {
  const path = dataSet('swissmetro.dat');
  const spec = {
    path,
    format: 'wide' as const,
    id: 'ID',
    choice: 'CHOICE',
    filter: '(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0',
    derive: {
      TRAIN_COST: '(GA == 0) * TRAIN_CO / 100',
      SM_COST: '(GA == 0) * SM_CO / 100',
      CAR_COST: 'CAR_CO / 100',
      TRAIN_TIME: 'TRAIN_TT / 100',
      SM_TIME: 'SM_TT / 100',
      CAR_TIME: 'CAR_TT / 100',
    },
    alternatives: {
      TRAIN: { time: 'TRAIN_TIME', cost: 'TRAIN_COST', av: 'TRAIN_AV' },
      SM: { time: 'SM_TIME', cost: 'SM_COST', av: 'SM_AV' },
      CAR: { time: 'CAR_TIME', cost: 'CAR_COST', av: 'CAR_AV' },
    },
  };
  const variables = [
    { name: 'ASC_TRAIN', source: { kind: 'asc' as const, alt: 'TRAIN' } },
    { name: 'ASC_CAR', source: { kind: 'asc' as const, alt: 'CAR' } },
    ...columns('time', 'cost'),
  ];

  it('keeps 6768 situations of 752 individuals, with availability from TRAIN_AV, SM_AV, CAR_AV', async () => {
    const d = await loadChoiceData(spec, { variables, characteristics: ['INCOME'] });
    expect([d.nUnits, d.nSituations, d.nVars]).toEqual([752, 6768, 4]);
    expect(d.altLabels).toEqual(['TRAIN', 'SM', 'CAR']);
    checkLayout(d);

    // Reference computed independently from the raw file.
    const { header, rows } = naiveTable(path, '\t');
    const c = (n: string) => header.indexOf(n);
    const kept = rows.filter((r) => {
      const p = Number(r[c('PURPOSE')]);
      return (p === 1 || p === 3) && Number(r[c('CHOICE')]) !== 0;
    });
    expect(kept.length).toBe(6768);
    let nRows = 0;
    let row = 0;
    const names = ['TRAIN', 'SM', 'CAR'];
    const bad: string[] = [];
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
    kept.forEach((r, s) => {
      const avail = names.filter((a) => r[c(`${a}_AV`)] === '1');
      nRows += avail.length;
      if (d.sitRow[s + 1] - d.sitRow[s] !== avail.length) bad.push(`situation ${s}: row count`);
      const chosenAlt = names[Number(r[c('CHOICE')]) - 1];
      if (d.altLabels[d.rowAlt[d.sitChosen[s]]] !== chosenAlt) bad.push(`situation ${s}: chosen`);
      for (const a of avail) {
        const ga = Number(r[c('GA')]);
        const cost = (Number(r[c(`${a}_CO`)]) * (a !== 'CAR' && ga !== 0 ? 0 : 1)) / 100;
        const ok =
          d.altLabels[d.rowAlt[row]] === a &&
          close(d.X[row * 4 + 2], Number(r[c(`${a}_TT`)]) / 100) &&
          close(d.X[row * 4 + 3], cost) &&
          d.X[row * 4 + 0] === (a === 'TRAIN' ? 1 : 0) &&
          d.X[row * 4 + 1] === (a === 'CAR' ? 1 : 0);
        if (!ok) bad.push(`situation ${s}, alternative ${a}`);
        row++;
      }
    });
    expect(bad.slice(0, 5)).toEqual([]);
    expect(d.nRows).toBe(nRows);
    expect(nRows).toBeLessThan(3 * 6768); // some alternatives are unavailable
    // 9 situations each after filtering.
    expect(new Set(Array.from(d.unitSit.slice(1), (v, u) => v - d.unitSit[u]))).toEqual(new Set([9]));
    expect(d.charNames).toEqual(['INCOME']);
    expect(d.unitChars![0]).toBe(Number(kept[0][c('INCOME')]));
  });

  it('accepts explicit choice codes', async () => {
    const d = await loadChoiceData({ ...spec, choiceCodes: { TRAIN: 1, SM: '2', CAR: 3 } }, { variables });
    expect(d.nSituations).toBe(6768);
  });
});

describe('other reference data sets', () => {
  it('car100: derived columns replace file columns (price := -price / 10000)', async () => {
    const path = dataSet('car100_long.csv');
    const d = await loadChoiceData(
      {
        path,
        id: 'person_id',
        situation: 'choice_id',
        alt: 'alt',
        choice: 'choice',
        derive: { price: '-price / 10000', opcost: '-opcost' },
      },
      { variables: columns('price', 'opcost', 'range', 'ev') },
    );
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([100, 1484, 4452]);
    checkLayout(d);
    // 1,1,1,0,46763,47.43,0,... / 1,1,2,1,57209,27.43,1.3,1,...
    expect(d.X[0]).toBeCloseTo(-4.6763, 12);
    expect(d.X[1]).toBeCloseTo(-47.43, 12);
    expect(Array.from(d.X.slice(4, 8))).toEqual([-5.7209, -27.43, 1.3, 1]);
    expect(d.sitChosen[0]).toBe(1);
  });

  it('yogurt: households as units, string brands', async () => {
    const d = await loadChoiceData(
      { path: dataSet('yogurt_long.csv'), id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
      { variables: [...columns('price', 'feat'), { name: 'asc_yoplait', source: { kind: 'asc', alt: 'yoplait' } }] },
    );
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([100, 2412, 9648]);
    expect(d.altLabels).toEqual(['dannon', 'hiland', 'weight', 'yoplait']);
    checkLayout(d);
  });

  it('heating (wide, no id, string codes, dotted column names in expressions)', async () => {
    const alts = ['gc', 'gr', 'ec', 'er', 'hp'];
    const d = await loadChoiceData(
      {
        path: dataSet('heating_wide.csv'),
        format: 'wide',
        choice: 'depvar',
        derive: { 'ic_k.gc': 'ic.gc / 1000' },
        alternatives: Object.fromEntries(alts.map((a) => [a, { ic: `ic.${a}`, oc: `oc.${a}` }])),
      },
      {
        variables: [
          ...columns('ic', 'oc'),
          { name: 'ick_gc', source: { kind: 'alt-specific', column: 'ic_k.gc', alt: 'gc' } },
          { name: 'income_hp', source: { kind: 'alt-specific', column: 'income', alt: 'hp' } },
        ],
      },
    );
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([900, 900, 4500]);
    expect(d.altLabels).toEqual(alts);
    checkLayout(d);
    // 1,gc,866,962.64,859.9,995.76,1135.5,199.69,... income 7
    expect(Array.from(d.X.slice(0, 4))).toEqual([866, 199.69, 0.866, 0]);
    expect(Array.from(d.X.slice(16, 20))).toEqual([1135.5, 237.88, 0, 7]);
    expect(d.sitChosen[0]).toBe(0);
  });

  it('mlogit Train (wide, choice A/B, panel by id)', async () => {
    const d = await loadChoiceData(
      {
        path: dataSet('mlogit_Train_wide.csv'),
        format: 'wide',
        id: 'id',
        choice: 'choice',
        alternatives: {
          A: { price: 'price_A', time: 'time_A' },
          B: { price: 'price_B', time: 'time_B' },
        },
      },
      { variables: columns('price', 'time') },
    );
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([235, 2929, 5858]);
    checkLayout(d);
  });

  it('apollo swiss route choice (wide, numeric codes 1/2)', async () => {
    const d = await loadChoiceData(
      {
        path: dataSet('apollo_swissRouteChoiceData.csv'),
        format: 'wide',
        id: 'ID',
        choice: 'choice',
        alternatives: {
          route1: { tt: 'tt1', tc: 'tc1', hw: 'hw1', ch: 'ch1' },
          route2: { tt: 'tt2', tc: 'tc2', hw: 'hw2', ch: 'ch2' },
        },
      },
      { variables: columns('tt', 'tc', 'hw', 'ch'), characteristics: ['hh_inc_abs'] },
    );
    expect([d.nUnits, d.nSituations, d.nRows]).toEqual([388, 3492, 6984]);
    checkLayout(d);
    // 2439,2,58,7,30,1,50,8,30,0,... : route 2 chosen
    expect(Array.from(d.X.slice(0, 8))).toEqual([58, 7, 30, 1, 50, 8, 30, 0]);
    expect(d.sitChosen[0]).toBe(1);
    expect(d.unitChars![0]).toBe(50000);
  });
});
