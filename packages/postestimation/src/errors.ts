/** A post-estimation request that cannot be carried out (names the option and what was expected). */
export class PostEstimationError extends Error {
  override name = 'PostEstimationError';
}
