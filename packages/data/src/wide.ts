/**
 * Wide format (Biogeme/Apollo style): one row per choice situation, the
 * alternatives' attributes in separate columns named by `alternatives`, the
 * chosen alternative's code in the choice column.
 *
 * The individual column's contiguity is checked on all rows; then the filter
 * drops situations, and unavailable alternatives are left out of the layout.
 */
import { I32Builder, type KeyColumn } from './table.js';
import { DataError, listNames, quote } from './errors.js';
import type { ColumnPlan, Frame } from './frame.js';
import { assemble } from './panel.js';
import { buildSituationColumns, planSituationColumns } from './situation-columns.js';
import type { DataSpec, LoadedChoiceData, LoadedExtras, LoadOptions } from './spec.js';
import { fillX, type VariableSources, type WideAlternatives, wideSources } from './variables.js';

/** A wide-format load as planned from the spec and the header. */
export interface WidePlan {
  /** Columns read as identifiers. */
  readonly keys: string[];
  /** Names (file or derived) read as numbers. */
  readonly numeric: string[];
  /** The alternatives, in order. */
  readonly alts: WideAlternatives;
  /** What each variable reads for each alternative. */
  readonly sources: VariableSources;
  /** Availability of each alternative: a column name, or a constant 0/1. */
  readonly av: readonly (string | number)[];
}

/**
 * Checks a wide-format spec against the header and lists the columns it uses.
 * @throws {@link DataError} for a malformed `alternatives`/`choiceCodes`, a
 *   missing column, or a variable attribute that an alternative lacks.
 */
export function planWide(spec: DataSpec, options: LoadOptions, plan: ColumnPlan): WidePlan {
  const file = plan.file;
  if (spec.availability !== undefined) {
    throw new DataError(
      `"availability" is for long data; in wide format give each alternative an "av" attribute (column or 0/1)`,
      { file },
    );
  }
  if (spec.outside) throw new DataError('"outside" is only supported for long data', { file });
  const given = spec.alternatives;
  if (given === undefined || given === null || typeof given !== 'object' || Object.keys(given).length === 0) {
    throw new DataError(
      'wide format needs "alternatives": { altName: { attribute: column or constant, av: column or 0/1 } }',
      { file },
    );
  }
  const alts: { name: string; attrs: Record<string, string | number> }[] = [];
  const av: (string | number)[] = [];
  const numeric: string[] = [];
  for (const [name, attrs] of Object.entries(given)) {
    if (attrs === null || typeof attrs !== 'object') {
      throw new DataError(`alternative ${quote(name)}: expected an object of attributes, found ${JSON.stringify(attrs)}`, {
        file,
      });
    }
    for (const [attr, value] of Object.entries(attrs)) {
      const role = `attribute ${quote(attr)} of alternative ${quote(name)}`;
      if (typeof value === 'string') plan.require(value, role);
      else if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new DataError(`${role}: expected a column name or a finite number, found ${JSON.stringify(value)}`, {
          file,
        });
      }
    }
    const a = Object.hasOwn(attrs, 'av') ? attrs.av : 1;
    if (typeof a === 'number' && a !== 0 && a !== 1) {
      throw new DataError(`the "av" of alternative ${quote(name)} is ${a}, expected a column or 0 or 1`, { file });
    }
    if (typeof a === 'string') numeric.push(a);
    av.push(a);
    alts.push({ name, attrs });
  }
  const keys: string[] = [];
  if (spec.id !== undefined) {
    plan.requireFileColumn(spec.id, 'the individual column');
    keys.push(spec.id);
  }
  plan.requireFileColumn(spec.choice, 'the choice column');
  keys.push(spec.choice);
  for (const [name, role] of [
    [spec.weight, 'the weight column'],
    ...(options.characteristics ?? []).map((c) => [c, 'a characteristic']),
  ] as [string | undefined, string][]) {
    if (name === undefined) continue;
    plan.require(name, role);
    numeric.push(name);
  }
  planSituationColumns(options, plan, keys, numeric);
  const sources = wideSources(file, options.variables, alts, (n) => plan.has(n));
  for (const perAlt of sources) for (const s of perAlt) if (s.kind === 'column') numeric.push(s.column);
  return { keys, numeric, alts, sources, av };
}

/** Maps choice-column texts to alternatives. */
class ChoiceCodes {
  private readonly map = new Map<string, number>();
  readonly known: string;

  constructor(file: string, alts: WideAlternatives, codes: Record<string, string | number> | undefined) {
    const names = alts.map((a) => a.name);
    if (codes !== undefined) {
      for (const [alt, code] of Object.entries(codes)) {
        const j = names.indexOf(alt);
        if (j < 0) {
          throw new DataError(`choiceCodes names ${quote(alt)}, which is not an alternative; alternatives: ${listNames(names)}`, {
            file,
          });
        }
        const taken = this.lookup(String(code));
        if (taken >= 0) {
          throw new DataError(`choiceCodes gives code ${JSON.stringify(code)} to both ${quote(names[taken])} and ${quote(alt)}`, {
            file,
          });
        }
        this.add(String(code), j);
      }
      const missing = names.filter((n) => !Object.hasOwn(codes, n));
      if (missing.length > 0) {
        throw new DataError(`choiceCodes has no code for alternative(s) ${listNames(missing)}; expected one per alternative`, {
          file,
        });
      }
      this.known = names.map((n) => `${JSON.stringify(codes[n])} (${n})`).join(', ');
    } else {
      names.forEach((n, j) => this.add(n, j));
      names.forEach((_, j) => {
        if (!this.map.has(`n:${j + 1}`)) this.map.set(`n:${j + 1}`, j);
      });
      this.known = `the alternative names ${listNames(names)} or their numbers 1..${names.length} in that order`;
    }
  }

