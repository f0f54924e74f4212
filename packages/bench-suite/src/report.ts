/**
 * results.md: the benchmark's tables in Markdown.
 *
 * @packageDocumentation
 */
import * as os from 'node:os';
import { trueValues } from './dgp.js';
import { VARIANT_ORDER } from './rules.js';
import type { SuiteConfig } from './config.js';
import { COLUMN_DOC, COLUMNS, median, type Row } from './table.js';

/** What the report needs besides the rows. */
export interface ReportContext {
  config: SuiteConfig;
  seconds: number;
  started: Date;
  sections: { name: string; seconds: number }[];
  electricityNote: string;
  files: string[];
}

function n(v: Row[keyof Row]): number {
  return typeof v === 'number' ? v : NaN;
}

/** A number in short scientific or fixed form; blank-safe. */
export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 0.01 && a < 1e4) return x.toFixed(a >= 100 ? 1 : a >= 1 ? 2 : 3);
  return x.toExponential(digits - 1).replace('e+', 'e');
}

function table(head: string[], body: string[][]): string {
  const esc = (cells: string[]): string => cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ');
  const lines = [`| ${esc(head)} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const r of body) lines.push(`| ${esc(r)} |`);
  return lines.join('\n') + '\n';
}

function datasets(rows: readonly Row[], experiment: string): { dataset: string; dim: number }[] {
  const seen = new Map<string, number>();
  for (const r of rows) if (r.experiment === experiment && !seen.has(String(r.dataset))) seen.set(String(r.dataset), n(r.dim));
  return [...seen].map(([dataset, dim]) => ({ dataset, dim }));
}

function rulesOf(rows: readonly Row[]): string[] {
  const present = new Set(rows.map((r) => String(r.rule)));
  return VARIANT_ORDER.filter((r) => present.has(r));
}

function label(dataset: string, dim: number): string {
  return dataset.startsWith('sim-') ? `simulated d=${dim}` : `${dataset} (d=${dim})`;
}

/** Smallest node count whose error is at most tol, with every probability positive, and stays so at every larger size. */
function nodesToReach(rs: Row[], tol: number): string {
  const sorted = [...rs].sort((a, b) => n(a.nodes) - n(b.nodes));
  for (let i = 0; i < sorted.length; i++) {
    if (sorted.slice(i).every((r) => n(r.error) <= tol && !(n(r.failed) > 0))) return String(n((sorted[i] as Row).nodes));
  }
  return '–';
}

/** The error at the largest size with at most `budget` nodes (with its node count when smaller). */
function atBudget(rs: Row[], budget: number): string {
  let pick: Row | null = null;
  for (const r of rs) if (n(r.nodes) <= budget && (pick === null || n(r.nodes) > n(pick.nodes))) pick = r;
  if (!pick) return '–';
  const size = n(pick.nodes) < budget ? ` (${n(pick.nodes)})` : '';
  if (n(pick.failed) > 0) return `P<=0 for ${n(pick.nonpos_units)}${size}`;
  return `${fmt(n(pick.error))}${size}`;
}

/** The run: when, how long, on what; the sections' times and the files. */
function header(ctx: ReportContext, out: string[]): void {
  const c = ctx.config;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  out.push(`# Integration-rule benchmark (${c.mode})\n`);
  out.push(
    `Run ${ctx.started.toISOString()}, ${fmt(ctx.seconds / 60)} minutes (${ctx.seconds.toFixed(0)} s) on ${os.cpus().length} cores (${cpu}), Node ${process.version}; ` +
      `every evaluation and estimation on one thread (in-process engine), so the machine's other load shows in the times.\n`,
  );
  out.push(table(['part', 'seconds'], ctx.sections.map((s) => [s.name, s.seconds.toFixed(1)])));
  out.push(`Files: ${ctx.files.map((f) => `\`${f}\``).join(', ')}.\n`);
}

/** The data sets, the reference, the sweep and the caveat on sparse grids. */
function setup(ctx: ReportContext, out: string[]): void {
  const c = ctx.config;
  const t = trueValues(8);
  out.push('## Setup\n');
  out.push(
    `- **Simulated panels** (d = ${c.simDims.join(', ')}): ${c.sim.individuals} individuals x ${c.sim.situations} choice situations x ${c.sim.alternatives} alternatives; ` +
      `U = -1 price + sum_k beta_k x_k + Gumbel, price ~ U(0.5, 2.5), x_k ~ N(0, 1), beta_k ~ N(b_k, s_k^2) independent with ` +
      `b = (${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => t[`x${k}`]).join(', ')}), s = (${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => t[`sd.x${k}`]).join(', ')}) (first d used). ` +
      `The likelihood is compared at the true theta.\n`,
  );
  out.push(`- **Electricity** (Revelt and Train; 361 individuals, 4,308 situations, 4 alternatives, six independent normal coefficients) at the published theta (pf -0.97, cl -0.21, loc 2.08, wk 1.48, tod -9.05, seas -9.10; sd 0.22, 0.38, 1.48, 1.00, 2.29, 1.18).${ctx.electricityNote ? ` **${ctx.electricityNote}.**` : ''}\n`);
  out.push(
    `- **Reference**: ${c.reference.sobolRuns} independent Owen-scrambled Sobol' runs of ${c.reference.sobolDraws} draws each (electricity: ${c.electricity.reference.sobolRuns} x ${c.electricity.reference.sobolDraws}), combined per individual ` +
      `(${c.reference.sobolRuns * c.reference.sobolDraws} draws in all), with the spread of the runs as standard error; checked in d <= ${c.reference.productMaxDim} against a Gauss-Hermite product rule of up to ${c.reference.productMaxNodes} nodes, ` +
      `whose own error is estimated by a lower level (|diff| / combined error = |product - Sobol'| / sqrt(s.e.^2 + self-error^2): about 2 or less means they agree). Errors are measured against whichever has the smaller error estimate (column "used").\n`,
  );
  out.push(
    `- **Sweep**: simulation rules at 2^${c.sweep.drawsPow[0]}..2^${c.sweep.drawsPow[1]} draws (electricity 2^${c.electricity.sweep.drawsPow[0]}..2^${c.electricity.sweep.drawsPow[1]}); ` +
      `randomized rules (pseudo, mlhs, halton-owen, halton-shuffle, sobol-owen) over ${c.sweep.seeds} seeds, errors as root mean square over the seeds; ` +
      `halton (the mlogit/xlogit recipe: unscrambled, 100 points discarded) and sobol (unscrambled) are deterministic; quadrature rules at every level up to ${c.sweep.maxQuadratureNodes} nodes (electricity ${c.electricity.sweep.maxQuadratureNodes}).\n`,
  );
  out.push(
    `- **Sparse grids have negative weights**: the simulated probability sum_r w_r L_ir can be <= 0 for an individual; the kernel then reports 'non-positive-probability' and LL_i = -Inf. ` +
      `The benchmark counts such individuals (column nonpos_units) and measures the error over the other individuals; such entries are listed below and drawn as crosses in the figures.\n`,
  );
}

