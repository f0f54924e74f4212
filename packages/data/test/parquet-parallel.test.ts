/**
 * Parquet row groups decoded by several workers (straight into shared
 * columns, identifier codes mapped to first appearance afterwards) give the
 * layout a sequential read gives, for numeric and for string identifiers,
 * whatever the number of workers. Runs the built dist/parquet-worker.js.
 */
import { describe, expect, it } from 'vitest';
import { makeVector, Table, vectorFromArray, Utf8 } from 'apache-arrow';
import { loadChoiceData, DataError } from '../src/index.js';
import { writeParquetFile } from './formats.js';
import { columns, fixture } from './helpers.js';
import { expectSameLayout } from './layout-compare.js';

/** A panel whose ids repeat across row groups in a scrambled order (so codes are not the row-group order). */
function panel(nInd: number, stringIds: boolean) {
  const id: number[] = [], sit: number[] = [], alt: string[] = [], ch: number[] = [], x: number[] = [];
  for (let i = 0; i < nInd; i++) {
    const who = (i * 7919) % 1009; // ids out of order, unique per individual
    for (let t = 1; t <= 2; t++) for (let j = 0; j < 3; j++) {
      id.push(who); sit.push(t); alt.push(['bus', 'car', 'train'][(j + i) % 3]); ch.push(j === (i + t) % 3 ? 1 : 0);
      x.push(Math.round(((i * 31 + t * 7 + j * 3) % 97) * 13.7) / 100);
    }
  }
  return new Table({
    id: stringIds ? vectorFromArray(id.map((v) => `p${v}`), new Utf8()) : makeVector(Int32Array.from(id)),
    sit: makeVector(Int32Array.from(sit)),
    alt: vectorFromArray(alt, new Utf8()),
    ch: makeVector(Float64Array.from(ch)),
    x: makeVector(Float64Array.from(x)),
  });
}

const SPEC = { id: 'id', situation: 'sit', alt: 'alt', choice: 'ch' };

describe('Parquet row groups on worker threads', () => {
  for (const stringIds of [false, true]) {
    it(`the same layout for 1, 2 and 3 workers (${stringIds ? 'string' : 'integer'} ids, 9 row groups)`, async () => {
      const path = writeParquetFile(fixture(`rg-${stringIds}.parquet`, ''), panel(300, stringIds), { maxRowGroupSize: 200 });
      const one = await loadChoiceData({ path, ...SPEC }, { variables: columns('x'), workers: 1 });
      expect(one.nUnits).toBe(300);
      for (const workers of [2, 3]) {
        const many = await loadChoiceData({ path, ...SPEC }, { variables: columns('x'), workers });
        expectSameLayout(many, one);
      }
      // first appearance in the file, not per row group
      const first = [0, 7919 % 1009, (2 * 7919) % 1009].map((v) => (stringIds ? `p${v}` : String(v)));
      expect(one.clusterIds!.slice(0, 3)).toEqual(first);
    });
  }

  it('a bad value in a late row group is reported as in a sequential read, for any number of workers', async () => {
    const t = panel(300, false);
    const x = Float64Array.from(t.getChild('x')!.toArray() as Float64Array);
    x[1500] = NaN;
    const bad = new Table({ id: t.getChild('id')!, sit: t.getChild('sit')!, alt: t.getChild('alt')!, ch: t.getChild('ch')!, x: makeVector(x) });
    const path = writeParquetFile(fixture('rg-bad.parquet', ''), bad, { maxRowGroupSize: 100 });
    const errs: string[] = [];
    for (const workers of [1, 2, 3]) {
      try {
        await loadChoiceData({ path, ...SPEC }, { variables: columns('x'), workers });
      } catch (e) {
        expect(e).toBeInstanceOf(DataError);
        errs.push((e as Error).message);
      }
    }
    expect(errs.length).toBe(3);
    expect(new Set(errs).size).toBe(1);
    expect(errs[0]).toMatch(/row 1500, column "x": "NaN" is not a finite number/);
  });
});
