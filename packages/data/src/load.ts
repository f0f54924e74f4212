/**
 * The entry point: reads a data file described by a {@link DataSpec} into the
 * core's {@link ChoiceData} panel layout.
 */
import type { ChoiceData } from '@mxl/core/layout';
import { openCsv, readColumns } from './csv.js';
import { DataError } from './errors.js';
import { ColumnPlan } from './frame.js';
import { buildLong, planLong } from './long.js';
import type { DataSpec, LoadOptions } from './spec.js';
import { checkVariables } from './variables.js';
import { buildWide, planWide } from './wide.js';

/**
 * Loads choice data into the panel layout: one unit per individual (`spec.id`),
 * or one unit per choice situation when there is no individual column.
 *
 * Units, situations and rows follow the file order. Unavailable alternatives
 * (and rows or situations removed by the filter) are left out. A situation
 * with a single available alternative is kept; without an outside option it
 * contributes log(1) = 0 to the log-likelihood. `unitCluster` is the unit
 * index and `nClusters` the number of units.
 *
 * @param spec - Where the data is and how it is laid out.
 * @param options - The columns of X and the individual characteristics to store.
 * @returns The layout, with `altLabels` in order of first appearance (long) or
 *   in the order of `spec.alternatives` (wide).
 * @throws {@link DataError} naming the file, line, column and what was expected
 *   for any problem with the spec or the data.
 */
export function loadChoiceData(spec: DataSpec, options: LoadOptions): ChoiceData {
  if (!spec || typeof spec.path !== 'string' || spec.path === '') {
    throw new DataError('the data spec needs "path": the data file to read');
  }
  const file = spec.path;
  const format = spec.format ?? 'long';
  if (format !== 'long' && format !== 'wide') {
    throw new DataError(`format is ${JSON.stringify(format)}, expected "long" or "wide"`, { file });
  }
  if (typeof spec.choice !== 'string' || spec.choice === '') {
    throw new DataError('the data spec needs "choice": the choice column', { file });
  }
  checkVariables(file, options.variables);

  const src = openCsv(file, spec.delimiter);
  const plan = new ColumnPlan(file, src.header, spec.derive, spec.filter);
  if (format === 'long') {
    const cols = planLong(spec, options, plan);
    const table = readColumns(src, plan.numericFileColumns(cols.numeric), cols.keys);
    return buildLong(spec, options, plan.build(table, cols.numeric));
  }
  const wp = planWide(spec, options, plan);
  const table = readColumns(src, plan.numericFileColumns(wp.numeric), wp.keys);
  return buildWide(spec, options, plan.build(table, wp.numeric), wp);
}
