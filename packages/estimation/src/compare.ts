/**
 * Comparing estimated models: log-likelihood, parameters, AIC, BIC and ρ²
 * side by side, and the likelihood-ratio test of every nested pair.
 *
 * Two results are nested when they were estimated on the same sample (same
 * data file, individuals, situations and rows) and the parameters of one are
 * a subset of the other's; then LR = 2 (LL_u − LL_r) is asymptotically χ²
 * with P_u − P_r degrees of freedom under the restriction (Wilks 1938). Two
 * caveats, stated in the output's notes: the log-likelihoods are simulated
 * (the test is approximate, more so with few draws), and a restriction that
 * sets a spread to zero lies on the boundary of the parameter space, where
 * the χ² p-value is conservative (the statistic is a mixture of χ²; Self and
 * Liang 1987). A model in WTP space and one in preference space are never
 * paired: the same names mean ω in one and β in the other.
 */
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';

/** What a comparison needs of a result (the JSON `mxl estimate` writes). */
export interface ComparableResult {
  loglik: number;
  aic: number;
  bic: number;
  rho2: number;
  parameters: { name: string; estimate: number; se: number | null; kind?: string; fixed?: boolean }[];
  sample: { file: string; individuals: number; situations: number; rows: number; panel?: boolean };
  integration?: { description?: string };
  converged?: boolean;
  /** "wtp" in willingness-to-pay space (absent: preference space). */
  space?: string;
}

/** One likelihood-ratio test: `restricted` (index) nested in `unrestricted`. */
export interface LrTest {
  restricted: number;
  unrestricted: number;
  stat: number;
  df: number;
  p: number;
}

/** The comparison. */
export interface Comparison {
  models: { name: string; loglik: number; parameters: number; aic: number; bic: number; rho2: number; converged: boolean | null }[];
  /** Every parameter name, in order of first appearance. */
  parameters: string[];
  /** estimates[m][k], se[m][k]: model m, parameter k (null where the model lacks it). */
  estimates: (number | null)[][];
  se: (number | null)[][];
  tests: LrTest[];
  notes: string[];
}

function sameSample(a: ComparableResult['sample'], b: ComparableResult['sample']): boolean {
  return a.file === b.file && a.individuals === b.individuals && a.situations === b.situations && a.rows === b.rows && (a.panel ?? null) === (b.panel ?? null);
}

/**
 * Compares results.
 * @param names - A label per result (e.g. its file name).
 */
export function compareResults(results: readonly ComparableResult[], names: readonly string[]): Comparison {
  const parameters: string[] = [];
  for (const r of results) for (const q of r.parameters) if (!parameters.includes(q.name)) parameters.push(q.name);
  const at = (r: ComparableResult, name: string) => r.parameters.find((q) => q.name === name);
  const tests: LrTest[] = [];
  for (let i = 0; i < results.length; i++) {
    for (let j = 0; j < results.length; j++) {
      const r = results[i];
      const u = results[j];
      // a parameter held fixed (model.fix) is a restriction, not a parameter
      const rFree = r.parameters.filter((q) => !q.fixed);
      const uFree = u.parameters.filter((q) => !q.fixed);
      if (i === j || rFree.length >= uFree.length || !sameSample(r.sample, u.sample) || (r.space ?? 'preference') !== (u.space ?? 'preference')) continue;
      if (!rFree.every((q) => uFree.some((x) => x.name === q.name))) continue;
      const stat = 2 * (u.loglik - r.loglik);
      const df = uFree.length - rFree.length;
      tests.push({ restricted: i, unrestricted: j, stat, df, p: stat > 0 ? 1 - chisqCdf(stat, df) : 1 });
    }
  }
  const notes: string[] = [];
  if (tests.length > 0) {
    notes.push('LR tests use simulated log-likelihoods: they are approximate (more so with few draws).');
    if (tests.some((t) => results[t.unrestricted].parameters.some((q) => q.kind === 'sd' && !at(results[t.restricted], q.name)))) {
      notes.push('A restriction that sets a spread to 0 is on the boundary of the parameter space: the chi-squared p-value is conservative (Self and Liang 1987).');
    }
    if (tests.some((t) => t.stat < 0)) notes.push('A negative LR statistic: the restricted model fits better, so the larger one did not reach its maximum (p reported as 1).');
  }
  if (new Set(results.map((r) => r.space ?? 'preference')).size > 1) {
    notes.push('Models in WTP space and in preference space are compared by LL, AIC and BIC only: their parameters are not nested (the same name is a WTP ω in one and a coefficient β in the other). An MNL in WTP space is the preference-space MNL reparameterized: the same LL.');
  }
  const samples = new Set(results.map((r) => JSON.stringify([r.sample.file, r.sample.individuals, r.sample.situations, r.sample.rows])));
  if (samples.size > 1) notes.push('Not every model was estimated on the same sample: LL, AIC and BIC of different samples are not comparable, and no test pairs them.');
  return {
    models: results.map((r, m) => ({
      name: names[m],
      loglik: r.loglik,
      parameters: r.parameters.filter((q) => !q.fixed).length,
      aic: r.aic,
      bic: r.bic,
      rho2: r.rho2,
      converged: r.converged ?? null,
    })),
    parameters,
    estimates: results.map((r) => parameters.map((n) => at(r, n)?.estimate ?? null)),
    se: results.map((r) => parameters.map((n) => at(r, n)?.se ?? null)),
    tests,
    notes,
  };
}

