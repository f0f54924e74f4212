#!/usr/bin/env python3
"""Generate test/fixtures/reference-vectors.json, the reference values the tests read through
`loadReference()` (test/helpers.ts). Run from anywhere (needs numpy, scipy, mpmath):

    python3 packages/integration/scripts/gen-reference-vectors.py

Everything is computed here, independently of the TypeScript implementation:

- gauss_hermite_probabilists: probabilists' Gauss-Hermite rules (weight exp(-x^2/2)/sqrt(2 pi),
  weights summing to 1) for n = 1..7, [node, weight] as strings: the roots of He_n found by
  mpmath.polyroots at 120 digits, weights n! / (n He_{n-1}(x))^2, checked to integrate z^k
  exactly for k <= 2n - 1.
- halton_radical_inverse_index0to12 / halton_index_1000_1001_1002: radical inverses of the
  index for the first six primes, as exact fractions (Python Fraction) and as the double
  nearest to the fraction (repr).
- sobol_unscrambled_first10_dim3_joe_kuo: the first 10 points of the unscrambled Sobol'
  sequence in 3 dimensions, from scipy.stats.qmc.Sobol (Joe-Kuo directions), checked against a
  direct Gray-code construction from the Joe-Kuo primitive polynomials and initial numbers.
- kpn_genz_keister: the nested Genz-Keister (1996) rules recomputed from scratch at 120 digits,
  for every rule size tabulated in src/kpn-tables.ts. The rules of sizes 3, 9, 19, 35 extend
  the previous one: the new nodes are the roots of the monic polynomial Q of degree m (2, 6,
  10, 16) with E[P(Z) Q(Z) Z^j] = 0 for j < m, P the node polynomial of the previous rule.
  The weights of every rule are the interpolatory ones (moment equations solved exactly). The
  intermediate rules of Heiss and Winschel (sizes 7, 17, 31, 33) are subsets of the next
  Genz-Keister rule; only which nodes they keep is read from src/kpn-tables.ts. The script
  fails if the transcribed table differs from the recomputation by more than 1e-19.
- sparse_grid_node_counts_k1to6 (d = 1..10, k = 1..6) and sparse_grid_node_counts_d1to6_k7to10:
  the number of distinct nodes of Heiss and Winschel's Smolyak sparse grids (nothing dropped),
  for both families. The grid of accuracy k in d dimensions is
      sum_{q = max(0, k-d)}^{k-1} (-1)^(k-1-q) C(d-1, k-1-q) sum_{|i| = d+q} U_{i_1} x ... x U_{i_d},
  U_l the l-point Gauss-Hermite rule (GQN) or the KPN rule of level l (KPN: the transcribed
  rule sizes and nodes of src/kpn-tables.ts, whose accuracy-level -> size map is also checked
  here: the smallest tabulated rule of degree >= 2l - 1).
- T1_exp_linear_d3_a=(0.5,-0.3,0.2): E exp(a.z), z ~ N(0, I_3): the exact value exp(|a|^2/2)
  and the value of the sparse grids (k = 1..5, both families) and of the Gauss-Hermite product
  rules (n = 1..7), evaluated at 60 digits, as strings.
- T2_polynomials_d3: E of some monomials of z ~ N(0, I_3): exact (products of (k-1)!!) and the
  values of the sparse grids, k = 1..5, both families (60 digits, written as doubles).
"""
import itertools
import json
import os
import re
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import scipy
from scipy.stats import qmc

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "..")
OUT = os.path.join(PKG, "test", "fixtures", "reference-vectors.json")

mpmath.mp.dps = 120
MPF = mpmath.mpf


def normal_moment(k):
    """E[Z^k], Z ~ N(0,1): (k-1)!! for even k, 0 for odd k (exact integer)."""
    if k % 2:
        return 0
    m = 1
    for j in range(k - 1, 0, -2):
        m *= j
    return m


