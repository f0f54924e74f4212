/**
 * Per-individual values (weights and characteristics) and the final assembly
 * of a {@link ChoiceData} in the panel layout (one unit per individual, or per
 * situation when there is no individual column).
 */
import type { ChoiceData } from '@mxl/core';
import { DataError, quote } from './errors.js';
import type { Frame } from './frame.js';

/** What the format-specific readers produce. */
export interface PanelParts {
  readonly nVars: number;
  readonly varNames: readonly string[];
  /** Length nUnits+1. */
  readonly unitSit: Int32Array;
  /** Length nSituations+1. */
  readonly sitRow: Int32Array;
  /** Length nSituations: chosen row, or -1 for the outside option. */
  readonly sitChosen: Int32Array;
  readonly X: Float64Array;
  readonly rowAlt: Int32Array;
  readonly altLabels: readonly string[];
  readonly outside: boolean;
  /** Data rows whose individual-level values are checked, grouped by unit (null: 0, 1, 2, ...). */
  readonly checkRows: Int32Array | null;
  /** Length nUnits+1: the check rows of unit u are checkRows[unitCheckStart[u] .. unitCheckStart[u+1]-1]. */
  readonly unitCheckStart: Int32Array;
  /** Describes unit u for messages, e.g. `individual "12"`. */
  readonly unitLabel: (u: number) => string;
  /** Unit u's id as written in the file (individual, or situation without an individual column). */
  readonly unitId: (u: number) => string;
}

/**
 * Reads a per-individual column: one value per unit, which must be the same
 * in all of the unit's rows.
 * @param check - Extra check of the value (e.g. positive); returns an error text or null.
 * @throws {@link DataError} on a missing value, a value varying within an individual, or a failed check.
 */
export function perUnit(
  frame: Frame,
  parts: PanelParts,
  name: string,
  role: string,
  check: (x: number) => string | null = () => null,
): Float64Array {
  const col = frame.get(name);
  const nUnits = parts.unitCheckStart.length - 1;
  const out = new Float64Array(nUnits);
  for (let u = 0; u < nUnits; u++) {
    const a = parts.unitCheckStart[u];
    const b = parts.unitCheckStart[u + 1];
    const rows = parts.checkRows;
    const first = rows ? rows[a] : a;
    const x = col[first];
    if (x - x !== 0) throw frame.explain(name, first, role);
    const problem = check(x);
    if (problem !== null) {
      throw new DataError(`${role} is ${x}, expected ${problem}`, { file: frame.file, ...frame.at(first), column: name });
    }
    for (let i = a + 1; i < b; i++) {
      const r = rows ? rows[i] : i;
      const y = col[r];
      if (y === x) continue;
      if (y - y !== 0) throw frame.explain(name, r, role);
      throw new DataError(
        `${role} must be constant within ${parts.unitLabel(u)}, but it is ${x} at ${frame.where(first)} ` +
          `and ${y} here`,
        { file: frame.file, ...frame.at(r), column: name },
      );
    }
    out[u] = x;
  }
  return out;
}

/**
 * Builds the {@link ChoiceData}: unit weights from `weight` (positive, finite,
 * constant within an individual) and unit characteristics.
 */
export function assemble(
  frame: Frame,
  parts: PanelParts,
  weight: string | undefined,
  characteristics: readonly string[],
): ChoiceData {
  const nUnits = parts.unitSit.length - 1;
  const nSituations = parts.sitRow.length - 1;
  const unitWeight =
    weight === undefined
      ? null
      : perUnit(frame, parts, weight, `the weight ${quote(weight)}`, (x) => (x > 0 ? null : 'a positive number'));
  const nc = characteristics.length;
  let unitChars: Float64Array | null = null;
  if (nc > 0) {
    unitChars = new Float64Array(nUnits * nc);
    characteristics.forEach((c, k) => {
      const v = perUnit(frame, parts, c, `the characteristic ${quote(c)}`);
      for (let u = 0; u < nUnits; u++) unitChars![u * nc + k] = v[u];
    });
  }
  const unitCluster = new Int32Array(nUnits);
  for (let u = 0; u < nUnits; u++) unitCluster[u] = u;
  return {
    nUnits,
    nSituations,
    nRows: parts.rowAlt.length,
    nVars: parts.nVars,
    varNames: parts.varNames,
    unitSit: parts.unitSit,
    sitRow: parts.sitRow,
    sitChosen: parts.sitChosen,
    X: parts.X,
    rowAlt: parts.rowAlt,
    altLabels: parts.altLabels,
    unitWeight,
    unitCluster,
    nClusters: nUnits,
    outside: parts.outside,
    unitChars,
    charNames: [...characteristics],
    clusterIds: Array.from({ length: nUnits }, (_, u) => parts.unitId(u)),
  };
}
