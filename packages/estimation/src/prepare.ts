/**
 * From a spec to a prepared problem: the spec read and checked, the data
 * loaded into the integration-unit layout (in shared memory), the model
 * designed and the integration rule built. No engine exists yet.
 */
import { readFileSync } from 'node:fs';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { toCrossSection, type ChoiceData } from '@mxl/core';
import { loadChoiceData, type LoadProgress, type SituationColumn, type SituationColumnRole } from '@mxl/data';
import { createRule, type IntegrationRule } from '@mxl/integration';
import mt19937 from '@stdlib/random-base-mt19937';
import { SpecError } from './errors.js';
import { buildModel, dataColumns, modelCharacteristics, type ModelDesign } from './model.js';
import { assembleColumns } from './columns.js';
import { checkSpec, type CheckedSpec } from './spec.js';

/** A prepared estimation problem: data, model and integration rule, before any engine exists. */
export interface Prepared {
  spec: CheckedSpec;
  /** Data in integration-unit layout (individuals for panels, situations otherwise). */
  data: ChoiceData;
  /** Number of individuals (clusters) in the file. */
  individuals: number;
  design: ModelDesign;
  rule: IntegrationRule | null;
  /** Seconds spent reading the data and building the layout. */
  loadSeconds: number;
  /**
   * With {@link PrepareOptions.situationColumns}: each column's value per choice
   * situation (codes into labels, one per situation of `data`, in its order).
   */
  situationColumns?: Record<string, SituationColumn>;
  /**
   * With {@link PrepareOptions.records}: per situation of `data`, the 0-based data
   * record index (header not counted) of its first row kept by the filter (long)
   * or of its record (wide).
   */
  sitRecord?: Int32Array;
  /** With {@link PrepareOptions.records}: per row of `data.X`, its data record index. */
  rowRecord?: Int32Array;
}

/** Where a spec's relative paths start: its file's folder, or a folder given. */
export interface SpecLocation {
  /** The spec's file (relative data paths start in its folder). */
  specFile?: string | null;
  /** Where relative data paths start (wins over specFile). */
  baseDir?: string;
}

/** The second argument of {@link prepare} and {@link estimate}: the spec's file (old form), or options. */
export function splitArgs<O extends object>(second: string | null | undefined | (O & SpecLocation), third: O | undefined): { specFile: string | null; baseDir?: string; options: O } {
  if (second === null || second === undefined || typeof second === 'string') return { specFile: second ?? null, options: (third ?? {}) as O };
  const { specFile, baseDir, ...rest } = second;
  return { specFile: specFile ?? null, baseDir, options: { ...(third ?? {}), ...rest } as O };
}

/** Options of {@link prepare}. */
export interface PrepareOptions {
  /** Called as the data are read. */
  onProgress?: (p: LoadProgress) => void;
  /** Worker threads for parsing a large delimited file (default: all cores for files over 64 MiB). */
  workers?: number;
  /** Columns (file or derived) to keep per choice situation ({@link Prepared.situationColumns}). */
  situationColumns?: string[];
  /** What the caller calls some of the situation columns, by name, for the data's messages about them (e.g. `the --by column`). */
  situationColumnRoles?: Readonly<Record<string, SituationColumnRole>>;
  /** Keep where each situation and row came from in the input ({@link Prepared.sitRecord}, {@link Prepared.rowRecord}). */
  records?: boolean;
}

/**
 * Where a text stops being JSON: the first syntax error (found by
 * jsonc-parser, in strict JSON mode), as its line, column and the line itself
 * with a caret (V8's own message gives no position).
 */
export function jsonErrorWhere(text: string, message: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return message;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const col = first.offset - before.lastIndexOf('\n');
  const src = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  const from = Math.max(0, col - 61);
  const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${what} at line ${line}, column ${col}\n    ${src.slice(from, from + 120)}\n    ${' '.repeat(col - 1 - from)}^`;
}

/** Reads and parses a spec file, with clear errors. */
export function readSpec(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError(`cannot read the spec file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpecError(`the spec file ${file} is not valid JSON: ${jsonErrorWhere(text, (e as Error).message)}`);
  }
}

