/**
 * Arithmetic expressions over columns, for derived columns and filters.
 *
 * Parsing is done by `jsep`; this module checks the tree against the supported
 * subset and compiles it into a vectorised evaluator working on whole columns
 * (Float64Arrays), so an expression costs a few passes over the data, not a
 * tree walk per row.
 *
 * Supported: numbers, column names (a dotted name such as `ic.gc` is one
 * column name), `+ - * /`, `^` (power, also `**`, right-associative and binding
 * tighter than unary minus: `-x^2` is `-(x^2)`), unary `-` `+` `!`, comparisons
 * `== != < <= > >=` and logical `&& ||` giving 1 or 0, `cond ? a : b`,
 * parentheses, `true`/`false` (1/0) and the functions `log` (natural), `exp`,
 * `sqrt`, `abs`, `min`, `max` (any number of arguments).
 *
 * Missing values propagate: any operation with a NaN operand gives NaN, except
 * that `0 && x` is 0, `1 || x` is 1 and `c ? a : b` only looks at the branch
 * taken, so the caller can trace a NaN back to the offending cell.
 */
import jsep from 'jsep';
import { DataError } from './errors.js';

/** A column of values, or a constant. */
type Value = number | Float64Array;
/** Evaluates a sub-expression over `n` rows. */
type Evaluator = (lookup: (name: string) => Float64Array, n: number) => Value;

/** A parsed and checked expression. */
export interface CompiledExpression {
  /** The expression as written. */
  readonly source: string;
  /** Column names the expression reads, in order of first use. */
  readonly identifiers: readonly string[];
  /**
   * Evaluates the expression over `n` rows.
   * @param lookup - Returns the values of a column named in `identifiers` (length `n`); not modified.
   * @returns A fresh array of length `n`, or one of the looked-up arrays when the
   *   expression is a bare column name.
   */
  evaluate(lookup: (name: string) => Float64Array, n: number): Float64Array;
  /** 0-based character position of the first use of `name` in `source`, or -1. */
  positionOf(name: string): number;
}

const FUNCTIONS: Record<string, { arity: number | 'any'; f: (x: number, y?: number) => number }> = {
  log: { arity: 1, f: Math.log },
  exp: { arity: 1, f: Math.exp },
  sqrt: { arity: 1, f: Math.sqrt },
  abs: { arity: 1, f: Math.abs },
  min: { arity: 'any', f: (x, y) => Math.min(x, y!) },
  max: { arity: 'any', f: (x, y) => Math.max(x, y!) },
};

const nanOr = (x: number, y: number, v: number): number => (x !== x || y !== y ? NaN : v);
const BINARY: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '**': (x, y) => Math.pow(x, y),
  '==': (x, y) => nanOr(x, y, x === y ? 1 : 0),
  '!=': (x, y) => nanOr(x, y, x !== y ? 1 : 0),
  '<': (x, y) => nanOr(x, y, x < y ? 1 : 0),
  '<=': (x, y) => nanOr(x, y, x <= y ? 1 : 0),
  '>': (x, y) => nanOr(x, y, x > y ? 1 : 0),
  '>=': (x, y) => nanOr(x, y, x >= y ? 1 : 0),
  '&&': (x, y) => (x !== x ? NaN : x === 0 ? 0 : y !== y ? NaN : y !== 0 ? 1 : 0),
  '||': (x, y) => (x !== x ? NaN : x !== 0 ? 1 : y !== y ? NaN : y !== 0 ? 1 : 0),
};
const UNARY: Record<string, (x: number) => number> = {
  '-': (x) => -x,
  '+': (x) => x,
  '!': (x) => (x !== x ? NaN : x === 0 ? 1 : 0),
};

