/**
 * Quantities derived from the estimates, with delta-method standard errors
 * (Greene 2018, sec. 4.6): for g(θ), Var g ≈ J C Jᵀ with J = ∂g/∂θ taken by
 * central differences (g is cheap and smooth).
 *
 * - Correlated coefficients: the implied covariance Ω = L Lᵀ (`cov.a:b`),
 *   standard deviations (`sd.a`) and correlations (`cor.a:b`).
 * - Latent classes: average class shares over individuals (`share.classC`).
 */
import { isLatentClass, type ChoiceData } from '@mxl/core';
import type { ModelDesign } from './model.js';

/** A derived quantity. */
export interface DerivedResult {
  name: string;
  estimate: number;
  se: number;
}

/** Delta-method standard errors of the components of g at theta. */
export function deltaMethod(g: (t: Float64Array) => number[], theta: Float64Array, cov: Float64Array): { value: number[]; se: number[] } {
  const P = theta.length;
  const value = g(theta);
  const M = value.length;
  const J = new Float64Array(M * P);
  for (let p = 0; p < P; p++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[p]));
    const a = Float64Array.from(theta), b = Float64Array.from(theta);
    a[p] += h;
    b[p] -= h;
    const ga = g(a), gb = g(b);
    for (let m = 0; m < M; m++) J[m * P + p] = (ga[m] - gb[m]) / (2 * h);
  }
  const se = value.map((_, m) => {
    let v = 0;
    for (let i = 0; i < P; i++) {
      const ji = J[m * P + i];
      if (ji === 0) continue;
      for (let j = 0; j < P; j++) v += ji * cov[i * P + j] * J[m * P + j];
    }
    return Math.sqrt(Math.max(v, 0));
  });
  return { value, se };
}

/** The implied covariance, standard deviations and correlations of a correlated block. */
export function correlationQuantities(design: ModelDesign, block: string[], theta: Float64Array, cov: Float64Array): DerivedResult[] {
  if (block.length < 2) return [];
  const n = block.length;
  const idx = (a: string, b: string) => design.params.findIndex((q) => q.kind === 'chol' && q.col === a && q.row === b);
  const names: string[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) names.push(`cov.${block[j]}:${block[i]}`);
  for (let i = 0; i < n; i++) names.push(`sd.${block[i]}`);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) names.push(`cor.${block[j]}:${block[i]}`);
  const g = (t: Float64Array): number[] => {
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = t[idx(block[j], block[i])];
    const O = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k]; O[i * n + j] = s; }
    const out: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out.push(O[i * n + j]);
    for (let i = 0; i < n; i++) out.push(Math.sqrt(O[i * n + i]));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out.push(O[i * n + j] / Math.sqrt(O[i * n + i] * O[j * n + j]));
    return out;
  };
  const { value, se } = deltaMethod(g, theta, cov);
  return names.map((name, m) => ({ name, estimate: value[m], se: se[m] }));
}

/** Average class membership probabilities over individuals. */
export function classShares(design: ModelDesign, data: ChoiceData, theta: Float64Array, cov: Float64Array): DerivedResult[] {
  if (design.classes < 2) return [];
  const C = design.classes;
  const memb = design.params.map((q, i) => ({ q, i })).filter((x) => x.q.kind === 'membership');
  const vars = isLatentClass(design.plan) ? design.plan.membershipChar : new Int32Array(0);
  const nz = vars.length;
  const nc = data.charNames.length;
  const g = (t: Float64Array): number[] => {
    const share = new Array<number>(C).fill(0);
    let wsum = 0;
    const eta = new Float64Array(C);
    for (let u = 0; u < data.nUnits; u++) {
      const w = data.unitWeight ? data.unitWeight[u] : 1;
      let m = 0;
      for (let c = 1; c < C; c++) {
        const o = (c - 1) * (1 + nz);
        let e = t[memb[o].i];
        for (let j = 0; j < nz; j++) e += t[memb[o + 1 + j].i] * data.unitChars![u * nc + vars[j]];
        eta[c] = e;
        if (e > m) m = e;
      }
      let S = 0;
      for (let c = 0; c < C; c++) S += Math.exp((c === 0 ? 0 : eta[c]) - m);
      for (let c = 0; c < C; c++) share[c] += (w * Math.exp((c === 0 ? 0 : eta[c]) - m)) / S;
      wsum += w;
    }
    return share.map((s) => s / wsum);
  };
  const { value, se } = deltaMethod(g, theta, cov);
  return value.map((v, c) => ({ name: `share.class${c + 1}`, estimate: v, se: se[c] }));
}
