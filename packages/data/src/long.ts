/**
 * Long format: one row per (choice situation, alternative).
 *
 * The file's structure is checked on all rows, before the filter: the rows of
 * an individual are contiguous, and within an individual the rows of a
 * situation are contiguous. Then the filter drops rows (a situation all of
 * whose rows are dropped disappears, and so does an individual left without
 * situations), and unavailable rows are left out of the layout.
 */
import { I32Builder, RowIndexBuilder, type DirectBlock, type KeyColumn } from './table.js';
import { DataError, quote } from './errors.js';
import type { ColumnPlan, Frame } from './frame.js';
import { describeBadNumber } from './numbers.js';
import { assemble } from './panel.js';
import { reclaim } from './reclaim.js';
import { buildSituationColumns, planSituationColumns } from './situation-columns.js';
import type { DataSpec, LoadedChoiceData, LoadedExtras, LoadOptions } from './spec.js';
import { fillX, longSources } from './variables.js';

/** The columns a long-format load reads. */
export interface LongColumns {
  /** Columns read as identifiers. */
  readonly keys: string[];
  /** Names (file or derived) read as numbers. */
  readonly numeric: string[];
}

/**
 * Checks a long-format spec against the header and lists the columns it uses.
 * @throws {@link DataError} for a missing field or column.
 */
export function planLong(spec: DataSpec, options: LoadOptions, plan: ColumnPlan): LongColumns {
  const file = plan.file;
  if (spec.alternatives !== undefined || spec.choiceCodes !== undefined) {
    throw new DataError(`"alternatives" and "choiceCodes" describe wide data; set format: 'wide' to use them`, { file });
  }
  if (spec.situation === undefined) {
    throw new DataError('long format needs "situation": the column identifying each choice situation', { file });
  }
  if (spec.alt === undefined) {
    throw new DataError('long format needs "alt": the column naming the alternative of each row', { file });
  }
  const keys: string[] = [];
  if (spec.id !== undefined) {
    plan.requireFileColumn(spec.id, 'the individual column');
    keys.push(spec.id);
  }
  plan.requireFileColumn(spec.situation, 'the situation column');
  plan.requireFileColumn(spec.alt, 'the alternative column');
  keys.push(spec.situation, spec.alt);
  const numeric: string[] = [];
  const use = (name: string | undefined, role: string): void => {
    if (name === undefined) return;
    plan.require(name, role);
    numeric.push(name);
  };
  use(spec.choice, 'the choice column');
  use(spec.availability, 'the availability column');
  use(spec.weight, 'the weight column');
  for (const c of options.characteristics ?? []) use(c, 'a characteristic');
  for (const v of options.variables) {
    if (v.source.kind !== 'asc') use(v.source.column, `used by variable ${quote(v.name)}`);
  }
  planSituationColumns(options, plan, keys, numeric);
  return { keys, numeric };
}

/**
 * Builds the panel layout from long data.
 * @throws {@link DataError} for any of the problems listed in the package README.
 */
