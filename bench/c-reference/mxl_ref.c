/*
 * mxl_ref.c - an optimized C reference for mxl's panel mixed logit kernel:
 * the simulated log-likelihood and its analytic gradient, independent normal
 * random coefficients, Halton draws. See README.md beside this file.
 *
 * Model (theta = b_1..b_K, s_1..s_K):
 *   beta_ikr = b_k + s_k z_ikr,  z_ikr = PhiInv(halton_{p_k}(discard + i R + r))
 *   L_ir     = prod_t P_itr,     P_itr = exp(V_itc) / sum_{j in C_it} exp(V_itj)
 *   LL       = sum_i log( (1/R) sum_r L_ir )
 *   dLL/db_k = sum_i sum_r w_ir g_irk,   dLL/ds_k = sum_i sum_r w_ir g_irk z_ikr,
 *   w_ir = L_ir / sum_r L_ir,  g_irk = sum_t (x_itck - sum_j P_itjr x_itjk).
 *
 * How it is computed (the same algebra as mxl's WebAssembly kernel):
 *   - utilities as differences against the chosen alternative c: for every other
 *     alternative o, w_o = sum_k d_ok beta_k with d_o = x_o - x_c (prepared once
 *     when the data are read), so  log P_c = -log S,  S = 1 + sum_o exp(w_o)
 *     and  d log P_c / d beta_k = -sum_o exp(w_o) d_ok / S:  one exp per other
 *     alternative, no max pass, no x_c term;
 *   - if some w_o of a situation exceeds 300 (exp would come near overflow) that
 *     situation takes the max-shifted form instead (m = max(0, max_o w_o),
 *     S = exp(-m) + sum_o exp(w_o - m), log P_c = -m - log S); `--form shifted`
 *     forces it everywhere (a check of the algebra, about 1.3x slower);
 *   - no log per situation: the S of an individual's situations are multiplied
 *     per draw and the product is flushed into a log only when a bound on it
 *     passes 1e260; without flush or shift L_ir = 1 / prod, and the average over
 *     draws needs no log at all (one log per individual);
 *   - draws are processed in lane groups of U vectors (GCC/Clang vector
 *     extensions, as wide as the target's registers: 2 x 8 doubles with AVX-512,
 *     4 x 4 with AVX2, 4 x 2 otherwise). An individual's situations run one lane group at
 *     a time: the group's coefficients, utilities, exps and partial sums stay in
 *     registers (one specialized copy of the loop per K <= 8; above, in L1), and
 *     the individual's prepared rows stay in cache across its lane groups (with
 *     thousands of alternatives they stream from L2/L3 once per lane group, which
 *     still leaves the loop bound by its multiply-adds);
 *   - exp: our own vectorized exp (range reduction to |r| <= ln2/16 with an
 *     8-entry table of 2^(j/8) held in one register on AVX-512; elsewhere
 *     |r| <= ln2/2 and a degree-13 polynomial), about 1 ulp; no libm call in the
 *     hot loop, so no -ffast-math is needed;
 *   - OpenMP over individuals (dynamic schedule); each individual's LL_i and
 *     gradient are stored and summed in index order afterwards, so the numbers
 *     are identical, bit for bit, for every thread count.
 *
 * Data: a long CSV; the first four columns are the individual, the situation,
 * the alternative and the choice (any names), the remaining K columns are the
 * attributes x_1..x_K. A situation is a run of rows with the same (individual,
 * situation) values, an individual a run of situations with the same individual
 * value; situations may have any number of alternatives (ragged choice sets),
 * individuals any number of situations; exactly one row of a situation has a
 * non-zero choice. A situation with one alternative contributes log 1 = 0.
 *
 * Usage: mxl_ref --data FILE.csv --draws R [--discard D] [--theta b1,..,bK,s1,..,sK]
 *                [--reps M] [--threads T] [--form diff|shifted] [--check-grad]
 * Prints one JSON line (see README.md). Draw generation and reading the data are
 * not timed; one warm-up evaluation precedes the M timed ones.
 *
 * Build: cc -O3 -march=native -fopenmp -ffp-contract=fast -std=gnu11 -o mxl_ref mxl_ref.c -lm
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi" /* 64-byte vectors on targets without AVX-512: fine, all static */
#endif
#ifdef __FAST_MATH__
#error "build without -ffast-math: the exp's rounding step (x + 1.5 * 2^52 - 1.5 * 2^52) needs IEEE arithmetic"
#endif

/* Vector width: the target's widest double vectors (-march=native decides); -DMXL_SSE keeps to
 * 2 doubles per vector (SSE2 registers, FMA still where the target has it), the width of
 * WebAssembly SIMD, for a like-for-like comparison (bench/shapes.mjs --same-width). */
