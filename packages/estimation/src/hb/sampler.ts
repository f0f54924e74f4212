/**
 * The hierarchical Bayes sampler (Allenby and Rossi 1998; Train 2009,
 * sec. 12.6-12.7, the three-layer Gibbs sampler with fixed coefficients).
 * Each sweep of every chain:
 *
 * 1. on the workers, for every individual n, a random-walk Metropolis step of
 *    beta_n given (alpha, B, W), shaped by n's information (@mxl/engine's
 *    hb-step.ts), and log L_n at the proposal of step 2;
 * 2. on the main thread, the location move: a random-walk Metropolis step of
 *    alpha and, with `hb.locationMove`, a delta that shifts every beta_n and
 *    the intercepts of B together, accepted with probability
 *    min(1, prod_n L_n(alpha', beta_n + delta) / L_n(alpha, beta_n) times the
 *    prior ratio of alpha and B). For alpha alone this is Train's
 *    (2009, sec. 12.7) Metropolis step of the fixed coefficients; the common
 *    shift is a group move (Liu and Sabatti 2000, translations: no Jacobian)
 *    that leaves phi(beta_n | B' w_n, W) unchanged, so the population means
 *    move as the likelihood allows and not only as far as the conditional
 *    draw of step 3 lets them (which is slow when the data say little about
 *    an individual beyond the population distribution; it doubles the
 *    likelihood evaluations of a sweep, and on electricity about doubles the
 *    means' effective sample size per sweep, so it is off by default);
 * 3. the Gibbs draws of B given (W, beta) and of W given (B, beta) (./gibbs.ts).
 *
 * During the burn-in the random-walk scale of the beta_n tends to 30%
 * acceptance (log rho += acceptance - 0.3 each sweep, per chain), and that of
 * the location move too, its proposal covariance re-estimated from the chain's
 * own draws at a quarter and at half of the burn-in (Haario, Saksman and Tamminen 2001);
 * after the burn-in both are frozen, so the kept draws come from a fixed
 * Markov kernel. All chains run in the same worker passes. Every random
 * number comes from a counter-based stream addressed by (seed, chain) and
 * (individual, sweep) or (main thread, sweep), and the main thread sums over
 * individuals in unit order: the draws are identical for any number of workers.
 */
import { CounterStream, paramsLayout, type HbRunner, type HbState, type ParamsLayout } from '@mxl/engine';
import { AbortError } from '../errors.js';
import { mslParameters, type HbDesign } from './design.js';
import type { HbSnapshot } from './checkpoint.js';
import { CHECKPOINT_EVERY } from './checkpoint.js';
import { crossProduct, drawCovariance, drawMeans, meanRegressors } from './gibbs.js';
import type { HbSpec } from './spec.js';
import { cholesky } from './wishart.js';

/** The counter word of the main thread's streams (individuals use their unit index). */
const MAIN = 0xffffffff;
/** ... and of the starting values' streams. */
const START = 0xfffffffe;

/** Where the chains start: the fixed coefficients and B (M × Kr). */
export interface HbStart {
  alpha: Float64Array;
  B: Float64Array;
}

/** What the chains produced. */
export interface HbChains {
  /** Per chain: kept draws of the MSL parameter vector, row-major (kept × P). */
  draws: Float64Array[];
  /** Draws kept per chain. */
  kept: number;
  /** Per chain: the mean acceptance rate of the individuals' steps after the burn-in. */
  acceptance: number[];
  /** Per chain: the acceptance rate of the location move (fixed coefficients and common shift) after the burn-in (null when it has no coordinates). */
  fixedAcceptance: number[] | null;
  /** Per chain: the tuned random-walk scale of the individuals' steps. */
  rho: number[];
  /** N × Kr posterior means and sds of each individual's random coefficients (over every chain's kept sweeps). */
  individualMean: Float64Array;
  individualSd: Float64Array;
  /** Per chain, N × Kr: sums and sums of squares of each individual's coefficients over its kept sweeps. */
  sum: Float64Array[];
  sumSq: Float64Array[];
  /** The MSL parameter vector at chain 1's start. */
  start: Float64Array;
}

