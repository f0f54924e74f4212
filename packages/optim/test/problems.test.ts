/**
 * The test problems themselves: every entry's analytic gradient agrees with
 * central finite differences at its start and at its minimizer (a wrong
 * gradient there would make every method's test meaningless).
 */
import { describe, expect, it } from 'vitest';
import { fdCheck } from '@mxl/test-helpers';
import { problemTable } from './problems.js';

describe('the problem table', () => {
  it.each(problemTable().map((tp) => [tp.name, tp] as const))('%s: gradient = finite differences at x0 and x*', async (_, tp) => {
    for (const x of [tp.x0, tp.xStar]) {
      const r = await fdCheck((t, g) => tp.problem.fg(t, g), x);
      expect(r.maxRel).toBeLessThan(1e-5);
    }
  });
});
