/**
 * Convergence diagnostics of several chains of one scalar (Gelman, Carlin,
 * Stern, Dunson, Vehtari and Rubin 2013, Bayesian Data Analysis, 3rd ed.,
 * sec. 11.4-11.5): the split R-hat and the effective sample size. Each chain
 * is split in halves (the middle draw dropped when odd), so a trend within a
 * chain shows as disagreement between its halves.
 */

/** The halves of every chain (m = 2 · chains sequences of n draws). */
function splitChains(chains: readonly Float64Array[]): Float64Array[] {
  const n = Math.floor(Math.min(...chains.map((c) => c.length)) / 2);
  const out: Float64Array[] = [];
  for (const c of chains) {
    out.push(c.subarray(0, n));
    out.push(c.subarray(c.length - n));
  }
  return out;
}

/** Within-sequence variance W and the pooled estimate var+ of BDA3 (11.2)-(11.3). */
function variances(seqs: readonly Float64Array[]): { W: number; varPlus: number; n: number } {
  const m = seqs.length, n = seqs[0].length;
  const means = seqs.map((s) => s.reduce((a, x) => a + x, 0) / n);
  const grand = means.reduce((a, x) => a + x, 0) / m;
  const B = (n / (m - 1)) * means.reduce((a, x) => a + (x - grand) ** 2, 0);
  let W = 0;
  seqs.forEach((s, j) => { let v = 0; for (const x of s) v += (x - means[j]) ** 2; W += v / (n - 1); });
  W /= m;
  return { W, varPlus: ((n - 1) / n) * W + B / n, n };
}

/** Split R-hat = sqrt(var+ / W) (BDA3 eq. 11.4); NaN with fewer than 4 draws per chain or no variation. */
export function splitRhat(chains: readonly Float64Array[]): number {
  const seqs = splitChains(chains);
  if (seqs[0].length < 2) return NaN;
  const { W, varPlus } = variances(seqs);
  return W > 0 ? Math.sqrt(varPlus / W) : NaN;
}

/**
 * Effective sample size n_eff = m n / (1 + 2 sum_{t=1}^T rho_t) (BDA3 eq.
 * 11.8), with rho_t = 1 - V_t / (2 var+) from the variogram V_t over the
 * split sequences, summed up to the first odd T with rho_{T+1} + rho_{T+2} < 0
 * (Geyer's initial positive sequence).
 */
export function effectiveSampleSize(chains: readonly Float64Array[]): number {
  const seqs = splitChains(chains);
  const m = seqs.length, n = seqs[0].length;
  if (n < 4) return NaN;
  const { varPlus } = variances(seqs);
  if (!(varPlus > 0)) return NaN;
  const rho = (t: number): number => {
    let v = 0;
    for (const s of seqs) for (let i = t; i < n; i++) v += (s[i] - s[i - t]) ** 2;
    return 1 - v / (m * (n - t)) / (2 * varPlus);
  };
  let sum = 0;
  let next = rho(1);
  for (let T = 1; T < n - 2; T += 2) {
    const a = rho(T + 1), b = rho(T + 2);
    sum += next;
    if (a + b < 0) break;
    sum += a;
    next = b;
  }
  return (m * n) / (1 + 2 * sum);
}