# --- polynomials (coefficient lists, lowest degree first) -----------------------------------
def pmul(a, b):
    r = [MPF(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            r[i + j] += x * y
    return r


def expect(c):
    """E[c(Z)] for the polynomial with coefficients c."""
    return sum(ci * normal_moment(i) for i, ci in enumerate(c))


def node_poly(nodes):
    p = [MPF(1)]
    for t in nodes:
        p = pmul(p, [-t, MPF(1)])
    return p


def real_roots(c):
    """Roots of the polynomial c (lowest degree first), all checked to be real."""
    roots = mpmath.polyroots(c[::-1], maxsteps=1000, extraprec=1000)
    for r in roots:
        assert abs(mpmath.im(r)) < MPF(10) ** -80, r
    return sorted(MPF(mpmath.re(r)) for r in roots)


def interpolatory_weights(nodes):
    """Weights w with sum_i w_i x_i^k = E[Z^k] for k < len(nodes)."""
    n = len(nodes)
    A = mpmath.matrix(n, n)
    b = mpmath.matrix(n, 1)
    for k in range(n):
        for i, x in enumerate(nodes):
            A[k, i] = x**k
        b[k] = normal_moment(k)
    w = mpmath.lu_solve(A, b)
    return [w[i] for i in range(n)]


def exact_degree(nodes, weights, cap=80):
    """Highest D with the rule exact for every z^k, k <= D."""
    for k in range(cap):
        s = sum(w * x**k for x, w in zip(nodes, weights))
        if abs(s - normal_moment(k)) > MPF(10) ** -60 * max(1, normal_moment(k)):
            return k - 1
    raise AssertionError("degree above cap")


def s(x, digits=25):
    """A decimal string of x (mpf), '0.0' for zero, as in the reference tables."""
    if x == 0:
        return "0.0"
    t = mpmath.nstr(x, digits, min_fixed=-5, max_fixed=5)
    return t if ("." in t or "e" in t) else t + ".0"


# --- Gauss-Hermite (probabilists) ------------------------------------------------------------
HE_CACHE = {0: [MPF(1)], 1: [MPF(0), MPF(1)]}


def He(n):
    """He_n (coefficients), by He_{k+1} = x He_k - k He_{k-1}."""
    while max(HE_CACHE) < n:
        k = max(HE_CACHE)
        q = [MPF(0)] * (k + 2)
        for i, a in enumerate(HE_CACHE[k]):
            q[i + 1] += a
        for i, a in enumerate(HE_CACHE[k - 1]):
            q[i] -= k * a
        HE_CACHE[k + 1] = q
    return HE_CACHE[n]


def peval(c, x):
    r = MPF(0)
    for a in reversed(c):
        r = r * x + a
    return r


GH = {}


def gauss_hermite(n):
    if n in GH:
        return GH[n]
    if n == 1:
        nodes = [MPF(0)]
    else:
        nodes = real_roots(He(n))
        # exact symmetry and an exact zero middle node (the roots are simple and symmetric)
        h = n // 2
        for i in range(h):
            v = (nodes[n - 1 - i] - nodes[i]) / 2
            nodes[i], nodes[n - 1 - i] = -v, v
        if n % 2:
            assert abs(nodes[h]) < MPF(10) ** -90
            nodes[h] = MPF(0)
    hn1 = He(n - 1)
    weights = [mpmath.factorial(n) / (n * peval(hn1, x)) ** 2 for x in nodes]
    assert exact_degree(nodes, weights) >= 2 * n - 1
    GH[n] = (nodes, weights)
    return GH[n]


ref = {
    "_note": "Generated by scripts/gen-reference-vectors.py (mpmath %s, numpy %s, scipy %s); see its docstring for how each value is computed. "
    "Probabilists' Gauss-Hermite: weight exp(-x^2/2)/sqrt(2pi), weights sum to 1. Halton: radical inverse of the index (index 0 gives 0). "
    "Sobol: Joe-Kuo direction numbers, unscrambled." % (mpmath.__version__, np.__version__, scipy.__version__),
}
ref["gauss_hermite_probabilists"] = {
    str(n): [[s(x), s(w)] for x, w in zip(*gauss_hermite(n))] for n in range(1, 8)
}


# --- Halton ---------------------------------------------------------------------------------
def radical_inverse(i, b):
    v, f = Fraction(0), Fraction(1, b)
    while i > 0:
        i, d = divmod(i, b)
        v += d * f
        f /= b
    return v


def frac_str(q):
    return str(q.numerator) if q.denominator == 1 else "%d/%d" % (q.numerator, q.denominator)


PRIMES = [2, 3, 5, 7, 11, 13]
ref["halton_radical_inverse_index0to12"] = {str(p): [frac_str(radical_inverse(i, p)) for i in range(13)] for p in PRIMES}
ref["halton_index_1000_1001_1002"] = {str(p): [repr(float(radical_inverse(i, p))) for i in (1000, 1001, 1002)] for p in PRIMES}


# --- Sobol ----------------------------------------------------------------------------------
def sobol_direct(npts, bits=32):
    """Gray-code Sobol' points in 3 dims. Joe-Kuo (new-joe-kuo-6.21201): dim 1 is the van der
    Corput sequence; dim 2: s=1, a=0, m=[1]; dim 3: s=2, a=1, m=[1,3]."""
    params = [None, (1, 0, [1]), (2, 1, [1, 3])]
    V = []
    for p in params:
        if p is None:
            V.append([1 << (bits - 1 - j) for j in range(bits)])
            continue
        sdeg, a, m = p
        m = list(m)
        for j in range(sdeg, bits):
            new = m[j - sdeg] ^ (m[j - sdeg] << sdeg)
            for k in range(1, sdeg):
                if (a >> (sdeg - 1 - k)) & 1:
                    new ^= m[j - k] << k
            m.append(new)
        V.append([m[j] << (bits - 1 - j) for j in range(bits)])
    x = [0, 0, 0]
    out = [[0.0, 0.0, 0.0]]
    for i in range(1, npts):
        c = ((~(i - 1)) & i).bit_length() - 1  # lowest zero bit of i - 1
        for d in range(3):
            x[d] ^= V[d][c]
        out.append([xd / 2.0**bits for xd in x])
    return out


with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # 10 is not a power of 2
    sob = qmc.Sobol(d=3, scramble=False).random(10).tolist()
assert sob == sobol_direct(10), (sob, sobol_direct(10))
ref["sobol_unscrambled_first10_dim3_joe_kuo"] = sob


# --- KPN: the transcribed tables, and their recomputation -----------------------------------
def parse_kpn_tables():
    src = open(os.path.join(PKG, "src", "kpn-tables.ts")).read()
    body = src[src.index("KPN_RULES"):src.index("KPN_LEVEL_TO_SIZE")]
    rules = {}
    for m in re.finditer(r"(\d+):\s*\[\s*(\d+),\s*\[([^\]]*)\],\s*\[([^\]]*)\],\s*\]", body):
        size, deg = int(m.group(1)), int(m.group(2))
        nodes = [t.strip() for t in m.group(3).split(",") if t.strip()]
        weights = [t.strip() for t in m.group(4).split(",") if t.strip()]
        assert len(nodes) == len(weights) == (size + 1) // 2, size
        rules[size] = (deg, nodes, weights)
    l2s = re.search(r"KPN_LEVEL_TO_SIZE[^=]*=\s*\[([^\]]*)\]", src).group(1)
    return rules, [int(t) for t in l2s.split(",")]


KPN_TS, KPN_L2S = parse_kpn_tables()
assert sorted(KPN_TS) == [1, 3, 7, 9, 17, 19, 31, 33, 35], sorted(KPN_TS)


def full(nonneg):
    return [-x for x in reversed(nonneg[1:])] + list(nonneg)


# Genz-Keister nested sequence 1 -> 3 -> 9 -> 19 -> 35.
gk_nonneg = {1: [MPF(0)]}
prev = 1
for size, m in ((3, 2), (9, 6), (19, 10), (35, 16)):
    P = node_poly(full(gk_nonneg[prev]))
    A = mpmath.matrix(m, m)
    b = mpmath.matrix(m, 1)
    for j in range(m):
        Pj = pmul(P, [MPF(0)] * j + [MPF(1)])
        for i in range(m):
            A[j, i] = expect(pmul(Pj, [MPF(0)] * i + [MPF(1)]))
        b[j] = -expect(pmul(Pj, [MPF(0)] * m + [MPF(1)]))
    c = mpmath.lu_solve(A, b)
    new = real_roots([c[i] for i in range(m)] + [MPF(1)])
    gk_nonneg[size] = sorted(gk_nonneg[prev] + [x for x in new if x > 0])
    assert len(gk_nonneg[size]) == (size + 1) // 2
    prev = size

kpn = {}
for size, (deg_ts, nodes_ts, weights_ts) in sorted(KPN_TS.items()):
    parent = min(g for g in gk_nonneg if g >= size)
    nonneg = []
    for t in nodes_ts:  # the node of the recomputed parent rule the transcribed one stands for
        near = min(gk_nonneg[parent], key=lambda x: abs(x - MPF(t)))
        assert abs(near - MPF(t)) < MPF(10) ** -19 * max(1, near), (size, t, near)
        nonneg.append(near)
    nodes = full(nonneg)
    weights = interpolatory_weights(nodes)
    h = len(nonneg) - 1
    wpos = weights[h:]
    for w, t in zip(wpos, weights_ts):
        assert abs(w - MPF(t)) < MPF(10) ** -19 * max(MPF(10) ** -4, abs(w)), (size, t, w)
    deg = exact_degree(nodes, weights)
    assert deg == deg_ts, (size, deg, deg_ts)
    kpn[size] = {"degree": deg, "nonneg_nodes_weights": [[s(x), s(w)] for x, w in zip(nonneg, wpos)]}
ref["kpn_genz_keister"] = {str(k): v for k, v in kpn.items()}

# accuracy level l uses the smallest rule of degree >= 2l - 1
for level, size in enumerate(KPN_L2S, start=1):
    assert size == min(sz for sz in kpn if kpn[sz]["degree"] >= 2 * level - 1), (level, size)


# --- sparse grids ---------------------------------------------------------------------------
def rule_1d(family, level, with_weights):
    """(keys, nodes, weights) of the 1-D rule of a level; keys identify equal nodes."""
    if family == "GQN":
        nodes, weights = gauss_hermite(level)
        keys = [mpmath.nstr(x, 40) if x != 0 else "0" for x in nodes]
        return keys, nodes, weights
    deg, nn, ww = KPN_TS[KPN_L2S[level - 1]]
    keys = ["-" + t for t in reversed(nn[1:])] + nn
    if not with_weights:
        return keys, None, None
    nodes = full([MPF(t) for t in nn])
    weights = [MPF(t) for t in reversed(ww[1:])] + [MPF(t) for t in ww]
    return keys, nodes, weights


def compositions(total, parts):
    """All tuples of `parts` positive integers summing to `total`."""
    if parts == 1:
        yield (total,)
        return
    for first in range(1, total - parts + 2):
        for rest in compositions(total - first, parts - 1):
            yield (first,) + rest


def smolyak_terms(d, k):
    for q in range(max(0, k - d), k):
        coef = (-1) ** (k - 1 - q) * mpmath.binomial(d - 1, k - 1 - q)
        for idx in compositions(d + q, d):
            yield int(coef), idx


def node_count(family, d, k):
    seen = set()
    for _, idx in smolyak_terms(d, k):
        seen.update(itertools.product(*(rule_1d(family, l, False)[0] for l in idx)))
    return len(seen)


def sparse_grid(family, d, k):
    """{node key tuple: (coordinates, merged weight)}."""
    grid = {}
    for coef, idx in smolyak_terms(d, k):
        rules = [rule_1d(family, l, True) for l in idx]
        for pick in itertools.product(*(range(len(r[0])) for r in rules)):
            key = tuple(r[0][i] for r, i in zip(rules, pick))
            w = coef
            for r, i in zip(rules, pick):
                w *= r[2][i]
            x = [r[1][i] for r, i in zip(rules, pick)]
            if key in grid:
                grid[key][1] += w
            else:
                grid[key] = [x, w]
    return grid


ref["sparse_grid_node_counts_k1to6"] = {
    fam: {str(d): [node_count(fam, d, k) for k in range(1, 7)] for d in range(1, 11)} for fam in ("KPN", "GQN")
}
ref["sparse_grid_node_counts_d1to6_k7to10"] = {
    fam: {str(d): [node_count(fam, d, k) for k in range(7, 11)] for d in range(1, 7)} for fam in ("KPN", "GQN")
}

mpmath.mp.dps = 60
A = [MPF("0.5"), MPF("-0.3"), MPF("0.2")]
GRIDS = {(fam, k): sparse_grid(fam, 3, k) for fam in ("KPN", "GQN") for k in range(1, 6)}
for (fam, k), g in GRIDS.items():
    assert abs(sum(w for _, w in g.values()) - 1) < MPF(10) ** -18, (fam, k)


def grid_expect(g, f):
    return sum(w * f(x) for x, w in g.values())


T1 = {"exact": mpmath.nstr(mpmath.exp(sum(a * a for a in A) / 2), 20)}
for fam in ("KPN", "GQN"):
    for k in range(1, 6):
        T1["%s_k%d" % (fam, k)] = mpmath.nstr(grid_expect(GRIDS[fam, k], lambda x: mpmath.exp(sum(a * z for a, z in zip(A, x)))), 20)
for n in range(1, 8):
    nodes, weights = gauss_hermite(n)
    v = MPF(0)
    for i in itertools.product(range(n), repeat=3):
        v += weights[i[0]] * weights[i[1]] * weights[i[2]] * mpmath.exp(sum(A[d] * nodes[i[d]] for d in range(3)))
    T1["GHprod_n%d" % n] = mpmath.nstr(v, 20)
ref["T1_exp_linear_d3_a=(0.5,-0.3,0.2)"] = T1

T2 = {}
for powers in ((2, 2, 2), (4, 2, 0), (2, 2, 0), (6, 0, 0), (8, 0, 0), (4, 4, 0), (2, 2, 4)):
    name = "*".join("z%d^%d" % (d + 1, p) for d, p in enumerate(powers) if p)
    row = {"exact": normal_moment(powers[0]) * normal_moment(powers[1]) * normal_moment(powers[2])}
    for fam in ("KPN", "GQN"):
        for k in range(1, 6):
            v = grid_expect(GRIDS[fam, k], lambda x: x[0] ** powers[0] * x[1] ** powers[1] * x[2] ** powers[2])
            row["%s_k%d" % (fam, k)] = float(v)
    T2[name] = row
ref["T2_polynomials_d3"] = T2

with open(OUT, "w") as f:
    json.dump(ref, f, indent=1)
    f.write("\n")
print("wrote", os.path.relpath(OUT))