  private add(code: string, j: number): void {
    this.map.set(`s:${code}`, j);
    const x = Number(code);
    if (code.trim() !== '' && Number.isFinite(x) && !this.map.has(`n:${x}`)) this.map.set(`n:${x}`, j);
  }

  /** The alternative index of a choice-cell text, or -1. */
  lookup(text: string): number {
    const j = this.map.get(`s:${text}`);
    if (j !== undefined) return j;
    const x = Number(text);
    if (text.trim() === '' || !Number.isFinite(x)) return -1;
    return this.map.get(`n:${x}`) ?? -1;
  }
}

/**
 * Builds the panel layout from wide data.
 * @throws {@link DataError} for an unknown choice code, an unavailable chosen
 *   alternative, a situation with no available alternative, non-contiguous
 *   individuals, and bad cells in the columns used.
 */
export function buildWide(spec: DataSpec, options: LoadOptions, frame: Frame, wp: WidePlan): LoadedChoiceData {
  const table = frame.table;
  const codes = new ChoiceCodes(table.file, wp.alts, spec.choiceCodes);
  const idCol = spec.id !== undefined ? table.keys.get(spec.id)! : null;
  const keep = frame.filterMask();
  if (idCol) checkContiguousIndividuals(frame, idCol, spec.id!);
  const layout = wideLayout(spec, frame, wp, codes, idCol, keep);
  const X = fillX(frame, options.variables, wp.sources, layout.rowFile, layout.rowAlt, options.shared === true);
  const extras = wideExtras(options, frame, keep, layout);
  const where = (row: number): string => frame.where(row);
  const { unitSit, unitFirstRow: firstRows } = layout;
  const data = assemble(
    frame,
    {
      nVars: options.variables.length,
      varNames: options.variables.map((v) => v.name),
      unitSit,
      sitRow: layout.sitRow,
      sitChosen: layout.sitChosen,
      X,
      rowAlt: layout.rowAlt,
      altLabels: wp.alts.map((a) => a.name),
      outside: false,
      checkRows: layout.sitFile,
      unitCheckStart: unitSit,
      unitLabel: (u) =>
        idCol
          ? `individual ${quote(idCol.labels[idCol.codes[firstRows[u]]])}`
          : `the situation at ${where(firstRows[u])}`,
      unitId: (u) => (idCol ? idCol.labels[idCol.codes[firstRows[u]]] : where(firstRows[u])),
    },
    spec.weight,
    options.characteristics ?? [],
  );
  return Object.assign(data, extras);
}

/**
 * Checks that each individual's rows are contiguous (all rows, before the filter).
 * @throws {@link DataError} for an empty identifier or an individual whose rows come back after another's.
 */
function checkContiguousIndividuals(frame: Frame, idCol: KeyColumn, column: string): void {
  const file = frame.table.file;
  const n = frame.table.nRows;
  const emptyId = idCol.labels.indexOf('');
  const firstRow = new Int32Array(idCol.labels.length).fill(-1);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const id = idCol.codes[i];
    if (id === prev) continue;
    if (id === emptyId) {
      throw new DataError('empty cell, expected an individual identifier', { file, ...frame.at(i), column });
    }
    if (firstRow[id] >= 0) {
      throw new DataError(
        `the rows of individual ${quote(idCol.labels[id])} are not contiguous: it appears again here after ` +
          `other individuals (its earlier rows start at ${frame.where(firstRow[id])}); expected all rows of an ` +
          `individual together`,
        { file, ...frame.at(i), column },
      );
    }
    firstRow[id] = i;
    prev = id;
  }
}

/** The layout of the situations the filter keeps: their rows (one per available alternative) and units. */
interface WideLayout {
  /** Per layout row: its file row. */
  readonly rowFile: Int32Array;
  /** Per layout row: its alternative. */
  readonly rowAlt: Int32Array;
  /** Per situation, and one past the last: its first layout row. */
  readonly sitRow: Int32Array;
  /** Per situation: its chosen layout row. */
  readonly sitChosen: Int32Array;
  /** Per situation: its file row. */
  readonly sitFile: Int32Array;
  /** Per unit, and one past the last: its first situation. */
  readonly unitSit: Int32Array;
  /** Per unit: the file row of its first situation. */
  readonly unitFirstRow: Int32Array;
}

/**
 * Lays out the situations the filter keeps, a unit per individual (or per
 * situation without an individual column).
 * @throws {@link DataError} for an unknown choice code, a bad availability, a
 *   situation with no available alternative, an unavailable chosen alternative,
 *   and a filter that leaves no situation.
 */
