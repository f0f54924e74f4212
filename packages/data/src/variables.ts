/**
 * The columns of X: what each {@link Variable} reads for each alternative, and
 * the filling of the row-major attribute matrix.
 */
import { DataError, listNames, quote } from './errors.js';
import type { Frame } from './frame.js';
import type { Variable } from './spec.js';

/** What a variable takes in the rows of one alternative. */
export type AltSource =
  | { readonly kind: 'zero' }
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'column'; readonly column: string };

/** For each variable, its source in the rows of each alternative (indexed like `altLabels`). */
export type VariableSources = readonly (readonly AltSource[])[];

const ZERO: AltSource = { kind: 'zero' };
const ONE: AltSource = { kind: 'const', value: 1 };

/**
 * Checks the variable list itself: names present and unique, sources well formed.
 * @throws {@link DataError} naming the variable.
 */
export function checkVariables(file: string, variables: readonly Variable[]): void {
  if (!Array.isArray(variables)) throw new DataError('options.variables must be an array of variables', { file });
  const seen = new Set<string>();
  for (const v of variables) {
    if (!v || typeof v.name !== 'string' || v.name === '') {
      throw new DataError(`every variable needs a non-empty name, found ${JSON.stringify(v)}`, { file });
    }
    if (seen.has(v.name)) throw new DataError(`variable ${quote(v.name)} is listed twice; names must be unique`, { file });
    seen.add(v.name);
    const s = v.source as Variable['source'] | undefined;
    const kind = s?.kind;
    const ok =
      s !== undefined &&
      ((kind === 'column' && typeof s.column === 'string') ||
        (kind === 'asc' && s.alt !== undefined) ||
        (kind === 'alt-specific' && typeof s.column === 'string' && s.alt !== undefined));
    if (!ok) {
      throw new DataError(
        `variable ${quote(v.name)}: expected source {kind: 'column', column} | {kind: 'asc', alt} | ` +
          `{kind: 'alt-specific', column, alt}, found ${JSON.stringify(s)}`,
        { file },
      );
    }
  }
}

/**
 * Finds an alternative label: exact match, else numeric equality (`"1"` matches `"1.0"`).
 * @returns The index in `labels`, or -1.
 */
export function findAlt(labels: readonly string[], alt: string | number): number {
  const s = String(alt);
  const exact = labels.indexOf(s);
  if (exact >= 0) return exact;
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x)) return -1;
  return labels.findIndex((l) => l.trim() !== '' && Number(l) === x);
}

function altIndex(file: string, v: Variable, alt: string, labels: readonly string[]): number {
  const a = findAlt(labels, alt);
  if (a < 0) {
    throw new DataError(
      `variable ${quote(v.name)}: alternative ${quote(String(alt))} does not occur among the rows taking part; ` +
        `known alternatives: ${listNames(labels)}`,
      { file },
    );
  }
  return a;
}

/** Long format: columns are the same for every alternative. */
export function longSources(file: string, variables: readonly Variable[], labels: readonly string[]): VariableSources {
  return variables.map((v) => {
    const s = v.source;
    if (s.kind === 'column') return labels.map((): AltSource => ({ kind: 'column', column: s.column }));
    const a = altIndex(file, v, s.alt, labels);
    const hit: AltSource = s.kind === 'asc' ? ONE : { kind: 'column', column: s.column };
    return labels.map((_, j) => (j === a ? hit : ZERO));
  });
}

/** Wide-format alternatives: name and attribute map, in order. */
export type WideAlternatives = readonly { readonly name: string; readonly attrs: Readonly<Record<string, string | number>> }[];

function attrSource(value: string | number): AltSource {
  return typeof value === 'number' ? (value === 0 ? ZERO : { kind: 'const', value }) : { kind: 'column', column: value };
}

/**
 * Wide format: a `column` variable reads the attribute of that name of each
 * alternative (every alternative must define it); an `alt-specific` variable
 * reads that alternative's attribute, or else a column of the file.
 * @throws {@link DataError} naming the alternative and the attribute it lacks.
 */
