/**
 * The public description of a data file ({@link DataSpec}) and of the columns
 * of X to build from it ({@link Variable}, {@link LoadOptions}).
 */
import type { ChoiceData } from '@mxl/core';
import type { Substitution } from './frame.js';
import type { InMemoryColumns } from './columns.js';
import type { LoadProgress } from './progress.js';

export type { LoadProgress } from './progress.js';

/**
 * The spec's `data` object: where the choice data is and how it is laid out.
 * Relative paths must already be resolved by the caller.
 */
export interface DataSpec {
  /**
   * Path of the data file: delimited text with a header line (CSV, TSV,
   * `;`-separated), Parquet, or Arrow IPC (Feather v2). The type is taken from
   * the file's first bytes (see {@link DataSpec.fileType}). Give either
   * `path` or `columns`.
   */
  path?: string;
  /**
   * The file's type. Default: from its first bytes (`PAR1` Parquet, `ARROW1`
   * Arrow IPC file, an Arrow IPC stream's continuation marker; otherwise
   * delimited text). When given, the file must be of that type.
   */
  fileType?: 'csv' | 'parquet' | 'arrow';
  /**
   * In-memory data (library calls), in place of `path`: column name ->
   * Float64Array, Int32Array (or another typed array), number[], string[] or
   * boolean[], all of one length; or an Apache Arrow Table. Errors name the
   * column and the 0-based row index. A Float64Array of finite numbers is
   * used without a copy.
   */
  columns?: InMemoryColumns;
  /** `long` (default): one row per alternative of a choice situation. `wide`: one row per situation. */
  format?: 'long' | 'wide';
  /**
   * Column identifying the individual (a panel). Its rows must be contiguous.
   * Absent: every choice situation is its own individual.
   */
  id?: string;
  /**
   * Long format, required: column identifying the choice situation. A situation
   * is a contiguous run of rows with the same value within the same
   * individual; values may restart for each individual. Ignored in wide format.
   */
  situation?: string;
  /** Long format, required: column naming the alternative of each row (numbers or strings). Ignored in wide format. */
  alt?: string;
  /**
   * Long: a non-zero value marks the chosen row.
   * Wide: the column holding the chosen alternative's code (see {@link DataSpec.choiceCodes}).
   */
  choice: string;
  /** Long format only: optional 0/1 column; rows with 0 take no part. In wide format use the `av` attribute. */
  availability?: string;
  /** Optional weight column: one positive finite value per individual, constant within it. */
  weight?: string;
  /** Long format only: a situation with no chosen row chose an outside option with utility 0. */
  outside?: boolean;
  /**
   * Derived columns, computed in order by arithmetic expressions over the
   * file's columns and earlier derived columns, e.g. `{ cost: "(GA == 0) * TRAIN_CO" }`.
   * A derived column may replace a file column of the same name (`{ price: "-price / 10000" }`).
   * See `compileExpression` for the grammar.
   */
  derive?: Record<string, string>;
  /**
   * Optional expression: rows (long) or situations (wide) where it is 0 are dropped,
   * e.g. `"(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0"`.
   */
  filter?: string;
  /** Field delimiter of delimited text (one ASCII character). Default: whichever of `,`, tab, `;` occurs most in the header line. */
  delimiter?: string;
  /**
   * Wide format, required: alternative name -> { attribute name -> column name
   * (file or derived) or constant number }. The special attribute `av` gives
   * the availability (a 0/1 column or constant; default 1). The key order is
   * the order of the alternatives (note that JavaScript puts integer-like keys
   * such as `"1"` first, in numeric order).
   */
  alternatives?: Record<string, { [attribute: string]: string | number }>;
  /**
   * Wide format: alternative name -> its code in the choice column.
   * Default: the alternative names themselves, and also 1..J in the order of `alternatives`
   * (a name takes precedence over a number).
   */
  choiceCodes?: Record<string, string | number>;
}

/** Every key of {@link DataSpec}, in the order messages list them (checked against the interface). */
export const DATA_SPEC_KEYS = [
  'path', 'columns', 'fileType', 'format', 'id', 'situation', 'alt', 'choice', 'availability', 'weight', 'outside', 'derive', 'filter',
  'delimiter', 'alternatives', 'choiceCodes',
] as const satisfies readonly (keyof DataSpec)[];

// a key added to DataSpec and not to DATA_SPEC_KEYS fails to compile here
const everyKeyListed: Record<Exclude<keyof DataSpec, (typeof DATA_SPEC_KEYS)[number]>, never> = {};
void everyKeyListed;

/** One column of X, in order. */
export interface Variable {
  /** Name of the coefficient, as it will appear in results. */
  name: string;
  /**
   * Where the values come from:
   * - `column`: long format, a column of the file or a derived column, in every row;
   *   wide format, an attribute name from `alternatives`, which every alternative must define
   *   (give an alternative the constant 0 to leave it out on purpose).
   * - `asc`: 1 in the rows of alternative `alt`, else 0.
   * - `alt-specific`: the column's value in the rows of alternative `alt`, else 0. In wide
   *   format `column` is that alternative's attribute if it defines one of that name,
   *   otherwise a column of the file (e.g. an individual characteristic such as income).
   */
  source:
    | { kind: 'column'; column: string }
    | { kind: 'asc'; alt: string }
    | { kind: 'alt-specific'; column: string; alt: string };
}