export function buildLong(spec: DataSpec, options: LoadOptions, frame: Frame): LoadedChoiceData {
  const st = longStructure(spec, frame);
  const extras: LoadedExtras = {};
  if (options.situationColumns !== undefined && options.situationColumns.length > 0) {
    extras.situationColumns = buildSituationColumns(frame, options, (n) => frame.table.keys.has(n), {
      first: st.sitFirst,
      end: st.sitEnd,
      keep: frame.filterMask(),
      label: (s) => st.sitLabel(st.sitFirst[s]),
    });
  }
  if (options.records === true) {
    extras.sitRecord = st.sitFirst;
    extras.rowRecord = st.rows ?? Int32Array.from({ length: st.rowAlt.length }, (_, i) => i);
  }
  // the identifier, choice and availability columns are not needed any more: let them go
  // before X is allocated (this function holds no reference to them)
  frame.release([spec.id, spec.situation, spec.alt, spec.choice, spec.availability], usedLater(spec, options));
  reclaim(frame.n * 8 * (3 + options.variables.length));
  const direct = frame.table.direct;
  const X = direct
    ? directX(frame, direct, options, st.rows)
    : fillX(frame, options.variables, longSources(frame.file, options.variables, st.altLabels), st.rows, st.rowAlt, options.shared === true);
  const unitCheckStart = new Int32Array(st.unitSit.length);
  for (let u = 0; u < st.unitSit.length; u++) unitCheckStart[u] = st.sitRow[st.unitSit[u]];
  const unitIds = st.unitIds;
  const what = spec.id !== undefined ? 'individual' : 'situation';
  const data = assemble(
    frame,
    {
      nVars: options.variables.length,
      varNames: options.variables.map((v) => v.name),
      unitSit: st.unitSit,
      sitRow: st.sitRow,
      sitChosen: st.sitChosen,
      X,
      rowAlt: st.rowAlt,
      altLabels: st.altLabels,
      outside: spec.outside === true,
      checkRows: st.rows,
      unitCheckStart,
      unitLabel: (u) => `${what} ${quote(unitIds[u])}`,
      unitId: (u) => unitIds[u],
    },
    spec.weight,
    options.characteristics ?? [],
  );
  return Object.assign(data, extras);
}

/** The layout of long data without X: units, situations, rows taking part and their alternatives. */
interface LongStructure {
  readonly unitSit: Int32Array;
  readonly sitRow: Int32Array;
  readonly sitChosen: Int32Array;
  /** Data row of each layout row, or null when every data row takes part, in order. */
  readonly rows: Int32Array | null;
  readonly rowAlt: Int32Array;
  readonly altLabels: string[];
  /** Each unit's id as written (the individual's, or the situation's without an id column). */
  readonly unitIds: string[];
  /** Per situation of the layout: its first data row kept by the filter. */
  readonly sitFirst: Int32Array;
  /** Per situation of the layout: one past its last data row in the file. */
  readonly sitEnd: Int32Array;
  /** Describes the situation of data row `row`, e.g. `situation "3" of individual "12"`. */
  readonly sitLabel: (row: number) => string;
}

/** What both passes over long data use: the key columns, the locations and the messages. */
interface LongContext {
  readonly file: string;
  readonly at: (row: number) => ReturnType<Frame['at']>;
  readonly where: (row: number) => string;
  readonly pair: (a: number, b: number, sep: string) => string;
  readonly idName: string | undefined;
  readonly sitName: string;
  readonly altName: string;
  readonly idCol: KeyColumn | null;
  readonly sitCol: KeyColumn;
  readonly altCol: KeyColumn;
  readonly emptyError: (col: string, row: number, what: string) => DataError;
  readonly idLabel: (row: number) => string;
  readonly sitLabel: (row: number) => string;
}

function longContext(spec: DataSpec, frame: Frame): LongContext {
  const table = frame.table;
  const file = table.file;
  const at = (row: number) => frame.at(row);
  const where = (row: number): string => frame.where(row);
  const pair = (a: number, b: number, sep: string): string => `${table.rows.unit}s ${table.rows.index(a)}${sep}${table.rows.index(b)}`;
  const idName = spec.id;
  const sitName = spec.situation!;
  const altName = spec.alt!;
  const idCol: KeyColumn | null = idName !== undefined ? table.keys.get(idName)! : null;
  const sitCol = table.keys.get(sitName)!;
  const altCol = table.keys.get(altName)!;
  const emptyError = (col: string, row: number, what: string): DataError =>
    new DataError(`empty cell, expected ${what}`, { file, ...at(row), column: col });
  const idLabel = (row: number): string => (idCol ? idCol.labels[idCol.codes[row]] : '');
  const sitLabel = (row: number): string =>
    `situation ${quote(sitCol.labels[sitCol.codes[row]])}` +
    (idCol ? ` of individual ${quote(idLabel(row))}` : '');
  return { file, at, where, pair, idName, sitName, altName, idCol, sitCol, altCol, emptyError, idLabel, sitLabel };
}