function wideLayout(
  spec: DataSpec,
  frame: Frame,
  wp: WidePlan,
  codes: ChoiceCodes,
  idCol: KeyColumn | null,
  keep: Uint8Array | null,
): WideLayout {
  const table = frame.table;
  const file = table.file;
  const n = table.nRows;
  const J = wp.alts.length;
  const choiceCol = table.keys.get(spec.choice)!;
  const codeAlt = Int32Array.from(choiceCol.labels, (l) => codes.lookup(l));
  const avCols = wp.av.map((a) => (typeof a === 'string' ? frame.get(a) : null));
  const rowFile = new I32Builder(n * J);
  const rowAlt = new I32Builder(n * J);
  const sitRow = new I32Builder(n + 1);
  const sitChosen = new I32Builder(n);
  const sitFile = new I32Builder(n);
  const unitSit = new I32Builder(1024);
  const unitFirstRow = new I32Builder(1024);
  sitRow.push(0);
  let lastId = -1;
  const available = new Uint8Array(J);
  for (let i = 0; i < n; i++) {
    if (keep !== null && keep[i] === 0) continue;
    const code = choiceCol.codes[i];
    const chosenAlt = codeAlt[code];
    if (chosenAlt < 0) {
      const text = choiceCol.labels[code];
      throw new DataError(
        `${text === '' ? 'empty cell' : `choice ${quote(text)}`} matches no alternative; expected one of ${codes.known}`,
        { file, ...frame.at(i), column: spec.choice },
      );
    }
    const nAvail = readAvailability(frame, wp, avCols, i, available);
    if (nAvail === 0) {
      throw new DataError('no alternative is available in this situation; expected at least one', {
        file,
        ...frame.at(i),
      });
    }
    if (available[chosenAlt] === 0) {
      const avName = typeof wp.av[chosenAlt] === 'string' ? (wp.av[chosenAlt] as string) : null;
      throw new DataError(
        `the chosen alternative ${quote(wp.alts[chosenAlt].name)} is unavailable (${avName ?? 'av'} = 0); ` +
          `expected the chosen alternative to be available`,
        { file, ...frame.at(i), column: avName ?? spec.choice },
      );
    }
    const id = idCol ? idCol.codes[i] : -1;
    if (idCol === null || id !== lastId) {
      unitSit.push(sitChosen.length);
      unitFirstRow.push(i);
      lastId = id;
    }
    for (let j = 0; j < J; j++) {
      if (available[j] === 0) continue;
      if (j === chosenAlt) sitChosen.push(rowFile.length);
      rowFile.push(i);
      rowAlt.push(j);
    }
    sitFile.push(i);
    sitRow.push(rowFile.length);
  }
  if (sitChosen.length === 0) {
    throw new DataError('no choice situation is left: the filter drops every row; expected at least one situation', {
      file,
    });
  }
  unitSit.push(sitChosen.length);
  return {
    rowFile: rowFile.finish(),
    rowAlt: rowAlt.finish(),
    sitRow: sitRow.finish(),
    sitChosen: sitChosen.finish(),
    sitFile: sitFile.finish(),
    unitSit: unitSit.finish(),
    unitFirstRow: unitFirstRow.finish(),
  };
}

/**
 * Reads the availability of every alternative at file row `i` into
 * `available` (avCols[j]: the column of alternative j, or null for its constant).
 * @returns The number of available alternatives.
 * @throws {@link DataError} for an availability cell that is not 0 or 1.
 */
function readAvailability(
  frame: Frame,
  wp: WidePlan,
  avCols: readonly (Float64Array | null)[],
  i: number,
  available: Uint8Array,
): number {
  let nAvail = 0;
  for (let j = 0; j < available.length; j++) {
    const col = avCols[j];
    let x = wp.av[j] as number;
    if (col !== null) {
      const name = wp.av[j] as string;
      x = col[i];
      if (x - x !== 0) throw frame.explain(name, i, `availability of alternative ${quote(wp.alts[j].name)}`);
      if (x !== 0 && x !== 1) {
        throw new DataError(`availability of alternative ${quote(wp.alts[j].name)} is ${x}, expected 0 or 1`, {
          file: frame.table.file,
          ...frame.at(i),
          column: name,
        });
      }
    }
    available[j] = x;
    nAvail += x;
  }
  return nAvail;
}

/** The situation columns and record indices the options ask for. */
function wideExtras(options: LoadOptions, frame: Frame, keep: Uint8Array | null, layout: WideLayout): LoadedExtras {
  const table = frame.table;
  const sitRecord = layout.sitFile;
  const extras: LoadedExtras = {};
  if (options.situationColumns !== undefined && options.situationColumns.length > 0) {
    extras.situationColumns = buildSituationColumns(frame, options, (n) => table.keys.has(n), {
      first: sitRecord,
      end: null,
      keep,
      label: (s) => `the situation at ${frame.where(sitRecord[s])}`,
    });
  }
  if (options.records === true) {
    extras.sitRecord = sitRecord;
    extras.rowRecord = layout.rowFile;
  }
  return extras;
}
