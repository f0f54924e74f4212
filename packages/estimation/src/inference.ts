/**
 * Covariance matrices of the estimates (all row-major P×P):
 *
 * - `bhhh`: (Σ_u s_u s_uᵀ)⁻¹, the outer product of per-unit (per-individual
 *   in a panel) scores (Berndt, Hall, Hall and Hausman 1974).
 * - `bhhh-situations`: the outer product of per-situation score
 *   contributions s_t = Σ_r q_ur ∂log P_tr/∂θ. This is what mlogit and xlogit
 *   report for panels (their published electricity standard errors are
 *   reproduced by it, not by the per-individual form); it treats an
 *   individual's situations as independent, so prefer `bhhh`, `robust` or
 *   `cluster` for inference on panels. In a cross-section both coincide.
 * - `hessian`: (−H)⁻¹ with H the Hessian of the log-likelihood by central
 *   differences of the analytic gradient.
 * - `robust`: the sandwich (−H)⁻¹ B (−H)⁻¹ (White 1982; Huber 1967).
 * - `cluster`: the sandwich with B summed over clusters (individuals),
 *   B_c = G/(G−1) Σ_g S_g S_gᵀ, S_g the sum of the scores of cluster g.
 */
import { invertSPD, jacobiEigen, numericalHessian, pinvSymmetric } from '@mxl/optim';
import type { SeMethod } from './spec.js';

/** What the covariance computation needs from an estimation. */
export interface InferenceInput {
  P: number;
  /** Parameter names (for warnings). */
  names: readonly string[];
  theta: Float64Array;
  /** Per-unit scores at theta, nUnits × P. */
  unitScores: Float64Array;
  nUnits: number;
  unitCluster: Int32Array;
  nClusters: number;
  /** Per-situation scores (nSituations × P), for bhhh-situations. */
  situationScores?: () => Promise<{ scores: Float64Array; n: number }>;
  /** Value and gradient of −LL (as minimized), for the Hessian. */
  fg(x: Float64Array, g: Float64Array): Promise<number>;
}

/** The covariance matrix and, where a matrix could not be inverted, a warning. */
export interface Covariance {
  matrix: Float64Array;
  method: SeMethod;
  warning: string | null;
  /** Hessian of −LL when it was computed (for reuse). */
  hessian: Float64Array | null;
}

function outer(P: number, rows: Float64Array, n: number): Float64Array {
  const B = new Float64Array(P * P);
  for (let u = 0; u < n; u++) {
    const o = u * P;
    for (let a = 0; a < P; a++) {
      const sa = rows[o + a];
      if (sa === 0) continue;
      for (let b = 0; b < P; b++) B[a * P + b] += sa * rows[o + b];
    }
  }
  return B;
}

/**
 * Inverts a symmetric positive definite matrix. When it is singular, the
 * parameters that load on its null space are not identified: their variances
 * are set to NaN (never a misleading 0) and the warning names them.
 */
function invert(P: number, A: Float64Array, what: string, names: readonly string[]): { inv: Float64Array; warning: string | null } {
  const inv = invertSPD(P, A);
  if (inv) return { inv, warning: null };
  const pinv = pinvSymmetric(P, A);
  const { values, vectors } = jacobiEigen(P, A);
  let lmax = 0;
  for (let j = 0; j < P; j++) lmax = Math.max(lmax, Math.abs(values[j]));
  const bad = new Set<number>();
  for (let j = 0; j < P; j++) {
    if (values[j] > 1e-10 * lmax) continue;
    for (let i = 0; i < P; i++) if (Math.abs(vectors[i * P + j]) > 1e-6) bad.add(i);
  }
  for (const i of bad) for (let j = 0; j < P; j++) { pinv[i * P + j] = NaN; pinv[j * P + i] = NaN; }
  const list = [...bad].map((i) => names[i] ?? `#${i}`).join(', ');
  return { inv: pinv, warning: `the ${what} is singular: ${list || 'some parameters'} not identified (standard errors NaN)` };
}

function sandwich(P: number, Hinv: Float64Array, B: Float64Array): Float64Array {
  const T = new Float64Array(P * P), C = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) { let s = 0; for (let k = 0; k < P; k++) s += Hinv[i * P + k] * B[k * P + j]; T[i * P + j] = s; }
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) { let s = 0; for (let k = 0; k < P; k++) s += T[i * P + k] * Hinv[k * P + j]; C[i * P + j] = s; }
  return C;
}

/** Computes the covariance matrix of the estimates by the given method. */
export async function covariance(method: SeMethod, x: InferenceInput): Promise<Covariance> {
  const { P } = x;
  if (method === 'none') return { matrix: new Float64Array(P * P).fill(NaN), method, warning: null, hessian: null };
  if (method === 'bhhh-situations') {
    if (!x.situationScores) throw new Error('per-situation scores are not available');
    const { scores, n } = await x.situationScores();
    const { inv, warning } = invert(P, outer(P, scores, n), 'outer product of the per-situation scores', x.names);
    return { matrix: inv, method, warning, hessian: null };
  }
  if (method === 'bhhh') {
    const { inv, warning } = invert(P, outer(P, x.unitScores, x.nUnits), 'outer product of the scores', x.names);
    return { matrix: inv, method, warning, hessian: null };
  }
  const H = await numericalHessian(x.fg, x.theta);
  const { inv: Hinv, warning } = invert(P, H, 'Hessian of the negative log-likelihood', x.names);
  if (method === 'hessian') return { matrix: Hinv, method, warning, hessian: H };
  let B: Float64Array;
  if (method === 'robust') {
    B = outer(P, x.unitScores, x.nUnits);
  } else {
    const G = x.nClusters;
    const S = new Float64Array(G * P);
    for (let u = 0; u < x.nUnits; u++) {
      const g = x.unitCluster[u];
      for (let p = 0; p < P; p++) S[g * P + p] += x.unitScores[u * P + p];
    }
    B = outer(P, S, G);
    const f = G > 1 ? G / (G - 1) : 1;
    for (let i = 0; i < B.length; i++) B[i] *= f;
  }
  return { matrix: sandwich(P, Hinv, B), method, warning, hessian: H };
}
