/**
 * Which columns of X carry a data variable for each alternative, so that
 * dV_j/dx_j(v) = sum of the coefficients of those columns (a variable enters
 * through its generic column, its alternative-specific columns `v.alt`, or
 * both).
 */
import type { Prepared } from '@mxl/estimation';
import { PostEstimationError } from './errors.js';

/** For each alternative label index, the columns of X that carry the variable. */
export interface VariableColumns {
  name: string;
  byAlt: Int32Array[];
}

/** Data variables that enter the model's utilities (the ones effects can be taken of). */
export function modelVariables(p: Prepared): string[] {
  const out: string[] = [];
  for (const c of p.design.columns) {
    const s = c.source;
    if ((s.kind === 'column' || s.kind === 'alt-specific') && !out.includes(s.column)) out.push(s.column);
  }
  return out;
}

/** Resolves a variable name; a clear error names the variables there are. */
export function variableColumns(p: Prepared, name: string, option: string): VariableColumns {
  const vars = modelVariables(p);
  if (!vars.includes(name)) {
    throw new PostEstimationError(`${option}: ${JSON.stringify(name)} is not a variable of the model; variables are ${vars.join(', ') || '(none)'}`);
  }
  const labels = p.data.altLabels;
  const byAlt = labels.map((label) => {
    const ks: number[] = [];
    p.design.columns.forEach((c, k) => {
      const s = c.source;
      if (s.kind === 'column' && s.column === name) ks.push(k);
      if (s.kind === 'alt-specific' && s.column === name && s.alt === label) ks.push(k);
    });
    return Int32Array.from(ks);
  });
  return { name, byAlt };
}
