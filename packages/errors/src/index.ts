/**
 * `@mxl/errors`: the two base classes of the errors mxl raises on purpose, in
 * a leaf package every other package can import (it imports nothing).
 *
 * - {@link UserError}: the user's mistake, or a condition the user must act
 *   on (a spec option, a data cell, an optimizer setting, a command-line
 *   argument, a likelihood that is not finite at the start values). Its
 *   message says what is wrong and what was expected. Every package's own
 *   error class (SpecError, DataError, RuleConfigError, OptionError,
 *   EngineError, BatchError, CliError, ...) extends it.
 * - {@link AbortError}: a run cancelled through its AbortSignal (or Ctrl-C).
 *   The one class for every cancellation, from the optimizer, the engine or
 *   the estimation.
 *
 * Anything else thrown is a bug in mxl: the command line reports a
 * `UserError` as a message and any other error as a bug (`instanceof`, never
 * the error's name), so a new subclass is reported as the user's mistake.
 *
 * @packageDocumentation
 */

/** The user's mistake (or a condition the user must act on); not a bug in mxl. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A run cancelled through its AbortSignal. */
export class AbortError extends UserError {
  override name = 'AbortError';
  constructor(message = 'estimation aborted') {
    super(message);
  }
}

/** Whether `e` is the user's mistake (or a cancellation) rather than a bug. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

export { didYouMean } from './did-you-mean.js';