#if defined(MXL_SSE)
#define VL 2
#ifndef U
#define U 4
#endif
#elif defined(__AVX512F__)
#define VL 8 /* doubles per vector: AVX-512 */
#ifndef U
#define U 2 /* vectors per lane group: 16 draws, 32 registers */
#endif
#elif defined(__AVX__)
#define VL 4 /* AVX/AVX2 */
#ifndef U
#define U 4 /* 16 draws (some spills in 16 registers, still faster than 8 draws) */
#endif
#else
#define VL 2 /* SSE2, NEON, ... */
#ifndef U
#define U 4
#endif
#endif
#define LG (U * VL)       /* draws per lane group */
#define KMAX 64           /* most attributes supported */
#define KSPEC 8           /* K up to this gets a specialized copy of the kernel */
#define W_SHIFT 300.0     /* a difference above this takes the max-shifted form */
#define FLUSH_LOG 600.0   /* flush the product of S into a log before a bound passes e^600 */

typedef double vd __attribute__((vector_size(VL * 8)));
typedef long long vi __attribute__((vector_size(VL * 8)));

static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "mxl_ref: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static void *alloc64(size_t bytes) {
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 64)) die("out of memory (%s)", "allocation");
    return p;
}

static inline vd vsplat(double x) {
    vd v;
    for (int l = 0; l < VL; l++) v[l] = x;
    return v;
}
#if defined(MXL_SSE)
static inline vd vmaxd(vd a, vd b) { return (vd)_mm_max_pd((__m128d)a, (__m128d)b); }
#elif defined(__AVX512F__)
static inline vd vmaxd(vd a, vd b) { return (vd)_mm512_max_pd((__m512d)a, (__m512d)b); }
#elif defined(__AVX__)
static inline vd vmaxd(vd a, vd b) { return (vd)_mm256_max_pd((__m256d)a, (__m256d)b); }
#elif defined(__SSE2__)
static inline vd vmaxd(vd a, vd b) { return (vd)_mm_max_pd((__m128d)a, (__m128d)b); }
#else
static inline vd vmaxd(vd a, vd b) {
    vi m = a > b;
    return (vd)(((vi)a & m) | ((vi)b & ~m));
}
#endif
static inline double hsum(vd a) { /* a fixed order */
    double s = a[0];
    for (int l = 1; l < VL; l++) s += a[l];
    return s;
}
static inline double hmax(vd a) {
    double m = a[0];
    for (int l = 1; l < VL; l++) m = a[l] > m ? a[l] : m;
    return m;
}

/* ------------------------------------------------------------------ exp */
/* Inputs below -708 are raised to -708 (the result is then about 3e-308 instead
 * of a denormal or 0; S >= 1, so it changes nothing visible). Inputs above 709
 * give garbage: the callers never use exp of a w above 300 (such a situation is
 * redone in the max-shifted form, whose exponents are <= 0). */