/** 1. Reference log-likelihoods and their check. */
function referenceSection(rows: readonly Row[], out: string[]): void {
  out.push('## 1. Reference log-likelihoods and their check\n');
  const refBody: string[][] = [];
  for (const { dataset, dim } of datasets(rows, 'reference')) {
    const s = rows.find((r) => r.experiment === 'reference' && r.dataset === dataset && r.rule === 'sobol-owen') as Row;
    const p = rows.find((r) => r.experiment === 'reference' && r.dataset === dataset && r.rule === 'product');
    refBody.push([
      label(dataset, dim),
      n(s.value).toFixed(6),
      fmt(n(s.error)),
      p ? `${n(p.level)} (${n(p.nodes)})` : '–',
      p ? n(p.value).toFixed(6) : '–',
      p ? fmt(n(p.error)) : '–',
      p ? fmt(n(p.bias)) : '–',
      p ? fmt(Math.abs(n(p.bias)) / Math.hypot(n(s.error), n(p.error))) : '–',
      p?.note === 'used' ? 'product' : 'sobol-owen',
    ]);
  }
  out.push(table(["data", "Sobol' LL (all runs)", "Sobol' s.e.", 'product level (nodes)', 'product LL', 'product self-error', "product - Sobol'", "|diff| / combined error", 'used'], refBody));
}