/** Formats a number so that it never runs into its neighbour (scientific notation when large or small). */
function num(x: number | null, w: number): string {
  if (x === null) return ''.padStart(w);
  if (!Number.isFinite(x)) return (Number.isNaN(x) ? 'NA' : x > 0 ? 'Inf' : '-Inf').padStart(w);
  const a = Math.abs(x);
  const s = a !== 0 && (a >= 1e6 || a < 1e-4) ? x.toExponential(3) : x.toFixed(a >= 1e4 ? 2 : 4);
  return s.padStart(w);
}

/** The comparison as a text table. */
export function formatComparison(c: Comparison): string {
  const W = Math.max(12, ...c.models.map((m) => m.name.length + 1));
  const nameW = Math.max(12, ...c.parameters.map((p) => p.length + 1), 'log-likelihood'.length + 1);
  const lines: string[] = [];
  lines.push(''.padEnd(nameW) + c.models.map((m) => m.name.padStart(W)).join(''));
  lines.push('-'.repeat(nameW + W * c.models.length));
  c.parameters.forEach((p, k) => {
    lines.push(p.padEnd(nameW) + c.models.map((_, m) => num(c.estimates[m][k], W)).join(''));
    lines.push(''.padEnd(nameW) + c.models.map((_, m) => (c.se[m][k] === null ? ''.padStart(W) : `(${num(c.se[m][k], 0).trim()})`.padStart(W))).join(''));
  });
  lines.push('-'.repeat(nameW + W * c.models.length));
  const row = (label: string, f: (m: Comparison['models'][number]) => string) => lines.push(label.padEnd(nameW) + c.models.map((m) => f(m).padStart(W)).join(''));
  row('log-likelihood', (m) => num(m.loglik, W).trim());
  row('parameters', (m) => String(m.parameters));
  row('AIC', (m) => num(m.aic, W).trim());
  row('BIC', (m) => num(m.bic, W).trim());
  row('rho2', (m) => num(m.rho2, W).trim());
  row('converged', (m) => (m.converged === null ? '?' : m.converged ? 'yes' : 'NO'));
  if (c.tests.length > 0) {
    lines.push('');
    lines.push('likelihood-ratio tests (restricted in unrestricted)');
    for (const t of c.tests) {
      lines.push(`  ${c.models[t.restricted].name} in ${c.models[t.unrestricted].name}: LR = ${t.stat.toFixed(4)}, df = ${t.df}, p = ${t.p < 1e-4 ? t.p.toExponential(2) : t.p.toFixed(4)}`);
    }
  }
  for (const n of c.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
