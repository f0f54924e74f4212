/** The `hb` part of a result (./estimate.ts builds it; ../results.ts names it), in a module of its own so that neither imports the other. */
import type { PosteriorSummary } from './summary.js';
import type { HbHistogram, HbTrace } from './trace.js';

/** The `hb` part of a result. */
export interface HbSummary {
  iterations: number;
  burnIn: number;
  thin: number;
  chains: number;
  seed: number;
  /** Draws kept per chain. */
  kept: number;
  prior: { meanVariance: number; nu: number | null; scale: number };
  /** Mean acceptance rate of the individuals' Metropolis steps after the burn-in, per chain. */
  acceptance: number[];
  /** Acceptance rate of the location move (fixed coefficients and a common shift of the individuals), per chain (null when it has no coordinates). */
  fixedAcceptance: number[] | null;
  /** Split R-hat and effective sample size per parameter. */
  rhat: Record<string, number>;
  ess: Record<string, number>;
  /** Every parameter's and derived quantity's posterior summary (mean, sd, 95% credible interval, tail probability, R-hat, ESS). */
  parameters: PosteriorSummary[];
  /** A thinned trace of every parameter per chain, for trace plots (./trace.ts). */
  trace: HbTrace;
  /** The posterior histogram of every parameter over every kept draw, for density plots. */
  histograms: HbHistogram[];
  /** Files written on request (absolute), or null. */
  drawsFile: string | null;
  individualsFile: string | null;
  /** A run of one chain (`hb.chain`, a batch job): that chain's number, else null. */
  chain?: number | null;
  /** A run of one chain: what `mxl hb combine` joins (./combine.ts). */
  chainState?: HbChainState;
}

/** What a one-chain run keeps for combining with the other chains' runs. */
export interface HbChainState {
  /** Hex SHA-256 of the spec (without workers, hb.chain and the output files) and the data file: runs of the same estimation only are combined. */
  key: string;
  /** The kept draws (kept × P, row-major). */
  draws: number[];
  /** The individuals' sums and sums of squares over the kept sweeps (N × Kr). */
  sum: number[];
  sumSq: number[];
  /** The tuned random-walk scale. */
  rho: number;
  /** The MSL parameter vector at chain 1's start. */
  start: number[];
}