/** The situations of the file (pass 1). */
interface FileSituations {
  readonly nFileSits: number;
  /** First row of each situation, and n at the end. */
  readonly sitStart: Int32Array;
  /** The individual (run of rows) of each situation. */
  readonly sitRun: Int32Array;
}

/** Pass 1: structure (all rows, before the filter): situations and individuals contiguous, identifiers not empty. */
function fileSituations(ctx: LongContext, n: number): FileSituations {
  const { file, at, where, idName, sitName, idCol, sitCol, emptyError, sitLabel } = ctx;
  const emptyId = idCol ? idCol.labels.indexOf('') : -1;
  const emptySit = sitCol.labels.indexOf('');
  const idFirstRow = idCol ? new Int32Array(idCol.labels.length).fill(-1) : null;
  const sitStamp = new Int32Array(sitCol.labels.length).fill(-1);
  const sitStampRow = new Int32Array(sitCol.labels.length);
  const starts = new I32Builder(1024);
  const sitIndiv = new I32Builder(1024);
  let run = -1;
  let prevId = -1;
  let prevSit = -1;
  for (let i = 0; i < n; i++) {
    const id = idCol ? idCol.codes[i] : 0;
    const s = sitCol.codes[i];
    let newSit: boolean;
    if (i === 0 || id !== prevId) {
      if (idCol) {
        if (id === emptyId) throw emptyError(idName!, i, 'an individual identifier');
        if (idFirstRow![id] >= 0) {
          throw new DataError(
            `the rows of individual ${quote(idCol.labels[id])} are not contiguous: it appears again here after ` +
              `other individuals (its earlier rows start at ${where(idFirstRow![id])}); expected all rows of an ` +
              `individual together`,
            { file, ...at(i), column: idName },
          );
        }
        idFirstRow![id] = i;
      }
      run++;
      newSit = true;
    } else {
      newSit = s !== prevSit;
    }
    if (newSit) {
      if (s === emptySit) throw emptyError(sitName, i, 'a situation identifier');
      if (sitStamp[s] === run) {
        throw new DataError(
          `the rows of ${sitLabel(i)} are not contiguous: it appears again here after another situation (its ` +
            `earlier rows start at ${where(sitStampRow[s])}); expected all rows of a situation together` +
            (idCol ? '' : ' (without an individual column, situation values must be unique in the file: set "id" ' +
              'if they restart for each individual)'),
          { file, ...at(i), column: sitName },
        );
      }
      sitStamp[s] = run;
      sitStampRow[s] = i;
      starts.push(i);
      sitIndiv.push(run);
    }
    prevId = id;
    prevSit = s;
  }
  const nFileSits = starts.length;
  starts.push(n);
  const sitStart = starts.finish();
  const sitRun = sitIndiv.finish();

  return { nFileSits, sitStart, sitRun };
}

/** The rows taking part, chosen rows and units (pass 2). */
interface TakingPart {
  readonly altLabels: string[];
  readonly rowFile: RowIndexBuilder;
  readonly rowAlt: I32Builder;
  readonly sitRow: I32Builder;
  readonly sitChosen: I32Builder;
  readonly unitSit: I32Builder;
  readonly unitFirstRow: I32Builder;
  /** Per situation taking part: its first row kept by the filter, and the end of its rows in the file. */
  readonly sitFirst: I32Builder;
  readonly sitEnd: I32Builder;
}

/** The columns pass 2 reads: choice, availability and the filter's mask (computed before pass 1, whose errors come after theirs). */
interface RowColumns {
  readonly choice: ReturnType<Frame['get']>;
  readonly av: ReturnType<Frame['get']> | null;
  readonly keep: ReturnType<Frame['filterMask']>;
}

