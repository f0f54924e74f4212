/**
 * How the command line reports failures: one clear line, a non-zero exit, no
 * stack trace (set MXL_DEBUG=1 to see one). Every layer raises its input
 * errors as subclasses of {@link UserError} (from @mxl/errors), so the CLI
 * tells the user's mistake from a bug by `instanceof`, never by name: a new
 * error class is reported as the user's mistake as soon as it extends
 * UserError.
 */
import { AbortError, UserError } from '@mxl/errors';

/** A usage error of the command line itself. */
export class CliError extends UserError {
  override name = 'CliError';
}

/** Whether an error is the user's mistake (exit 2, no "bug" hint) rather than a bug (exit 1). */
export function isUserMistake(err: unknown): boolean {
  // @mxl/postestimation's error does not extend UserError yet
  return err instanceof UserError;
}

/** Prints an error and returns the exit code to use. */
export function report(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof AbortError) {
    process.stderr.write(`mxl: ${err.message}\n`);
    return 130;
  }
  const known = isUserMistake(err);
  process.stderr.write(`mxl: error: ${err.message}\n`);
  if (process.env.MXL_DEBUG) process.stderr.write(`${err.stack}\n`);
  else if (!known) process.stderr.write('mxl: this looks like a bug in mxl; run with MXL_DEBUG=1 for details\n');
  return known ? 2 : 1;
}
