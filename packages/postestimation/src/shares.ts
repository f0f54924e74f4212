/**
 * Predicted choice probabilities and market shares: each situation's
 * probabilities integrated over the unit's support points,
 *
 *     Pbar_tj = sum_m a_um P_tj(beta_um),
 *
 * and shares by alternative, S_j = sum_t w_t Pbar_tj / sum_t w_t (w_t the
 * unit weight), beside the observed shares. With an outside option it is one
 * more alternative, labelled "outside", last.
 */
import type { ChoiceData } from '@mxl/core';
import type { Population } from './population.js';
import { accumulatorLength, PassScratch, runPass } from './passes.js';

/** The label of the outside option in reports. */
export const OUTSIDE = 'outside';

/** Alternatives as reported: the data's labels, then "outside" when there is one. */
export function reportedAlternatives(data: ChoiceData): string[] {
  return data.outside ? [...data.altLabels, OUTSIDE] : [...data.altLabels];
}

/** Per-situation predictions. */
export interface Predictions {
  /** Length nRows: Pbar of every row (available alternative). */
  row: Float64Array;
  /** Length nSituations: Pbar of the outside option (zeros without one). */
  outside: Float64Array;
}

/** Integrated probabilities of every row and of the outside option. */
export function predict(pop: Population): Predictions {
  const d = pop.data;
  const out: Predictions = { row: new Float64Array(d.nRows), outside: new Float64Array(d.nSituations) };
  const acc = new Float64Array(accumulatorLength('shares', d, 1));
  runPass(pop, { kind: 'shares' }, null, 0, d.nUnits, acc, new PassScratch(pop), out);
  return out;
}

/** Predicted and observed shares by alternative. */
export interface Shares {
  alternatives: string[];
  predicted: number[];
  observed: number[];
}

/** Aggregates predictions into shares (unit-weighted), beside the observed shares. */
export function shares(data: ChoiceData, pred: Predictions): Shares {
  const alternatives = reportedAlternatives(data);
  const A = data.altLabels.length;
  const predicted = new Array<number>(alternatives.length).fill(0);
  const observed = new Array<number>(alternatives.length).fill(0);
  let total = 0;
  for (let u = 0; u < data.nUnits; u++) {
    const w = data.unitWeight ? data.unitWeight[u] : 1;
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
      total += w;
      for (let r = data.sitRow[s]; r < data.sitRow[s + 1]; r++) predicted[data.rowAlt[r]] += w * pred.row[r];
      if (data.outside) predicted[A] += w * pred.outside[s];
      const c = data.sitChosen[s];
      observed[c >= 0 ? data.rowAlt[c] : A] += w;
    }
  }
  return { alternatives, predicted: predicted.map((x) => x / total), observed: observed.map((x) => x / total) };
}