/** 2. Likelihood accuracy. */
function likelihoodSection(rows: readonly Row[], out: string[]): void {
  const ll = rows.filter((r) => r.experiment === 'll');
  const llSets = datasets(rows, 'll');
  const rules = rulesOf(ll);
  out.push('## 2. Likelihood accuracy\n');
  out.push('Figure: `ll-error.png` (`.svg`): |simulated LL - reference LL| against nodes per individual, one panel per data set; `ll-error-time.png`: the same against seconds per evaluation.\n');
  for (const tol of [1, 0.1, 0.01]) {
    out.push(`### Nodes per individual needed for |LL error| <= ${tol} (at that size and every larger one tried, every probability positive)\n`);
    out.push(table(['rule', ...llSets.map((d) => label(d.dataset, d.dim))], rules.map((rule) => [rule, ...llSets.map((d) => nodesToReach(ll.filter((r) => r.dataset === d.dataset && r.rule === rule), tol))])));
  }
  out.push('– not reached within the sizes tried.\n');
  for (const { dataset, dim } of llSets) {
    const rs = ll.filter((r) => r.dataset === dataset);
    const maxNodes = Math.max(...rs.map((r) => n(r.nodes)));
    const budgets = [16, 64, 256, 1024, 4096, 16384].filter((b) => b <= maxNodes);
    out.push(`### ${label(dataset, dim)}: |LL error| at B nodes (reference LL ${n(rs[0]?.reference).toFixed(4)})\n`);
    out.push('For quadrature rules the largest level with at most B nodes (its node count in parentheses); P<=0 for k: k individuals got a non-positive probability.\n');
    out.push(table(['rule', ...budgets.map((b) => `B=${b}`)], rules.map((rule) => [rule, ...budgets.map((b) => atBudget(rs.filter((r) => r.rule === rule), b))])));
  }
  const faults = ll.filter((r) => n(r.failed) > 0);
  out.push('### Non-positive simulated probabilities\n');
  if (faults.length === 0) out.push('None: every rule and size gave every individual a positive probability.\n');
  else {
    out.push(table(['data', 'rule', 'level', 'nodes', 'individuals with P <= 0', 'error over the rest'], faults.map((r) => [label(String(r.dataset), n(r.dim)), String(r.rule), String(r.level ?? ''), String(n(r.nodes)), String(n(r.nonpos_units)), fmt(n(r.error))])));
  }
}

/** 3. Estimator accuracy. */
function estimatorSection(rows: readonly Row[], ctx: ReportContext, out: string[]): void {
  const c = ctx.config;
  const est = rows.filter((r) => r.experiment === 'estimator' && r.param === '(all)');
  out.push('## 3. Estimator accuracy\n');
  if (est.length === 0) out.push('Not run.\n');
  else {
    const e = c.estimator;
    out.push(
      `${e.replications} replications per dimension (each a new simulated data set of ${e.individuals} individuals x ${e.situations} situations x ${e.alternatives} alternatives and new scrambling seeds), ` +
        `estimated from the default start (MNL means, 0.1 spreads) with BFGS, no standard errors. RMSE over all ${'parameters'} (root of the mean squared error over parameters and replications) ` +
        `against the truth, and against the estimate of the accurate rule (${String(e.exact.rule)}${e.exact.scramble ? ` ${String(e.exact.scramble)}` : ''}, ${String(e.exact.draws)} draws) on the same data set, which isolates the integration error. ` +
        `Figure: \`estimator-rmse.png\`.\n`,
    );
    for (const { dataset, dim } of datasets(rows, 'estimator')) {
      const rs = est.filter((r) => r.dataset === dataset);
      const per = rows.filter((r) => r.experiment === 'estimator' && r.dataset === dataset && r.param !== '(all)');
      out.push(`### ${label(dataset, dim)}\n`);
      out.push(
        table(
          ['rule', 'level', 'nodes', 'RMSE vs truth', 'RMSE vs accurate rule', 'largest |bias| (parameter)', 'failed', 's / estimation', 'evaluations'],
          rs.map((r) => {
            const ps = per.filter((p) => p.rule === r.rule && p.nodes === r.nodes);
            const worst = ps.reduce<Row | null>((w, p) => (w === null || Math.abs(n(p.bias)) > Math.abs(n(w.bias)) ? p : w), null);
            return [String(r.rule), String(r.level ?? ''), String(n(r.nodes)), fmt(n(r.error), 3), fmt(n(r.rmse_exact), 3), worst ? `${fmt(n(worst.bias), 3)} (${String(worst.param)})` : '–', `${n(r.failed)}/${n(r.reps)}`, fmt(n(r.seconds)), fmt(n(r.evaluations))];
          }),
        ),
      );
    }
  }
}