/** Pass 2: rows taking part (filter, availability), chosen rows, units. */
function rowsTakingPart(ctx: LongContext, spec: DataSpec, frame: Frame, fs: FileSituations, cols: RowColumns): TakingPart {
  const { file, at, where, pair, altName, idCol, altCol, emptyError, sitLabel } = ctx;
  const { nFileSits, sitStart, sitRun } = fs;
  const { choice, av, keep } = cols;
  const n = frame.table.nRows;
  const outside = spec.outside === true;
  const emptyAlt = altCol.labels.indexOf('');
  const altSeenSit = new Int32Array(altCol.labels.length).fill(-1);
  const altSeenRow = new Int32Array(altCol.labels.length);
  const altOfCode = new Int32Array(altCol.labels.length).fill(-1);
  const altLabels: string[] = [];
  const rowFile = new RowIndexBuilder(n);
  const rowAlt = new I32Builder(n);
  const sitRow = new I32Builder(nFileSits + 1);
  const sitChosen = new I32Builder(nFileSits);
  const unitSit = new I32Builder(1024);
  const unitFirstRow = new I32Builder(1024);
  const sitFirst = new I32Builder(nFileSits);
  const sitEnd = new I32Builder(nFileSits);
  sitRow.push(0);
  let lastRun = -1;
  for (let f = 0; f < nFileSits; f++) {
    const a = sitStart[f];
    const b = sitStart[f + 1];
    const outStart = rowFile.length;
    let chosen = -1;
    let chosenOut = -1;
    let dropped = -1;
    let nKept = 0;
    let firstKept = -1;
    for (let i = a; i < b; i++) {
      const c = choice[i];
      if (keep !== null && keep[i] === 0) {
        if (c === c && c !== 0) dropped = i;
        continue;
      }
      if (nKept++ === 0) firstKept = i;
      const ac = altCol.codes[i];
      if (ac === emptyAlt) throw emptyError(altName, i, 'an alternative label');
      if (altSeenSit[ac] === f) {
        throw new DataError(
          `alternative ${quote(altCol.labels[ac])} appears twice in ${sitLabel(i)} (${pair(altSeenRow[ac], i, ' and ')}); expected each alternative at most once per situation`,
          { file, ...at(i), column: altName },
        );
      }
      altSeenSit[ac] = f;
      altSeenRow[ac] = i;
      if (c - c !== 0) throw frame.explain(spec.choice, i, 'the choice column');
      let available = true;
      if (av !== null) {
        const x = av[i];
        if (x - x !== 0) throw frame.explain(spec.availability!, i, 'the availability column');
        if (x !== 0 && x !== 1) {
          throw new DataError(`availability is ${x}, expected 0 or 1`, {
            file,
            ...at(i),
            column: spec.availability,
          });
        }
        available = x === 1;
      }
      if (c !== 0) {
        if (chosen >= 0) {
          throw new DataError(
            `${sitLabel(i)} has several chosen rows (${pair(chosen, i, ' and ')}); expected exactly one ` +
              `row with a non-zero choice`,
            { file, ...at(i), column: spec.choice },
          );
        }
        if (!available) {
          throw new DataError(
            `the chosen alternative ${quote(altCol.labels[ac])} of ${sitLabel(i)} is unavailable ` +
              `(${spec.availability} = 0); expected the chosen alternative to be available`,
            { file, ...at(i), column: spec.availability },
          );
        }
        chosen = i;
        chosenOut = rowFile.length;
      }
      if (available) {
        let alt = altOfCode[ac];
        if (alt < 0) {
          alt = altOfCode[ac] = altLabels.length;
          altLabels.push(altCol.labels[ac]);
        }
        rowFile.push(i);
        rowAlt.push(alt);
      }
    }
    if (nKept === 0) continue;
    if (rowFile.length === outStart) {
      throw new DataError(
        `${sitLabel(a)} (${pair(a, b - 1, '-')}) has no available alternative; expected at least one`,
        { file, ...at(a), column: spec.availability },
      );
    }
    if (chosen < 0) {
      if (dropped >= 0) {
        throw new DataError(
          `the chosen row of ${sitLabel(a)} (${where(dropped)}) is removed by the filter while other rows of ` +
            `the situation are kept; expected the filter to keep the chosen row or drop the whole situation`,
          { file, ...at(dropped), column: spec.choice },
        );
      }
      if (!outside) {
        throw new DataError(
          `${sitLabel(a)} (${pair(a, b - 1, '-')}) has no chosen row; expected exactly one row with a ` +
            `non-zero choice (or outside: true if such situations chose an outside option)`,
          { file, ...at(a), column: spec.choice },
        );
      }
    }
    if (idCol === null || sitRun[f] !== lastRun) {
      unitSit.push(sitChosen.length);
      unitFirstRow.push(a);
      lastRun = sitRun[f];
    }
    sitChosen.push(chosenOut);
    sitRow.push(rowFile.length);
    sitFirst.push(firstKept);
    sitEnd.push(b);
  }
  if (sitChosen.length === 0) {
    throw new DataError('no choice situation is left: the filter drops every row; expected at least one situation', {
      file,
    });
  }
  unitSit.push(sitChosen.length);

  return { altLabels, rowFile, rowAlt, sitRow, sitChosen, unitSit, unitFirstRow, sitFirst, sitEnd };
}

