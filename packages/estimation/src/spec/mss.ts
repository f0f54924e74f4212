/**
 * The spec's `mss` section: the posterior sampler of the method of simulated
 * scores (../mss.ts) and its settings. Only with `"estimator": "mss"`.
 */
import { SAMPLERS, type SamplerKind } from '@mxl/engine';
import { SpecError, show } from '../errors.js';
import { checkKeys, isObject } from './check.js';

/** The `mss` section after checking, defaults filled in. */
export interface MssSpec {
  /** "mh" (default): Metropolis-Hastings; "accept-reject": exact draws; "importance": a proposal tuned at the MSL estimate. */
  sampler: SamplerKind;
  /** Metropolis-Hastings sweeps before the draws are used (default 40). */
  burnIn: number;
  /** Accept-reject: proposals at most per draw wanted (default 1000); an individual whose choice probability is below 1/budget makes accept-reject impractical. */
  budget: number;
}

const MSS_KEYS = ['sampler', 'burnIn', 'budget'];

/** The defaults (a spec without `mss` is keyed, in checkpoints, as before the section existed). */
export const MSS_DEFAULTS: Readonly<MssSpec> = Object.freeze({ sampler: 'mh', burnIn: 40, budget: 1000 });

/** Checks `mss` (absent: undefined, meaning {@link MSS_DEFAULTS}). */
export function checkMss(raw: unknown, estimator: string): MssSpec | undefined {
  if (raw === undefined) return undefined;
  if (estimator !== 'mss') throw new SpecError(`mss configures the estimator "mss"; received estimator "${estimator}"`, 'mss');
  if (!isObject(raw)) throw new SpecError(`mss must be an object such as { "sampler": "importance" }; received ${show(raw)}`, 'mss');
  checkKeys(raw, MSS_KEYS, 'mss.');
  const sampler = raw.sampler ?? 'mh';
  if (typeof sampler !== 'string' || !(SAMPLERS as readonly string[]).includes(sampler)) {
    throw new SpecError(`mss.sampler must be one of ${SAMPLERS.map((s) => `"${s}"`).join(', ')}; received ${show(raw.sampler)}`, 'mss.sampler');
  }
  const burnIn = raw.burnIn ?? 40;
  if (typeof burnIn !== 'number' || !Number.isInteger(burnIn) || burnIn < 1) throw new SpecError(`mss.burnIn must be a positive integer (Metropolis-Hastings sweeps); received ${show(raw.burnIn)}`, 'mss.burnIn');
  const budget = raw.budget ?? 1000;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1) throw new SpecError(`mss.budget must be a positive integer (accept-reject proposals per draw); received ${show(raw.budget)}`, 'mss.budget');
  return { sampler: sampler as SamplerKind, burnIn, budget };
}
