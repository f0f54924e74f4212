/**
 * A data variable's way into the utilities, row by row, for effects
 * (a small change: {@link Sensitivity}) and interventions (a discrete change:
 * {@link Shift}).
 *
 * A variable that is itself a column of the model (its generic column, its
 * alternative-specific columns, or both) moves those columns one for one:
 * dx/dv = 1. A variable that enters through derived columns (`data.derive`:
 * `pf = -price / 10000`, `pi = price * income`) is followed through every
 * expression that reads it by re-deriving the columns from the data with the
 * variable substituted (estimation's loadVariant): a discrete change is exact,
 * and a small one is the central difference
 *
 *     dx_rk/dv = (x_rk(v + h_r) - x_rk(v - h_r)) / (2 h_r),  h_r = 1e-5 max(|v_r|, 1),
 *
 * exact up to rounding for the linear expressions of practice and
 * O(h^2) = 1e-10 relative otherwise.
 */
import type { ChoiceData } from '@mxl/core';
import { DataError } from '@mxl/data';
import { AbortError, UserError } from '@mxl/errors';
import { loadVariant, type Prepared } from '@mxl/estimation';
import { PostEstimationError } from './errors.js';
import type { Sensitivity, Shift } from './passes.js';
import type { Change } from './scenario.js';
import { modelVariables, variableColumns, type VariableColumns } from './variables.js';

const STEP = 1e-5;

/** Whether the variable must be followed through derived columns (it is read by one, or is not a column of the model). */
export function throughDerived(p: Prepared, variable: string): boolean {
  const derive = p.spec.data.derive ?? {};
  if (!modelVariables(p).includes(variable)) return true;
  return Object.values(derive).some((expr) => typeof expr === 'string' && readsName(expr, variable));
}

