import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildReport, parseIndividualCsv, type IndividualTable, type ReportPredict, type ReportResult } from '@mxl/report';
import { writeAtomic } from '@mxl/batch';
import { CliError } from '../errors.js';

/** Options of `mxl report`. */
export interface ReportOptions {
  predict?: string;
  individual?: string;
  out?: string;
  title?: string;
}

function readJson(file: string, option: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${option}${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${option}${file}: not ${what} (${(e as Error).message})`);
  }
}

/** The default output: RESULT.json → RESULT.report.html (x.result.json → x.report.html) beside it. */
export function defaultReportFile(resultFile: string): string {
  const base = path.basename(resultFile).replace(/\.result\.json$|\.json$/i, '');
  return path.join(path.dirname(path.resolve(resultFile)), `${base}.report.html`);
}

/**
 * `mxl report RESULT.json [--predict PREDICT.json] [--individual FILE.csv] [--out report.html]`:
 * one self-contained HTML page of an estimation (tables, and charts as inline SVG). Without
 * --individual, the individual CSV that the predict JSON names is used when it exists.
 * @returns the file written
 */
export async function reportCommand(resultFile: string, o: ReportOptions): Promise<string> {
  const result = readJson(resultFile, '', 'a result JSON') as ReportResult;
  if (!result || typeof result !== 'object' || typeof result.loglik !== 'number' || !Array.isArray(result.parameters)) {
    throw new CliError(`${resultFile}: not a result of \`mxl estimate\` (expected "loglik" and "parameters")`);
  }
  let predict: ReportPredict | null = null;
  if (o.predict) {
    predict = readJson(o.predict, '--predict ', 'a JSON of `mxl predict`') as ReportPredict;
    if (!predict || typeof predict !== 'object' || Array.isArray(predict) || !['shares', 'scenario', 'elasticities', 'diversion', 'wtp', 'individual'].some((k) => k in predict!)) {
      throw new CliError(`--predict ${o.predict}: not a JSON of \`mxl predict\` (none of shares, scenario, elasticities, diversion, wtp, individual)`);
    }
  }
  // the individual CSV: given, or the one the predict JSON names (relative to here, then to the predict JSON's folder)
  let individualFile = o.individual;
  if (!individualFile && predict && typeof predict.individual === 'string') {
    const named = predict.individual;
    individualFile = [named, path.resolve(path.dirname(o.predict!), named)].find((f) => existsSync(f));
  }
  let individual: IndividualTable | null = null;
  if (individualFile) {
    let text: string;
    try {
      text = readFileSync(individualFile, 'utf8');
    } catch (e) {
      throw new CliError(`--individual ${individualFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    try {
      individual = parseIndividualCsv(text);
    } catch (e) {
      throw new CliError(`--individual ${individualFile}: ${(e as Error).message}`);
    }
  }
  // printed absolute, as every output path mxl prints
  const out = path.resolve(o.out ?? defaultReportFile(resultFile));
  const { html, charts } = await buildReport({
    result,
    predict,
    individual,
    title: o.title,
    sources: { result: path.basename(resultFile), predict: o.predict ? path.basename(o.predict) : undefined, individual: individualFile ? path.basename(individualFile) : undefined },
  });
  writeAtomic(out, html);
  process.stdout.write(`${out}\n`);
  process.stderr.write(`mxl: report with ${charts.length} chart${charts.length === 1 ? '' : 's'} written to ${out}\n`);
  return out;
}
