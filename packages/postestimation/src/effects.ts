/**
 * Effects of a variable on shares, and diversion ratios.
 *
 * At a support point, the logit derivative of row j's probability with
 * respect to variable v of row l in the same situation is
 *
 *     dP_j/dx_l = P_j (delta_jl - P_l) b_l,     b_l = dV_l/dx_l (sum of the
 *     coefficients of the columns that carry v for l's alternative),
 *
 * and the outside option's is -P_0 P_l b_l. Integrating over support points
 * (prior weights a_um) and summing over situations with the unit weights:
 *
 *     dS[j][l]  = sum_t w_t sum_m a_um dP_tj/dx_tl          (share derivative)
 *     xdS[j][l] = sum_t w_t x_tl sum_m a_um dP_tj/dx_tl
 *     E[j][l]   = xdS[j][l] / sum_t w_t Pbar_tj               (aggregate elasticity)
 *
 * E[j][l] is the elasticity of the aggregate demand for j when v of
 * alternative l rises by one percent in every situation (Train 2009, sec.
 * 2.6 and 6.6, "aggregate elasticity": the probability-weighted average of
 * the individual elasticities).
 *
 * Diversion ratios (Conlon and Mortimer 2021, "Empirical properties of
 * diversion ratios", RAND J. Econ. 52(4)): the share of the demand that
 * alternative l loses which goes to j,
 *
 *     marginal (a small change of v_l):  D[l][j] = -dS[j][l] / dS[l][l]
 *       (the same absolute change of v_l in every situation, as a price
 *       change is; with one situation per market this is their D_lj)
 *     second choice (l removed):         D[l][j] = (S_j^{-l} - S_j) / S_l
 *
 * Removing l from a logit at a support point gives P_j^{-l} = P_j / (1 - P_l),
 * so S_j^{-l} - S_j = sum_t w_t sum_m a_um P_l P_j^{-l}, with P_j^{-l}
 * computed from the utilities without l (no 1 - P_l, no cancellation).
 * Situations where l is the only alternative (and there is no outside option)
 * have nowhere to divert to and are left out of l's row. Each row of D sums to
 * one over j != l, the outside option included.
 */
import type { Population } from './population.js';
import { reportedAlternatives } from './shares.js';
import { accumulatorLength, PassScratch, runPass } from './passes.js';
import { diversionReport, effectsReport, type AltMatrix, type VariableEffects } from './reports.js';
import { sensitivityOfColumns } from './interventions.js';
import type { VariableColumns } from './variables.js';

export type { AltMatrix, VariableEffects } from './reports.js';

function zeros(n: number, m: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

/** One pass over the data: share derivatives with respect to variable v of every alternative. */
export function variableEffects(pop: Population, v: VariableColumns): VariableEffects {
  const acc = new Float64Array(accumulatorLength('effects', pop.data, 1));
  runPass(pop, { kind: 'effects', sensitivity: sensitivityOfColumns(pop.data, v) }, null, 0, pop.data.nUnits, acc, new PassScratch(pop));
  return effectsReport(acc, reportedAlternatives(pop.data));
}

/** Aggregate elasticities E[j][l] (NaN for an alternative with zero predicted demand). */
export function elasticities(e: VariableEffects): AltMatrix {
  const values = e.xdS.map((row, j) => row.map((x) => (e.share[j] > 0 ? x / e.share[j] : NaN)));
  return { alternatives: e.alternatives, values };
}

/**
 * Marginal diversion ratios D[l][j] = -dS[j][l] / dS[l][l] (NaN on the
 * diagonal, and in rows of alternatives the variable does not move).
 */
export function marginalDiversion(e: VariableEffects): AltMatrix {
  const n = e.alternatives.length;
  const values = zeros(n, n);
  for (let l = 0; l < n; l++) {
    const own = e.dS[l][l];
    for (let j = 0; j < n; j++) values[l][j] = j === l || own === 0 ? NaN : -e.dS[j][l] / own;
  }
  return { alternatives: e.alternatives, values };
}

/** Second-choice diversion ratios D[l][j] when l is removed from every choice set (NaN on the diagonal). */
export function removalDiversion(pop: Population): AltMatrix {
  const acc = new Float64Array(accumulatorLength('removal', pop.data, 1));
  runPass(pop, { kind: 'removal' }, null, 0, pop.data.nUnits, acc, new PassScratch(pop));
  return diversionReport(acc, reportedAlternatives(pop.data));
}
