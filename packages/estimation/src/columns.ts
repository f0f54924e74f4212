/**
 * Assembles the model's X from the loaded data columns: plain columns are
 * taken as they are; alternative-specific constants, alternative-specific
 * coefficients and error-component dummies are made from each row's
 * alternative. One copy of X, made once at load time (none when the model
 * uses exactly the loaded columns).
 */
import type { ChoiceData } from '@mxl/core';
import type { ColumnSource } from './model.js';

/**
 * @param base - data whose X holds the plain columns `baseNames`, in order
 * @param columns - the model's columns with their sources
 */
export function assembleColumns(base: ChoiceData, baseNames: readonly string[], columns: readonly { name: string; source: ColumnSource }[]): ChoiceData {
  const K = columns.length, Kb = base.nVars, n = base.nRows;
  // the model's columns are the loaded ones, in order: X is used as it is (no second copy of the data)
  if (K === Kb && columns.every((c, k) => c.source.kind === 'column' && c.source.column === baseNames[k])) {
    return { ...base, varNames: columns.map((c) => c.name) };
  }
  // in shared memory, like the loaded X, so the worker pool uses it without a copy
  const X = new Float64Array(new SharedArrayBuffer(8 * n * K));
  const labelOf = (row: number) => base.altLabels[base.rowAlt[row]];
  columns.forEach((c, k) => {
    const src = c.source;
    if (src.kind === 'column' || src.kind === 'alt-specific') {
      const b = baseNames.indexOf(src.column);
      if (b < 0) throw new RangeError(`column ${src.column} was not loaded`);
      for (let r = 0; r < n; r++) {
        if (src.kind === 'alt-specific' && labelOf(r) !== src.alt) continue;
        X[r * K + k] = base.X[r * Kb + b];
      }
    } else if (src.kind === 'asc') {
      for (let r = 0; r < n; r++) if (labelOf(r) === src.alt) X[r * K + k] = 1;
    } else {
      const set = new Set(src.alts);
      for (let r = 0; r < n; r++) if (set.has(labelOf(r))) X[r * K + k] = 1;
    }
  });
  return { ...base, X, nVars: K, varNames: columns.map((c) => c.name) };
}
