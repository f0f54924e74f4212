#!/usr/bin/env python3
"""A plain numpy implementation of the panel mixed logit LL + gradient: the yardstick of
"what a straightforward vectorized numpy program costs", beside the C reference (mxl_ref.c)
whose numbers it must reproduce. Same data file, draws, theta and JSON line as mxl_ref.

    python3 bench/c-reference/mxl_numpy.py --data FILE.csv --draws R [--discard D=100]
        [--theta b1,..,bK,s1,..,sK] [--reps M=3] [--threads T=1] [--batch NB]

The textbook max-shifted form, batched over individuals:
    V = X beta (a matmul per batch: (nb, T*J, K) x (nb, K, R)), m = max_j V,
    E = exp(V - m), S = sum_j E, log P_c = V_c - m - log S, log L = sum_t log P_c,
    w = softmax_r(log L), g_k = sum_t (x_ck - sum_j (E_j / S) x_jk) (a second matmul),
    dLL/db_k = sum_r w g_k, dLL/ds_k = sum_r w g_k z_k.
Ragged choice sets and unbalanced panels are padded (alternatives to the largest
situation, situations to the longest panel) and masked. --threads sets the BLAS threads
(before numpy is imported); the elementwise work is single-threaded anyway. Draws and data
loading are not timed; one warm-up evaluation precedes the M timed ones.
"""
import argparse
import json
import os
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--draws", type=int, required=True)
    ap.add_argument("--discard", type=int, default=100)
    ap.add_argument("--theta", default=None)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=0, help="individuals per batch (default: about 2^17 doubles per (nb, T, J, R) array)")
    return ap.parse_args()


ARGS = parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)
import numpy as np  # noqa: E402  (after the thread count is set)


def read_panel(path):
    """Long CSV: individual, situation, alternative, choice, x1..xK (any names)."""
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    ids, sit, choice, X = a[:, 0], a[:, 1], a[:, 3], a[:, 4:]
    n, K = X.shape
    new_sit = np.ones(n, bool)
    new_sit[1:] = (ids[1:] != ids[:-1]) | (sit[1:] != sit[:-1])
    sit_of_row = np.cumsum(new_sit) - 1
    S = int(sit_of_row[-1]) + 1
    sit_start = np.flatnonzero(new_sit)
    n_alt = np.diff(np.append(sit_start, n))
    alt_of_row = np.arange(n) - sit_start[sit_of_row]
    sit_ids = ids[sit_start]
    new_ind = np.ones(S, bool)
    new_ind[1:] = sit_ids[1:] != sit_ids[:-1]
    ind_of_sit = np.cumsum(new_ind) - 1
    N = int(ind_of_sit[-1]) + 1
    ind_start = np.flatnonzero(new_ind)
    n_sit = np.diff(np.append(ind_start, S))
    task_of_sit = np.arange(S) - ind_start[ind_of_sit]
    T, J = int(n_sit.max()), int(n_alt.max())
    chosen_rows = np.flatnonzero(choice != 0)
    if len(chosen_rows) != S or np.any(np.bincount(sit_of_row[chosen_rows], minlength=S) != 1):
        sys.exit("mxl_numpy: every situation needs exactly one chosen alternative")
    Xp = np.zeros((N, T, J, K))
    alt_ok = np.zeros((N, T, J), bool)
    i_r, t_r = ind_of_sit[sit_of_row], task_of_sit[sit_of_row]
    Xp[i_r, t_r, alt_of_row] = X
    alt_ok[i_r, t_r, alt_of_row] = True
    chosen = np.zeros((N, T), np.int64)
    chosen[i_r[chosen_rows], t_r[chosen_rows]] = alt_of_row[chosen_rows]
    sit_ok = np.zeros((N, T), bool)
    sit_ok[ind_of_sit, task_of_sit] = True
    alt_ok[~sit_ok, 0] = True  # a padded situation: one zero alternative keeps its max finite (masked later)
    return Xp, alt_ok, chosen, sit_ok


def first_primes(k):
    ps, c = [], 2
    while len(ps) < k:
        if all(c % p for p in ps if p * p <= c):
            ps.append(c)
        c += 1
    return ps


def norm_quantile(p):
    """Wichura's AS 241 (PPND16), vectorized."""
    q = p - 0.5
    out = np.empty_like(p)
    c = np.abs(q) <= 0.425
    r = 0.180625 - q[c] ** 2
    num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
             + 133.14166789178437745) * r + 3.387132872796366608)
    den = (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
             + 42.313330701600911252) * r + 1.0)
    out[c] = q[c] * num / den
    t = ~c
    r = np.sqrt(-np.log(np.where(q[t] < 0, p[t], 1.0 - p[t])))
    v = np.empty_like(r)
    a = r <= 5
    x = r[a] - 1.6
    v[a] = ((((((((7.7454501427834140764e-4 * x + 0.0227238449892691845833) * x + 0.24178072517745061177) * x
                 + 1.27045825245236838258) * x + 3.64784832476320460504) * x + 5.7694972214606914055) * x
              + 4.6303378461565452959) * x + 1.42343711074968357734)
            / (((((((1.05075007164441684324e-9 * x + 5.475938084995344946e-4) * x + 0.0151986665636164571966) * x
                   + 0.14810397642748007459) * x + 0.68976733498510000455) * x + 1.6763848301838038494) * x
                + 2.05319162663775882187) * x + 1.0))
    x = r[~a] - 5
    v[~a] = ((((((((2.01033439929228813265e-7 * x + 2.71155556874348757815e-5) * x + 0.0012426609473880784386) * x
                  + 0.026532189526576123093) * x + 0.29656057182850489123) * x + 1.7848265399172913358) * x
               + 5.4637849111641143699) * x + 6.6579046435011037772)
             / (((((((2.04426310338993978564e-15 * x + 1.4215117583164458887e-7) * x + 1.8463183175100546818e-5) * x
                    + 7.868691311456132591e-4) * x + 0.0148753612908506148525) * x + 0.13692988092273580531) * x
                 + 0.59983220655588793769) * x + 1.0))
    out[t] = np.where(q[t] < 0, -v, v)
    return out


