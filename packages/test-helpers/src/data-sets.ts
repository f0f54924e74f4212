/**
 * The public choice data sets the tests read, by file name. Every one is in the
 * repository: electricity and Swissmetro ship with the examples
 * (`examples/<name>/`), the others are under `test/data/` (their sources and
 * what is checked against each: `test/data/README.md`).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `packages/test-helpers/{src,dist}/data-sets.*`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The folder of the committed test data sets. */
export const TEST_DATA_DIR = path.join(REPO_ROOT, 'test', 'data');

/** Data sets that live with the examples rather than under `test/data/`. */
const IN_EXAMPLES: Readonly<Record<string, string>> = {
  'electricity_long.csv': 'examples/electricity',
  'swissmetro.dat': 'examples/swissmetro',
};

/** The data sets under `test/data/`. */
const IN_TEST_DATA = new Set([
  'apollo_swissRouteChoiceData.csv',
  'artificial_long.csv',
  'car100_long.csv',
  'fishing_long.csv',
  'heating_wide.csv',
  'mlogit_Train_wide.csv',
  'yogurt_long.csv',
]);

/** The absolute path of a committed data set; an unknown name is an error that lists the known ones. */
export function dataSet(name: string): string {
  const dir = IN_EXAMPLES[name];
  if (dir !== undefined) return path.join(REPO_ROOT, dir, name);
  if (IN_TEST_DATA.has(name)) return path.join(TEST_DATA_DIR, name);
  const known = [...Object.keys(IN_EXAMPLES), ...IN_TEST_DATA].sort().join(', ');
  throw new Error(`no committed test data set named '${name}' (known: ${known})`);
}
