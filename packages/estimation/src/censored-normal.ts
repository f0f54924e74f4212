/**
 * Moments of the standardized censored normal Y = max(0, a + Z), Z ~ N(0, 1), without
 * cancellation in either tail. With x ≥ 0 and the normal tail integrals
 *
 *   J_n(x) = ∫_x^∞ (t − x)^n / n! φ(t) dt,  J_0 = Φ(−x),  J_1 = φ(x) − x Φ(−x),  n J_n = J_{n−2} − x J_{n−1}
 *
 * (J_n(x) = 2^{n/2−1} iⁿerfc(x/√2), the repeated integrals of the error function of
 * Abramowitz & Stegun 7.2, whose recurrence is 7.2.5):
 *
 * - a ≤ 0 (x = −a): E[Y] = J_1(x), E[Y²] = 2 J_2(x);
 * - a > 0: Y = (a + Z) + W with W = max(0, −a − Z), which has the law of max(0, Z − a), and
 *   Cov(Z, W) = −Φ(−a) (Stein's lemma), so E[Y] = a + J_1(a) and
 *   Var Y = 1 − 2 Φ(−a) + 2 J_2(a) − J_1(a)².
 *
 * The forward recurrence cancels: J_1 ~ φ/x² and J_2 ~ φ/x³ are differences of terms of
 * size φ/x, so it loses a factor of about x² to x⁴ in relative accuracy; for x ≥ 2 the
 * ratios ρ_n = J_n / J_{n−1} come instead from the recurrence read backward,
 * ρ_{n−1} = 1 / (x + n ρ_n) (the Laplace continued fraction of the Mills ratio and its
 * successors; Gautschi 1967, "Computational aspects of three-term recurrence relations",
 * SIAM Review 9(1)), which has no cancellation.
 */
import cdf from '@stdlib/stats-base-dists-normal-cdf';

/** φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Φ(x) (through erfc: full relative accuracy in the lower tail). */
export function normalCdf(x: number): number {
  return cdf(x, 0, 1);
}

/** Terms of the backward continued fraction: more than enough at x ≥ 2 (checked against 400 terms to 1 ulp). */
const CF_TERMS = 120;

/** [J_0(x), J_1(x), J_2(x)] for x ≥ 0. */
export function normalTailIntegrals(x: number): [number, number, number] {
  const j0 = normalCdf(-x);
  if (x < 2) {
    const j1 = normalPdf(x) - x * j0;
    return [j0, j1, (j0 - x * j1) / 2];
  }
  // ρ_n = J_n / J_{n−1}, from ρ_{n−1} = 1 / (x + n ρ_n) started at ρ_N = 0
  let rho = 0;
  let rho2 = 0;
  let rho1 = 0;
  for (let n = CF_TERMS; n >= 2; n--) {
    rho = 1 / (x + n * rho); // now ρ_{n−1}
    if (n === 3) rho2 = rho;
  }
  rho1 = rho;
  const j1 = j0 * rho1;
  return [j0, j1, j1 * rho2];
}

/** Mean and variance of max(0, a + Z), with Φ(a) = P(Y > 0) and Φ(−a) = P(Y = 0). */
export function censoredNormalMoments(a: number): { mean: number; variance: number; cdf: number; ccdf: number } {
  if (a <= 0) {
    const [j0, j1, j2] = normalTailIntegrals(-a);
    return { mean: j1, variance: 2 * j2 - j1 * j1, cdf: j0, ccdf: 1 - j0 };
  }
  const [j0, j1, j2] = normalTailIntegrals(a);
  return { mean: a + j1, variance: 1 - 2 * j0 + 2 * j2 - j1 * j1, cdf: 1 - j0, ccdf: j0 };
}
