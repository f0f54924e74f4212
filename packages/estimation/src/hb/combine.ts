/**
 * Chains as batch jobs: `hb.chain: k` runs chain k alone of the spec's `hb.chains` (the same
 * streams, the same start and the same proposals as among the others, ./sampler.ts), and
 * {@link combineHbChains} joins the one-chain results into the result of the multi-chain run,
 * identical to it but for the times and the workers: the kept draws, acceptance rates, step
 * sizes and the individuals' sums come from each chain's `hb.chainState`, the summaries,
 * diagnostics, files and the log-likelihood at the posterior means are computed as for one run.
 */
import { SpecError } from '../errors.js';
import type { EstimateOptions } from '../estimate-options.js';
import type { Prepared } from '../prepare.js';
import type { EstimationResult } from '../results.js';
import { hbChainKey, hbResult, type HbSummary } from './estimate.js';
import { pooledIndividuals, type HbChains } from './sampler.js';
import type { HbSpec } from './spec.js';

/** What this reads of a one-chain result. */
export type ChainResult = Pick<EstimationResult, 'parameters'> & { hb?: Partial<HbSummary> };

/**
 * The result of every chain of `p`'s spec (`hb.chain` in it is ignored) from the one-chain
 * results, one per chain in any order; `labels` name them in errors (file names).
 */
export async function combineHbChains(p: Prepared, results: readonly ChainResult[], labels: readonly string[], options: EstimateOptions = {}): Promise<EstimationResult> {
  const t0 = performance.now();
  if (p.spec.estimator !== 'hb') throw new SpecError(`combining chains needs a spec with "estimator": "hb"; received "${p.spec.estimator}"`, 'estimator');
  const hb: HbSpec = { ...(p.spec.hb as HbSpec), chain: null };
  const q: Prepared = { ...p, spec: { ...p.spec, hb } };
  const key = hbChainKey(q);
  const P = q.design.params.length, kept = Math.floor(hb.iterations / hb.thin);
  const byChain: (ChainResult | undefined)[] = Array.from({ length: hb.chains }, () => undefined);
  results.forEach((r, i) => {
    const at = labels[i] ?? `result ${i + 1}`;
    const s = r.hb;
    if (!s?.chainState || typeof s.chain !== 'number') throw new SpecError(`${at} is not the result of one chain (a run with hb.chain)`, 'hb.chain');
    if (s.chainState.key !== key) throw new SpecError(`${at} is a chain of another estimation (other spec, settings or data than this spec's)`, 'hb.chain');
    if (s.chain < 1 || s.chain > hb.chains) throw new SpecError(`${at} is chain ${s.chain}; this spec has chains 1..${hb.chains}`, 'hb.chain');
    if (byChain[s.chain - 1]) throw new SpecError(`chain ${s.chain} is given twice (${at})`, 'hb.chain');
    if (s.chainState.draws.length !== kept * P) throw new SpecError(`${at}: ${s.chainState.draws.length} draw values, expected ${kept} draws of ${P} parameters`, 'hb.chain');
    byChain[s.chain - 1] = r;
  });
  const missing = byChain.flatMap((r, c) => (r ? [] : [c + 1]));
  if (missing.length) throw new SpecError(`the results of chain${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${hb.chains} are missing`, 'hb.chain');
  const states = byChain.map((r) => r!.hb!);
  const sum = states.map((s) => Float64Array.from(s.chainState!.sum)), sumSq = states.map((s) => Float64Array.from(s.chainState!.sumSq));
  const ind = pooledIndividuals(sum, sumSq, kept);
  const fixed = states.map((s) => s.fixedAcceptance?.[0] ?? null);
  const chains: HbChains = {
    draws: states.map((s) => Float64Array.from(s.chainState!.draws)),
    kept,
    acceptance: states.map((s) => s.acceptance![0]),
    fixedAcceptance: fixed.every((x) => x === null) ? null : fixed.map((x) => x ?? NaN),
    rho: states.map((s) => s.chainState!.rho),
    individualMean: ind.mean, individualSd: ind.sd, sum, sumSq,
    start: Float64Array.from(states[0].chainState!.start),
  };
  return hbResult(q, options, chains, options.workers ?? 1, t0);
}
