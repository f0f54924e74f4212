/**
 * The spec's `hb` section (estimator "hb", hierarchical Bayes): the chains'
 * lengths, the seed, the priors and the optional output files. Defaults:
 *
 * | key                  | default | meaning                                                         |
 * |----------------------|---------|-----------------------------------------------------------------|
 * | iterations           | 4000    | sweeps per chain after the burn-in                              |
 * | burnIn               | 2000    | sweeps per chain discarded (the step sizes are tuned there)     |
 * | thin                 | 2       | keep every thin-th sweep after the burn-in                      |
 * | chains               | 2       | independent chains (for split R-hat and ESS)                    |
 * | chain                | none    | run only chain k (1..chains) of them: a batch job (./combine.ts)|
 * | seed                 | 1       | seed of every random stream                                     |
 * | prior.meanVariance   | 100     | mean and fixed coefficients ~ N(0, meanVariance · I)            |
 * | prior.nu             | d + 3   | inverted Wishart degrees of freedom (d: the block's dimension)  |
 * | prior.scale          | 1       | inverted Wishart scale matrix scale · I                         |
 * | locationMove         | false   | also shift every individual and the means together (see sampler)|
 * | draws                | none    | CSV file of the kept draws of the population parameters         |
 * | individuals          | none    | CSV file of each individual's posterior means and sds           |
 *
 * The priors are those of bayesm's rhierMnlRwMixture and Train (2009, ch. 12):
 * normal for the means, inverted Wishart with K + 3 degrees of freedom and
 * identity scale for the covariance (a diagonal covariance is one inverted
 * Wishart of dimension 1, an inverted gamma IG(nu/2, scale/2), per variance).
 */
import * as path from 'node:path';
import { SpecError, show } from '../errors.js';
import { checkKeys, isObject } from '../spec/check.js';

/** The `hb` section after checking. */
export interface HbSpec {
  iterations: number;
  burnIn: number;
  thin: number;
  chains: number;
  /** Run only this chain (1-based) of the `chains`, as a batch job whose results `mxl hb combine` joins; null: every chain. */
  chain: number | null;
  seed: number;
  prior: { meanVariance: number; nu: number | null; scale: number };
  /** Add the common shift of the individuals and the means to the fixed coefficients' Metropolis step. */
  locationMove: boolean;
  /** Absolute path of the draws file, or null. */
  draws: string | null;
  /** Absolute path of the individuals file, or null. */
  individuals: string | null;
}

const KEYS = ['iterations', 'burnIn', 'thin', 'chains', 'chain', 'seed', 'prior', 'locationMove', 'draws', 'individuals'];
const PRIOR_KEYS = ['meanVariance', 'nu', 'scale'];

function integer(v: unknown, option: string, min: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new SpecError(`${option} must be an integer of at least ${min}; received ${show(v)}`, option);
  return v;
}

function positive(v: unknown, option: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new SpecError(`${option} must be a positive number; received ${show(v)}`, option);
  return v;
}

function flag(v: unknown, option: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new SpecError(`${option} must be true or false; received ${show(v)}`, option);
  return v;
}

function file(v: unknown, option: string, baseDir: string): string | null {
  if (v === undefined) return null;
  if (typeof v !== 'string' || v.length === 0) throw new SpecError(`${option} must be a file path; received ${show(v)}`, option);
  return path.resolve(baseDir, v);
}

/**
 * Checks `hb` (absent: every default). Only for estimator "hb": an `hb`
 * section with another estimator is an error, not silently ignored.
 */
export function checkHb(raw: unknown, estimator: string, baseDir: string): HbSpec | undefined {
  if (estimator !== 'hb') {
    if (raw !== undefined) throw new SpecError(`the hb section is for "estimator": "hb"; received estimator "${estimator}"`, 'hb');
    return undefined;
  }
  const h = raw === undefined ? {} : raw;
  if (!isObject(h)) throw new SpecError(`hb must be an object like { "iterations": 4000, "burnIn": 2000 }; received ${show(h)}`, 'hb');
  checkKeys(h, KEYS, 'hb.');
  const p = h.prior === undefined ? {} : h.prior;
  if (!isObject(p)) throw new SpecError(`hb.prior must be an object like { "meanVariance": 100, "nu": 7, "scale": 1 }; received ${show(p)}`, 'hb.prior');
  checkKeys(p, PRIOR_KEYS, 'hb.prior.');
  const seed = integer(h.seed, 'hb.seed', 0, 1);
  if (seed > 0xffffffff) throw new SpecError(`hb.seed must be below 2^32; received ${show(seed)}`, 'hb.seed');
  const iterations = integer(h.iterations, 'hb.iterations', 1, 4000), thin = integer(h.thin, 'hb.thin', 1, 2);
  if (thin > iterations) throw new SpecError(`hb.thin (${thin}) must not exceed hb.iterations (${iterations}): no draw would be kept`, 'hb.thin');
  const chains = integer(h.chains, 'hb.chains', 1, 2);
  const chain = h.chain === undefined ? null : integer(h.chain, 'hb.chain', 1, 1);
  if (chain !== null && chain > chains) throw new SpecError(`hb.chain must be one of the chains 1..${chains} (hb.chains); received ${chain}`, 'hb.chain');
  return {
    iterations,
    burnIn: integer(h.burnIn, 'hb.burnIn', 0, 2000),
    thin,
    chains,
    chain,
    seed,
    prior: {
      meanVariance: positive(p.meanVariance, 'hb.prior.meanVariance', 100),
      nu: p.nu === undefined ? null : positive(p.nu, 'hb.prior.nu', 0),
      scale: positive(p.scale, 'hb.prior.scale', 1),
    },
    locationMove: flag(h.locationMove, 'hb.locationMove'),
    draws: file(h.draws, 'hb.draws', baseDir),
    individuals: file(h.individuals, 'hb.individuals', baseDir),
  };
}
