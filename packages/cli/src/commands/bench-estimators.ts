import { CliError } from '../errors.js';

/** Options of `mxl bench estimators`. */
export interface BenchEstimatorsOptions {
  out: string;
  quick?: boolean;
  work?: string;
}

/**
 * `mxl bench estimators [--quick] --out DIR`: the estimator benchmark of `@mxl/bench-suite`
 * (bias, RMSE and time of MSL, MSM and MSS with each posterior sampler over seeded
 * replications at R = 5, 20, 100 on a cross-section and a panel, truth known); writes
 * estimators.csv, estimators.md and the figure (SVG and PNG) into DIR and prints their paths,
 * one per line. Progress goes to stderr.
 */
export async function benchEstimatorsCommand(o: BenchEstimatorsOptions): Promise<void> {
  if (!o.out) throw new CliError('--out <dir> is required');
  const { runEstimatorsBench } = await import('@mxl/bench-suite');
  const r = await runEstimatorsBench({ out: o.out, quick: o.quick === true, ...(o.work !== undefined ? { work: o.work } : {}) });
  for (const f of r.files) process.stdout.write(f + '\n');
}
