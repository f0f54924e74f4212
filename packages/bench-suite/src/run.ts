/**
 * `mxl bench integration`: the integration-rule benchmark suite (likelihood accuracy,
 * estimator accuracy, cost) on simulated panels with d = 1..8 random coefficients and on the
 * electricity data, written as results.csv, results.md and figures (SVG and PNG).
 *
 * @packageDocumentation
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepare, type Prepared } from '@mxl/estimation';
import { createRule, type RuleConfig } from '@mxl/integration';
import { simulatePanel } from './dgp.js';
import { estimatorStudy, runEstimation } from './estimator.js';
import { computeReference, evaluateRule, sweep, type LLCase } from './ll-accuracy.js';
import { writePlots } from './plot.js';
import { writeReport, type ReportContext } from './report.js';
import { ELECTRICITY_THETA, FULL, QUICK, type SuiteConfig } from './config.js';
import { fromCsv, toCsv, type Row } from './table.js';

/** Options of {@link runIntegrationBench}. */
export interface IntegrationBenchOptions {
  /** Output folder (created). */
  out: string;
  /** Smoke-test settings. */
  quick?: boolean;
  /** Folder for the generated data sets (default: a fresh temporary folder, removed at the end). */
  work?: string;
  /** The electricity CSV; null skips it (default: the copy in the checkout's examples/electricity). */
  electricity?: string | null;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Overrides of the settings (tests, experiments). */
  config?: SuiteConfig;
}

/** What the suite wrote. */
export interface IntegrationBenchResult {
  files: string[];
  rows: Row[];
  seconds: number;
}

/**
 * The default location of the electricity data: the copy that ships in the checkout's
 * examples/electricity (outside a checkout there is none, and the suite skips it with a note).
 */
export function defaultElectricityPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url)); // packages/bench-suite/dist
  return path.resolve(here, '../../../examples/electricity/electricity_long.csv');
}

function caseFromPrepared(dataset: string, prepared: Prepared, values: Readonly<Record<string, number>>): LLCase {
  const names = prepared.design.params.map((q) => q.name);
  const theta = Float64Array.from(names, (n) => {
    const v = values[n];
    if (v === undefined) throw new Error(`bench: no value for parameter ${n} of ${dataset}`);
    return v;
  });
  return { dataset, dim: prepared.design.plan.D, prepared, theta };
}

/**
 * Runs the suite and writes results.csv, results.md and the figures into `options.out`.
 */
