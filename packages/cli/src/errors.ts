/**
 * How the command line reports failures: one clear line, a non-zero exit, no
 * stack trace (set MXL_DEBUG=1 to see one). Errors raised for bad input by
 * any layer carry a name the CLI recognizes.
 */
const USER_ERRORS = new Set(['SpecError', 'DataError', 'RuleConfigError', 'OptionError', 'EstimationError', 'EngineError', 'AbortError', 'CliError', 'PostEstimationError', 'BatchError']);

/** A usage error of the command line itself. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Prints an error and returns the exit code to use. */
export function report(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.name === 'AbortError') {
    process.stderr.write(`mxl: ${err.message}\n`);
    return 130;
  }
  const known = USER_ERRORS.has(err.name);
  process.stderr.write(`mxl: error: ${err.message}\n`);
  if (process.env.MXL_DEBUG) process.stderr.write(`${err.stack}\n`);
  else if (!known) process.stderr.write('mxl: this looks like a bug in mxl; run with MXL_DEBUG=1 for details\n');
  return known ? 2 : 1;
}