const PAREN = 'ParenthesizedExpression';
let markParentheses = false;
// Keeps parenthesised groups visible in the tree (jsep drops them), so that
// `-x^2` and `(-x)^2` can be told apart. Active only while this module parses.
jsep.hooks.add('gobble-token', function (this: jsep.HookScope, env: { node?: jsep.Expression }) {
  if (!markParentheses || this.code !== 40) return;
  const inner = this.gobbleGroup();
  if (!inner) this.throwError('Empty parentheses');
  env.node = { type: PAREN, expression: inner };
});

/**
 * Parses and checks an expression.
 * @param source - The expression, e.g. `"(GA == 0) * TRAIN_CO"`.
 * @param what - What it is, for messages, e.g. `derived column "cost"` or `filter`.
 * @param where - File and column for the error location.
 * @throws {@link DataError} naming `what`, showing the expression and the
 *   position on a syntax error or an unsupported construct.
 */
export function compileExpression(
  source: string,
  what: string,
  where: { file?: string; column?: string } = {},
): CompiledExpression {
  // `^` is the power operator here; jsep knows it as `**`. Keep a map from the
  // rewritten text back to positions in `source` for messages.
  let rewritten = '';
  const back: number[] = [];
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '^') {
      rewritten += '**';
      back.push(i, i);
    } else {
      rewritten += source[i];
      back.push(i);
    }
  }
  back.push(source.length);

  const fail = (message: string, pos: number): never => {
    const at = pos >= 0 ? ` at character ${pos + 1}` : '';
    const caret = pos >= 0 ? `\n    ${source}\n    ${' '.repeat(pos)}^` : `\n    ${source}`;
    throw new DataError(`${what}: ${message}${at} in expression ${JSON.stringify(source)}${caret}`, where);
  };

  if (source.trim() === '') fail('empty expression, expected an arithmetic expression', -1);
  let tree: jsep.Expression;
  markParentheses = true;
  try {
    tree = jsep(rewritten);
  } catch (e) {
    const err = e as { index?: number; description?: string; message?: string };
    const idx = typeof err.index === 'number' ? back[Math.min(err.index, back.length - 1)] : -1;
    return fail(`cannot parse: ${err.description ?? err.message ?? String(e)}`, idx);
  } finally {
    markParentheses = false;
  }

  const identifiers: string[] = [];
  const positionOf = (name: string): number => {
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(^|[^A-Za-z0-9_$.])(${esc})(?![A-Za-z0-9_$])`).exec(source);
    return m ? m.index + m[1].length : -1;
  };

  const compile = (node: jsep.Expression): Evaluator => {
    switch (node.type) {
      case PAREN:
        return compile(node.expression as jsep.Expression);
      case 'Literal': {
        const v = (node as jsep.Literal).value;
        if (typeof v === 'number') return () => v;
        if (typeof v === 'boolean') return () => (v ? 1 : 0);
        const raw = (node as jsep.Literal).raw;
        return fail(`${JSON.stringify(raw)} is not supported (expressions work on numbers only)`, source.indexOf(raw));
      }
      case 'Identifier':
      case 'MemberExpression': {
        const name = columnName(node);
        if (name === null) return fail('computed member access is not supported', -1);
        if (!identifiers.includes(name)) identifiers.push(name);
        return (lookup) => lookup(name);
      }
      case 'UnaryExpression': {
        const u = node as jsep.UnaryExpression;
        const f = UNARY[u.operator];
        if (!f) return fail(`operator "${u.operator}" is not supported`, source.indexOf(u.operator));
        const a = compile(u.argument);
        return (lookup, n) => map1(a(lookup, n), f);
      }
      case 'BinaryExpression': {
        const b = node as jsep.BinaryExpression;
        // jsep binds unary minus tighter than `**`: rewrite -x^y as -(x^y).
        if (b.operator === '**' && b.left.type === 'UnaryExpression') {
          const u = b.left as jsep.UnaryExpression;
          return compile({
            type: 'UnaryExpression',
            operator: u.operator,
            prefix: true,
            argument: { type: 'BinaryExpression', operator: '**', left: u.argument, right: b.right },
          });
        }
        const f = BINARY[b.operator];
        if (!f) {
          const shown = b.operator;
          return fail(`operator "${shown}" is not supported (use + - * / ^ == != < <= > >= && || !)`, source.indexOf(shown));
        }
        const l = compile(b.left);
        const r = compile(b.right);
        return (lookup, n) => map2(l(lookup, n), r(lookup, n), f);
      }
      case 'ConditionalExpression': {
        const c = node as jsep.ConditionalExpression;
        const t = compile(c.test);
        const a = compile(c.consequent);
        const b = compile(c.alternate);
        return (lookup, n) => conditional(t(lookup, n), a(lookup, n), b(lookup, n), n);
      }
      case 'CallExpression': {
        const call = node as jsep.CallExpression;
        const fname = call.callee.type === 'Identifier' ? (call.callee as jsep.Identifier).name : null;
        const spec = fname !== null && Object.hasOwn(FUNCTIONS, fname) ? FUNCTIONS[fname] : undefined;
        if (!spec || fname === null) {
          const shown = fname ?? '(expression)';
          return fail(
            `unknown function "${shown}" (known: ${Object.keys(FUNCTIONS).join(', ')})`,
            fname ? positionOf(fname) : -1,
          );
        }
        const args = call.arguments.map(compile);
        if (spec.arity === 'any' ? args.length < 1 : args.length !== spec.arity) {
          const want = spec.arity === 'any' ? 'at least 1 argument' : `${spec.arity} argument`;
          return fail(`${fname}() takes ${want}, got ${args.length}`, positionOf(fname));
        }
        if (spec.arity === 1) {
          const f = spec.f as (x: number) => number;
          return (lookup, n) => map1(args[0](lookup, n), f);
        }
        const f = spec.f as (x: number, y: number) => number;
        return (lookup, n) => {
          let acc = args[0](lookup, n);
          for (let i = 1; i < args.length; i++) acc = map2(acc, args[i](lookup, n), f);
          return acc;
        };
      }
      case 'Compound':
      case 'SequenceExpression':
        return fail('expected a single expression (is an operator missing between two terms?)', -1);
      default:
        return fail(`${node.type} is not supported`, -1);
    }
  };

  const root = compile(tree);
  return {
    source,
    identifiers,
    positionOf,
    evaluate(lookup, n) {
      const v = root(lookup, n);
      return typeof v === 'number' ? new Float64Array(n).fill(v) : v;
    },
  };
}

/** `a.b.c` -> "a.b.c"; null for computed access such as `a[1]`. */
function columnName(node: jsep.Expression): string | null {
  if (node.type === 'Identifier') return (node as jsep.Identifier).name;
  if (node.type === 'MemberExpression') {
    const m = node as jsep.MemberExpression;
    if (m.computed || m.property.type !== 'Identifier') return null;
    const left = columnName(m.object);
    return left === null ? null : `${left}.${(m.property as jsep.Identifier).name}`;
  }
  return null;
}

function map1(a: Value, f: (x: number) => number): Value {
  if (typeof a === 'number') return f(a);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
  return out;
}

function map2(a: Value, b: Value, f: (x: number, y: number) => number): Value {
  if (typeof a === 'number') {
    if (typeof b === 'number') return f(a, b);
    const out = new Float64Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = f(a, b[i]);
    return out;
  }
  const out = new Float64Array(a.length);
  if (typeof b === 'number') {
    for (let i = 0; i < a.length; i++) out[i] = f(a[i], b);
  } else {
    for (let i = 0; i < a.length; i++) out[i] = f(a[i], b[i]);
  }
  return out;
}

function conditional(t: Value, a: Value, b: Value, n: number): Value {
  if (typeof t === 'number' && typeof a === 'number' && typeof b === 'number') {
    return t !== t ? NaN : t !== 0 ? a : b;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = typeof t === 'number' ? t : t[i];
    out[i] = c !== c ? NaN : c !== 0 ? (typeof a === 'number' ? a : a[i]) : typeof b === 'number' ? b : b[i];
  }
  return out;
}
