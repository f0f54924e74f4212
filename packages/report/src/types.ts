/**
 * What the report reads: the result JSON of `mxl estimate`, the JSON of `mxl predict`, and the
 * individual-level CSV of `mxl predict --individual`. Only the keys the report uses, every one
 * optional where older files or other estimators may lack it (the report shows what is there).
 *
 * @packageDocumentation
 */

/** One parameter of the result. */
export interface ReportParameter {
  name: string;
  estimate: number;
  se: number | null;
  z: number | null;
  p: number | null;
  fixed?: boolean;
  kind?: string;
  coefficient?: string;
  dist?: string;
}

/** One random coefficient's implied distribution (result.distributions). */
export interface ReportDistribution {
  coefficient: string;
  /** The distribution, `-` in front for sign −1 (`-lognormal`). */
  dist: string;
  mean: number;
  median: number;
  sd: number;
  quantiles?: { q05: number; q25: number; q75: number; q95: number };
  se?: { mean: number; median: number; sd: number } | null;
  /** β = sign·g(location + scale·e); absent from results of older versions (then derived from the parameters). */
  location?: number;
  scale?: number;
}

/** One iteration of the convergence trace (result.history). */
export interface ReportIteration {
  run?: number;
  iteration: number;
  negLogLik: number;
  gradNorm: number;
  seconds: number;
}

/** The result JSON of `mxl estimate`. */
export interface ReportResult {
  mxl?: string;
  loglik: number;
  nullLoglik?: number;
  rho2?: number;
  aic?: number;
  bic?: number;
  converged?: boolean;
  termination?: string;
  message?: string;
  iterations?: number;
  functionEvaluations?: number;
  seconds?: number;
  se?: string;
  seWarning?: string | null;
  parameters: ReportParameter[];
  sample?: { file?: string; individuals?: number; situations?: number; rows?: number; units?: number; panel?: boolean };
  integration?: { rule?: string; nodes?: number; description?: string };
  workers?: number;
  notes?: string[];
  derived?: { name: string; estimate: number; se: number | null }[];
  distributions?: ReportDistribution[];
  history?: ReportIteration[];
  starts?: { start: number; loglik: number; converged: boolean }[];
  optima?: { loglik: number; starts: number; converged: number }[];
  /** The simulation error of the simulated LL at the estimate (absent for older results; null without simulation). */
  simulation?: ReportSimulation | null;
  /** A hierarchical Bayes result's sampler summary (estimator "hb"). */
  hb?: ReportHb;
}

/** result.hb: the sampler's settings, each parameter's posterior summary, and what it keeps of the draws for plots. */
export interface ReportHb {
  iterations?: number;
  burnIn?: number;
  thin?: number;
  chains?: number;
  kept?: number;
  acceptance?: number[];
  parameters?: { name: string; mean: number; sd: number; lower?: number; upper?: number; rhat?: number; ess?: number }[];
  /** chains[c][i]: parameter names[i] in chain c, every `every`-th kept draw (absent from results of older versions). */
  trace?: { names: string[]; every: number; chains: number[][][] };
  histograms?: ReportHbHistogram[];
}

/** One parameter's posterior histogram: counts of equal bins between lo and hi. */
export interface ReportHbHistogram {
  name: string;
  lo: number;
  hi: number;
  counts: number[];
}

/** result.simulation: how large the fit's simulation error is (see @mxl/estimation's simulation-error). */
export interface ReportSimulation {
  method: 'draws' | 'scrambles';
  source: string;
  draws: number;
  logLikSe: number;
  logLikBias: number;
  unitsOver10Percent: number;
  units: number;
  drawsForBiasBelow1: number;
}

/** A square matrix over the alternatives (predict's elasticities and diversion); null where undefined. */
export interface ReportMatrix {
  alternatives: string[];
  values: (number | null)[][];
  se?: (number | null)[][];
}

/** The JSON of `mxl predict` (today's keys; keys it may add are ignored). */
export interface ReportPredict {
  shares?: { alternatives: string[]; predicted: (number | null)[]; observed: (number | null)[]; se?: (number | null)[] };
  scenario?: { alternatives: string[]; base: (number | null)[]; scenario: (number | null)[]; change: (number | null)[]; changeSe?: (number | null)[] };
  elasticities?: ReportMatrix & { variable?: string };
  diversion?: ReportMatrix & { by?: string };
  wtp?: {
    cost: string;
    coefficients: string[];
    mean: (number | null)[];
    sd: (number | null)[];
    q05: (number | null)[];
    median: (number | null)[];
    q95: (number | null)[];
    /** With --se: delta-method standard errors of the mean and the median. */
    meanSe?: (number | null)[];
    medianSe?: (number | null)[];
    wrongSignShare?: number;
    notes?: string[];
  };
  /** The individual CSV's path as predict wrote it. */
  individual?: string;
}

/** The individual-level CSV: its columns by header name (`id` as strings, the others as numbers). */
export interface IndividualTable {
  ids: string[];
  columns: Record<string, number[]>;
}