/** Checks the structure and finds the rows taking part (passes 1 and 2). */
function longStructure(spec: DataSpec, frame: Frame): LongStructure {
  const ctx = longContext(spec, frame);
  const { idCol, sitCol, idLabel, sitLabel } = ctx;
  const cols: RowColumns = {
    choice: frame.get(spec.choice),
    av: spec.availability !== undefined ? frame.get(spec.availability) : null,
    keep: frame.filterMask(),
  };
  const fs = fileSituations(ctx, frame.table.nRows);
  const { altLabels, rowFile, rowAlt, sitRow, sitChosen, unitSit, unitFirstRow, sitFirst, sitEnd } = rowsTakingPart(ctx, spec, frame, fs, cols);
  const firstRows = unitFirstRow.finish();
  const unitSitArr = unitSit.finish();
  return {
    unitSit: unitSitArr,
    sitRow: sitRow.finish(),
    sitChosen: sitChosen.finish(),
    rows: rowFile.finish(),
    rowAlt: rowAlt.finish(),
    altLabels,
    sitFirst: sitFirst.finish(),
    sitEnd: sitEnd.finish(),
    sitLabel,
    unitIds: Array.from({ length: unitSitArr.length - 1 }, (_, u) =>
      idCol ? idLabel(firstRows[u]) : sitCol.labels[sitCol.codes[firstRows[u]]],
    ),
  };
}

/** The names a load still reads after the layout's structure is built: the variables, the weight, the characteristics. */
export function usedLater(spec: DataSpec, options: LoadOptions): Set<string> {
  const out = new Set<string>();
  for (const v of options.variables) if (v.source.kind !== 'asc') out.add(v.source.column);
  if (spec.weight !== undefined) out.add(spec.weight);
  for (const c of options.characteristics ?? []) out.add(c);
  return out;
}

/**
 * X when the reader wrote it (Table.direct): row r of the block is data row r,
 * and every data row takes part. A value that is not a finite number is the
 * error fillX would report (the first variable, then the first row).
 */
function directX(frame: Frame, direct: DirectBlock, options: LoadOptions, rows: Int32Array | null): Float64Array {
  const K = direct.names.length;
  if (rows !== null || K !== options.variables.length) throw new Error('internal: the direct block does not match the layout');
  for (let k = 0; k < K; k++) {
    const bad = direct.bad[k];
    if (bad.size === 0) continue;
    let row = Infinity;
    for (const r of bad.keys()) if (r < row) row = r;
    throw new DataError(`${describeBadNumber(bad.get(row) ?? null)} (variable ${quote(options.variables[k].name)})`, {
      file: frame.file,
      ...frame.at(row),
      column: direct.names[k],
    });
  }
  return direct.X;
}
