/**
 * Expectations E[f(Z)], Z ~ N(0, 1), of smooth functions to near machine precision, by the
 * trapezoidal rule on the real line with its step halved until two successive rules agree.
 *
 * For f analytic in the strip |Im z| < d, the trapezoidal rule with step h on ∫ f(z) φ(z) dz
 * has error O(exp(−2πd/h)), and for entire f O(exp(−2π²/h²)) (Goodwin 1949, Proc. Cambridge
 * Philos. Soc. 45; Trefethen & Weideman 2014, "The exponentially convergent trapezoidal rule",
 * SIAM Review 56(3)): each halving of h squares the error, so once two successive rules agree
 * to a tolerance, the finer one is accurate far beyond it. The rules are nested (halving
 * reuses every node), which Gauss–Hermite rules are not, and their nodes are equally spaced,
 * so a feature of width h anywhere in the range is resolved (a Gauss–Hermite rule with n
 * nodes converges only like about exp(−c·d·√n) when f has a pole at distance d from the real
 * line, as the logistic of b + s z does at π/s). Sums are compensated (Neumaier 1974, ZAMM 54)
 * so that rounding stays near ε. */

/** φ(z). */
function phi(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Options of {@link normalExpectations}. */
export interface NormalExpectationOptions {
  /** Nodes cover [−halfWidth, halfWidth]; the integrands must be negligible beyond (relative to their size inside). */
  halfWidth: number;
  /** The first step; halved until convergence. */
  step: number;
  /** Convergence: every integral changes by at most rtol × ∫ |f_i φ| between two successive rules. */
  rtol?: number;
  /** No rule with more nodes than this (the result is then NaN). */
  maxNodes?: number;
}

/**
 * The k expectations E[f_i(Z)], i < k, of the function f (which writes f_0(z) .. f_{k−1}(z)
 * into `out`), all from the same nodes; all NaN if the rules did not converge within maxNodes.
 */
export function normalExpectations(f: (z: number, out: Float64Array) => void, k: number, opts: NormalExpectationOptions): Float64Array {
  const rtol = opts.rtol ?? 1e-14;
  const maxNodes = opts.maxNodes ?? 1 << 24;
  const out = new Float64Array(k);
  // compensated sums of f_i φ and of |f_i φ| over the nodes so far
  const sum = new Float64Array(k);
  const comp = new Float64Array(k);
  const abs = new Float64Array(k);
  const add = (z: number) => {
    const w = phi(z);
    if (w === 0) return;
    f(z, out);
    for (let i = 0; i < k; i++) {
      const x = out[i] * w;
      const t = sum[i] + x;
      comp[i] += Math.abs(sum[i]) >= Math.abs(x) ? sum[i] - t + x : x - t + sum[i];
      sum[i] = t;
      abs[i] += Math.abs(x);
    }
  };
  let h = opts.step;
  let n = Math.ceil(opts.halfWidth / h);
  for (let j = -n; j <= n; j++) add(j * h);
  let prev = Float64Array.from(sum, (s, i) => (s + comp[i]) * h);
  let nodes = 2 * n + 1;
  for (;;) {
    if (2 * nodes > maxNodes) return out.fill(NaN);
    // the midpoints: the rule of step h/2 is half the old rule plus the new nodes
    for (let j = -n; j < n; j++) add((j + 0.5) * h);
    h /= 2;
    n *= 2;
    nodes = 2 * n + 1;
    let done = true;
    const next = Float64Array.from(sum, (s, i) => (s + comp[i]) * h);
    for (let i = 0; i < k; i++) if (!(Math.abs(next[i] - prev[i]) <= rtol * abs[i] * h)) done = false;
    prev = next;
    if (done) return prev;
  }
}
