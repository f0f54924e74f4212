/**
 * The rows of `results.csv`: one tidy table for every experiment, with the columns each
 * experiment uses (the others blank).
 *
 * @packageDocumentation
 */

/** Columns of `results.csv`, in order. */
export const COLUMNS = [
  'experiment',
  'dataset',
  'dim',
  'rule',
  'level',
  'nodes',
  'reps',
  'param',
  'value',
  'reference',
  'error',
  'bias',
  'sd',
  'unit_mae',
  'rmse_exact',
  'nonpos_units',
  'failed',
  'seconds',
  'seconds_warm',
  'evaluations',
  'note',
] as const;

/** A column name. */
export type Column = (typeof COLUMNS)[number];

/** One row; missing or null cells are written blank. */
export type Row = Partial<Record<Column, string | number | null>>;

/**
 * What the columns mean, per experiment (written into results.md).
 */
export const COLUMN_DOC: Readonly<Record<string, string>> = Object.freeze({
  reference:
    'reference log-likelihood at the fixed theta: `value` = LL; for `sobol-owen` (`reps` independent scramblings, `nodes` draws in all, combined per individual into one estimate of its probability) `error` = standard deviation of the runs\' LL / sqrt(reps) (its standard error); for `product` (the check) `reference` = the Sobol value, `bias` = product - Sobol, `error` = |LL(level) - LL(lower level)| (its own error estimate); `note` = "used" on the reference the errors are measured against',
  ll: 'likelihood accuracy at the fixed theta: `value` = mean simulated LL over `reps` runs (blank if some individual had a non-positive probability), `reference` = reference LL, `error` = root mean square of (LL - reference) over the runs, `bias` = mean (LL - reference), `sd` = its standard deviation, `unit_mae` = mean over individuals of |LL_i - reference_i|, `nonpos_units` = individuals with sum_r w_r L_ir <= 0 (summed over runs; their LL is -Inf, and `error`/`bias` are then over the other individuals), `failed` = runs with such individuals, `seconds` = median wall time of one LL + gradient evaluation including node generation, `seconds_warm` = the same with the nodes already cached (first run only)',
  estimator:
    'estimator accuracy over `reps` replications (new data set and new scrambling seed each): one row per parameter and one with `param` = (all); `value` = mean estimate, `reference` = true value, `error` = RMSE against the truth, `bias` = mean (estimate - truth), `sd` = standard deviation of the estimates, `rmse_exact` = RMSE against the estimate from the accurate rule on the same data set (the integration error alone); (all) rows: root of the mean over parameters of the squared errors; `failed` = estimations that failed or did not converge (left out of the statistics), `seconds` = mean wall time of one full estimation (MNL start values, optimizer, no standard errors), `evaluations` = mean LL + gradient evaluations',
  estimation:
    'one full estimation on real data from the default start: `value` = final simulated LL, `reference` = LL of the reference rule at the published theta, `error` = max |estimate - published theta| over the parameters, `seconds` = wall time, `evaluations` = LL + gradient evaluations, `failed` = 1 if it failed or did not converge, `note` = termination',
});

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (/[",\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

/** The CSV text of the rows (header first). */
export function toCsv(rows: readonly Row[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => cell(r[c])).join(','));
  return lines.join('\n') + '\n';
}

/** Mean of finite values (NaN if none). */
export function mean(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

/** Root mean square of finite values. */
export function rms(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.length ? Math.sqrt(f.reduce((a, b) => a + b * b, 0) / f.length) : NaN;
}

/** Sample standard deviation (NaN for fewer than two values). */
export function sd(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  if (f.length < 2) return NaN;
  const m = mean(f);
  return Math.sqrt(f.reduce((a, b) => a + (b - m) ** 2, 0) / (f.length - 1));
}

/** Median of finite values. */
export function median(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!f.length) return NaN;
  const m = f.length >> 1;
  return f.length % 2 ? (f[m] as number) : ((f[m - 1] as number) + (f[m] as number)) / 2;
}

/** Parses CSV text written by {@link toCsv} back into rows (numbers as numbers, blanks as null). */
export function fromCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      rec.push(field);
      field = '';
    } else if (ch === '\n') {
      rec.push(field);
      records.push(rec);
      rec = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || rec.length) {
    rec.push(field);
    records.push(rec);
  }
  const [head, ...body] = records;
  if (!head) return [];
  const text_ = new Set(['experiment', 'dataset', 'rule', 'param', 'note']);
  return body.map((cells) => {
    const row: Row = {};
    head.forEach((name, j) => {
      const v = cells[j] ?? '';
      (row as Record<string, string | number | null>)[name] = text_.has(name) ? v : v === '' ? null : Number(v);
    });
    return row;
  });
}