/**
 * Validates the spec, loads the data and builds the model and rule.
 * X is allocated once, in shared memory, so the worker pool uses it without a copy.
 *
 * `prepare(spec)`, `prepare(spec, { baseDir, onProgress, workers })`, or (older form)
 * `prepare(spec, specFile, options)`. Relative data paths start at `baseDir`, else the
 * spec file's folder, else the working directory.
 */
export async function prepare(raw: unknown, second?: string | null | (PrepareOptions & SpecLocation), third?: PrepareOptions): Promise<Prepared> {
  const { specFile, baseDir, options } = splitArgs<PrepareOptions>(second, third);
  const spec = checkSpec(raw, specFile, baseDir);
  const baseNames = dataColumns(spec);
  const t0 = performance.now();
  const loaded = await loadChoiceData(spec.data, {
    variables: baseNames.map((c) => ({ name: c, source: { kind: 'column' as const, column: c } })),
    characteristics: modelCharacteristics(spec),
    shared: true,
    onProgress: options.onProgress,
    workers: options.workers ?? spec.workers ?? undefined,
    ...(options.situationColumns !== undefined ? { situationColumns: options.situationColumns } : {}),
    ...(options.situationColumnRoles !== undefined ? { situationColumnRoles: options.situationColumnRoles } : {}),
    ...(options.records === true ? { records: true } : {}),
  });
  // the extras stay on Prepared, not on the layout (which is handed to the workers)
  const { situationColumns, sitRecord, rowRecord, ...layout } = loaded;
  const design = buildModel(spec, layout.altLabels, layout.charNames);
  const sample = assembleColumns(layout, baseNames, design.columns);
  const panelData = spec.bootstrap ? resample(sample, spec.bootstrap.seed, spec.bootstrap.replicate) : sample;
  const data = spec.model.panel ? panelData : toCrossSection(panelData);
  let rule: IntegrationRule | null = null;
  try {
    // without random coefficients the rule is still checked, so a typo is never silently ignored
    const r = createRule(spec.integration, Math.max(1, design.plan.D));
    if (design.plan.D > 0) rule = r;
  } catch (e) {
    throw new SpecError((e as Error).message, 'integration');
  }
  const prepared: Prepared = { spec, data, individuals: panelData.nUnits, design, rule, loadSeconds: (performance.now() - t0) / 1000 };
  if (situationColumns !== undefined) prepared.situationColumns = situationColumns;
  if (sitRecord !== undefined) prepared.sitRecord = sitRecord;
  if (rowRecord !== undefined) prepared.rowRecord = rowRecord;
  return prepared;
}

/**
 * A bootstrap replicate of panel data: N individuals drawn with replacement
 * (Efron and Tibshirani 1993; the individual, not the choice, is the unit of
 * a panel), kept as frequency weights on the units (times any weight the data
 * have), so the data are not copied. Seeded by (seed, replicate): the same
 * replicate whatever machine or order runs it.
 */
export function resample(d: ChoiceData, seed: number, replicate: number): ChoiceData {
  const rand = mt19937.factory({ seed: ((seed >>> 0) * 1_000_003 + replicate) % 4294967295 || 1 });
  const n = d.nClusters;
  const count = new Float64Array(n);
  for (let i = 0; i < n; i++) count[Math.min(n - 1, Math.floor(rand.normalized() * n))]++;
  const w = new Float64Array(new SharedArrayBuffer(8 * d.nUnits));
  for (let u = 0; u < d.nUnits; u++) w[u] = count[d.unitCluster[u]] * (d.unitWeight ? d.unitWeight[u] : 1);
  return { ...d, unitWeight: w };
}

/** Whether `x` is a {@link Prepared} problem (rather than a spec). */
export function isPrepared(x: unknown): x is Prepared {
  return typeof x === 'object' && x !== null && 'design' in x && 'data' in x && 'spec' in x;
}