/** Each individual's posterior means and sds (N × Kr) from every chain's sums over `kept` sweeps each, in chain order. */
export function pooledIndividuals(sum: readonly Float64Array[], sumSq: readonly Float64Array[], kept: number): { mean: Float64Array; sd: Float64Array } {
  const n = sum[0].length, nk = kept * sum.length;
  const mean = new Float64Array(n), sd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s1 = 0, s2 = 0;
    for (let c = 0; c < sum.length; c++) { s1 += sum[c][i]; s2 += sumSq[c][i]; }
    const m = s1 / nk;
    mean[i] = m;
    sd[i] = Math.sqrt(Math.max(0, s2 / nk - m * m) * (nk / Math.max(1, nk - 1)));
  }
  return { mean, sd };
}

/** Options of {@link runChains}. */
export interface RunChainsOptions {
  signal?: AbortSignal;
  /** Called every 100 sweeps (sweep, total sweeps, mean acceptance of the last sweep). */
  onSweep?: (sweep: number, total: number, acceptance: number) => void;
  /** Continue from this saved state (./checkpoint.ts) instead of starting (`start` is then not read). */
  resume?: HbSnapshot | null;
  /** Called with the full state every CHECKPOINT_EVERY sweeps and after the last (before `onSweep`). */
  save?: (s: HbSnapshot) => void;
}

/** The chains run here: all of them, or `hb.chain` alone (the local chain 0 is then chain hb.chain - 1 of the seed). */
export function localChains(hb: Pick<HbSpec, 'chains' | 'chain'>): { C: number; chain0: number } {
  return hb.chain === null ? { C: hb.chains, chain0: 0 } : { C: 1, chain0: hb.chain - 1 };
}

/**
 * Runs the chains on `runner` (already built for `h.model` with the chains of {@link localChains},
 * its chain0, and spec.seed). Every stream is addressed by the chain's index among all the seed's
 * chains, and every individual's proposal by its information at chain 1's start, so a chain run
 * alone (`hb.chain`) is the same chain as among the others.
 */
