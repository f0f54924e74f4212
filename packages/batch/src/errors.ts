import { UserError } from '@mxl/errors';

/** A batch file or batch option that cannot be used (names the file, the job and the option). */
export class BatchError extends UserError {
  override name = 'BatchError';
}
