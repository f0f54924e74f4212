import { UserError } from '@mxl/errors';

/** A post-estimation request that cannot be carried out (names the option and what was expected). */
export class PostEstimationError extends UserError {
  override name = 'PostEstimationError';
}
