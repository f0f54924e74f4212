/**
 * The model's X recomputed from the data with some columns substituted
 * (`price` -> `price * 1.1`), for counterfactuals and effects of a data
 * variable that enters the utilities through derived columns
 * (`-price / 10000`, `price * income`): re-deriving the columns follows the
 * variable through every expression that reads it. The rows are those of the
 * prepared problem (the filter reads the original values); a substitution
 * that would change which rows take part is an error.
 */
import { loadChoiceData, type Substitution, type Variable } from '@mxl/data';
import { assembleColumns } from './columns.js';
import { EstimationError } from './errors.js';
import type { Prepared } from './prepare.js';
import { dataColumns, modelCharacteristics } from './model.js';

/** Options of {@link loadVariant}. */
export interface VariantOptions {
  /** Also return the value of this data column in every row (as a substitution sees it: a file column before any derived column of its name). */
  valuesOf?: string;
  /** Worker threads for reading a large file (default as in prepare). */
  workers?: number;
}

/** What {@link loadVariant} returns. */
export interface Variant {
  /** X with the model's columns (same layout as `prepared.data.X`). */
  X: Float64Array;
  /** The requested column's value in every row, or null. */
  values: Float64Array | null;
}

/**
 * Loads the prepared problem's data again with columns substituted and builds
 * the model's X from it.
 * @throws {@link EstimationError} when the substitution changes the rows that
 *   take part (an availability column that reads the substituted column), and
 *   the data package's errors (an unknown column, an expression that does not parse).
 */
export async function loadVariant(p: Prepared, substitute: readonly Substitution[], o: VariantOptions = {}): Promise<Variant> {
  const spec = p.spec;
  const baseNames = dataColumns(spec);
  const workers = o.workers ?? spec.workers ?? undefined;
  const loaded = await loadChoiceData(spec.data, {
    variables: baseNames.map((c) => ({ name: c, source: { kind: 'column' as const, column: c } })),
    characteristics: modelCharacteristics(spec),
    substitute,
    workers,
  });
  sameRows(p, loaded.nRows, loaded.rowAlt, loaded.altLabels, substitute);
  const X = assembleColumns(loaded, baseNames, p.design.columns).X;
  let values: Float64Array | null = null;
  if (o.valuesOf !== undefined) {
    // one alternative-specific column per alternative: in long and wide data alike, the column's value in that alternative's rows
    const labels = p.data.altLabels;
    // the column as substituted (a file column, before any derived column of the same name replaces it)
    const alias = '.mxl.value';
    const variables: Variable[] = labels.map((alt, i) => ({ name: `v${i}`, source: { kind: 'alt-specific', column: alias, alt } }));
    const v = await loadChoiceData(spec.data, { variables, workers, substitute: [{ column: o.valuesOf, expression: o.valuesOf, as: alias }] });
    sameRows(p, v.nRows, v.rowAlt, v.altLabels, []);
    const A = labels.length;
    values = new Float64Array(v.nRows);
    const column = v.altLabels.map((l) => labels.indexOf(l));
    for (let r = 0; r < v.nRows; r++) values[r] = v.X[r * A + column[v.rowAlt[r]]];
  }
  return { X, values };
}

function sameRows(p: Prepared, nRows: number, rowAlt: Int32Array, labels: readonly string[], substitute: readonly Substitution[]): void {
  const d = p.data;
  let same = nRows === d.nRows;
  for (let r = 0; same && r < nRows; r++) same = labels[rowAlt[r]] === d.altLabels[d.rowAlt[r]];
  if (!same) {
    const what = substitute.map((s) => s.column).join(', ');
    throw new EstimationError(`changing ${what} changes which rows take part (does the availability read it?); it cannot be varied in a prediction`);
  }
}
