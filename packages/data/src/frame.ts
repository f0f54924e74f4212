/**
 * Name resolution over a data file: the file's columns plus derived columns
 * (in order, a derived column may replace a file column of the same name) and
 * the filter. {@link ColumnPlan} works from the header alone and says which
 * file columns must be read as numbers; {@link Frame} holds the values once the
 * table is read and traces a missing value back to the cell that caused it.
 */
import { type CompiledExpression, compileExpression } from './expressions.js';
import { describeBadNumber } from './numbers.js';
import type { Table } from './table.js';
import { DataError, listNames, quote } from './errors.js';

/** A name as resolved at some point: a file column or the result of an expression. */
type Binding =
  | { readonly kind: 'file'; readonly name: string }
  | {
      readonly kind: 'expr';
      /** Derived column name, or null for the filter. */
      readonly name: string | null;
      readonly expr: CompiledExpression;
      /** Identifier -> the binding it referred to when this expression was defined. */
      readonly deps: ReadonlyMap<string, Binding>;
    };

/**
 * A column replaced by an expression of itself before anything uses it, for
 * counterfactuals over derived columns: with `{ column: "price", expression:
 * "price * 1.1" }` every derived column that reads price reads the raised
 * price. A file column is replaced right after the header; a derived column
 * right after its (first) definition. The filter still sees the original
 * values, so the same rows are kept.
 */
export interface Substitution {
  readonly column: string;
  readonly expression: string;
  /** Also name the substituted values so (a name later definitions cannot replace). */
  readonly as?: string;
}

/** Resolves names against the header and the derived columns, before any row is read. */
export class ColumnPlan {
  private readonly current = new Map<string, Binding>();
  /** The bindings without the substitutions (what the filter reads). */
  private readonly pristine = new Map<string, Binding>();
  private readonly derived: Binding[] = [];
  private readonly filterBinding: Binding | null;

  /**
   * Compiles the derived columns and the filter and checks every name they use.
   * @param substitute - Columns replaced by expressions of themselves (see {@link Substitution}).
   * @throws {@link DataError} on a parse error or an unknown column in an expression.
   */
  constructor(
    readonly file: string,
    readonly header: readonly string[],
    derive: Record<string, string> | undefined,
    filter: string | undefined,
    substitute: readonly Substitution[] = [],
  ) {
    for (const name of header) {
      if (name === '') continue;
      const b: Binding = { kind: 'file', name };
      this.current.set(name, b);
      this.pristine.set(name, b);
    }
    const pending = new Map(substitute.map((x) => [x.column, x]));
    const applySubstitution = (name: string): void => {
      const x = pending.get(name);
      if (!x) return;
      pending.delete(name);
      const what = `the substitution of ${quote(name)}`;
      const b = this.bindExpression(name, compileExpression(x.expression, what, { file, column: name }), what, this.current);
      this.current.set(name, b);
      if (x.as !== undefined) this.current.set(x.as, b);
    };
    for (const name of header) applySubstitution(name);
    for (const [name, source] of Object.entries(derive ?? {})) {
      if (typeof source !== 'string') {
        throw new DataError(`derived column ${quote(name)}: expected an expression string, found ${typeof source}`, {
          file,
          column: name,
        });
      }
      const what = `derived column ${quote(name)}`;
      const expr = compileExpression(source, what, { file, column: name });
      const b = this.bindExpression(name, expr, what, this.current);
      this.derived.push(b);
      this.current.set(name, b);
      this.pristine.set(name, substitute.length === 0 ? b : this.bindExpression(name, expr, what, this.pristine));
      applySubstitution(name);
    }
    if (pending.size > 0) {
      const name = [...pending.keys()][0];
      throw new DataError(`cannot change column ${quote(name)}: no such column; available columns: ${listNames([...this.current.keys()])}`, { file, column: name });
    }
    this.filterBinding =
      filter === undefined ? null : this.bindExpression(null, compileExpression(filter, 'filter', { file }), 'filter', this.pristine);
  }