export async function runChains(h: HbDesign, hb: HbSpec, runner: HbRunner, N: number, chars: { unitChars: Float64Array | null; nChars: number }, start: HbStart, o: RunChainsOptions = {}): Promise<HbChains> {
  const { Kf, Kr, M } = h.model;
  const { C, chain0 } = localChains(hb);
  const lay = paramsLayout(h.model), PL = lay.length;
  const st = runner.state;
  const w = meanRegressors(h, N, chars.unitChars, chars.nChars);
  const ww = crossProduct(w, N, M);
  const rng = new CounterStream();
  // per chain: alpha, B, W and the tuning of the alpha step
  const alpha = Array.from({ length: C }, () => new Float64Array(Kf));
  const B = Array.from({ length: C }, () => new Float64Array(M * Kr));
  const W = Array.from({ length: C }, () => new Float64Array(Kr * Kr));
  const rho = new Array<number>(C).fill(2.93 / Math.sqrt(Math.max(1, Kr))); // bayesm's scale for this proposal
  const rhoA = new Array<number>(C).fill(0.1);
  // the location move's coordinates: alpha, then the free intercepts of B
  const shiftR: number[] = [];
  if (hb.locationMove) for (let r = 0; r < Kr; r++) if (h.free[r]) shiftR.push(r);
  const D = Kf + shiftR.length;
  const LA: Float64Array[] = Array.from({ length: C }, () => { const L = new Float64Array(D * D); for (let i = 0; i < D; i++) L[i * D + i] = 1; return L; });
  const loc = (c: number) => { const v = new Float64Array(D); v.set(alpha[c]); shiftR.forEach((r, i) => (v[Kf + i] = B[c][r])); return v; };
  const prop = new Float64Array(D);
  const alphaHist = Array.from({ length: C }, () => [] as Float64Array[]);
  const writeParams = (c: number) => {
    const po = c * PL;
    st.params.set(alpha[c], po + lay.alpha);
    st.params.set(B[c], po + lay.B);
    st.params.set(cholesky(Kr, W[c], 'the covariance W'), po + lay.L);
    st.params.set(inverse(Kr, W[c]), po + lay.Winv);
    st.params[po + lay.rho] = rho[c];
  };
  // starting values: chain 1 at the start, the others spread around it; beta_n ~ N(mu_n, W)
  const P = h.sources.length;
  let startTheta: Float64Array = new Float64Array(P);
  const total = hb.burnIn + hb.iterations;
  const kept = Math.floor(hb.iterations / hb.thin);
  let draws = Array.from({ length: C }, () => new Float64Array(kept * P));
  let accSum = new Array<number>(C).fill(0), accA = new Array<number>(C).fill(0);
  let k0 = 0; // draws kept so far
  let s0 = 0; // the first sweep to run
  const r = o.resume;
  if (r) {
    // the state after sweep r.sweep, as the interrupted run left it
    for (let c = 0; c < C; c++) {
      alpha[c].set(r.alpha[c]); B[c].set(r.B[c]); W[c].set(r.W[c]);
      LA[c] = Float64Array.from(r.LA[c]);
      alphaHist[c] = r.alphaHist[c].map((a) => Float64Array.from(a));
    }
    rho.splice(0, C, ...r.rho); rhoA.splice(0, C, ...r.rhoA);
    accSum = [...r.accSum]; accA = [...r.accA];
    draws = r.draws.map((d) => Float64Array.from(d));
    startTheta = Float64Array.from(r.start);
    st.beta.set(r.beta); st.ll.set(r.ll); st.sum.set(r.sum); st.sumSq.set(r.sumSq); st.hess.set(r.hess);
    k0 = r.k0; s0 = r.sweep;
    for (let c = 0; c < C; c++) writeParams(c);
  }
  // chain g's start values (g among all the seed's chains) into local chain c
  const startChain = (c: number, g: number) => {
    rng.reset(hb.seed, g, START, 0, 0);
    for (let f = 0; f < Kf; f++) alpha[c][f] = start.alpha[f] + (g === 0 ? 0 : 0.2 * Math.max(Math.abs(start.alpha[f]), 0.1) * rng.normal());
    B[c].fill(0);
    for (let i = 0; i < M * Kr; i++) if (h.free[i]) B[c][i] = start.B[i] + (g === 0 ? 0 : 0.2 * Math.max(Math.abs(start.B[i]), 0.1) * rng.normal());
    W[c].fill(0);
    for (let k = 0; k < Kr; k++) W[c][k * Kr + k] = 1;
    writeParams(c);
  };
  if (!r && chain0 > 0) {
    // the proposals' information at chain 1's start, as among all the chains
    startChain(0, 0);
    startTheta = mslParameters(h, alpha[0], B[0], W[0]);
    await runner.pass({ kind: 'init', sweep: 0, alt: false, keep: false }, o.signal);
  }
  for (let c = 0; c < C && !r; c++) {
    const g = chain0 + c;
    startChain(c, g);
    if (g === 0) startTheta = mslParameters(h, alpha[c], B[c], W[c]);
    for (let u = 0; u < N; u++) {
      const ru = new CounterStream(hb.seed, g, u, START, 1);
      for (let k = 0; k < Kr; k++) {
        let mu = 0;
        for (let a = 0; a < M; a++) mu += w[u * M + a] * B[c][a * Kr + k];
        st.beta[(c * N + u) * Kr + k] = mu + ru.normal();
      }
    }
    writeParams(c);
  }
  if (!r) await runner.pass({ kind: 'init', sweep: 0, alt: false, keep: false, info: chain0 === 0 }, o.signal);

  const snapshot = (s: number): HbSnapshot => ({
    sweep: s, k0, alpha, B, W, LA, alphaHist, rho, rhoA, accSum, accA, draws, start: startTheta,
    beta: st.beta, ll: st.ll, sum: st.sum, sumSq: st.sumSq, hess: st.hess,
  });
  const z = new Float64Array(D);
  for (let s = s0; s < total; s++) {
    if (o.signal?.aborted) throw new AbortError();
    // the location moves' proposals, known before the workers' pass
    for (let c = 0; c < C && D > 0; c++) {
      rng.reset(hb.seed, chain0 + c, MAIN, s, 0);
      proposeLocation(rng, st.params, c * PL, lay, Kf, Kr, shiftR, LA[c], alpha[c], rhoA[c], z);
    }
    const keep = s >= hb.burnIn && (s - hb.burnIn + 1) % hb.thin === 0;
    await runner.pass({ kind: 'step', sweep: s, alt: D > 0, keep }, o.signal);
    let accAll = 0;
    for (let c = 0; c < C; c++) {
      rng.reset(hb.seed, chain0 + c, MAIN, s, 1);
      const no = c * N;
      let acc = 0;
      for (let u = 0; u < N; u++) acc += st.accepted[no + u];
      acc /= N;
      accAll += acc / C;
      if (D > 0) {
        const accepted = acceptLocation(rng, st, c * PL, no, N, lay, Kf, Kr, shiftR, alpha[c], B[c], prop, loc(c), hb.prior.meanVariance);
        if (s < hb.burnIn) {
          rhoA[c] *= Math.exp(0.2 * ((accepted ? 1 : 0) - 0.3));
          alphaHist[c].push(loc(c));
          if (hb.burnIn >= 200 && (s + 1 === Math.floor(hb.burnIn / 4) || s + 1 === Math.floor(hb.burnIn / 2))) {
            const L = adaptedProposal(alphaHist[c].splice(0), D);
            if (L) { LA[c] = L; rhoA[c] = 2.38 / Math.sqrt(D); }
          }
        } else if (accepted) accA[c]++;
      }
      const Winv = inverse(Kr, W[c]);
      drawMeans(rng, h, w, ww, st.beta, c * N * Kr, N, Winv, hb.prior.meanVariance, B[c]);
      drawCovariance(rng, h, w, st.beta, c * N * Kr, N, B[c], hb.prior, W[c]);
      if (s < hb.burnIn) rho[c] *= Math.exp(acc - 0.3);
      else accSum[c] += acc;
      if (keep) draws[c].set(mslParameters(h, alpha[c], B[c], W[c]), k0 * P);
      writeParams(c);
    }
    if (keep) k0++;
    if (o.save && ((s + 1) % CHECKPOINT_EVERY === 0 || s + 1 === total)) o.save(snapshot(s + 1));
    if (o.onSweep && ((s + 1) % 100 === 0 || s + 1 === total)) o.onSweep(s + 1, total, accAll);
  }
  // individuals: pooled over chains
  const sum = Array.from({ length: C }, (_, c) => st.sum.slice(c * N * Kr, (c + 1) * N * Kr));
  const sumSq = Array.from({ length: C }, (_, c) => st.sumSq.slice(c * N * Kr, (c + 1) * N * Kr));
  const { mean: individualMean, sd: individualSd } = pooledIndividuals(sum, sumSq, kept);
  return {
    sum, sumSq,
    draws, kept,
    acceptance: accSum.map((a) => a / hb.iterations),
    fixedAcceptance: D > 0 ? accA.map((a) => a / hb.iterations) : null,
    rho, individualMean, individualSd, start: startTheta,
  };
}