#define SHIFT_C 6755399441055744.0 /* 1.5 * 2^52: t = x + SHIFT_C holds round(x) in its low bits */
#define LN2_HI 6.93147180369123816490e-01 /* ln 2 = LN2_HI + LN2_LO to 1e-26 (fdlibm's split) */
#define LN2_LO 1.90821492927058770002e-10
#if defined(__AVX512F__) && !defined(MXL_EXP_POLY13) && !defined(MXL_SSE)
#define EXP_KIND "table8-poly8"
static inline vd vexp(vd x) {
    const vd tbl = {1.0, 1.0905077326652577, 1.189207115002721, 1.2968395546510096,
                    1.4142135623730951, 1.5422108254079407, 1.681792830507429, 1.8340080864093424};
    x = vmaxd(x, vsplat(-708.0));
    /* n = round(x * 8 / ln 2); r = x - n ln2 / 8 in two parts (Cody and Waite): LN2_HI has
     * 21 trailing zero bits, so n LN2_HI and x - n LN2_HI are exact */
    vd t = x * 11.541560327111707 + SHIFT_C;
    vd n = t - SHIFT_C;
    vd r = x - n * (LN2_HI / 8);
    r = r - n * (LN2_LO / 8);
    /* exp(r), |r| <= ln2/16: Taylor to degree 8 (truncation < 2e-18) */
    vd p = r * (1.0 / 40320) + (1.0 / 5040);
    p = p * r + (1.0 / 720);
    p = p * r + (1.0 / 120);
    p = p * r + (1.0 / 24);
    p = p * r + (1.0 / 6);
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    vi ni = (vi)t - (vi)vsplat(SHIFT_C); /* n as an integer */
    vi j = ni & 7;
    vi q = ni >> 3;                      /* floor(n / 8) */
    vd two_q = (vd)((q + 1023) << 52);
    return p * (vd)_mm512_permutexvar_pd((__m512i)j, (__m512d)tbl) * two_q;
}
#else
#define EXP_KIND "poly13"
static inline vd vexp(vd x) {
    x = vmaxd(x, vsplat(-708.0));
    vd t = x * 1.4426950408889634 + SHIFT_C;
    vd n = t - SHIFT_C;
    vd r = x - n * LN2_HI; /* exact, as above: no FMA needed */
    r = r - n * LN2_LO;
    /* exp(r), |r| <= ln2/2: Taylor to degree 13 (truncation < 1e-17) */
    vd p = r * (1.0 / 6227020800.0) + (1.0 / 479001600.0);
    p = p * r + (1.0 / 39916800.0);
    p = p * r + (1.0 / 3628800.0);
    p = p * r + (1.0 / 362880.0);
    p = p * r + (1.0 / 40320.0);
    p = p * r + (1.0 / 5040.0);
    p = p * r + (1.0 / 720.0);
    p = p * r + (1.0 / 120.0);
    p = p * r + (1.0 / 24.0);
    p = p * r + (1.0 / 6.0);
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    vi ni = (vi)t - (vi)vsplat(SHIFT_C);
    return p * (vd)((ni + 1023) << 52);
}
#endif
static inline vd vlog_lanes(vd a) { /* rare: flushes and the log path */
    vd r;
    for (int l = 0; l < VL; l++) r[l] = log(a[l]);
    return r;
}

/* ------------------------------------------------------------------ data */
typedef struct {
    int N, K;
    long S, rows;
    long *unit_sit;  /* N+1: first situation of each individual */
    long *sit_oth;   /* S+1: first prepared row (other alternative) of each situation */
    double *D;       /* (rows - S) x K: d_o = x_o - x_chosen, per situation in file order */
    int alts_min, alts_max;
    double *lg1p;    /* log(1 + m), m = 0..alts_max */
} Panel;

static double parse_field(char **p, const char *line_no_ctx) {
    char *e;
    double v = strtod(*p, &e);
    if (e == *p) die("bad number in the data (row %s)", line_no_ctx);
    *p = e;
    return v;
}

