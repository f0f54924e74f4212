/**
 * Eigenvalues of a symmetric tridiagonal matrix (implicit QL).
 *
 * @packageDocumentation
 */

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `diag` and off-diagonal `off`
 * (`off[i]` couples rows i and i+1), by the QL algorithm with implicit Wilkinson shifts
 * (EISPACK `tql1`; Golub and Van Loan 2013, section 8.3; the `tqli` variant of Press et al.,
 * Numerical Recipes, section 11.3, without eigenvectors).
 *
 * @param diag - diagonal, length n (not modified)
 * @param off - off-diagonal, length n-1 (not modified)
 * @returns the n eigenvalues in increasing order
 * @throws {Error} if an eigenvalue does not converge in 60 iterations
 * @example
 * symmetricTridiagonalEigenvalues([0, 0], [1]); // Float64Array [-1, 1]
 */
export function symmetricTridiagonalEigenvalues(diag: ArrayLike<number>, off: ArrayLike<number>): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n); // e[i] couples i and i+1; e[n-1] = 0
  for (let i = 0; i < n - 1; i++) e[i] = off[i] as number;
  const EPS = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= EPS * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error('symmetricTridiagonalEigenvalues: no convergence');
        let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
        let r = Math.hypot(g, 1);
        g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * (e[i] as number);
          const b = c * (e[i] as number);
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] = (d[i + 1] as number) - p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = (d[i + 1] as number) - p;
          r = ((d[i] as number) - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] = (d[l] as number) - p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort();
}
