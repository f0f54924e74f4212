import { UserError } from '@mxl/errors';

/** The base classes (see @mxl/errors): the user's mistake, and a cancelled run. */
export { UserError, AbortError } from '@mxl/errors';

/**
 * An error in the user's specification. The message names the option (as a
 * dotted path into the spec) and the value received.
 */
export class SpecError extends UserError {
  override name = 'SpecError';
  constructor(message: string, readonly option?: string) {
    super(message);
  }
}

/** Renders a received value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(v);
  }
}

/** A failure during estimation that is not the user's input (e.g. a non-finite likelihood at the start). */
export class EstimationError extends UserError {
  override name = 'EstimationError';
}

/** ` (did you mean "x"?)` for the closest candidate (now in `@mxl/errors`, kept here for the packages that import it from here). */
export { didYouMean } from '@mxl/errors';