static void read_panel(const char *path, Panel *pn) {
    FILE *f = fopen(path, "r");
    if (!f) die("cannot open %s", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, f);
    if (len <= 0) die("%s is empty", path);
    int ncol = 1;
    for (char *c = line; *c; c++) ncol += *c == ',';
    const int K = ncol - 4;
    if (K < 1) die("%s: need the columns individual, situation, alternative, choice, x1..xK", path);
    if (K > KMAX) die("%s: too many attribute columns (at most 64)", path);

    size_t dcap = 1 << 16, ucap = 1 << 10, scap = 1 << 12;
    double *D = malloc(dcap * K * sizeof(double));
    long *unit_sit = malloc(ucap * sizeof(long)), *sit_oth = malloc(scap * sizeof(long));
    /* rows of the current situation */
    size_t bcap = 64;
    double *buf = malloc(bcap * K * sizeof(double));
    long nd = 0, ns = 0, nrows = 0;
    int nu = 0, amin = 1 << 30, amax = 0;
    double cur_id = NAN, cur_sit = NAN;
    long nb = 0, chosen = -1;
    char ctx[32];

    for (int more = 1; more;) {
        len = getline(&line, &cap, f);
        char *p = line;
        double id = 0, sit = 0, ch = 0;
        int have = 0;
        if (len > 0) {
            while (*p == ' ' || *p == '\r' || *p == '\n') p++;
            have = *p != 0;
        } else {
            more = 0;
        }
        if (have) {
            snprintf(ctx, sizeof ctx, "%ld", nrows + 2);
            id = parse_field(&p, ctx);
            if (*p++ != ',') die("expected ',' (row %s)", ctx);
            sit = parse_field(&p, ctx);
            if (*p++ != ',') die("expected ',' (row %s)", ctx);
            parse_field(&p, ctx); /* alternative: not used */
            if (*p++ != ',') die("expected ',' (row %s)", ctx);
            ch = parse_field(&p, ctx);
        }
        /* the end of a situation: write its other alternatives' differences */
        if (nb > 0 && (!have || id != cur_id || sit != cur_sit)) {
            snprintf(ctx, sizeof ctx, "%ld", nrows + 1);
            if (chosen < 0) die("a situation has no chosen alternative (ends at row %s)", ctx);
            if ((size_t)(nd + nb) > dcap) {
                while ((size_t)(nd + nb) > dcap) dcap *= 2;
                D = realloc(D, dcap * K * sizeof(double));
                if (!D) die("out of memory (%s)", "data");
            }
            const double *xc = buf + chosen * K;
            for (long j = 0; j < nb; j++) {
                if (j == chosen) continue;
                double *d = D + (size_t)nd * K;
                for (int k = 0; k < K; k++) d[k] = buf[j * K + k] - xc[k];
                nd++;
            }
            if ((size_t)ns + 2 > scap) sit_oth = realloc(sit_oth, (scap *= 2) * sizeof(long));
            ns++;
            sit_oth[ns] = nd;
            amin = nb < amin ? (int)nb : amin;
            amax = nb > amax ? (int)nb : amax;
            nb = 0;
            chosen = -1;
        }
        if (!have) continue;
        if (nrows == 0 || id != cur_id) { /* a new individual */
            if ((size_t)nu + 2 > ucap) unit_sit = realloc(unit_sit, (ucap *= 2) * sizeof(long));
            unit_sit[nu++] = ns;
        }
        cur_id = id;
        cur_sit = sit;
        if ((size_t)nb >= bcap) buf = realloc(buf, (bcap *= 2) * K * sizeof(double));
        for (int k = 0; k < K; k++) {
            if (*p++ != ',') die("too few columns (row %s)", ctx);
            buf[nb * K + k] = parse_field(&p, ctx);
        }
        while (*p == ' ' || *p == '\r') p++;
        if (*p && *p != '\n') die("too many columns (row %s)", ctx);
        if (ch != 0) {
            if (chosen >= 0) die("two chosen alternatives in one situation (row %s)", ctx);
            chosen = nb;
        }
        nb++;
        nrows++;
    }
    fclose(f);
    free(line);
    free(buf);
    if (nrows == 0) die("%s has no data rows", path);
    sit_oth[0] = 0;
    unit_sit[nu] = ns;

    pn->N = nu;
    pn->K = K;
    pn->S = ns;
    pn->rows = nrows;
    pn->unit_sit = unit_sit;
    pn->sit_oth = sit_oth;
    pn->D = alloc64((size_t)(nd ? nd : 1) * K * sizeof(double));
    memcpy(pn->D, D, (size_t)nd * K * sizeof(double));
    free(D);
    pn->alts_min = amin;
    pn->alts_max = amax;
    pn->lg1p = malloc((size_t)(amax + 1) * sizeof(double));
    for (int m = 0; m <= amax; m++) pn->lg1p[m] = log1p((double)m);
}

/* ------------------------------------------------------------------ draws */
/* Normal quantile: Wichura's AS 241 (PPND16), as in mxl's normalQuantile. */
static double norm_quantile(double p) {
    const double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                        45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                     133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    double r = sqrt(-log(q < 0 ? p : 1 - p)), v;
    if (r <= 5) {
        r -= 1.6;
        v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
              4.6303378461565452959) * r + 1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
              2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5;
        v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
              5.4637849111641143699) * r + 6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
              0.59983220655588793769) * r + 1.0);
    }
    return q < 0 ? -v : v;
}

/* Radical inverses of indices start .. start+n-1 in base p (index 0 is the point
 * 0), each the single division (digit-reversed integer) / p^M with M the digit
 * count of the last index: exact integers, so the correctly rounded value. The
 * reversed integer is updated as the index counts up. */
static void halton_block(uint64_t start, int n, uint64_t p, double *out) {
    uint64_t last = start + (uint64_t)n - 1, pM = 1;
    int M = 0;
    for (uint64_t v = last; v > 0; v /= p) {
        M++;
        pM *= p;
    }
    if (pM > (1ULL << 53)) die("Halton index too large for exact arithmetic (%s)", "reduce N, R or discard");
    uint64_t w[64], dg[64], rev = 0;
    uint64_t v = start;
    {
        uint64_t acc = 1;
        for (int j = M - 1; j >= 0; j--) {
            w[j] = acc; /* weight of digit j (the p^j place of the index) */
            acc *= p;
        }
    }
    for (int j = 0; j < M; j++) {
        dg[j] = v % p;
        rev += dg[j] * w[j];
        v /= p;
    }
    const double den = (double)pM;
    for (int r = 0;;) {
        out[r] = (double)rev / den;
        if (++r == n) break;
        int j = 0;
        while (dg[j] == p - 1) {
            dg[j] = 0;
            rev -= (p - 1) * w[j];
            j++;
        }
        dg[j]++;
        rev += w[j];
    }
}

