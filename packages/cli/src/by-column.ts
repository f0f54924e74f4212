/**
 * The message of a bad `predict --by` column (loaded only by `mxl predict --by`, so that the
 * data readers stay out of the command line's start-up).
 */
import { DataError } from '@mxl/data';
import { didYouMean } from '@mxl/errors';
import { CliError } from './errors.js';

/**
 * `mxl predict --by COLUMN`: the loader checks the column as it checks every
 * column it keeps per choice situation and calls it "a situation column";
 * here the user named it as the --by column, so the message says so (with the
 * closest column for one that does not exist). Other errors pass unchanged.
 */
export function byColumnError(e: unknown, by: string): unknown {
  if (!(e instanceof DataError) || e.column !== by) return e;
  const where = e.message.slice(0, e.message.length - e.detail.length);
  const missing = /^column "(?:[^"\\]|\\.)*" \(a situation column\) not found; available columns: (.*)$/.exec(e.detail);
  if (missing) {
    const columns = (missing[1].match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((c) => JSON.parse(c) as string);
    return new CliError(
      `${where}the --by column ${JSON.stringify(by)} is not a column of the data${didYouMean(by, ['situation', ...columns])}; ` +
        `--by takes "situation" or a column: ${missing[1]}`,
    );
  }
  const role = `the situation column ${JSON.stringify(by)}`;
  if (!e.detail.includes(role)) return e;
  const constant = / must be constant within /.test(e.detail) ? ' (a group is a set of whole choice situations, so the --by column must have one value per situation)' : '';
  return new CliError(`${where}${e.detail.replace(role, `the --by column ${JSON.stringify(by)}`)}${constant}`);
}
