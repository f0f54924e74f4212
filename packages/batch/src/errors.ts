/** A batch file or batch option that cannot be used (names the file, the job and the option). */
export class BatchError extends Error {
  override name = 'BatchError';
}
