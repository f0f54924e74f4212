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
import { reportedAlternatives, Scratch } from './shares.js';
import { situationProbabilities } from './probabilities.js';
import type { VariableColumns } from './variables.js';

/** A square table over the reported alternatives (rows and columns as `alternatives`). */
export interface AltMatrix {
  alternatives: string[];
  /** values[i][j]; NaN where undefined (e.g. an alternative the variable does not enter). */
  values: number[][];
}

/** Share derivatives and elasticity numerators of one variable. */
export interface VariableEffects {
  alternatives: string[];
  /** Unit-weighted sums of Pbar_j (the share denominators, times the total weight). */
  share: number[];
  /** dS[j][l], see the file comment. */
  dS: number[][];
  /** xdS[j][l]. */
  xdS: number[][];
}

function zeros(n: number, m: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

/** One pass over the data: share derivatives with respect to variable v of every alternative. */
export function variableEffects(pop: Population, v: VariableColumns): VariableEffects {
  const d = pop.data, M = pop.M, K = d.nVars, X = d.X;
  const alternatives = reportedAlternatives(d);
  const A = d.altLabels.length, O = A; // outside index
  const n = alternatives.length;
  const share = new Array<number>(n).fill(0);
  const dS = zeros(n, n), xdS = zeros(n, n);
  const z = new Scratch(pop);
  const b = new Float64Array(M);
  for (let u = 0; u < d.nUnits; u++) {
    const w = d.unitWeight ? d.unitWeight[u] : 1;
    pop.unit(u, z.beta, z.a);
    const { a, P, P0 } = z;
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      situationProbabilities(d, s, z.beta, M, P, P0);
      const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0;
      for (let j = 0; j < J; j++) {
        let t = 0;
        for (let m = 0; m < M; m++) t += a[m] * P[j * M + m];
        share[d.rowAlt[r0 + j]] += w * t;
      }
      if (d.outside) {
        let t = 0;
        for (let m = 0; m < M; m++) t += a[m] * P0[m];
        share[O] += w * t;
      }
      for (let l = 0; l < J; l++) {
        const ks = v.byAlt[d.rowAlt[r0 + l]];
        if (ks.length === 0) continue;
        const x = X[(r0 + l) * K + ks[0]];
        for (let m = 0; m < M; m++) {
          let bm = 0;
          for (let i = 0; i < ks.length; i++) bm += z.beta[ks[i] * M + m];
          b[m] = bm;
        }
        const al = d.rowAlt[r0 + l];
        for (let j = 0; j < J; j++) {
          let g = 0;
          if (j === l) for (let m = 0; m < M; m++) { const p = P[l * M + m]; g += a[m] * p * (1 - p) * b[m]; }
          else for (let m = 0; m < M; m++) g -= a[m] * P[j * M + m] * P[l * M + m] * b[m];
          const aj = d.rowAlt[r0 + j];
          dS[aj][al] += w * g;
          xdS[aj][al] += w * x * g;
        }
        if (d.outside) {
          let g = 0;
          for (let m = 0; m < M; m++) g -= a[m] * P0[m] * P[l * M + m] * b[m];
          dS[O][al] += w * g;
          xdS[O][al] += w * x * g;
        }
      }
    }
  }
  return { alternatives, share, dS, xdS };
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
  const d = pop.data, M = pop.M;
  const alternatives = reportedAlternatives(d);
  const A = d.altLabels.length, O = A;
  const n = alternatives.length;
  const num = zeros(n, n);
  const den = new Array<number>(n).fill(0);
  const z = new Scratch(pop);
  for (let u = 0; u < d.nUnits; u++) {
    const w = d.unitWeight ? d.unitWeight[u] : 1;
    pop.unit(u, z.beta, z.a);
    const { a, P, P0, V } = z;
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      const r0 = d.sitRow[s], J = d.sitRow[s + 1] - r0;
      if (J === 1 && !d.outside) continue; // nowhere to divert to
      situationProbabilities(d, s, z.beta, M, P, P0, V);
      for (let l = 0; l < J; l++) {
        const al = d.rowAlt[r0 + l];
        for (let m = 0; m < M; m++) {
          const f = w * a[m] * P[l * M + m];
          den[al] += f;
          // P_j P_l / (1 - P_l) = P_l P_j^{-l}, the logit without l (max-shifted; no 1 - P_l)
          let c = d.outside ? 0 : -Infinity;
          for (let j = 0; j < J; j++) if (j !== l && V[j * M + m] > c) c = V[j * M + m];
          let S = d.outside ? Math.exp(-c) : 0;
          for (let j = 0; j < J; j++) if (j !== l) S += Math.exp(V[j * M + m] - c);
          const g = f / S;
          for (let j = 0; j < J; j++) if (j !== l) num[al][d.rowAlt[r0 + j]] += g * Math.exp(V[j * M + m] - c);
          if (d.outside) num[al][O] += g * Math.exp(-c);
        }
      }
    }
  }
  const values = num.map((row, l) => row.map((x, j) => (j === l || !(den[l] > 0) ? NaN : x / den[l])));
  return { alternatives, values };
}
