/**
 * Small dense linear algebra on row-major `Float64Array`s: vector helpers,
 * Cholesky factorization and solves, SPD inversion, a cyclic Jacobi
 * eigen-decomposition and the symmetric pseudo-inverse.
 *
 * Matrices are n×n, row-major: entry (i, j) is `A[i*n + j]`. Inputs are never
 * modified.
 *
 * References: Golub & Van Loan, *Matrix Computations* (4th ed., 2013), §4.2
 * (Cholesky) and §8.5 (Jacobi); Nocedal & Wright, *Numerical Optimization*
 * (2nd ed., 2006), §3.4 (modified Cholesky / regularization).
 */

/** Inner product of the first `n` entries of `a` and `b`. */
export function dot(a: Float64Array, b: Float64Array, n: number = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Euclidean norm. */
export function norm2(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]! / m;
    s += v * v;
  }
  return m * Math.sqrt(s);
}

/** Max-norm max_i |a_i| (NaN if any entry is NaN). */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (!(v <= m)) m = v; // propagates NaN
  }
  return m;
}

/** True when every entry is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** out = A·v for an n×n row-major A. */
export function matVec(n: number, A: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const r = i * n;
    for (let j = 0; j < n; j++) s += A[r + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** Writes the n×n identity times `scale` into `A`. */
export function setScaledIdentity(n: number, A: Float64Array, scale = 1): Float64Array {
  A.fill(0);
  for (let i = 0; i < n; i++) A[i * n + i] = scale;
  return A;
}

/**
 * Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix
 * (Golub & Van Loan 2013, Alg. 4.2.1). Only the lower triangle of A is read.
 *
 * A pivot that is not finite or not larger than 16·n·ε·A_jj (numerically
 * rank-deficient) makes the matrix count as not positive definite.
 *
 * @returns the lower-triangular factor L (row-major, zeros above the diagonal), or null if A is not positive definite.
 */
export function choleskyDecompose(n: number, A: Float64Array): Float64Array | null {
  const L = new Float64Array(n * n);
  const tiny = 16 * n * Number.EPSILON;
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
    if (!Number.isFinite(d) || d <= tiny * Math.abs(A[j * n + j]!) || d <= 0) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/**
 * Solves L·Lᵀ·x = b given the Cholesky factor L from {@link choleskyDecompose}
 * (forward then back substitution).
 *
 * @param out - where to write x (may be `b` itself); allocated when omitted.
 */
export function choleskySolveFactor(n: number, L: Float64Array, b: Float64Array, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * out[k]!;
    out[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * out[k]!;
    out[i] = s / L[i * n + i]!;
  }
  return out;
}

/**
 * Solves A·x = b for a symmetric positive definite A by Cholesky factorization.
 *
 * @returns x, or null if A is not positive definite.
 */
export function choleskySolve(n: number, A: Float64Array, b: Float64Array): Float64Array | null {
  const L = choleskyDecompose(n, A);
  return L === null ? null : choleskySolveFactor(n, L, b);
}

/**
 * Inverse of a symmetric positive definite matrix via Cholesky
 * (A⁻¹ = L⁻ᵀ·L⁻¹), symmetrized exactly.
 *
 * For standard errors, fall back to {@link pinvSymmetric} when this returns
 * null (see {@link invertSymmetric}).
 *
 * @returns the n×n row-major inverse, or null if A is not positive definite.
 */
export function invertSPD(n: number, A: Float64Array): Float64Array | null {
  const L = choleskyDecompose(n, A);
  return L === null ? null : inverseFromCholesky(n, L);
}

/**
 * (L·Lᵀ)⁻¹ from a Cholesky factor L, symmetrized exactly.
 *
 * @returns the n×n row-major inverse, or null if it is not finite.
 */
export function inverseFromCholesky(n: number, L: Float64Array): Float64Array | null {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    choleskySolveFactor(n, L, e, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (inv[i * n + j]! + inv[j * n + i]!);
      inv[i * n + j] = v;
      inv[j * n + i] = v;
    }
  }
  return allFinite(inv) ? inv : null;
}

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method
 * (Golub & Van Loan 2013, Alg. 8.5.3). Accurate to roughly machine precision
 * relative to ‖A‖; O(n³) per sweep, meant for the small matrices of an
 * estimation (n up to a few hundred).
 *
 * @returns `values` (unsorted) and `vectors` (n×n row-major; column j is the unit eigenvector of `values[j]`), so A = V·diag(values)·Vᵀ.
 */
export function jacobiEigen(n: number, A: Float64Array, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (A[i * n + j]! + A[j * n + i]!);
  const V = setScaledIdentity(n, new Float64Array(n * n));
  let frob = 0;
  for (let i = 0; i < n * n; i++) frob += a[i]! * a[i]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off === 0 || off <= 1e-32 * frob) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = theta === 0 ? 1 : Math.sign(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: V };
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric matrix from its Jacobi
 * eigen-decomposition: A⁺ = Σ_{|λ_j| > tol} v_j v_jᵀ / λ_j with
 * tol = rtol · max_j |λ_j|. Negative eigenvalues are inverted too (it is a
 * true pseudo-inverse, not a projection onto the PD cone).
 *
 * Use for singular or indefinite Hessians, e.g. when a parameter is not
 * identified; the affected variances then come out as (near) zero rather than
 * infinite, so callers should also report the rank deficiency.
 *
 * @param rtol - relative eigenvalue cut-off (default 1e-10).
 */
export function pinvSymmetric(n: number, A: Float64Array, rtol = 1e-10): Float64Array {
  const { values, vectors } = jacobiEigen(n, A);
  let lmax = 0;
  for (let j = 0; j < n; j++) lmax = Math.max(lmax, Math.abs(values[j]!));
  const tol = rtol * lmax;
  const P = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const l = values[j]!;
    if (!(Math.abs(l) > tol)) continue;
    const inv = 1 / l;
    for (let r = 0; r < n; r++) {
      const vr = vectors[r * n + j]! * inv;
      if (vr === 0) continue;
      for (let c = 0; c < n; c++) P[r * n + c] += vr * vectors[c * n + j]!;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (P[i * n + j]! + P[j * n + i]!);
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
  }
  return P;
}

/**
 * Inverse of a symmetric matrix: {@link invertSPD} when A is positive
 * definite, otherwise the pseudo-inverse {@link pinvSymmetric}.
 *
 * @returns the inverse and which route produced it.
 */
export function invertSymmetric(n: number, A: Float64Array, rtol = 1e-10): { inverse: Float64Array; method: 'cholesky' | 'pseudo-inverse' } {
  const inv = invertSPD(n, A);
  if (inv !== null) return { inverse: inv, method: 'cholesky' };
  return { inverse: pinvSymmetric(n, A, rtol), method: 'pseudo-inverse' };
}

/**
 * Cholesky factor of A + λI with the smallest λ in {0, 1e-10·s, 1e-9·s, …}
 * (s = mean diagonal, or 1 if that is not positive) that makes the matrix
 * positive definite — the simple "add a multiple of the identity" strategy of
 * Nocedal & Wright (2006), Alg. 3.3.
 *
 * @returns the factor and the λ used, or null if even λ = 1e10·s fails (A not finite).
 */
export function regularizedCholesky(n: number, A: Float64Array): { L: Float64Array; lambda: number } | null {
  const L0 = choleskyDecompose(n, A);
  if (L0 !== null) return { L: L0, lambda: 0 };
  let trace = 0;
  for (let i = 0; i < n; i++) trace += A[i * n + i]!;
  const s = trace > 0 && Number.isFinite(trace) ? trace / n : 1;
  const B = Float64Array.from(A);
  for (let lambda = 1e-10 * s; lambda <= 1e10 * s; lambda *= 10) {
    for (let i = 0; i < n; i++) B[i * n + i] = A[i * n + i]! + lambda;
    const L = choleskyDecompose(n, B);
    if (L !== null) return { L, lambda };
  }
  return null;
}

/**
 * Inverse of A + λI with the λ of {@link regularizedCholesky}; the identity
 * when A is not finite.
 */
export function regularizedInverse(n: number, A: Float64Array): Float64Array {
  const r = regularizedCholesky(n, A);
  return (r === null ? null : inverseFromCholesky(n, r.L)) ?? setScaledIdentity(n, new Float64Array(n * n));
}

/**
 * Solves A X = B for a general (not necessarily symmetric) n×n A by Gaussian
 * elimination with partial pivoting (Golub & Van Loan §3.4); B is n×m. Returns
 * null when A is singular to working precision (a pivot below 1e-14 times the
 * largest entry).
 */
export function solveGeneral(n: number, A: Float64Array, B: Float64Array, m: number): Float64Array | null {
  const a = Float64Array.from(A.subarray(0, n * n));
  const x = Float64Array.from(B.subarray(0, n * m));
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (!(scale > 0) || !Number.isFinite(scale)) return null;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (Math.abs(a[piv * n + c]) <= 1e-14 * scale) return null;
    if (piv !== c) {
      for (let j = 0; j < n; j++) { const t = a[c * n + j]; a[c * n + j] = a[piv * n + j]; a[piv * n + j] = t; }
      for (let j = 0; j < m; j++) { const t = x[c * m + j]; x[c * m + j] = x[piv * m + j]; x[piv * m + j] = t; }
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      for (let j = 0; j < m; j++) x[r * m + j] -= f * x[c * m + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let j = 0; j < m; j++) {
      let t = x[c * m + j];
      for (let k = c + 1; k < n; k++) t -= a[c * n + k] * x[k * m + j];
      x[c * m + j] = t / a[c * n + c];
    }
  }
  return x;
}
