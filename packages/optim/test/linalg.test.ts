import { describe, expect, it } from 'vitest';
import { choleskyDecompose, choleskySolve, invertSPD, invertSymmetric, jacobiEigen, pinvSymmetric } from '../src/index.js';
import { normal, rng } from './problems.js';

function matMul(n: number, A: Float64Array, B: Float64Array): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) C[i * n + j] += A[i * n + k]! * B[k * n + j]!;
  return C;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/** Random SPD matrix M Mᵀ + c I. */
function randomSPD(n: number, seed: number, c = 0.1): Float64Array {
  const z = normal(rng(seed));
  const M = Float64Array.from({ length: n * n }, () => z());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? c : 0;
      for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
      A[i * n + j] = s;
    }
  return A;
}

/** Symmetric matrix V diag(values) Vᵀ with a random orthogonal V (Gram–Schmidt). */
function withEigenvalues(values: number[], seed: number): Float64Array {
  const n = values.length;
  const z = normal(rng(seed));
  const V = Float64Array.from({ length: n * n }, () => z());
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += V[i * n + j]! * V[i * n + k]!;
      for (let i = 0; i < n; i++) V[i * n + j] -= d * V[i * n + k]!;
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += V[i * n + j]! ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < n; i++) V[i * n + j] /= nrm;
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) A[i * n + j] += V[i * n + k]! * values[k]! * V[j * n + k]!;
  return A;
}

describe('Cholesky', () => {
  it('L·Lᵀ reproduces an SPD matrix, L lower triangular with positive diagonal', () => {
    const n = 6;
    const A = randomSPD(n, 1);
    const L = choleskyDecompose(n, A)!;
    const LLt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) LLt[i * n + j] += L[i * n + k]! * L[j * n + k]!;
    expect(maxDiff(LLt, A)).toBeLessThan(1e-12 * Math.max(...Array.from(A, Math.abs)));
    for (let i = 0; i < n; i++) {
      expect(L[i * n + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < n; j++) expect(L[i * n + j]).toBe(0);
    }
  });
  it('returns null for indefinite, singular and non-finite matrices', () => {
    expect(choleskyDecompose(2, Float64Array.from([1, 2, 2, 1]))).toBeNull();
    expect(choleskyDecompose(2, Float64Array.from([1, 1, 1, 1]))).toBeNull();
    expect(choleskyDecompose(2, Float64Array.from([0, 0, 0, 1]))).toBeNull();
    expect(choleskyDecompose(2, Float64Array.from([NaN, 0, 0, 1]))).toBeNull();
    expect(choleskyDecompose(1, Float64Array.from([-1]))).toBeNull();
  });
  it('choleskySolve solves A x = b, and returns null when A is not PD', () => {
    const n = 5;
    const A = randomSPD(n, 2);
    const b = Float64Array.from([1, -2, 3, 0.5, 4]);
    const x = choleskySolve(n, A, b)!;
    const Ax = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Ax[i] += A[i * n + j]! * x[j]!;
    expect(maxDiff(Ax, b)).toBeLessThan(1e-10);
    expect(choleskySolve(2, Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]))).toBeNull();
    expect(Array.from(b)).toEqual([1, -2, 3, 0.5, 4]); // input untouched
  });
});

describe('invertSPD', () => {
  it('A·A⁻¹ = I and the inverse is exactly symmetric', () => {
    const n = 7;
    const A = randomSPD(n, 3);
    const inv = invertSPD(n, A)!;
    expect(maxDiff(matMul(n, A, inv), identity(n))).toBeLessThan(1e-9);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inv[i * n + j]).toBe(inv[j * n + i]);
  });
  it('known 2×2 inverse', () => {
    const inv = invertSPD(2, Float64Array.from([4, 2, 2, 3]))!;
    // det = 8; inverse = [3, −2; −2, 4] / 8
    expect(maxDiff(inv, [3 / 8, -2 / 8, -2 / 8, 4 / 8])).toBeLessThan(1e-15);
  });
  it('null when not positive definite', () => {
    expect(invertSPD(3, withEigenvalues([2, 1, 0], 4))).toBeNull();
    expect(invertSPD(3, withEigenvalues([2, 1, -0.5], 5))).toBeNull();
  });
});

