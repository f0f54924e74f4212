import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareResults, formatComparison, type ComparableResult } from '@mxl/estimation';
import { CliError } from '../errors.js';

/**
 * `mxl compare R1.json R2.json ... [--json]`: estimated models side by side
 * (parameters, LL, AIC, BIC, ρ²) and the likelihood-ratio test of every nested
 * pair. JSON: `{ models, lr }` for two results (lr null when they are not
 * nested), `{ models, tests }` for more.
 */
export function compareCommand(files: string[], o: { json?: boolean }): void {
  if (files.length < 2) throw new CliError(`compare needs at least two result files; received ${files.length}`);
  const results = files.map((f) => readResult(f));
  const names = resultLabels(files);
  const c = compareResults(results, names);
  if (!o.json) {
    process.stdout.write(formatComparison(c) + '\n');
    return;
  }
  const models = c.models.map((m, i) => ({
    file: path.resolve(files[i]),
    ...m,
    estimates: Object.fromEntries(c.parameters.flatMap((p, k) => (c.estimates[i][k] === null ? [] : [[p, { estimate: c.estimates[i][k], se: c.se[i][k] }]]))),
  }));
  const named = c.tests.map((t) => ({ restricted: c.models[t.restricted].name, unrestricted: c.models[t.unrestricted].name, stat: t.stat, df: t.df, p: t.p }));
  const out = files.length === 2 ? { models, lr: named[0] ?? null, notes: c.notes } : { models, tests: named, notes: c.notes };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

/**
 * A column label per result file: its name without `.result.json` (`a/spec.result.json` → `spec`),
 * with as many of its folders in front as it takes to tell it from every other file
 * (`a/spec`, `b/spec`; `x/a/spec`, `y/a/spec`, `b/spec`). A file named twice gets `#2`, `#3`.
 */
export function resultLabels(files: readonly string[]): string[] {
  const parts = files.map((f) => {
    const p = path.resolve(f).split(path.sep).filter((s) => s !== '');
    return [...p.slice(0, -1), p[p.length - 1].replace(/\.result\.json$|\.json$/i, '')];
  });
  // the same path without the suffix but a different file (spec.json, spec.result.json in one folder): the file names
  const stripped = parts.map((p) => p.join('/'));
  const full = files.map((f) => path.resolve(f));
  const named = parts.map((p, i) => (stripped.some((s, j) => s === stripped[i] && full[j] !== full[i]) ? [...p.slice(0, -1), path.basename(full[i])] : p));
  const labels = named.map((p, i) => {
    for (let k = 1; k < p.length; k++) {
      const mine = p.slice(-k).join('/');
      if (named.every((q, j) => j === i || full[j] === full[i] || q.slice(-k).join('/') !== mine)) return mine;
    }
    return p.join('/');
  });
  // the n-th mention of one file
  return labels.map((l, i) => {
    const n = full.slice(0, i + 1).filter((f) => f === full[i]).length;
    return n > 1 ? `${l}#${n}` : l;
  });
}

function readResult(file: string): ComparableResult {
  let r: ComparableResult;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === 'ENOENT' ? 'no such file' : `not a result JSON (${(e as Error).message})`}`);
  }
  if (!r || typeof r.loglik !== 'number' || !Array.isArray(r.parameters) || typeof r.sample !== 'object') {
    throw new CliError(`${file}: not a result of \`mxl estimate\` (expected "loglik", "parameters" and "sample")`);
  }
  return r;
}
