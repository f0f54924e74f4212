import { CliError } from '../errors.js';

/** Options of `mxl bench integration`. */
export interface BenchIntegrationOptions {
  out: string;
  quick?: boolean;
  work?: string;
  electricity?: string | false;
}

/**
 * `mxl bench integration [--quick] --out DIR`: the integration-rule benchmark (likelihood
 * accuracy, estimator accuracy, cost) of `@mxl/bench-suite`; writes results.csv, results.md
 * and the figures (SVG and PNG) into DIR and prints their paths, one per line. Progress goes
 * to stderr. The suite and its plotting libraries are loaded only when this command runs.
 */
export async function benchIntegrationCommand(o: BenchIntegrationOptions): Promise<void> {
  if (!o.out) throw new CliError('--out <dir> is required');
  const { runIntegrationBench } = await import('@mxl/bench-suite');
  const r = await runIntegrationBench({
    out: o.out,
    quick: o.quick === true,
    ...(o.work !== undefined ? { work: o.work } : {}),
    ...(o.electricity === false ? { electricity: null } : o.electricity !== undefined ? { electricity: o.electricity } : {}),
  });
  for (const f of r.files) process.stdout.write(f + '\n');
}