export async function runIntegrationBench(options: IntegrationBenchOptions): Promise<IntegrationBenchResult> {
  const t0 = performance.now();
  const started = new Date();
  const log = options.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const cfg = options.config ?? (options.quick ? QUICK : FULL);
  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  const ownWork = options.work === undefined;
  const work = ownWork ? mkdtempSync(path.join(os.tmpdir(), 'mxl-bench-integration-')) : path.resolve(options.work as string);
  mkdirSync(work, { recursive: true });
  const rows: Row[] = [];
  const sections: { name: string; seconds: number }[] = [];
  const section = async (name: string, f: () => Promise<void>): Promise<void> => {
    const s = performance.now();
    log(`${name}`);
    await f();
    sections.push({ name, seconds: (performance.now() - s) / 1000 });
  };
  const elecPath = options.electricity === undefined ? defaultElectricityPath() : options.electricity;
  let electricityNote = '';
  try {
    for (const dim of cfg.simDims) {
      await section(`likelihood accuracy, simulated d = ${dim}`, async () => {
        const sim = simulatePanel(path.join(work, `ll-d${dim}`), { dim, ...cfg.sim });
        const c = caseFromPrepared(`sim-d${dim}`, await prepare(sim.spec, sim.specFile), sim.truth);
        const ref = await computeReference(c, cfg.reference, log);
        rows.push(...ref.rows);
        rows.push(...(await sweep(c, ref, cfg.sweep, log)));
      });
    }
    if (elecPath && existsSync(elecPath)) {
      const spec = {
        data: { path: elecPath, id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' },
        model: { random: { pf: 'normal', cl: 'normal', loc: 'normal', wk: 'normal', tod: 'normal', seas: 'normal' } },
        integration: { rule: 'halton', draws: 100 },
        se: 'none',
        workers: 1,
      };
      const prepared = await prepare(spec, null);
      const c = caseFromPrepared('electricity', prepared, ELECTRICITY_THETA);
      let refLL = NaN;
      await section('likelihood accuracy, electricity (d = 6)', async () => {
        const ref = await computeReference(c, cfg.electricity.reference, log);
        refLL = ref.ll;
        rows.push(...ref.rows);
        rows.push(...(await sweep(c, ref, cfg.electricity.sweep, log)));
      });
      await section('full estimations, electricity', async () => {
        for (const { label, config } of cfg.electricity.estimation) {
          const r = await runEstimation(prepared, config as RuleConfig, c.dim);
          const names = prepared.design.params.map((q) => q.name);
          const maxDiff = r.estimates ? Math.max(...names.map((n) => Math.abs((r.estimates as Record<string, number>)[n] as number - (ELECTRICITY_THETA[n] as number)))) : NaN;
          const rule = createRule(config as RuleConfig, c.dim);
          rows.push({
            experiment: 'estimation', dataset: 'electricity', dim: c.dim, rule: label, level: config.level ?? null, nodes: rule.size, reps: 1,
            value: r.estimates ? await finalLL(prepared, c, r.estimates, config) : null, reference: refLL, error: maxDiff, failed: r.failed ? 1 : 0,
            seconds: r.seconds, evaluations: r.evaluations, note: r.termination,
          });
          log(`  electricity ${rule.toString()}: ${r.termination}, ${r.seconds.toFixed(1)} s, ${r.evaluations} evaluations, max |theta - published| = ${maxDiff.toFixed(3)}`);
        }
      });
    } else {
      electricityNote = `electricity data not found (${elecPath ?? 'skipped'}); its experiments were skipped`;
      log(`  ${electricityNote}`);
    }
    await section('estimator accuracy', async () => {
      rows.push(...(await estimatorStudy({ ...cfg.estimator, work }, log)));
    });
    const files: string[] = [];
    const csv = path.join(out, 'results.csv');
    writeFileSync(csv, toCsv(rows));
    files.push(csv);
    files.push(...(await writePlots(rows, out)));
    const seconds = (performance.now() - t0) / 1000;
    const md = path.join(out, 'results.md');
    const context: ReportContext = { config: cfg, seconds, started, sections, electricityNote, files: files.map((f) => path.basename(f)) };
    writeFileSync(md, writeReport(rows, context));
    writeFileSync(path.join(out, 'run.json'), JSON.stringify({ ...context, started: started.toISOString() }, null, 2) + '\n');
    files.splice(1, 0, md);
    log(`done in ${seconds.toFixed(1)} s: ${files.join(', ')}`);
    return { files, rows, seconds };
  } finally {
    if (ownWork) rmSync(work, { recursive: true, force: true });
  }
}

/** The simulated LL of the rule at an estimate (the optimizer's final value, recomputed). */
async function finalLL(prepared: Prepared, c: LLCase, estimates: Record<string, number>, config: RuleConfig): Promise<number> {
  const theta = Float64Array.from(prepared.design.params.map((q) => estimates[q.name] as number));
  const e = await evaluateRule({ ...c, theta }, config as RuleConfig, { warm: false, cache: true });
  return e.ll;
}

/**
 * Rewrites results.md and the figures of a finished run from its results.csv and run.json
 * (after a change to the report or the figures, without running the benchmark again).
 *
 * @returns the files written
 */
export async function rerenderIntegrationBench(outDir: string): Promise<string[]> {
  const out = path.resolve(outDir);
  const rows = fromCsv(readFileSync(path.join(out, 'results.csv'), 'utf8'));
  const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as Omit<ReportContext, 'started'> & { started: string };
  const plots = await writePlots(rows, out);
  const context: ReportContext = { ...run, started: new Date(run.started) };
  const md = path.join(out, 'results.md');
  writeFileSync(md, writeReport(rows, context));
  return [md, ...plots];
}
