#!/usr/bin/env python3
"""Generate the independent reference fixtures in test/fixtures/ (run from packages/integration):

    python3 scripts/gen-test-fixtures.py

- halton-xlogit.json: Halton draws by the recipe of xlogit's `_generate_halton_draws`
  (restated below in numpy: the sequence is built additively from index 0, the first `drop`
  points are dropped, unit n takes the next R points, dimension k uses the (k+1)-th prime),
  mapped by scipy.stats.norm.ppf.
- sobol-scipy.json: unscrambled Sobol' points (32 bits) from scipy.stats.qmc.Sobol, as
  integers x * 2^32, for some dimensions up to 1024 and indices.
- normal-quantile-mpmath.json: Phi^{-1}(p) at 40 digits from mpmath.
- gauss-hermite-mpmath.json: probabilists' Gauss-Hermite rules for a few n, by Newton's method
  on He_n at 50 digits from numpy's starting values.
"""
import json
import os

import mpmath
import numpy as np
import scipy
from scipy.stats import norm, qmc

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures")
os.makedirs(OUT, exist_ok=True)


def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


# --- Halton, xlogit recipe -------------------------------------------------------------
def halton_seq_xlogit(length, prime, drop):
    """xlogit's halton_seq (shuffled=False): additive construction from index 0."""
    req = length + drop
    seq = np.empty(req)
    seq[0] = 0
    idx = 1
    t = 1
    while idx < req:
        d = 1 / prime**t
        size = idx
        i = 1
        while i < prime and idx < req:
            m = min(req - idx, size)
            seq[idx:idx + m] = seq[:m] + d * i
            idx += m
            i += 1
        t += 1
    return seq[drop:length + drop]


N, R, D, DROP = 4, 7, 5, 100
primes = [2, 3, 5, 7, 11]
draws = np.stack([norm.ppf(halton_seq_xlogit(N * R, primes[k], DROP).reshape(N, R)) for k in range(D)], axis=1)
dump("halton-xlogit.json", {
    "_note": "xlogit Halton recipe (drop=100, primes 2,3,5,7,11) restated in numpy, norm.ppf; draws[n][k][r] (unit, dim, draw)",
    "numpy": np.__version__, "scipy": scipy.__version__,
    "units": N, "draws": R, "dim": D, "discard": DROP,
    "values": draws.tolist(),
})

# --- Sobol, scipy -----------------------------------------------------------------------
DIMS = [1, 2, 3, 4, 10, 100, 500, 999, 1000, 1023, 1024]
s = qmc.Sobol(d=1024, scramble=False, bits=32)
pts = s.random(4096)
idx = [0, 1, 2, 3, 5, 8, 100, 255, 256, 1000, 2047, 2048, 4095]
dump("sobol-scipy.json", {
    "_note": "scipy.stats.qmc.Sobol(d=1024, scramble=False, bits=32): x*2^32 at the listed (1-based) dims and 0-based indices",
    "scipy": scipy.__version__,
    "dims": DIMS, "indices": idx,
    "values": [[int(round(pts[i, d - 1] * 2**32)) for d in DIMS] for i in idx],
})

# --- normal quantile, mpmath ------------------------------------------------------------
mpmath.mp.dps = 400  # enough that 2p - 1 keeps p's digits for p = 1e-300
ps = ["1e-300", "1e-100", "1e-20", "5e-17", "1.1102230246251565e-16", "2.3283064365386963e-10", "1e-10", "1e-5", "0.001", "0.01", "0.03", "0.1",
      "0.25", "0.4", "0.5", "0.6", "0.9", "0.99", "0.999999", "0.9999999999"]
vals = []
for p in ps:
    pf = float(p)  # the double we will pass
    z = mpmath.sqrt(2) * mpmath.erfinv(2 * mpmath.mpf(pf) - 1)
    vals.append([repr(pf), mpmath.nstr(z, 25)])
dump("normal-quantile-mpmath.json", {"_note": "Phi^{-1}(p) for the double p, mpmath (400 digits working precision)", "mpmath": mpmath.__version__, "values": vals})

mpmath.mp.dps = 40

# --- Gauss-Hermite, mpmath --------------------------------------------------------------
mpmath.mp.dps = 50


def he(n, x):
    p0, p1 = mpmath.mpf(1), x
    if n == 0:
        return p0, mpmath.mpf(0)
    for k in range(1, n):
        p0, p1 = p1, x * p1 - k * p0
    return p1, p0  # He_n, He_{n-1}


rules = {}
for n in [8, 10, 15, 20, 30, 40]:
    x0, _ = np.polynomial.hermite_e.hermegauss(n)
    xs, ws = [], []
    for xi in x0:
        x = mpmath.mpf(float(xi))
        for _ in range(100):
            hn, hn1 = he(n, x)
            dx = hn / (n * hn1)
            x -= dx
            if abs(dx) < mpmath.mpf(10) ** -45:
                break
        hn, hn1 = he(n, x)
        w = mpmath.factorial(n) / (n * n * hn1 * hn1)
        xs.append(mpmath.nstr(x, 25))
        ws.append(mpmath.nstr(w, 25))
    rules[str(n)] = [xs, ws]
dump("gauss-hermite-mpmath.json", {"_note": "probabilists' Gauss-Hermite nodes/weights (weights sum to 1), mpmath 50 digits", "rules": rules})
