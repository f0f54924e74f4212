/**
 * The settings of the integration-rule suite: the quick (smoke-test) and full
 * sizes, and the electricity parameters at which its likelihood is compared.
 */
import type { RuleConfig } from '@mxl/integration';
import type { EstimatorOptions } from './estimator.js';
import type { ReferenceOptions, SweepOptions } from './ll-accuracy.js';
import { VARIANT_ORDER } from './rules.js';

/** The electricity parameters at which its likelihood is compared (a good estimate). */
export const ELECTRICITY_THETA: Readonly<Record<string, number>> = Object.freeze({
  pf: -0.97, cl: -0.21, loc: 2.08, wk: 1.48, tod: -9.05, seas: -9.1,
  'sd.pf': 0.22, 'sd.cl': 0.38, 'sd.loc': 1.48, 'sd.wk': 1.0, 'sd.tod': 2.29, 'sd.seas': 1.18,
});

/** The settings of one run of the suite. */
export interface SuiteConfig {
  /** `quick` or `full`. */
  mode: string;
  simDims: number[];
  sim: { individuals: number; situations: number; alternatives: number; seed: number };
  reference: ReferenceOptions;
  sweep: SweepOptions;
  electricity: { reference: ReferenceOptions; sweep: SweepOptions; estimation: { label: string; config: RuleConfig }[] };
  estimator: Omit<EstimatorOptions, 'work'>;
}

const ALL_RULES = [...VARIANT_ORDER];

/** The `--quick` settings: a smoke test that finishes in well under two minutes on two cores. */
export const QUICK: SuiteConfig = {
  mode: 'quick',
  simDims: [1, 2, 3, 4, 6, 8],
  sim: { individuals: 60, situations: 6, alternatives: 3, seed: 20261129 },
  reference: { sobolDraws: 2 ** 11, sobolRuns: 4, productMaxNodes: 4096, productMaxDim: 4 },
  sweep: { rules: ALL_RULES, drawsPow: [3, 9], maxQuadratureNodes: 512, seeds: 2 },
  electricity: {
    reference: { sobolDraws: 2 ** 9, sobolRuns: 4, productMaxNodes: 0, productMaxDim: 0 },
    sweep: { rules: ALL_RULES, drawsPow: [3, 7], maxQuadratureNodes: 128, seeds: 2 },
    estimation: [
      { label: 'halton', config: { rule: 'halton', draws: 16 } },
      { label: 'sparse-kpn', config: { rule: 'sparse-kpn', level: 2 } },
    ],
  },
  estimator: {
    dims: [2], replications: 2, individuals: 100, situations: 6, alternatives: 3,
    rules: ['halton', 'sobol-owen', 'product', 'sparse-kpn'], targets: [16], exact: { rule: 'sobol', scramble: 'owen', draws: 256 }, productMaxDim: 4,
  },
};

/** The full settings. */
export const FULL: SuiteConfig = {
  mode: 'full',
  simDims: [1, 2, 3, 4, 6, 8],
  sim: { individuals: 250, situations: 8, alternatives: 3, seed: 20261129 },
  reference: { sobolDraws: 2 ** 15, sobolRuns: 8, productMaxNodes: 60_000, productMaxDim: 4 },
  sweep: { rules: ALL_RULES, drawsPow: [3, 13], maxQuadratureNodes: 8192, seeds: 8 },
  electricity: {
    reference: { sobolDraws: 2 ** 15, sobolRuns: 8, productMaxNodes: 0, productMaxDim: 0 },
    sweep: { rules: ALL_RULES, drawsPow: [3, 12], maxQuadratureNodes: 4096, seeds: 8 },
    estimation: [
      { label: 'halton', config: { rule: 'halton', draws: 100 } },
      { label: 'pseudo', config: { rule: 'pseudo', draws: 128 } },
      { label: 'sobol-owen', config: { rule: 'sobol', scramble: 'owen', draws: 128 } },
      { label: 'sobol-owen', config: { rule: 'sobol', scramble: 'owen', draws: 1024 } },
      { label: 'sparse-gqn', config: { rule: 'sparse-gqn', level: 3 } },
      { label: 'sparse-kpn', config: { rule: 'sparse-kpn', level: 3 } },
      { label: 'sparse-kpn', config: { rule: 'sparse-kpn', level: 4 } },
      { label: 'sparse-kpn', config: { rule: 'sparse-kpn', level: 5 } },
      { label: 'product', config: { rule: 'product', level: 3 } },
    ],
  },
  estimator: {
    dims: [2, 4, 6], replications: 20, individuals: 250, situations: 8, alternatives: 3,
    rules: ['pseudo', 'halton', 'sobol-owen', 'product', 'sparse-gqn', 'sparse-kpn'], targets: [32, 128, 512],
    exact: { rule: 'sobol', scramble: 'owen', draws: 4096 }, productMaxDim: 4,
  },
};