  /** Whether `name` is a file column or a derived column. */
  has(name: string): boolean {
    return this.current.has(name);
  }

  /** The names a spec may use (the file's columns, then the derived columns), as messages list them. */
  names(): string[] {
    return [...this.current.keys()];
  }

  /** Whether `name` is a column of the file (and not replaced by a derived column). */
  isFileColumn(name: string): boolean {
    return this.current.get(name)?.kind === 'file';
  }

  /**
   * Checks that a name used by the spec exists.
   * @param role - What the name is used as, e.g. `the choice column`.
   * @throws {@link DataError} naming the column and listing the available ones.
   */
  require(name: string, role: string): void {
    if (typeof name !== 'string' || !this.current.has(name)) {
      throw new DataError(
        `column ${quote(String(name))} (${role}) not found; available columns: ${listNames(this.names())}`,
        { file: this.file, column: String(name) },
      );
    }
  }

  /**
   * Checks that a name is a column of the file itself (identifier columns
   * cannot be derived).
   */
  requireFileColumn(name: string, role: string): void {
    this.require(name, role);
    if (!this.isFileColumn(name)) {
      throw new DataError(`column ${quote(name)} (${role}) must be a column of the file, not a derived column`, {
        file: this.file,
        column: name,
      });
    }
  }

  /**
   * The file columns to read as numbers so that `names` (and the filter) can be computed.
   * Only the derived columns actually needed are followed.
   */
  numericFileColumns(names: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const seen = new Set<Binding>();
    const visit = (b: Binding): void => {
      if (seen.has(b)) return;
      seen.add(b);
      if (b.kind === 'file') out.add(b.name);
      else for (const d of b.deps.values()) visit(d);
    };
    for (const n of names) {
      const b = this.current.get(n);
      if (b) visit(b);
    }
    if (this.filterBinding) visit(this.filterBinding);
    return out;
  }

  /** Computes the derived columns needed for `names` over the table's rows. */
  build(table: Table, names: Iterable<string>): Frame {
    return new Frame(table, this.current, this.filterBinding, new Set(names));
  }

  private bindExpression(name: string | null, expr: CompiledExpression, what: string, scope: ReadonlyMap<string, Binding>): Binding {
    const deps = new Map<string, Binding>();
    for (const id of expr.identifiers) {
      const b = scope.get(id);
      if (!b) {
        const pos = expr.positionOf(id);
        const caret = pos >= 0 ? `\n    ${expr.source}\n    ${' '.repeat(pos)}^` : '';
        throw new DataError(
          `${what}: unknown column ${quote(id)}${pos >= 0 ? ` at character ${pos + 1}` : ''} in expression ` +
            `${JSON.stringify(expr.source)}; available columns: ${listNames([...scope.keys()])}${caret}`,
          name === null ? { file: this.file } : { file: this.file, column: name },
        );
      }
      deps.set(id, b);
    }
    return { kind: 'expr', name, expr, deps };
  }
}

/** The values of the file columns read and of the derived columns, by name. */
export class Frame {
  /** Number of data rows. */
  readonly n: number;
  private readonly values = new Map<Binding, Float64Array>();

  /** Use {@link ColumnPlan.build}. */
  constructor(
    readonly table: Table,
    private readonly bindings: ReadonlyMap<string, Binding>,
    private readonly filterBinding: Binding | null,
    needed: ReadonlySet<string>,
  ) {
    this.n = table.nRows;
    for (const name of needed) {
      const b = bindings.get(name);
      if (b) this.valuesOf(b);
    }
  }

  /** File path. */
  get file(): string {
    return this.table.file;
  }

  /** The location of data row `row` for a {@link DataError}: its file line, or its row index in a columnar input. */
  at(row: number): { line?: number; row?: number } {
    return this.table.rows.at(row);
  }

