/**
 * Counterfactual scenarios: the same model and draws with some variables
 * changed (a price up 10% for one alternative, a travel time cut by 5
 * minutes for all), for predicted shares under policy changes. A change
 * rewrites the columns of X that carry the variable, for the chosen
 * alternatives' rows: x' = factor · x + add. The data are copied once per
 * scenario (the original stays as it is).
 */
import type { Prepared } from '@mxl/estimation';
import { PostEstimationError } from './errors.js';
import { variableColumns } from './variables.js';

/** One change of a scenario. */
export interface Change {
  variable: string;
  /** Alternatives whose rows change (labels), or null for all. */
  alternatives: string[] | null;
  /** x' = factor · x + add (defaults 1 and 0). */
  factor?: number;
  add?: number;
}

/**
 * Parses "VAR=*1.1", "VAR=+5", "VAR=-5" or "VAR=2" (set to a value: factor 0),
 * optionally followed by "@ALT[,ALT...]".
 */
export function parseChange(text: string, option = '--change'): Change {
  const m = /^([^=@]+)=([*+-]?)([^@]+)(?:@(.+))?$/.exec(text.trim());
  const value = m ? Number(m[3]) : NaN;
  if (!m || !Number.isFinite(value)) {
    throw new PostEstimationError(`${option} ${JSON.stringify(text)}: expected VARIABLE=*FACTOR, VARIABLE=+AMOUNT, VARIABLE=-AMOUNT or VARIABLE=VALUE, optionally @ALT,ALT (e.g. "price=*1.1@train")`);
  }
  const alternatives = m[4] ? m[4].split(',').map((a) => a.trim()).filter((a) => a !== '') : null;
  const variable = m[1].trim();
  switch (m[2]) {
    case '*': return { variable, alternatives, factor: value };
    case '+': return { variable, alternatives, add: value };
    case '-': return { variable, alternatives, add: -value };
    default: return { variable, alternatives, factor: 0, add: value };
  }
}

/** The problem with the changes applied (a copy of X; everything else shared). */
export function applyChanges(p: Prepared, changes: readonly Change[]): Prepared {
  const d = p.data, K = d.nVars;
  const X = Float64Array.from(d.X);
  for (const c of changes) {
    const cols = variableColumns(p, c.variable, '--change');
    let alts: Set<number> | null = null;
    if (c.alternatives) {
      alts = new Set(c.alternatives.map((a) => {
        const i = d.altLabels.indexOf(a);
        if (i < 0) throw new PostEstimationError(`--change ${c.variable}: ${JSON.stringify(a)} is not an alternative; alternatives are ${d.altLabels.join(', ')}`);
        if (cols.byAlt[i].length === 0) throw new PostEstimationError(`--change ${c.variable}: the variable does not enter the utility of alternative ${JSON.stringify(a)}`);
        return i;
      }));
    }
    const f = c.factor ?? 1, add = c.add ?? 0;
    for (let r = 0; r < d.nRows; r++) {
      const a = d.rowAlt[r];
      if (alts && !alts.has(a)) continue;
      for (const k of cols.byAlt[a]) X[r * K + k] = f * X[r * K + k] + add;
    }
  }
  return { ...p, data: { ...d, X } };
}