/* Z[(i K + k) Rp + r], Rp = R rounded up to a multiple of LG (padding: 0). */
static double *make_draws(int N, int K, int R, int Rp, uint64_t discard) {
    uint64_t primes[KMAX];
    for (int k = 0, c = 2; k < K; c++) {
        int prime = 1;
        for (int q = 0; q < k && primes[q] * primes[q] <= (uint64_t)c; q++)
            if (c % primes[q] == 0) prime = 0;
        if (prime) primes[k++] = (uint64_t)c;
    }
    double *Z = alloc64((size_t)N * K * Rp * sizeof(double));
#pragma omp parallel for schedule(static)
    for (int i = 0; i < N; i++)
        for (int k = 0; k < K; k++) {
            double *z = Z + ((size_t)i * K + k) * Rp;
            halton_block(discard + (uint64_t)i * R, R, primes[k], z);
            for (int r = 0; r < R; r++) z[r] = norm_quantile(z[r]);
            for (int r = R; r < Rp; r++) z[r] = 0.0;
        }
    return Z;
}

/* ------------------------------------------------------------------ kernel */
typedef struct {
    const Panel *pn;
    const double *Z;
    int R, Rp, shifted;
} Problem;

/* What an individual accumulates over its lane groups: sums of L, L g_k and
 * L g_k z_k at the common scale exp(M). */
typedef struct {
    vd w[U], b[KMAX * U], s[KMAX * U];
    double M;
    int empty;
} UnitAcc;

/* The state of one lane group (LG draws) of an individual. */
typedef struct {
    vd beta[KMAX * U], G[KMAX * U], A[KMAX * U], S[U], mx[U], prod[U], lacc[U];
    double ub;
    int logpath;
} Group;

/* exp(w_o) for the others [0, n) of a situation (rows d, stride K), summed into
 * S, A_k (sum e d_ok) and the running max of w. */
static inline __attribute__((always_inline)) void others_direct(const int K, const double *restrict d, int n,
                                                                const vd *restrict beta, vd *restrict A,
                                                                vd *restrict S, vd *restrict mx) {
    for (int o = 0; o < n; o++, d += K) {
        vd w[U];
        for (int u = 0; u < U; u++) w[u] = d[0] * beta[u];
        for (int k = 1; k < K; k++)
            for (int u = 0; u < U; u++) w[u] += d[k] * beta[k * U + u];
        for (int u = 0; u < U; u++) {
            mx[u] = vmaxd(mx[u], w[u]);
            const vd e = vexp(w[u]);
            S[u] += e;
            for (int k = 0; k < K; k++) A[k * U + u] += e * d[k];
        }
    }
}

/* The max-shifted form of a whole situation (m others at d) for one lane group. */
static void situation_shifted(const int K, const double *restrict d, int m, Group *g, const double *lg1p) {
    for (int u = 0; u < U; u++) {
        vd mx = vsplat(0.0);
        for (int o = 0; o < m; o++) {
            const double *dd = d + (size_t)o * K;
            vd w = dd[0] * g->beta[u];
            for (int k = 1; k < K; k++) w += dd[k] * g->beta[k * U + u];
            mx = vmaxd(mx, w);
        }
        vd S = vexp(-mx), A[KMAX];
        for (int k = 0; k < K; k++) A[k] = vsplat(0.0);
        for (int o = 0; o < m; o++) {
            const double *dd = d + (size_t)o * K;
            vd w = dd[0] * g->beta[u];
            for (int k = 1; k < K; k++) w += dd[k] * g->beta[k * U + u];
            const vd e = vexp(w - mx);
            S += e;
            for (int k = 0; k < K; k++) A[k] += e * dd[k];
        }
        const vd inv = 1.0 / S;
        for (int k = 0; k < K; k++) g->G[k * U + u] -= A[k] * inv;
        g->lacc[u] -= mx;
        g->prod[u] *= S; /* S in [1, 1 + m] */
    }
    if (g->ub + lg1p[m] > FLUSH_LOG) {
        for (int u = 0; u < U; u++) {
            g->lacc[u] -= vlog_lanes(g->prod[u]);
            g->prod[u] = vsplat(1.0);
        }
        g->ub = 0;
    }
    g->ub += lg1p[m];
    g->logpath = 1;
}

/* After the direct pass over a situation: the overflow check, then G -= A / S
 * and prod *= S (with a flush when the bound on prod would pass e^FLUSH_LOG).
 * Returns 0 when the situation must be redone in the shifted form. */