  /** Data row `row` in words: `line 12` (text files) or `row 10` (columnar inputs). */
  where(row: number): string {
    return `${this.table.rows.unit} ${this.table.rows.index(row)}`;
  }

  /** The values of a (file or derived) column; NaN marks a missing or invalid cell. */
  get(name: string): Float64Array {
    const b = this.bindings.get(name);
    if (!b) throw new DataError(`column ${quote(name)} not found`, { file: this.file, column: name });
    return this.valuesOf(b);
  }

  /**
   * Lets file columns go (so their memory can be reclaimed before the next
   * large allocation): each of `names` that is a file column not among `keep`
   * and not used by a derived column still to be computed.
   */
  release(names: readonly (string | undefined)[], keep: ReadonlySet<string>): void {
    const needed = new Set<Binding>();
    const visit = (b: Binding | undefined): void => {
      if (!b || needed.has(b)) return;
      needed.add(b);
      if (b.kind === 'expr') for (const d of b.deps.values()) visit(d);
    };
    for (const k of keep) visit(this.bindings.get(k));
    for (const name of names) {
      if (name === undefined) continue;
      const b = this.bindings.get(name);
      if (b && b.kind === 'file' && !needed.has(b)) {
        this.values.delete(b);
        (this.table.numeric as Map<string, unknown>).delete(name);
      }
      (this.table.keys as Map<string, unknown>).delete(name);
    }
  }

  /**
   * The rows kept by the filter (1 = kept), or null without a filter.
   * @throws {@link DataError} if the filter cannot be evaluated on a row (a
   *   missing or non-numeric cell it uses, or a NaN result).
   */
  filterMask(): Uint8Array | null {
    const b = this.filterBinding;
    if (!b) return null;
    const v = this.valuesOf(b);
    const keep = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const x = v[i];
      if (x !== x) throw this.explainBinding(b, i, 'used by the filter');
      keep[i] = x !== 0 ? 1 : 0;
    }
    return keep;
  }

  /**
   * Builds the error for a non-finite value of column `name` at data row `row`:
   * the offending file cell (empty, not a number, Inf/NaN) if there is one,
   * else the derived column whose expression produced NaN or Infinity.
   * @param role - What the value was needed for, e.g. `variable "pf"`.
   */
  explain(name: string, row: number, role: string): DataError {
    return this.explainBinding(this.bindings.get(name)!, row, role);
  }

  private explainBinding(b: Binding, row: number, role: string): DataError {
    const at = this.at(row);
    if (b.kind === 'file') {
      const bad = this.table.numeric.get(b.name)?.bad;
      const raw = bad?.has(row) ? bad.get(row)! : '';
      return new DataError(`${describeBadNumber(raw)} (${role})`, { file: this.file, ...at, column: b.name });
    }
    const label = b.name === null ? 'the filter' : `derived column ${quote(b.name)}`;
    for (const d of b.deps.values()) {
      const x = this.valuesOf(d)[row];
      if (x - x !== 0) return this.explainBinding(d, row, b.name === null ? role : `${role}, through ${label}`);
    }
    const x = this.valuesOf(b)[row];
    return new DataError(
      `${label} = ${JSON.stringify(b.expr.source)} evaluates to ${x} (${role}); expected a finite number`,
      b.name === null ? { file: this.file, ...at } : { file: this.file, ...at, column: b.name },
    );
  }

  private valuesOf(b: Binding): Float64Array {
    let v = this.values.get(b);
    if (v) return v;
    if (b.kind === 'file') {
      const col = this.table.numeric.get(b.name);
      if (!col) throw new Error(`internal: column ${b.name} was not read as numeric`);
      v = col.values;
    } else {
      const deps = b.deps;
      v = b.expr.evaluate((id) => this.valuesOf(deps.get(id)!), this.n);
    }
    this.values.set(b, v);
    return v;
  }
}