export function wideSources(
  file: string,
  variables: readonly Variable[],
  alts: WideAlternatives,
  isColumn: (name: string) => boolean,
): VariableSources {
  const labels = alts.map((a) => a.name);
  return variables.map((v) => {
    const s = v.source;
    if (s.kind === 'column') {
      return alts.map((a) => {
        if (!Object.hasOwn(a.attrs, s.column) || s.column === 'av') {
          const holders = alts.filter((b) => Object.hasOwn(b.attrs, s.column)).map((b) => b.name);
          throw new DataError(
            `variable ${quote(v.name)}: alternative ${quote(a.name)} has no attribute ${quote(s.column)}` +
              (holders.length > 0 ? ` (defined for ${listNames(holders)})` : '') +
              `; expected every alternative to define it (give it the constant 0 to leave it out on purpose)`,
            { file },
          );
        }
        return attrSource(a.attrs[s.column]);
      });
    }
    const j = altIndex(file, v, s.alt, labels);
    let hit: AltSource;
    if (s.kind === 'asc') hit = ONE;
    else if (Object.hasOwn(alts[j].attrs, s.column) && s.column !== 'av') hit = attrSource(alts[j].attrs[s.column]);
    else if (isColumn(s.column)) hit = { kind: 'column', column: s.column };
    else {
      throw new DataError(
        `variable ${quote(v.name)}: ${quote(s.column)} is neither an attribute of alternative ${quote(alts[j].name)} ` +
          `nor a column of the file`,
        { file, column: s.column },
      );
    }
    return alts.map((_, i) => (i === j ? hit : ZERO));
  });
}

/**
 * Fills X (row-major, `rowFile.length * variables.length`).
 * @param rowFile - For each output row, the data row it reads (null: row r reads data row r).
 * @param rowAlt - For each output row, its alternative (index into the sources).
 * @param shared - Allocate X in a SharedArrayBuffer.
 * @throws {@link DataError} for a missing, non-numeric or non-finite value in a row that takes part.
 */
export function fillX(
  frame: Frame,
  variables: readonly Variable[],
  sources: VariableSources,
  rowFile: Int32Array | null,
  rowAlt: Int32Array,
  shared = false,
): Float64Array {
  const nVars = variables.length;
  const nRows = rowAlt.length;
  const X = shared ? new Float64Array(new SharedArrayBuffer(8 * nRows * nVars)) : new Float64Array(nRows * nVars);
  // the common case: every variable reads one column whatever the alternative: row by row
  const plain = sources.map((perAlt) => {
    const s0 = perAlt[0];
    return s0 !== undefined && s0.kind === 'column' && perAlt.every((s) => s.kind === 'column' && s.column === s0.column) ? s0.column : null;
  });
  if (nVars > 0 && plain.every((c) => c !== null)) {
    const cols = plain.map((c) => frame.get(c!));
    fillPlain(X, cols, rowFile, nRows, (k, r) => frame.explain(plain[k]!, rowFile ? rowFile[r] : r, `variable ${quote(variables[k].name)}`));
    return X;
  }
  for (let k = 0; k < nVars; k++) {
    const perAlt = sources[k];
    const nAlt = perAlt.length;
    const kind = new Int8Array(nAlt);
    const consts = new Float64Array(nAlt);
    const cols: (Float64Array | null)[] = [];
    const names: string[] = [];
    for (let j = 0; j < nAlt; j++) {
      const s = perAlt[j];
      cols.push(s.kind === 'column' ? frame.get(s.column) : null);
      names.push(s.kind === 'column' ? s.column : '');
      kind[j] = s.kind === 'column' ? 2 : s.kind === 'const' ? 1 : 0;
      consts[j] = s.kind === 'const' ? s.value : 0;
    }
    for (let r = 0; r < nRows; r++) {
      const j = rowAlt[r];
      let x: number;
      if (kind[j] === 2) {
        const i = rowFile ? rowFile[r] : r;
        x = cols[j]![i];
        if (x - x !== 0) throw frame.explain(names[j], i, `variable ${quote(variables[k].name)}`);
      } else {
        x = consts[j];
      }
      X[r * nVars + k] = x;
    }
  }
  return X;
}

/** X[r, k] = cols[k][rowFile[r]], row by row (sequential writes); a non-finite value is an error. */
function fillPlain(X: Float64Array, cols: Float64Array[], rowFile: Int32Array | null, n: number, explain: (k: number, r: number) => Error): void {
  const K = cols.length;
  let o = 0;
  for (let r = 0; r < n; r++) {
    const i = rowFile ? rowFile[r] : r;
    for (let k = 0; k < K; k++) {
      const x = cols[k][i];
      if (x - x !== 0) throw explain(k, r);
      X[o++] = x;
    }
  }
}
