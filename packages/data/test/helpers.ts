import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ChoiceData } from '@mxl/core';
import { DataError } from '../src/index.js';

/** Path of a committed public data set (`test/data/` or `examples/`). */
export { dataSet } from '@mxl/test-helpers';

let dir: string | null = null;
/** Writes a small fixture file into a per-run temp dir and returns its path. */
export function fixture(name: string, content: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'mxl-data-test-'));
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A plain split of a quote-free CSV, as an independent reference. */
export function naiveTable(path: string, delimiter = ','): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  return { header: lines[0].split(delimiter), rows: lines.slice(1).map((l) => l.split(delimiter)) };
}

/** Runs `f`, expects a DataError, and returns it. */
export async function dataError(f: () => unknown): Promise<DataError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, but nothing was thrown');
}

/** Checks the structural invariants of a layout (plain loops: fast on large data). */
export function checkLayout(d: ChoiceData): void {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok && problems.length < 10) problems.push(what);
  };
  check(d.unitSit.length === d.nUnits + 1, 'unitSit length');
  check(d.sitRow.length === d.nSituations + 1, 'sitRow length');
  check(d.unitSit[0] === 0 && d.unitSit[d.nUnits] === d.nSituations, 'unitSit ends');
  check(d.sitRow[0] === 0 && d.sitRow[d.nSituations] === d.nRows, 'sitRow ends');
  check(d.X.length === d.nRows * d.nVars, 'X length');
  check(d.rowAlt.length === d.nRows, 'rowAlt length');
  check(d.sitChosen.length === d.nSituations, 'sitChosen length');
  check(d.unitCluster.length === d.nUnits && d.nClusters === d.nUnits, 'clusters');
  check(d.varNames.length === d.nVars, 'varNames length');
  for (let u = 0; u < d.nUnits; u++) {
    check(d.unitSit[u + 1] > d.unitSit[u], `unit ${u} has no situation`);
    check(d.unitCluster[u] === u, `unitCluster[${u}]`);
  }
  for (let s = 0; s < d.nSituations; s++) {
    check(d.sitRow[s + 1] > d.sitRow[s], `situation ${s} has no row`);
    const c = d.sitChosen[s];
    if (c === -1) check(d.outside, `situation ${s}: outside chosen without outside option`);
    else check(c >= d.sitRow[s] && c < d.sitRow[s + 1], `situation ${s}: chosen row outside the situation`);
  }
  for (let r = 0; r < d.nRows; r++) check(d.rowAlt[r] >= 0 && d.rowAlt[r] < d.altLabels.length, `rowAlt[${r}]`);
  for (let i = 0; i < d.X.length; i++) check(Number.isFinite(d.X[i]), `X[${i}] = ${d.X[i]}`);
  expect(problems).toEqual([]);
}

/** `column` variables for the given names. */
export function columns(...names: string[]) {
  return names.map((n) => ({ name: n, source: { kind: 'column' as const, column: n } }));
}