static inline __attribute__((always_inline)) int situation_close(const int K, int m, Group *g, const double *lg1p) {
    double wm = g->mx[0][0];
    for (int u = 0; u < U; u++) {
        const double h = hmax(g->mx[u]);
        wm = h > wm ? h : wm;
    }
    if (wm > W_SHIFT) return 0;
    const double inc = lg1p[m] + (wm > 0 ? wm : 0); /* log S <= log(1 + m) + max(0, max w) */
    if (g->ub + inc > FLUSH_LOG) {
        for (int u = 0; u < U; u++) {
            g->lacc[u] -= vlog_lanes(g->prod[u]);
            g->prod[u] = vsplat(1.0);
        }
        g->ub = 0;
        g->logpath = 1;
    }
    g->ub += inc;
    for (int u = 0; u < U; u++) {
        const vd inv = 1.0 / g->S[u];
        g->prod[u] *= g->S[u];
        for (int k = 0; k < K; k++) g->G[k * U + u] -= g->A[k * U + u] * inv;
    }
    return 1;
}

static inline __attribute__((always_inline)) void group_open(const int K, Group *g, const double *restrict b,
                                                             const double *restrict s, const double *restrict Zi,
                                                             int Rp, int r0) {
    for (int k = 0; k < K; k++)
        for (int u = 0; u < U; u++) {
            const vd z = *(const vd *)(Zi + (size_t)k * Rp + r0 + u * VL);
            g->beta[k * U + u] = b[k] + s[k] * z;
            g->G[k * U + u] = vsplat(0.0);
        }
    for (int u = 0; u < U; u++) {
        g->prod[u] = vsplat(1.0);
        g->lacc[u] = vsplat(0.0);
    }
    g->ub = 0;
    g->logpath = 0;
}

static inline __attribute__((always_inline)) void situation_begin(const int K, Group *g) {
    for (int u = 0; u < U; u++) {
        g->S[u] = vsplat(1.0);
        g->mx[u] = vsplat(-1e300);
        for (int k = 0; k < K; k++) g->A[k * U + u] = vsplat(0.0);
    }
}

/* A finished lane group (draws r0 .. r0+LG-1, those >= R masked) into the
 * individual's accumulators. */
static void group_close(const int K, const Group *g, const double *restrict Zi, int Rp, int R, int r0,
                        UnitAcc *acc) {
    vd L[U];
    double scale = 0;
    if (!g->logpath) {
        for (int u = 0; u < U; u++) L[u] = 1.0 / g->prod[u];
    } else {
        vd ll[U];
        scale = -INFINITY;
        for (int u = 0; u < U; u++) {
            ll[u] = g->lacc[u] - vlog_lanes(g->prod[u]);
            for (int l = 0; l < VL; l++)
                if (r0 + u * VL + l < R && ll[u][l] > scale) scale = ll[u][l];
        }
        if (!(scale > -INFINITY)) scale = 0; /* every draw has L = 0: LL = -inf */
        for (int u = 0; u < U; u++) {
            vd x = ll[u] - scale;
            for (int l = 0; l < VL; l++) L[u][l] = exp(x[l]);
        }
    }
    for (int u = 0; u < U; u++)
        for (int l = 0; l < VL; l++)
            if (r0 + u * VL + l >= R) L[u][l] = 0;
    if (acc->empty) {
        acc->M = scale;
        acc->empty = 0;
    } else if (scale > acc->M) {
        const double f = exp(acc->M - scale);
        for (int u = 0; u < U; u++) {
            acc->w[u] *= f;
            for (int k = 0; k < K; k++) {
                acc->b[k * U + u] *= f;
                acc->s[k * U + u] *= f;
            }
        }
        acc->M = scale;
    } else if (scale < acc->M) {
        const double f = exp(scale - acc->M);
        for (int u = 0; u < U; u++) L[u] *= f;
    }
    for (int u = 0; u < U; u++) {
        acc->w[u] += L[u];
        for (int k = 0; k < K; k++) {
            const vd z = *(const vd *)(Zi + (size_t)k * Rp + r0 + u * VL);
            const vd lg = L[u] * g->G[k * U + u];
            acc->b[k * U + u] += lg;
            acc->s[k * U + u] += lg * z;
        }
    }
}

static void unit_finish(const int K, const UnitAcc *acc, int R, double *out) {
    vd w = acc->w[0];
    for (int u = 1; u < U; u++) w += acc->w[u];
    const double sw = hsum(w);
    out[0] = acc->M + log(sw) - log((double)R);
    for (int k = 0; k < K; k++) {
        vd b = acc->b[k * U], s = acc->s[k * U];
        for (int u = 1; u < U; u++) {
            b += acc->b[k * U + u];
            s += acc->s[k * U + u];
        }
        out[1 + k] = hsum(b) / sw;
        out[1 + K + k] = hsum(s) / sw;
    }
}

