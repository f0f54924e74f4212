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

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** ` (did you mean "x"?)` for the closest of `candidates` when it is close to `word`, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}
