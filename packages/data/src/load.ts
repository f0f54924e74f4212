/**
 * The entry point: reads choice data described by a {@link DataSpec} (a
 * delimited text, Parquet or Arrow file, or in-memory columns) into the
 * core's {@link ChoiceData} panel layout.
 */
import type { ChoiceData } from '@mxl/core';
import { DataError } from './errors.js';
import { ColumnPlan } from './frame.js';
import { buildLong, planLong } from './long.js';
import { reclaim } from './reclaim.js';
import { openSource, type DataSource } from './source.js';
import type { DataSpec, LoadOptions } from './spec.js';
import { checkVariables } from './variables.js';
import { buildWide, planWide } from './wide.js';

/**
 * Loads choice data into the panel layout: one unit per individual (`spec.id`),
 * or one unit per choice situation when there is no individual column.
 *
 * Units, situations and rows follow the input order. Unavailable alternatives
 * (and rows or situations removed by the filter) are left out. A situation
 * with a single available alternative is kept; without an outside option it
 * contributes log(1) = 0 to the log-likelihood. `unitCluster` is the unit
 * index and `nClusters` the number of units. Only the columns the spec uses
 * are read; a file is streamed, never held whole in memory.
 *
 * @param spec - Where the data are and how they are laid out.
 * @param options - The columns of X and the individual characteristics to store.
 * @returns The layout, with `altLabels` in order of first appearance (long) or
 *   in the order of `spec.alternatives` (wide).
 * @throws {@link DataError} naming the file, line (or row), column and what was
 *   expected for any problem with the spec or the data.
 */
export async function loadChoiceData(spec: DataSpec, options: LoadOptions): Promise<ChoiceData> {
  if (!spec || typeof spec !== 'object') throw new DataError('the data spec must be an object with "path" or "columns"');
  const format = spec.format ?? 'long';
  const name = spec.columns !== undefined ? 'data.columns' : spec.path;
  if (format !== 'long' && format !== 'wide') {
    throw new DataError(`format is ${JSON.stringify(format)}, expected "long" or "wide"`, { file: name });
  }
  if (typeof spec.choice !== 'string' || spec.choice === '') {
    throw new DataError('the data spec needs "choice": the choice column', { file: name });
  }
  checkVariables(name ?? 'data', options.variables);
  const source = await openSource(spec, options);
  let data: ChoiceData;
  try {
    data = await loadFrom(source, spec, options, format);
  } finally {
    await source.close();
  }
  // the columns read are garbage now; return their memory before the caller's next allocations
  reclaim(data.nRows * 8 * (3 + data.nVars));
  return data;
}

async function loadFrom(source: DataSource, spec: DataSpec, options: LoadOptions, format: 'long' | 'wide'): Promise<ChoiceData> {
  const plan = new ColumnPlan(source.name, source.header, spec.derive, spec.filter);
  if (format === 'long') {
    const cols = planLong(spec, options, plan);
    const direct = directColumns(spec, options, plan);
    const table = await source.read(plan.numericFileColumns(cols.numeric), cols.keys, direct);
    return buildLong(spec, options, plan.build(table, cols.numeric.filter((n) => !table.direct?.names.includes(n))));
  }
  const wp = planWide(spec, options, plan);
  const table = await source.read(plan.numericFileColumns(wp.numeric), wp.keys);
  return buildWide(spec, options, plan.build(table, wp.numeric), wp);
}

/**
 * The variables that can be read straight into X (long format): when every
 * data row takes part (no filter, no availability column) and every variable
 * is a plain column of the file used by nothing else, row r of X is data row
 * r, and the reader writes X itself (no column per variable, no copy).
 * Otherwise none: X is filled from the columns afterwards.
 */
function directColumns(spec: DataSpec, options: LoadOptions, plan: ColumnPlan): string[] {
  if (spec.filter !== undefined || spec.availability !== undefined) return [];
  const names: string[] = [];
  for (const v of options.variables) {
    if (v.source.kind !== 'column' || !plan.isFileColumn(v.source.column)) return [];
    names.push(v.source.column);
  }
  if (names.length === 0 || new Set(names).size !== names.length) return [];
  const others = [spec.id, spec.situation, spec.alt, spec.choice, spec.weight, ...(options.characteristics ?? [])].filter(
    (n): n is string => n !== undefined,
  );
  const usedElsewhere = new Set([...others, ...plan.numericFileColumns(others)]);
  return names.some((n) => usedElsewhere.has(n)) ? [] : names;
}