/* One individual: one lane group at a time through all of its situations.
 * Specialized per K by inlining. */
static inline __attribute__((always_inline)) void unit_eval(const int K, const Problem *pb, int i,
                                                              const double *theta, double *out) {
    const Panel *pn = pb->pn;
    const double *b = theta, *s = theta + K;
    const double *Zi = pb->Z + (size_t)i * K * pb->Rp;
    const long t0 = pn->unit_sit[i], t1 = pn->unit_sit[i + 1];
    UnitAcc acc;
    acc.empty = 1;
    acc.M = 0;
    for (int u = 0; u < U; u++) acc.w[u] = vsplat(0.0);
    for (int k = 0; k < K * U; k++) acc.b[k] = acc.s[k] = vsplat(0.0);
    Group g;
    for (int r0 = 0; r0 < pb->R; r0 += LG) {
        group_open(K, &g, b, s, Zi, pb->Rp, r0);
        for (long t = t0; t < t1; t++) {
            const long o0 = pn->sit_oth[t];
            const int m = (int)(pn->sit_oth[t + 1] - o0);
            if (m == 0) continue;
            const double *d = pn->D + (size_t)o0 * K;
            if (!pb->shifted) {
                situation_begin(K, &g);
                others_direct(K, d, m, g.beta, g.A, g.S, g.mx);
                if (situation_close(K, m, &g, pn->lg1p)) continue;
            }
            situation_shifted(K, d, m, &g, pn->lg1p);
        }
        group_close(K, &g, Zi, pb->Rp, pb->R, r0, &acc);
    }
    unit_finish(K, &acc, pb->R, out);
}

#define UNIT_K(KC) \
    static void unit_k##KC(const Problem *pb, int i, const double *theta, double *out) { \
        unit_eval(KC, pb, i, theta, out);                                                \
    }
UNIT_K(1) UNIT_K(2) UNIT_K(3) UNIT_K(4) UNIT_K(5) UNIT_K(6) UNIT_K(7) UNIT_K(8)
static void unit_any_k(const Problem *pb, int i, const double *theta, double *out) {
    unit_eval(pb->pn->K, pb, i, theta, out);
}
typedef void (*unit_fn)(const Problem *, int, const double *, double *);
static const unit_fn UNIT_FNS[KSPEC + 1] = {NULL, unit_k1, unit_k2, unit_k3, unit_k4,
                                            unit_k5, unit_k6, unit_k7, unit_k8};

/* One evaluation: LL and gradient into grad[0..2K); per_unit holds (LL_i, grad_i). */
static double evaluate(const Problem *pb, const double *theta, double *grad, double *per_unit) {
    const Panel *pn = pb->pn;
    const int K = pn->K, W = 2 * K + 1, N = pn->N;
    const unit_fn unit = K <= KSPEC ? UNIT_FNS[K] : unit_any_k;
#pragma omp parallel for schedule(dynamic, 4)
    for (int i = 0; i < N; i++) unit(pb, i, theta, per_unit + (size_t)i * W);
    double ll = 0;
    for (int m = 0; m < 2 * K; m++) grad[m] = 0;
    for (int i = 0; i < N; i++) { /* in index order: the same sums for any thread count */
        const double *o = per_unit + (size_t)i * W;
        ll += o[0];
        for (int m = 0; m < 2 * K; m++) grad[m] += o[1 + m];
    }
    return ll;
}

