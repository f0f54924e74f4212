import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { prepare, readSpec } from '@mxl/estimation';
import { simulateChoices, writeSimulatedData, type SimulationResultLike } from '@mxl/postestimation';
import { CliError } from '../errors.js';
import { loadProgress } from '../progress.js';
import { dataName, defaultBeside, readResultFile } from './estimate.js';

/** Options of `mxl simulate --spec`. */
export interface SimulateCommandOptions {
  spec: string;
  /** The result JSON (default: SPEC.result.json beside the spec). */
  result?: string;
  /** The data file to write. */
  out: string;
  seed: number;
  quiet?: boolean;
}

/** `FILE.csv` -> `FILE.truth.json`. */
export function truthPath(out: string): string {
  const ext = path.extname(out);
  return (ext ? out.slice(0, -ext.length) : out) + '.truth.json';
}

/**
 * `mxl simulate --spec SPEC --result RESULT --out FILE.csv [--seed S]`: the spec's
 * data with choices drawn from the fitted model (only the choice column
 * changes), and FILE.truth.json with the parameters used.
 */
export async function simulateFromResultCommand(o: SimulateCommandOptions): Promise<{ data: string; truth: string }> {
  const specFile = o.spec;
  const resultFile = path.resolve(o.result ?? defaultBeside(specFile, '.result.json'));
  const raw = readSpec(specFile);
  const result = readResultFile<SimulationResultLike>(resultFile);
  const progress = o.quiet ? null : loadProgress(dataName(raw));
  let prepared;
  try {
    prepared = await prepare(raw, specFile, { onProgress: progress?.update, records: true });
  } finally {
    progress?.stop();
  }
  const input = prepared.spec.data.path;
  const out = path.resolve(o.out);
  if (input !== undefined && path.resolve(input) === out) throw new CliError(`--out ${o.out} is the spec's data file; write the simulated data to another file`);
  const sim = simulateChoices(prepared, result, { seed: o.seed });
  const file = await writeSimulatedData(prepared, sim, out);
  // read the file back with the spec: the same situations and rows, the choices drawn (a filter or
  // derived column that reads the choice column could break this)
  const hint = `${out} was written, but the spec does not read it back to the same situations and the choices drawn; does the filter or a derived column use the choice column "${prepared.spec.data.choice}"?`;
  let again;
  try {
    again = await prepare({ ...(raw as object), data: { ...(raw as { data: object }).data, path: out } }, specFile, { records: true });
  } catch (e) {
    throw new CliError(`${hint} (reading it: ${(e as Error).message})`);
  }
  const same = (a: Int32Array | undefined, b: Int32Array | undefined) => a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(again.sitRecord, prepared.sitRecord) || !same(again.rowRecord, prepared.rowRecord) || !same(again.data.sitChosen, sim.sitChosen)) {
    throw new CliError(hint);
  }
  const truth = truthPath(out);
  const outside = sim.sitAlt.reduce((n, a) => n + (a < 0 ? 1 : 0), 0);
  writeFileSync(
    truth,
    JSON.stringify(
      {
        spec: path.resolve(specFile),
        result: path.resolve(resultFile),
        data: out,
        input: input ?? null,
        seed: sim.seed,
        /** the parameters used, as the result reports them (sign-normalized) */
        parameters: sim.parameters,
        /** the optimizer's raw parameters the choices were drawn at */
        raw: Object.fromEntries(prepared.design.params.map((p, i) => [p.name, sim.theta[i]])),
        records: file.records,
        situations: prepared.data.nSituations,
        units: prepared.data.nUnits,
        panel: prepared.spec.model.panel,
        outsideChoices: outside,
        written: file.mode === 'copy' ? 'the input file with only the choice column changed' : 'the input (Parquet, Arrow or in-memory) written as CSV, every column, only the choice column changed',
      },
      null,
      2,
    ) + '\n',
  );
  if (!o.quiet && file.mode === 'csv') process.stderr.write(`mxl: the input is not delimited text; the simulated data are written as CSV\n`);
  process.stdout.write(`${out}\n${truth}\n`);
  return { data: out, truth };
}