def halton_normals(N, K, R, discard):
    """z[i, k, r] = PhiInv(radical inverse of index discard + i R + r in the k-th prime)."""
    idx = discard + np.arange(N * R, dtype=np.int64)
    Z = np.empty((N, K, R))
    for k, p in enumerate(first_primes(K)):
        M, pM, top = 0, 1, int(idx[-1])
        while top > 0:
            top //= p
            M += 1
            pM *= p
        if pM > 2**53:
            sys.exit("mxl_numpy: Halton index too large for exact arithmetic")
        n, rev = idx.copy(), np.zeros_like(idx)
        for _ in range(M):  # M digits, leading zeros included: the same rational
            rev = rev * p + n % p
            n //= p
        Z[:, k, :] = norm_quantile(rev.astype(np.float64) / float(pM)).reshape(N, R)
    return Z


def loglik_grad(theta, X, alt_ok, chosen, sit_ok, Z, nb):
    N, T, J, K = X.shape
    R = Z.shape[2]
    b, s = theta[:K], theta[K:]
    ll, gb, gs = 0.0, np.zeros(K), np.zeros(K)
    for i0 in range(0, N, nb):
        x = X[i0:i0 + nb]
        n = x.shape[0]
        z = Z[i0:i0 + nb]
        beta = b[None, :, None] + s[None, :, None] * z                       # (n, K, R)
        V = np.matmul(x.reshape(n, T * J, K), beta).reshape(n, T, J, R)
        V[~alt_ok[i0:i0 + nb]] = -np.inf
        m = V.max(axis=2, keepdims=True)
        E = np.exp(V - m)
        Ssum = E.sum(axis=2)                                                  # (n, T, R)
        ch = chosen[i0:i0 + nb]
        Vc = np.take_along_axis(V, ch[:, :, None, None], axis=2)[:, :, 0, :]
        ok = sit_ok[i0:i0 + nb]
        logP = np.where(ok[:, :, None], Vc - m[:, :, 0, :] - np.log(Ssum), 0.0)
        logL = logP.sum(axis=1)                                               # (n, R)
        top = logL.max(axis=1, keepdims=True)
        w = np.exp(logL - top)
        sw = w.sum(axis=1)
        ll += float(np.sum(top[:, 0] + np.log(sw / R)))
        E /= Ssum[:, :, None, :]                                              # P
        E[~ok] = 0.0
        XP = np.matmul(x.reshape(n, T * J, K).transpose(0, 2, 1), E.reshape(n, T * J, R))   # (n, K, R)
        xc = np.take_along_axis(x, ch[:, :, None, None], axis=2)[:, :, 0, :]  # (n, T, K)
        xc = np.where(ok[:, :, None], xc, 0.0).sum(axis=1)                    # (n, K)
        g = xc[:, :, None] - XP
        wn = (w / sw[:, None])[:, None, :]
        gb += (wn * g).sum(axis=(0, 2))
        gs += (wn * g * z).sum(axis=(0, 2))
    return ll, np.concatenate([gb, gs])


def main():
    a = ARGS
    t0 = time.perf_counter()
    X, alt_ok, chosen, sit_ok = read_panel(a.data)
    N, T, J, K = X.shape
    if a.theta:
        theta = np.array([float(v) for v in a.theta.split(",")])
        if theta.size != 2 * K:
            sys.exit("mxl_numpy: --theta needs 2K values (b_1..b_K, s_1..s_K)")
    else:
        theta = np.concatenate([np.where(np.arange(K) % 2 == 0, 1.0, -0.5), np.full(K, 0.5)])
    Z = halton_normals(N, K, a.draws, a.discard)
    nb = a.batch or max(1, (1 << 17) // (T * J * a.draws))
    setup = time.perf_counter() - t0
    ll, g = loglik_grad(theta, X, alt_ok, chosen, sit_ok, Z, nb)  # warm-up
    times = []
    for _ in range(a.reps):
        t = time.perf_counter()
        ll, g = loglik_grad(theta, X, alt_ok, chosen, sit_ok, Z, nb)
        times.append(time.perf_counter() - t)
    st = sorted(times)
    med = (st[len(st) // 2] if len(st) % 2 else 0.5 * (st[len(st) // 2 - 1] + st[len(st) // 2])) if st else None
    print(json.dumps({
        "impl": "mxl_numpy", "ll": ll, "grad": g.tolist(), "times": times,
        "median_seconds": med, "min_seconds": st[0] if st else None, "reps": a.reps,
        "threads": a.threads, "batch": nb, "n_ind": N, "max_situations": T, "max_alts": J, "n_vars": K,
        "draws": a.draws, "discard": a.discard, "setup_seconds": round(setup, 3), "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
