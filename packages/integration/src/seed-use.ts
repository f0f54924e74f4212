/**
 * Whether a rule's points depend on its `seed`. Pseudo-random draws, MLHS and the
 * scrambled quasi-random sequences are randomized by the seed; plain Halton and Sobol'
 * points and the quadrature rules' nodes are fixed, so a seed given to them changes
 * nothing, and "replications" over seeds would all be the same fit.
 */
import { isQuadratureRule } from './create.js';

/** What a rule's configuration needs to tell whether it uses the seed. */
export interface SeedUseConfig {
  rule?: unknown;
  scramble?: unknown;
}

/**
 * Null when the rule's points depend on the seed; otherwise why they do not (a phrase such as
 * `rule "halton" without scrambling gives the same points for every seed`). The rule defaults to
 * Halton, as in the spec; unknown rule names give null (they are reported elsewhere).
 */
export function seedIgnoredBecause(config: SeedUseConfig): string | null {
  const rule = config.rule === undefined ? 'halton' : config.rule;
  if (typeof rule !== 'string') return null;
  if ((rule === 'halton' || rule === 'sobol') && (config.scramble === undefined || config.scramble === 'none')) {
    return `rule "${rule}" without scrambling gives the same points for every seed`;
  }
  if (isQuadratureRule(rule)) return `the quadrature rule "${rule}" has the same nodes for every seed`;
  return null;
}

/** What would use the seed, for the messages that follow {@link seedIgnoredBecause}. */
export const SEED_USERS = 'to draw anew with each seed, scramble the sequence ("scramble": "owen"; for Halton also "shuffle") or use rule "pseudo" or "mlhs"';
