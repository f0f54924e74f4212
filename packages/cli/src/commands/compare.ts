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
  const names = files.map((f) => path.basename(f).replace(/\.result\.json$|\.json$/, ''));
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