/**
 * The location move's proposal of chain c (at `po` in the shared parameters): the fixed
 * coefficients and a common shift of the free intercepts, a random walk with the adapted
 * Cholesky factor LA and scale rhoA; z is scratch of length Kf + shiftR.length.
 */
function proposeLocation(rng: CounterStream, params: Float64Array, po: number, lay: ParamsLayout, Kf: number, Kr: number, shiftR: readonly number[], LA: Float64Array, alpha: Float64Array, rhoA: number, z: Float64Array): void {
  const D = z.length;
  for (let f = 0; f < D; f++) z[f] = rng.normal();
  params.fill(0, po + lay.shift, po + lay.shift + Kr);
  for (let f = 0; f < D; f++) {
    let v = 0;
    for (let g = 0; g <= f; g++) v += LA[f * D + g] * z[g];
    if (f < Kf) params[po + lay.alphaProp + f] = alpha[f] + rhoA * v;
    else params[po + lay.shift + shiftR[f - Kf]] = rhoA * v;
  }
}

/**
 * The Metropolis decision on chain c's location move (the workers left each individual's LL at
 * the proposal in llAlt): accepted, the fixed coefficients, the shifted intercepts and every
 * individual's beta and LL move to the proposal. Returns whether it was accepted.
 */
function acceptLocation(rng: CounterStream, st: HbState, po: number, no: number, N: number, lay: ParamsLayout, Kf: number, Kr: number, shiftR: readonly number[],
  alpha: Float64Array, B: Float64Array, prop: Float64Array, cur: Float64Array, meanVariance: number): boolean {
  const D = prop.length;
  let lr = 0;
  for (let u = 0; u < N; u++) lr += st.llAlt[no + u] - st.ll[no + u];
  for (let f = 0; f < Kf; f++) prop[f] = st.params[po + lay.alphaProp + f];
  shiftR.forEach((r, i) => (prop[Kf + i] = B[r] + st.params[po + lay.shift + r]));
  for (let f = 0; f < D; f++) lr -= (prop[f] * prop[f] - cur[f] * cur[f]) / (2 * meanVariance);
  const accepted = Math.log(rng.uniform()) < lr;
  if (accepted) {
    alpha.set(prop.subarray(0, Kf));
    for (const r of shiftR) {
      const d = st.params[po + lay.shift + r];
      B[r] += d;
      for (let u = 0; u < N; u++) st.beta[(no + u) * Kr + r] += d;
    }
    st.ll.set(st.llAlt.subarray(no, no + N), no);
  }
  return accepted;
}

