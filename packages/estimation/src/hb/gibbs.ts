/**
 * The Gibbs draws of the population parameters on the main thread (Train
 * 2009, sec. 12.6.1; Rossi, Allenby and McCulloch 2005, sec. 2.8 and 5.3),
 * given every individual's latent coefficients beta_n (N × Kr, unit order):
 *
 * - B | W, beta: beta_n = B' w_n + e_n, e_n ~ N(0, W), with the free entries
 *   theta of B a priori N(0, v I): the posterior precision is
 *   Q = sum_n X_n' W^-1 X_n + I/v and the mean Q^-1 sum_n X_n' W^-1 beta_n,
 *   where X_n maps theta to B' w_n. Without characteristics this is the
 *   usual b ~ N(beta-bar, W/N) when v is large.
 * - W | B, beta: per covariance block of dimension d, IW(nu + N, s I + S)
 *   with S = sum_n e_n e_n' over the block (a diagonal covariance: one
 *   inverted gamma per variance).
 *
 * Sums run over individuals in unit order, so the draws are the same whatever
 * the number of workers that made beta.
 */
import type { CounterStream } from '@mxl/engine';
import type { HbDesign } from './design.js';
import { drawFromPrecision, drawInvWishart } from './wishart.js';

/** The regressors of the mean, N × M (1, then the characteristics), from the data. */
export function meanRegressors(h: HbDesign, nUnits: number, unitChars: Float64Array | null, nChars: number): Float64Array {
  const M = h.model.M, w = new Float64Array(nUnits * M);
  for (let u = 0; u < nUnits; u++) {
    w[u * M] = 1;
    for (let j = 1; j < M; j++) w[u * M + j] = unitChars![u * nChars + h.model.chars[j - 1]];
  }
  return w;
}

/** sum_n w_n w_n' (M × M). */
export function crossProduct(w: Float64Array, N: number, M: number): Float64Array {
  const out = new Float64Array(M * M);
  for (let u = 0; u < N; u++) for (let a = 0; a < M; a++) for (let b = 0; b < M; b++) out[a * M + b] += w[u * M + a] * w[u * M + b];
  return out;
}

/** Draws the free entries of B (M × Kr, into B) given W^-1 and beta (N × Kr at offset bo). */
export function drawMeans(rng: CounterStream, h: HbDesign, w: Float64Array, ww: Float64Array, beta: Float64Array, bo: number, N: number, Winv: Float64Array, meanVariance: number, B: Float64Array): void {
  const { M, Kr } = h.model;
  const idx: number[] = [];
  for (let i = 0; i < M * Kr; i++) if (h.free[i]) idx.push(i);
  const F = idx.length;
  if (F === 0) return;
  // S_wb = sum_n w_n beta_n' (M × Kr)
  const Swb = new Float64Array(M * Kr);
  for (let u = 0; u < N; u++) {
    for (let a = 0; a < M; a++) {
      const wa = w[u * M + a];
      if (wa === 0) continue;
      for (let k = 0; k < Kr; k++) Swb[a * Kr + k] += wa * beta[bo + u * Kr + k];
    }
  }
  const Q = new Float64Array(F * F), rhs = new Float64Array(F);
  for (let i = 0; i < F; i++) {
    const mi = Math.floor(idx[i] / Kr), ki = idx[i] % Kr;
    for (let j = 0; j < F; j++) {
      const mj = Math.floor(idx[j] / Kr), kj = idx[j] % Kr;
      Q[i * F + j] = ww[mi * M + mj] * Winv[ki * Kr + kj] + (i === j ? 1 / meanVariance : 0);
    }
    let s = 0;
    for (let k = 0; k < Kr; k++) s += Winv[ki * Kr + k] * Swb[mi * Kr + k];
    rhs[i] = s;
  }
  const theta = drawFromPrecision(rng, F, Q, rhs);
  B.fill(0);
  for (let i = 0; i < F; i++) B[idx[i]] = theta[i];
}

/** Draws W (Kr × Kr, block-diagonal, into W) given B and beta. */
export function drawCovariance(rng: CounterStream, h: HbDesign, w: Float64Array, beta: Float64Array, bo: number, N: number, B: Float64Array, prior: { nu: number | null; scale: number }, W: Float64Array): void {
  const { M, Kr } = h.model;
  // residual scatter S = sum_n e_n e_n'
  const S = new Float64Array(Kr * Kr), e = new Float64Array(Kr);
  for (let u = 0; u < N; u++) {
    for (let k = 0; k < Kr; k++) {
      let mu = 0;
      for (let a = 0; a < M; a++) mu += w[u * M + a] * B[a * Kr + k];
      e[k] = beta[bo + u * Kr + k] - mu;
    }
    for (let i = 0; i < Kr; i++) for (let j = 0; j <= i; j++) S[i * Kr + j] += e[i] * e[j];
  }
  W.fill(0);
  for (const b of h.blocks) {
    const d = b.length;
    const Psi = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      const [x, y] = b[i] >= b[j] ? [b[i], b[j]] : [b[j], b[i]];
      Psi[i * d + j] = S[x * Kr + y] + (i === j ? prior.scale : 0);
    }
    const Wb = drawInvWishart(rng, d, priorNu(prior, d) + N, Psi);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) W[b[i] * Kr + b[j]] = Wb[i * d + j];
  }
}

/** The prior degrees of freedom of a block of dimension d (default d + 3). */
export function priorNu(prior: { nu: number | null }, d: number): number {
  return prior.nu ?? d + 3;
}