/**
 * What a caller calls one of its per-situation columns, so that the messages
 * about the column speak the caller's words ({@link LoadOptions.situationColumnRoles}).
 * The command line's `mxl predict --by COLUMN`, for instance, passes
 * `{ role: 'the --by column', why: 'a group is a set of whole choice situations, ...',
 * takes: '--by takes "situation" or a column', otherNames: ['situation'] }`.
 */
export interface SituationColumnRole {
  /** How messages name the column, before its quoted name: `the --by column` (without a role: `the situation column`). */
  readonly role: string;
  /** Why the column must have one value per choice situation: added in parentheses when it has two. */
  readonly why?: string;
  /** For a name that is not a column of the data: the words before the list of the columns (default `available columns`). */
  readonly takes?: string;
  /** Names the caller takes besides the columns (e.g. `situation`): one close to a name that is not a column is suggested, as a column is. */
  readonly otherNames?: readonly string[];
}

/** What to build from the data besides the layout itself. */
export interface LoadOptions {
  /** The columns of X, in order. */
  variables: Variable[];
  /**
   * Individual-level columns (for mean shifts and class membership), stored per
   * unit in `unitChars`. Each must be constant within an individual.
   */
  characteristics?: string[];
  /** Allocate X in a SharedArrayBuffer (so a worker pool can share it without a copy). */
  shared?: boolean;
  /** Called as the data are read (after each chunk or record batch). */
  onProgress?: (p: LoadProgress) => void;
  /** Delimited text: bytes per chunk of the streaming read (default 8 MiB). */
  chunkBytes?: number;
  /**
   * Columns replaced by expressions of themselves before the derived columns
   * read them (counterfactuals: `{ column: "price", expression: "price * 1.1" }`);
   * the filter sees the original values. See {@link Substitution}.
   */
  substitute?: readonly Substitution[];
  /**
   * Threads reading a large delimited or Parquet file in parallel (default:
   * the number of cores, for text files over 64 MiB and Parquet files of over
   * a million rows; 1 reads on this thread). A delimited file is read by that
   * many worker threads; a Parquet file by this thread and one fewer worker
   * threads (this thread decodes row groups from the front, the workers from
   * the back). The result is the same for any number.
   */
  workers?: number;
  /**
   * Columns (file or derived) whose value is stored per choice situation in
   * {@link LoadedChoiceData.situationColumns}: codes and labels, one code per
   * situation in the layout's order. Long format: the value must be the same
   * in every row of a situation that the filter keeps (a {@link DataError}
   * names the file, row and column otherwise); wide format: the record's value.
   */
  situationColumns?: string[];
  /**
   * What the caller calls some of the {@link situationColumns}, by name, so
   * that the messages about them (not a column of the data; two values within
   * a situation) say so: see {@link SituationColumnRole}.
   */
  situationColumnRoles?: Readonly<Record<string, SituationColumnRole>>;
  /**
   * Also return {@link LoadedChoiceData.sitRecord} and
   * {@link LoadedChoiceData.rowRecord}: where each situation and each row of X
   * came from in the input (0-based data record index, header not counted).
   */
  records?: boolean;
}

/** A per-situation column: one code per situation indexing `labels`. */
export interface SituationColumn {
  /** Length nSituations: the situation's value, as an index into `labels`. */
  readonly codes: Int32Array;
  /**
   * The distinct values in order of first appearance (over the situations kept):
   * a file column's text as in the file (trimmed; a number of a Parquet or
   * Arrow file or in-memory columns printed as String(v)); a derived column's
   * number printed as String(v).
   */
  readonly labels: string[];
}

/** What {@link LoadOptions.situationColumns} and {@link LoadOptions.records} add to the layout. */
export interface LoadedExtras {
  /** One entry per name in {@link LoadOptions.situationColumns} (absent when none were asked for). */
  situationColumns?: Record<string, SituationColumn>;
  /**
   * With {@link LoadOptions.records}, length nSituations: the 0-based data record
   * index (the input's data rows, header not counted; blank lines of a text file
   * not counted) of the situation's first row kept by the filter (long format) or
   * of its record (wide format).
   */
  sitRecord?: Int32Array;
  /**
   * With {@link LoadOptions.records}, length nRows: the data record index of each
   * row of X (long format: the row's own record; wide format: its situation's
   * record, as each record holds all alternatives).
   */
  rowRecord?: Int32Array;
}

/** The layout {@link loadChoiceData} returns: the core's ChoiceData plus what the load options asked for. */
export type LoadedChoiceData = ChoiceData & LoadedExtras;