/* ------------------------------------------------------------------ main */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static void usage(void) {
    fprintf(stderr,
            "usage: mxl_ref --data FILE.csv --draws R [--discard D=100] [--theta b1,..,bK,s1,..,sK]\n"
            "               [--reps M=5] [--threads T=1] [--form diff|shifted] [--check-grad]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *data = NULL, *theta_arg = NULL, *form = "diff";
    long R = 0, reps = 5, threads = 1;
    long long discard = 100;
    int check_grad = 0;
    for (int a = 1; a < argc; a++) {
        const char *o = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!strcmp(o, "--check-grad")) { check_grad = 1; continue; }
        if (!v) usage();
        a++;
        if (!strcmp(o, "--data")) data = v;
        else if (!strcmp(o, "--draws")) R = atol(v);
        else if (!strcmp(o, "--discard")) discard = atoll(v);
        else if (!strcmp(o, "--theta")) theta_arg = v;
        else if (!strcmp(o, "--reps")) reps = atol(v);
        else if (!strcmp(o, "--threads")) threads = atol(v);
        else if (!strcmp(o, "--form")) form = v;
        else usage();
    }
    if (!data || R < 1 || R > (1L << 30) || reps < 0 || threads < 1 || discard < 0) usage();
    if (strcmp(form, "diff") && strcmp(form, "shifted")) usage();
#ifdef _OPENMP
    omp_set_num_threads((int)threads);
#else
    if (threads != 1) die("built without OpenMP: --threads must be 1 (%s)", "rebuild with -fopenmp");
#endif
    const double ts = now();
    Panel pn;
    read_panel(data, &pn);
    const int K = pn.K;
    double theta[2 * KMAX];
    if (theta_arg) {
        int m = 0;
        const char *p = theta_arg;
        while (*p) {
            char *e;
            const double v = strtod(p, &e);
            if (e == p) die("bad --theta %s", theta_arg);
            if (m < 2 * K) theta[m] = v;
            m++;
            p = e;
            while (*p == ',' || *p == ' ') p++;
        }
        if (m != 2 * K) die("--theta needs 2K values (b_1..b_K, s_1..s_K): %s", theta_arg);
    } else { /* the generator's truth: b_k = 1 for odd k, -0.5 for even k; s_k = 0.5 */
        for (int k = 0; k < K; k++) {
            theta[k] = k % 2 == 0 ? 1.0 : -0.5;
            theta[K + k] = 0.5;
        }
    }
    const int Rp = (int)((R + LG - 1) / LG * LG);
    const double *Z = make_draws(pn.N, K, (int)R, Rp, (uint64_t)discard);
    Problem pb = {&pn, Z, (int)R, Rp, !strcmp(form, "shifted")};
    int nthreads = 1;
#ifdef _OPENMP
    nthreads = (int)threads;
#endif
    double *per_unit = alloc64((size_t)pn.N * (2 * K + 1) * sizeof(double));
    double grad[2 * KMAX];
    double *times = malloc((size_t)(reps > 0 ? reps : 1) * sizeof(double));
    const double setup = now() - ts;

    double ll = evaluate(&pb, theta, grad, per_unit); /* warm-up */
    for (long m = 0; m < reps; m++) {
        const double t = now();
        ll = evaluate(&pb, theta, grad, per_unit);
        times[m] = now() - t;
    }
    double fd_err = -1;
    if (check_grad) { /* central differences of LL against the analytic gradient */
        double tmp[2 * KMAX];
        fd_err = 0;
        for (int m = 0; m < 2 * K; m++) {
            double th[2 * KMAX];
            memcpy(th, theta, sizeof th);
            const double h = 1e-5 * (fabs(theta[m]) > 1 ? fabs(theta[m]) : 1);
            th[m] = theta[m] + h;
            const double up = evaluate(&pb, th, tmp, per_unit);
            th[m] = theta[m] - h;
            const double dn = evaluate(&pb, th, tmp, per_unit);
            const double fd = (up - dn) / (2 * h);
            const double e = fabs(fd - grad[m]) / (fabs(grad[m]) > 1 ? fabs(grad[m]) : 1);
            fd_err = e > fd_err ? e : fd_err;
        }
    }
    printf("{\"impl\": \"mxl_ref\", \"form\": \"%s\", \"ll\": %.17g, \"grad\": [", form, ll);
    for (int m = 0; m < 2 * K; m++) printf("%s%.17g", m ? ", " : "", grad[m]);
    printf("]");
    if (reps > 0) {
        printf(", \"times\": [");
        for (long m = 0; m < reps; m++) printf("%s%.6g", m ? ", " : "", times[m]);
        qsort(times, (size_t)reps, sizeof(double), cmp_double);
        const double med = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
        printf("], \"median_seconds\": %.9g, \"min_seconds\": %.9g", med, times[0]);
    } else {
        printf(", \"times\": [], \"median_seconds\": null, \"min_seconds\": null");
    }
    if (check_grad) printf(", \"fd_max_rel_err\": %.3g", fd_err);
    printf(", \"reps\": %ld, \"threads\": %d, \"n_ind\": %d, \"n_situations\": %ld, \"n_rows\": %ld, "
           "\"alts_min\": %d, \"alts_max\": %d, \"n_vars\": %d, \"draws\": %ld, \"discard\": %lld, "
           "\"lane_group\": %d, \"exp\": \"%s\", \"setup_seconds\": %.3f, \"compiler\": \"%s\"}\n",
           reps, nthreads, pn.N, pn.S, pn.rows, pn.alts_min, pn.alts_max, K, R, discard, LG, EXP_KIND,
           setup, __VERSION__);
    return 0;
}