/** The inverse of a symmetric positive definite matrix (via its Cholesky factor). */
function inverse(n: number, A: Float64Array): Float64Array {
  const L = cholesky(n, A, 'the covariance W');
  const out = new Float64Array(n * n), col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0); col[j] = 1;
    for (let i = 0; i < n; i++) { let s = col[i]; for (let k = 0; k < i; k++) s -= L[i * n + k] * col[k]; col[i] = s / L[i * n + i]; }
    for (let i = n - 1; i >= 0; i--) { let s = col[i]; for (let k = i + 1; k < n; k++) s -= L[k * n + i] * col[k]; col[i] = s / L[i * n + i]; }
    for (let i = 0; i < n; i++) out[i * n + j] = col[i];
  }
  return out;
}

/** The Cholesky factor of the sample covariance of a chain's alpha draws (null when too few or singular). */
function adaptedProposal(hist: Float64Array[], Kf: number): Float64Array | null {
  const n = hist.length;
  if (n < 20) return null;
  const mean = new Float64Array(Kf);
  for (const a of hist) for (let f = 0; f < Kf; f++) mean[f] += a[f] / n;
  const S = new Float64Array(Kf * Kf);
  for (const a of hist) for (let i = 0; i < Kf; i++) for (let j = 0; j < Kf; j++) S[i * Kf + j] += ((a[i] - mean[i]) * (a[j] - mean[j])) / (n - 1);
  let tr = 0;
  for (let i = 0; i < Kf; i++) tr += S[i * Kf + i];
  if (!(tr > 0)) return null;
  for (let i = 0; i < Kf; i++) S[i * Kf + i] += 1e-6 * tr / Kf;
  try { return cholesky(Kf, S, 'the proposal covariance'); } catch { return null; }
}
