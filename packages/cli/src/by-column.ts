/**
 * How the data's messages name the column of `mxl predict --by COLUMN`.
 */
import type { SituationColumnRole } from '@mxl/data';

/**
 * The column of `mxl predict --by COLUMN`, as the data loader's messages call
 * it: `the --by column "x" is not a column of the data (did you mean ...); --by
 * takes "situation" or a column: ...`, and `the --by column "x" must be
 * constant within ... (a group is a set of whole choice situations, ...)`.
 * (A type-only import: the data readers load with the command, not at start-up.)
 */
export const BY_COLUMN: SituationColumnRole = {
  role: 'the --by column',
  why: 'a group is a set of whole choice situations, so the --by column must have one value per situation',
  takes: '--by takes "situation" or a column',
  otherNames: ['situation'],
};