/** 4. Cost: one evaluation, full estimations. */
function costSection(rows: readonly Row[], out: string[]): void {
  const ll = rows.filter((r) => r.experiment === 'll');
  const llSets = datasets(rows, 'll');
  const rules = rulesOf(ll);
  out.push('## 4. Cost\n');
  out.push('### One log-likelihood + gradient evaluation (one thread)\n');
  out.push('Milliseconds per evaluation with the nodes cached, at the size nearest 1024 nodes (node count in parentheses when different), and the cost of a first evaluation that also generates the nodes relative to a cached one. Every size: `seconds_warm` (cached) and `seconds` (first) in results.csv; figure `ll-error-time.png`.\n');
  out.push(
    table(
      ['rule', ...llSets.map((d) => label(d.dataset, d.dim))],
      rules.map((rule) => [
        rule,
        ...llSets.map((d) => {
          const rs = ll.filter((r) => r.dataset === d.dataset && r.rule === rule && n(r.seconds_warm) > 0);
          if (!rs.length) return '–';
          const r = rs.reduce((b, x) => (Math.abs(Math.log(n(x.nodes) / 1024)) < Math.abs(Math.log(n(b.nodes) / 1024)) ? x : b));
          const size = n(r.nodes) !== 1024 ? ` (${n(r.nodes)})` : '';
          return `${fmt(n(r.seconds_warm) * 1000)} ms${size}, x${fmt(n(r.seconds) / n(r.seconds_warm))}`;
        }),
      ]),
    ),
  );
  const elec = rows.filter((r) => r.experiment === 'estimation');
  out.push('### Full estimations\n');
  out.push('Simulated data: `s / estimation` and `evaluations` in section 3. Electricity, from the default start, no standard errors:\n');
  if (elec.length === 0) out.push('Not run.\n');
  else {
    out.push(
      table(
        ['rule', 'level', 'nodes', 'seconds', 'evaluations', 'termination', 'final simulated LL', 'max |estimate - published|'],
        elec.map((r) => [String(r.rule), String(r.level ?? ''), String(n(r.nodes)), fmt(n(r.seconds)), String(n(r.evaluations)), String(r.note), fmt(n(r.value)), fmt(n(r.error))]),
      ),
    );
    out.push(`The reference LL at the published theta is ${fmt(n(elec[0]?.reference))}. The published theta is itself a Halton-100 estimate (mlogit/xlogit), so max |estimate - published| is small for halton by construction; for the other rules it shows how far the estimates move with the integration rule.\n`);
  }
}

/** The columns of results.csv. */
function columnsSection(out: string[]): void {
  out.push('## results.csv\n');
  out.push(`Columns: ${COLUMNS.map((x) => `\`${x}\``).join(', ')}. By \`experiment\`:\n`);
  for (const [k, v] of Object.entries(COLUMN_DOC)) out.push(`- \`${k}\`: ${v}.`);
  out.push('');
}

/** The Markdown report. */
export function writeReport(rows: readonly Row[], ctx: ReportContext): string {
  const out: string[] = [];
  header(ctx, out);
  setup(ctx, out);
  referenceSection(rows, out);
  likelihoodSection(rows, out);
  estimatorSection(rows, ctx, out);
  costSection(rows, out);
  columnsSection(out);
  return out.join('\n');
}