describe('jacobiEigen', () => {
  it('known eigenvalues of [[2,1],[1,2]]', () => {
    const { values } = jacobiEigen(2, Float64Array.from([2, 1, 1, 2]));
    expect(Array.from(values).sort((a, b) => a - b)).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
  });
  it('A V = V Λ with orthonormal V, recovering prescribed eigenvalues', () => {
    const lambdas = [5, -2, 0.3, 1e-3, 0, 7];
    const n = lambdas.length;
    const A = withEigenvalues(lambdas, 6);
    const { values, vectors: V } = jacobiEigen(n, A);
    expect(Array.from(values).sort((a, b) => a - b)).toEqual([...lambdas].sort((a, b) => a - b).map((v) => expect.closeTo(v, 12)));
    const VtV = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) VtV[i * n + j] += V[k * n + i]! * V[k * n + j]!;
    expect(maxDiff(VtV, identity(n))).toBeLessThan(1e-12);
    const AV = matMul(n, A, V);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(AV[i * n + j]).toBeCloseTo(V[i * n + j]! * values[j]!, 11);
  });
});

describe('pinvSymmetric', () => {
  /** Moore–Penrose conditions: A P A = A, P A P = P, (AP)ᵀ = AP. */
  function checkPenrose(n: number, A: Float64Array, P: Float64Array, tol: number) {
    expect(maxDiff(matMul(n, matMul(n, A, P), A), A)).toBeLessThan(tol);
    expect(maxDiff(matMul(n, matMul(n, P, A), P), P)).toBeLessThan(tol);
    const AP = matMul(n, A, P);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(AP[i * n + j]).toBeCloseTo(AP[j * n + i]!, 10);
  }
  it('equals the inverse for a nonsingular matrix', () => {
    const n = 5;
    const A = randomSPD(n, 7, 1);
    expect(maxDiff(pinvSymmetric(n, A), invertSPD(n, A)!)).toBeLessThan(1e-10);
  });
  it('satisfies the Moore–Penrose conditions for a singular matrix', () => {
    const A = withEigenvalues([3, 1, 0, 0], 8);
    const P = pinvSymmetric(4, A);
    checkPenrose(4, A, P, 1e-12);
    // the null space of A is the null space of P: P has the inverted eigenvalues 1/3 and 1 only
    const { values } = jacobiEigen(4, P);
    expect(Array.from(values).sort((a, b) => a - b)).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12), expect.closeTo(1 / 3, 12), expect.closeTo(1, 12)]);
  });
  it('inverts negative eigenvalues of an indefinite matrix', () => {
    const A = withEigenvalues([2, -4, 0], 9);
    const P = pinvSymmetric(3, A);
    checkPenrose(3, A, P, 1e-12);
    const { values } = jacobiEigen(3, P);
    expect(Array.from(values).sort((a, b) => a - b)).toEqual([expect.closeTo(-0.25, 12), expect.closeTo(0, 12), expect.closeTo(0.5, 12)]);
  });
  it('treats eigenvalues below rtol·max|λ| as zero', () => {
    const A = withEigenvalues([1, 1e-12], 10);
    expect(jacobiEigen(2, pinvSymmetric(2, A)).values.every((v) => Math.abs(v) < 1.0000001)).toBe(true);
    const exact = pinvSymmetric(2, A, 1e-14);
    expect(Math.max(...Array.from(jacobiEigen(2, exact).values))).toBeGreaterThan(1e11);
  });
});

describe('invertSymmetric', () => {
  it('uses Cholesky when possible and the pseudo-inverse otherwise', () => {
    const A = randomSPD(3, 11, 1);
    expect(invertSymmetric(3, A).method).toBe('cholesky');
    const S = withEigenvalues([1, 2, 0], 12);
    const r = invertSymmetric(3, S);
    expect(r.method).toBe('pseudo-inverse');
    expect(maxDiff(r.inverse, pinvSymmetric(3, S))).toBe(0);
  });
});
