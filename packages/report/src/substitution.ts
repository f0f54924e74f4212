/**
 * Large choice sets: a matrix over J alternatives (aggregate elasticities,
 * diversion ratios) has J² cells, more than a terminal line or a page holds
 * beyond a dozen alternatives (J = 100: 10,000 cells; J = 1000: a million).
 * Its readable part is per alternative: the diagonal (own elasticities) and
 * the few largest entries off it (the strongest cross-elasticities, the main
 * diversion destinations). `mxl predict` prints this summary instead of the
 * matrix when J > {@link FULL_MATRIX_MAX}, and the HTML report draws it as a
 * table when its heat map is too large to carry the values.
 */

/** Alternatives up to which `mxl predict` prints a matrix whole (a 12-column table is about 130 characters wide); beyond, the summary. */
export const FULL_MATRIX_MAX = 12;

/** A matrix over the alternatives: row i, column j; null (JSON) or NaN where there is no value. */
export interface AltMatrixLike {
  alternatives: readonly string[];
  values: readonly (readonly (number | null)[])[];
  se?: readonly (readonly (number | null)[])[] | null;
}

/** One entry of a row: its column, value and standard error (null when not asked or not finite). */
export interface MatrixEntry {
  column: number;
  alternative: string;
  value: number;
  se: number | null;
}

/** A row's summary: its diagonal entry and its largest entries off the diagonal. */
export interface RowSummary {
  row: number;
  alternative: string;
  /** The diagonal (own elasticity; a diversion matrix's is not used). */
  own: MatrixEntry;
  /** Up to k entries off the diagonal, largest first, finite values only. */
  largest: MatrixEntry[];
}

const value = (x: number | null | undefined): number => (typeof x === 'number' ? x : NaN);

function entry(m: AltMatrixLike, i: number, j: number): MatrixEntry {
  const se = value(m.se?.[i]?.[j]);
  return { column: j, alternative: m.alternatives[j], value: value(m.values[i]?.[j]), se: Number.isFinite(se) ? se : null };
}

/**
 * Every row's diagonal and its k largest entries off the diagonal: by size
 * (|value|, for elasticities, whose cross terms may have either sign) or by
 * value (diversion ratios: where the demand goes). Ties keep column order.
 */
export function summarizeMatrix(m: AltMatrixLike, k: number, by: 'size' | 'value'): RowSummary[] {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be a whole number >= 0; received ${k}`);
  const J = m.alternatives.length;
  const key = by === 'size' ? Math.abs : (x: number) => x;
  return m.alternatives.map((alternative, i) => {
    const off: MatrixEntry[] = [];
    for (let j = 0; j < J; j++) if (j !== i && Number.isFinite(value(m.values[i]?.[j]))) off.push(entry(m, i, j));
    off.sort((a, b) => key(b.value) - key(a.value) || a.column - b.column);
    return { row: i, alternative, own: entry(m, i, i), largest: off.slice(0, k) };
  });
}
