/**
 * What the hierarchical Bayes tests of the per-individual likelihood share
 * (test/hb-links.test.ts, test/hb-loglik.test.ts), written independently of
 * the library: a random panel in the core layout, and log L_u by the
 * textbook formula.
 */
import type { ChoiceData } from '@mxl/core';
import { makeRng } from './simulate-dgp.js';

/** The panel {@link randomPanel} draws. */
export interface PanelShape {
  /** Seed of the draws. */
  seed: number;
  /** Individuals. */
  units: number;
  /** Choice situations per individual. */
  situations: number;
  /** Attributes per row (columns of X, named x0, x1, ...). */
  attributes: number;
  /** Rows of each situation: a number, or [fewest, most] drawn uniformly per situation. */
  alternatives: number | readonly [number, number];
  /** An outside option of utility 0, chosen as often as any row (sitChosen -1); default none. */
  outside?: boolean;
  /** The attributes are `scale` times standard normals (default 1). */
  scale?: number;
}

/** A panel of standard normal attributes and uniformly random choices, situation by situation from one seeded generator. */
export function randomPanel(shape: PanelShape): ChoiceData {
  const { units: N, situations: T, attributes: K, alternatives, outside = false, scale = 1 } = shape;
  const r = makeRng(shape.seed);
  const unitSit = [0], sitRow = [0], sitChosen: number[] = [], X: number[] = [];
  let rows = 0;
  for (let u = 0; u < N; u++) {
    for (let t = 0; t < T; t++) {
      const J = typeof alternatives === 'number' ? alternatives : alternatives[0] + Math.floor(r.u() * (alternatives[1] - alternatives[0] + 1));
      for (let j = 0; j < J * K; j++) X.push(scale * r.z());
      const pick = Math.floor(r.u() * (J + (outside ? 1 : 0)));
      sitChosen.push(pick < J ? rows + pick : -1);
      rows += J;
      sitRow.push(rows);
    }
    unitSit.push(unitSit[unitSit.length - 1] + T);
  }
  return {
    nUnits: N, nSituations: N * T, nRows: rows, nVars: K, varNames: Array.from({ length: K }, (_, k) => `x${k}`),
    unitSit: Int32Array.from(unitSit), sitRow: Int32Array.from(sitRow), sitChosen: Int32Array.from(sitChosen), X: Float64Array.from(X),
    rowAlt: new Int32Array(rows), altLabels: [], unitWeight: null, unitCluster: Int32Array.from({ length: N }, (_, u) => u), nClusters: N,
    outside, unitChars: null, charNames: [],
  };
}

/**
 * log L_u at coefficients `coef` by the textbook formula: the sum over u's
 * situations of log P_c = V_c - log sum_j exp V_j (max-shifted; the outside
 * option's utility 0 among the V_j when the panel has one).
 */
export function textbookLogLik(d: ChoiceData, u: number, coef: ArrayLike<number>): number {
  let ll = 0;
  for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
    const V: number[] = [];
    for (let r = d.sitRow[s]; r < d.sitRow[s + 1]; r++) { let v = 0; for (let k = 0; k < d.nVars; k++) v += d.X[r * d.nVars + k] * coef[k]; V.push(v); }
    if (d.outside) V.push(0);
    const c = d.sitChosen[s] >= 0 ? d.sitChosen[s] - d.sitRow[s] : V.length - 1;
    const m = Math.max(...V);
    ll += V[c] - m - Math.log(V.reduce((a, v) => a + Math.exp(v - m), 0));
  }
  return ll;
}