/** Whether an expression names a column (a whole identifier, dotted names included). */
function readsName(expr: string, name: string): boolean {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.$])${esc}($|[^A-Za-z0-9_.$])`).test(expr);
}

function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n)));
}

/** The sensitivity of the utilities to a data variable (see the file comment). */
export async function sensitivityOf(p: Prepared, variable: string, option: string): Promise<Sensitivity> {
  if (!throughDerived(p, variable)) return sensitivityOfColumns(p.data, variableColumns(p, variable, option));
  const d = p.data, K = d.nVars;
  const h = `${STEP} * max(abs(${variable}), 1)`;
  const [up, down] = await Promise.all([
    variant(p, variable, `${variable} + ${h}`, option, true),
    variant(p, variable, `${variable} - ${h}`, option, false),
  ]);
  const v = up.values!;
  const moved = movedColumns(K, d.nRows, up.X, down.X, null);
  if (moved.length === 0) throw notInModel(p, variable, option);
  const C = moved.length;
  const dx = sharedFloat64(d.nRows * C), value = sharedFloat64(d.nRows);
  for (let r = 0; r < d.nRows; r++) {
    const hr = STEP * Math.max(Math.abs(v[r]), 1);
    let any = false;
    for (let i = 0; i < C; i++) {
      const k = moved[i];
      const g = (up.X[r * K + k] - down.X[r * K + k]) / (2 * hr);
      dx[r * C + i] = g;
      if (g !== 0) any = true;
    }
    value[r] = any ? v[r] : NaN;
  }
  return { variable, columns: Int32Array.from(moved), dx, value };
}

/** The new values of the columns a discrete change moves, in the rows of the change's alternatives. */
export async function shiftOf(p: Prepared, change: Change, option: string): Promise<Shift> {
  const d = p.data, K = d.nVars;
  const alts = changeAlternatives(p, change, option);
  const f = change.factor ?? 1, add = change.add ?? 0;
  if (!throughDerived(p, change.variable)) {
    const cols = variableColumns(p, change.variable, option);
    const all = unionColumns(cols);
    const C = all.length;
    const xNew = sharedFloat64(d.nRows * C).fill(NaN);
    for (let r = 0; r < d.nRows; r++) {
      const a = d.rowAlt[r];
      if (cols.byAlt[a].length === 0 || (alts && !alts.has(a))) continue;
      for (let i = 0; i < C; i++) {
        const k = all[i];
        xNew[r * C + i] = cols.byAlt[a].includes(k) ? f * d.X[r * K + k] + add : d.X[r * K + k];
      }
    }
    return { variable: change.variable, columns: Int32Array.from(all), xNew };
  }
  const v = change.variable;
  const expr = f === 0 ? `${num(add)} + 0 * ${v}` : `${v} * ${num(f)} + ${num(add)}`;
  const after = await variant(p, v, expr, option, false);
  const moved = movedColumns(K, d.nRows, after.X, d.X, alts ? (r) => alts.has(d.rowAlt[r]) : null);
  const C = moved.length;
  const xNew = sharedFloat64(d.nRows * Math.max(C, 1)).fill(NaN);
  for (let r = 0; r < d.nRows; r++) {
    if (alts && !alts.has(d.rowAlt[r])) continue;
    let any = false;
    for (let i = 0; i < C; i++) if (after.X[r * K + moved[i]] !== d.X[r * K + moved[i]]) any = true;
    if (any) for (let i = 0; i < C; i++) xNew[r * C + i] = after.X[r * K + moved[i]];
  }
  return { variable: v, columns: Int32Array.from(moved), xNew };
}

/** A number as an expression literal (exact: the shortest round-trip form, in parentheses for a sign). */
function num(x: number): string {
  return `(${String(x)})`;
}

function changeAlternatives(p: Prepared, c: Change, option: string): Set<number> | null {
  if (!c.alternatives) return null;
  const labels = p.data.altLabels;
  return new Set(c.alternatives.map((a) => {
    const i = labels.indexOf(a);
    if (i < 0) throw new PostEstimationError(`${option} ${c.variable}: ${JSON.stringify(a)} is not an alternative; alternatives are ${labels.join(', ')}`);
    return i;
  }));
}

async function variant(p: Prepared, variable: string, expression: string, option: string, values: boolean) {
  try {
    return await loadVariant(p, [{ column: variable, expression }], values ? { valuesOf: variable } : {});
  } catch (e) {
    // a column that is not there is a variable the model does not have; other data errors keep their words
    if (e instanceof DataError && /no such column/.test(e.message)) throw notInModel(p, variable, option);
    if (e instanceof UserError && !(e instanceof AbortError)) throw new PostEstimationError(`${option} ${variable}: ${e.message}`);
    throw e;
  }
}

function notInModel(p: Prepared, variable: string, option: string): PostEstimationError {
  const vars = modelVariables(p);
  return new PostEstimationError(
    `${option}: ${JSON.stringify(variable)} is not a variable of the model; variables are ${vars.join(', ') || '(none)'}${Object.keys(p.spec.data.derive ?? {}).length ? ', and the data columns the derived ones read' : ''}`,
  );
}

/** Columns whose values differ between two X (in the rows `rows` selects). */
function movedColumns(K: number, nRows: number, A: Float64Array, B: Float64Array, rows: ((r: number) => boolean) | null): number[] {
  const out: number[] = [];
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < nRows; r++) {
      if (rows && !rows(r)) continue;
      if (A[r * K + k] !== B[r * K + k]) { out.push(k); break; }
    }
  }
  return out;
}

function unionColumns(cols: VariableColumns): number[] {
  const s = new Set<number>();
  for (const ks of cols.byAlt) for (const k of ks) s.add(k);
  return [...s].sort((a, b) => a - b);
}

/** The sensitivity of a variable that is a column of the model (dx/dv = 1 on the columns that carry it). */
export function sensitivityOfColumns(d: ChoiceData, cols: VariableColumns): Sensitivity {
  const K = d.nVars;
  const all = unionColumns(cols);
  const C = all.length;
  const dx = sharedFloat64(d.nRows * C), value = sharedFloat64(d.nRows);
  for (let r = 0; r < d.nRows; r++) {
    const ks = cols.byAlt[d.rowAlt[r]];
    value[r] = ks.length ? d.X[r * K + ks[0]] : NaN;
    for (let i = 0; i < C; i++) dx[r * C + i] = ks.includes(all[i]) ? 1 : 0;
  }
  return { variable: cols.name, columns: Int32Array.from(all), dx, value };
}
