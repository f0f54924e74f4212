/**
 * The simulated log-likelihood kernel: per-unit log-likelihood and analytic
 * score of a mixed logit over a contiguous range of integration units.
 *
 * For unit u with situations t, nodes r (weights w_r, sum 1):
 *
 *     log P_tr  = V_t,c,r - m - log sum_j exp(V_t,j,r - m),   m = max_j V_t,j,r
 *     log L_ur  = sum_t log P_tr                              (panel product, in logs)
 *     LL_u      = log sum_r w_r exp(log L_ur)                 (log-sum-exp over nodes)
 *     q_ur      = w_r L_ur / sum_r w_r L_ur                   (posterior node weights)
 *     dLL_u/dbeta_k(r) = sum_t (x_t,c,k - sum_j P_t,j,r x_t,j,k)
 *     dLL_u/dtheta     = sum_r q_ur sum_k dLL/dbeta_k(r) * dbeta_k(r)/dtheta
 *
 * (Train 2009, "Discrete Choice Methods with Simulation", 2nd ed., ch. 6 and
 * 10; Revelt and Train 1998 for the panel form.) Every quantity is computed in
 * log space with max-shifted logits, so utilities of any size give finite
 * values; utilities are never clamped.
 *
 * The kernel writes per-unit results (weighted by the unit weight) into
 * caller-owned arrays; summing them in unit order is the caller's job, which
 * makes the total independent of how units are split among threads.
 *
 * Loop order follows the measurements in the parallel-engine issue: nodes are
 * the innermost loop, a situation's attributes are read once per coefficient.
 * Nothing is allocated per call.
 */
import type { ChoiceData } from './layout.js';
import { type CoefficientPlan, Link, standardizeDraws } from './plan.js';

/** What the kernel needs from an integration rule (structurally an `IntegrationRule`). */
export interface NodeSource {
  /** Nodes per unit. */
  readonly size: number;
  /** Node weights summing to 1 (may be negative), or null for equal weights. */
  readonly weights: Float64Array | null;
  /** True when every unit shares one node set (quadrature). */
  readonly shared: boolean;
  /** Writes unit `unit`'s points dim-major, out[d*size + r]; uniforms where uniform[d] === 1. */
  fill(unit: number, out: Float64Array, uniform?: Uint8Array | null): void;
}

/** Why an evaluation produced a value that is not a finite number. */
export interface KernelFault {
  unit: number;
  reason: 'non-finite' | 'non-positive-probability';
}

/** Options of a {@link Kernel}. */
export interface KernelOptions {
  /**
   * Keep each unit's standardized draws after the first evaluation instead of
   * regenerating them every evaluation. Default true; set false to keep memory
   * flat in R.
   */
  cacheDraws?: boolean;
  /**
   * Where cached draws live (possibly in shared memory, so that every worker
   * thread sees the draws whichever thread made them): `values` holds
   * nUnits*D*R doubles, unit u's block at u*D*R; `filled[u]` is 1 once made.
   * Units are never evaluated by two threads at once (shards are disjoint and
   * evaluations sequential), so no locking is needed.
   */
  drawStore?: DrawStore;
}

/** Storage for cached draws; see {@link KernelOptions.drawStore}. */
export interface DrawStore {
  values: Float64Array;
  filled: Uint8Array;
}

/** Allocates a draw store for nUnits units of D×R draws (in a SharedArrayBuffer when `shared`). */
export function allocateDrawStore(nUnits: number, D: number, R: number, shared: boolean): DrawStore {
  const n = nUnits * D * R;
  const Buf = shared ? SharedArrayBuffer : ArrayBuffer;
  return { values: new Float64Array(new Buf(n * 8)), filled: new Uint8Array(new Buf(nUnits)) };
}

/** Bytes a draw store for this problem would take. */
export function drawStoreBytes(nUnits: number, D: number, R: number): number {
  return nUnits * D * R * 8;
}

/**
 * Evaluates per-unit simulated log-likelihoods and scores. One instance per
 * thread: it owns its scratch buffers.
 */
export class Kernel {
  readonly data: ChoiceData;
  readonly plan: CoefficientPlan;
  readonly nodes: NodeSource;
  /** Set when the last evaluation met a non-finite or non-positive value (first unit only). */
  fault: KernelFault | null = null;

  protected readonly R: number;
  private readonly store: DrawStore | null;
  private sharedDraws: Float64Array | null = null;
  // scratch, sized once
  private readonly e: Float64Array;        // D*R standardized draws
  protected readonly beta: Float64Array;   // K*R coefficients
  private readonly gp: Float64Array;       // K*R  dbeta/deta
  protected readonly bconst: Float64Array; // K    coefficients constant over nodes
  private readonly gpconst: Float64Array;  // K
  protected readonly G: Float64Array;      // K*R  dlogL_r/dbeta_k
  private readonly Gs: Float64Array;       // K*R  one situation's part of G
  private readonly logLs: Float64Array;    // R    scratch
  private readonly V: Float64Array;        // Jmax*R utilities, then probabilities
  private readonly vfix: Float64Array;     // Jmax
  private readonly mx: Float64Array;       // R
  private readonly den: Float64Array;      // R
  protected readonly logL: Float64Array;   // R
  private readonly q: Float64Array;        // R
  private readonly randomK: Int32Array;    // indices of random coefficients
  private readonly fixedK: Int32Array;     // indices of coefficients constant over nodes

  constructor(data: ChoiceData, plan: CoefficientPlan, nodes: NodeSource, options: KernelOptions = {}) {
    if (plan.K !== data.nVars) throw new RangeError(`plan has ${plan.K} coefficients but the data have ${data.nVars} columns`);
    this.data = data;
    this.plan = plan;
    this.nodes = nodes;
    const R = (this.R = plan.D === 0 ? 1 : nodes.size);
    const K = plan.K;
    let jmax = 1;
    for (let s = 0; s < data.nSituations; s++) jmax = Math.max(jmax, data.sitRow[s + 1] - data.sitRow[s]);
    this.e = new Float64Array(Math.max(1, plan.D * R));
    this.beta = new Float64Array(K * R);
    this.gp = new Float64Array(K * R);
    this.bconst = new Float64Array(K);
    this.gpconst = new Float64Array(K);
    this.G = new Float64Array(K * R);
    this.Gs = new Float64Array(K * R);
    this.logLs = new Float64Array(R);
    this.V = new Float64Array(jmax * R);
    this.vfix = new Float64Array(jmax);
    this.mx = new Float64Array(R);
    this.den = new Float64Array(R);
    this.logL = new Float64Array(R);
    this.q = new Float64Array(R);
    const rk: number[] = [], fk: number[] = [];
    for (let k = 0; k < K; k++) (plan.random[k] ? rk : fk).push(k);
    this.randomK = Int32Array.from(rk);
    this.fixedK = Int32Array.from(fk);
    const cache = plan.D > 0 && !nodes.shared && (options.cacheDraws ?? true);
    this.store = cache ? options.drawStore ?? allocateDrawStore(data.nUnits, plan.D, R, false) : null;
    if (nodes.shared && plan.D > 0 && nodes.size !== R) throw new RangeError('node count mismatch');
    if (nodes.weights && nodes.weights.length !== nodes.size) throw new RangeError('weights length differs from node count');
  }

  /** Number of nodes per unit used by this kernel. */
  get nodeCount(): number {
    return this.R;
  }

  /** Offset of the current unit's draws in the array {@link draws} returned. */
  protected eOff = 0;

  /**
   * Standardized draws of unit u (dim-major D×R), starting at `this.eOff` of
   * the returned array; valid until the next call.
   */
  protected draws(u: number): Float64Array {
    const { plan, nodes, R } = this;
    this.eOff = 0;
    if (plan.D === 0) return this.e;
    if (nodes.shared) {
      if (!this.sharedDraws) {
        const e = new Float64Array(plan.D * R);
        nodes.fill(0, e, plan.uniformDims);
        standardizeDraws(plan, R, e);
        this.sharedDraws = e;
      }
      return this.sharedDraws;
    }
    if (this.store) {
      const n = plan.D * R;
      if (!this.store.filled[u]) {
        const c = this.store.values.subarray(u * n, (u + 1) * n);
        nodes.fill(u, c, plan.uniformDims);
        standardizeDraws(plan, R, c);
        this.store.filled[u] = 1;
      }
      this.eOff = u * n;
      return this.store.values;
    }
    nodes.fill(u, this.e, plan.uniformDims);
    standardizeDraws(plan, R, this.e);
    return this.e;
  }

  /**
   * Evaluates units u0 .. u1-1 at theta.
   * @param unitLL - length nUnits; unitLL[u] receives the weighted LL_u
   * @param unitScore - length nUnits*P or null; row u receives the weighted dLL_u/dtheta
   * @returns the sum of LL_u over the range (in unit order)
   */
  evaluate(theta: Float64Array, u0: number, u1: number, unitLL: Float64Array, unitScore: Float64Array | null): number {
    this.fault = null;
    let total = 0;
    for (let u = u0; u < u1; u++) {
      const ll = this.unit(theta, u, unitScore, u * this.plan.P);
      unitLL[u] = ll;
      total += ll;
    }
    return total;
  }

  /**
   * Coefficients of unit u at every node for theta, K×R (for
   * post-estimation), into `out` when given (else a new array).
   */
  coefficients(theta: Float64Array, u: number, out: Float64Array = new Float64Array(this.plan.K * this.R)): Float64Array {
    const { plan, R } = this;
    this.makeBeta(theta, u, this.draws(u));
    for (let k = 0; k < plan.K; k++) {
      for (let r = 0; r < R; r++) out[k * R + r] = plan.random[k] ? this.beta[k * R + r] : this.bconst[k];
    }
    return out;
  }

  /** Fills bconst/gpconst (coefficients constant over nodes) and beta/gp (random ones) for unit u. */
  private makeBeta(theta: Float64Array, u: number, e: Float64Array): void {
    const { plan, R, beta, gp, bconst, gpconst } = this;
    const chars = this.data.unitChars;
    const nc = this.data.charNames.length;
    for (let k = 0; k < plan.K; k++) {
      const mp = plan.meanParam[k];
      let eta0 = mp >= 0 ? theta[mp] : 0;
      for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) {
        eta0 += theta[plan.shiftParam[h]] * chars![u * nc + plan.shiftChar[h]];
      }
      const sgn = plan.sign[k];
      const link = plan.link[k];
      if (!plan.random[k]) {
        bconst[k] = sgn * linkValue(link, eta0);
        gpconst[k] = sgn * linkDerivative(link, eta0);
        continue;
      }
      const o = k * R;
      for (let r = 0; r < R; r++) beta[o + r] = eta0;
      for (let h = plan.spreadStart[k]; h < plan.spreadStart[k + 1]; h++) {
        const s = theta[plan.spreadParam[h]];
        const eo = this.eOff + plan.spreadDim[h] * R;
        for (let r = 0; r < R; r++) beta[o + r] += s * e[eo + r];
      }
      // beta currently holds eta; apply the link
      applyLink(link, sgn, beta, gp, o, R);
    }
  }

  /**
   * One unit's (weighted) log-likelihood; its score goes to
   * unitScore[so .. so+P-1] when unitScore is given.
   */
  unit(theta: Float64Array, u: number, unitScore: Float64Array | null, so: number): number {
    const { data, plan, R, G, logL, q } = this;
    const e = this.unitTerms(theta, u, G, logL);
    const eOff = this.eOff;

    // log-sum-exp over nodes with (possibly signed) weights
    const w = this.nodes.weights;
    let m = -Infinity;
    for (let r = 0; r < R; r++) if (logL[r] > m) m = logL[r];
    let S = 0;
    if (w && plan.D > 0) {
      for (let r = 0; r < R; r++) { const t = w[r] * Math.exp(logL[r] - m); q[r] = t; S += t; }
    } else {
      for (let r = 0; r < R; r++) { const t = Math.exp(logL[r] - m); q[r] = t; S += t; }
      S /= R;
      for (let r = 0; r < R; r++) q[r] /= R;
    }
    const wu = data.unitWeight ? data.unitWeight[u] : 1;
    let ll: number;
    if (!(S > 0) || !Number.isFinite(m)) {
      if (this.fault === null) this.fault = { unit: u, reason: Number.isNaN(m) || Number.isNaN(S) || m === Infinity ? 'non-finite' : 'non-positive-probability' };
      ll = S <= 0 && Number.isFinite(m) ? -Infinity : NaN;
    } else {
      ll = wu * (m + Math.log(S));
      const invS = 1 / S;
      for (let r = 0; r < R; r++) q[r] *= invS;
    }
    if (unitScore) this.mapScores(u, e, eOff, G, wu, unitScore, so);
    return this.checkUnit(u, ll, unitScore, so);
  }

  /**
   * Unit u's draws, coefficients and node terms: logL[r] = log L_ur and
   * G[k*R + r] = dlog L_ur/dbeta_k (both zeroed first). Returns the draws
   * (the unit's block starts at this.eOff).
   */
  private unitTerms(theta: Float64Array, u: number, G: Float64Array, logL: Float64Array): Float64Array {
    const e = this.draws(u);
    this.makeBeta(theta, u, e);
    G.fill(0);
    logL.fill(0);
    for (let s = this.data.unitSit[u]; s < this.data.unitSit[u + 1]; s++) this.situation(s, G, logL);
    return e;
  }

  /**
   * The end of a unit's evaluation, shared with the fast kernel: a unit whose
   * LL is not finite gets NaN scores, a non-finite score or LL is recorded as
   * the evaluation's fault (first unit only). Returns ll.
   */
  protected checkUnit(u: number, ll: number, unitScore: Float64Array | null, so: number): number {
    if (unitScore) {
      const P = this.plan.P;
      if (!Number.isFinite(ll)) for (let p = 0; p < P; p++) unitScore[so + p] = NaN;
      else for (let p = 0; p < P; p++) if (!Number.isFinite(unitScore[so + p]) && this.fault === null) this.fault = { unit: u, reason: 'non-finite' };
    }
    if (Number.isNaN(ll) && this.fault === null) this.fault = { unit: u, reason: 'non-finite' };
    return ll;
  }

  /**
   * Adds situation s's terms at every node: log P of the chosen alternative to
   * logL[r], and x_ck - sum_j P_jr x_jk to G[k*R + r]. Needs makeBeta first.
   */
  private situation(s: number, G: Float64Array, logL: Float64Array): void {
    const { data, plan, R, beta, bconst, V, mx, den, randomK, fixedK } = this;
    const K = plan.K;
    const X = data.X;
    const nR = randomK.length, nF = fixedK.length;
    const outside = data.outside;
    const j0 = data.sitRow[s], J = data.sitRow[s + 1] - j0;
    const c = data.sitChosen[s];
    // utilities V[j*R + r]
    for (let j = 0; j < J; j++) {
      const xo = (j0 + j) * K;
      let vf = 0;
      for (let i = 0; i < nF; i++) { const k = fixedK[i]; vf += X[xo + k] * bconst[k]; }
      const vo = j * R;
      for (let r = 0; r < R; r++) V[vo + r] = vf;
      for (let i = 0; i < nR; i++) {
        const k = randomK[i];
        const x = X[xo + k];
        if (x === 0) continue;
        const bo = k * R;
        for (let r = 0; r < R; r++) V[vo + r] += x * beta[bo + r];
      }
    }
    // max shift: with an outside option its utility 0 takes part
    for (let r = 0; r < R; r++) mx[r] = outside ? Math.max(0, V[r]) : V[r];
    for (let j = 1; j < J; j++) {
      const vo = j * R;
      for (let r = 0; r < R; r++) if (V[vo + r] > mx[r]) mx[r] = V[vo + r];
    }
    for (let r = 0; r < R; r++) den[r] = outside ? Math.exp(-mx[r]) : 0;
    const co = c >= 0 ? (c - j0) * R : -1;
    // log P of the chosen alternative, before V is overwritten by probabilities
    for (let r = 0; r < R; r++) logL[r] += co >= 0 ? V[co + r] - mx[r] : -mx[r];
    for (let j = 0; j < J; j++) {
      const vo = j * R;
      for (let r = 0; r < R; r++) { const p = Math.exp(V[vo + r] - mx[r]); V[vo + r] = p; den[r] += p; }
    }
    for (let r = 0; r < R; r++) { logL[r] -= Math.log(den[r]); den[r] = 1 / den[r]; }
    for (let j = 0; j < J; j++) {
      const vo = j * R;
      for (let r = 0; r < R; r++) V[vo + r] *= den[r];
    }
    // G[k*R + r] += x_ck - sum_j P_jr x_jk
    for (let k = 0; k < K; k++) {
      const go = k * R;
      if (c >= 0) {
        const xc = X[c * K + k];
        if (xc !== 0) for (let r = 0; r < R; r++) G[go + r] += xc;
      }
      for (let j = 0; j < J; j++) {
        const x = X[(j0 + j) * K + k];
        if (x === 0) continue;
        const vo = j * R;
        for (let r = 0; r < R; r++) G[go + r] -= x * V[vo + r];
      }
    }
  }

  /**
   * Maps node-level derivatives dlogL/dbeta (G, K×R) through the posterior
   * node weights q and dbeta/dtheta into out[o .. o+P-1], times weight wu.
   */
  private mapScores(u: number, e: Float64Array, eOff: number, G: Float64Array, wu: number, out: Float64Array, o: number): void {
    const { data, plan, R, gp, gpconst, q } = this;
    const K = plan.K, P = plan.P;
    for (let p = 0; p < P; p++) out[o + p] = 0;
    const chars = data.unitChars;
    const nc = data.charNames.length;
    for (let k = 0; k < K; k++) {
      const go = k * R;
      let hsum = 0;
      if (!plan.random[k]) {
        let t = 0;
        for (let r = 0; r < R; r++) t += q[r] * G[go + r];
        hsum = t * gpconst[k];
      } else {
        for (let r = 0; r < R; r++) hsum += q[r] * G[go + r] * gp[go + r];
        for (let h = plan.spreadStart[k]; h < plan.spreadStart[k + 1]; h++) {
          const eo = eOff + plan.spreadDim[h] * R;
          let t = 0;
          for (let r = 0; r < R; r++) t += q[r] * G[go + r] * gp[go + r] * e[eo + r];
          out[o + plan.spreadParam[h]] += wu * t;
        }
      }
      const mp = plan.meanParam[k];
      if (mp >= 0) out[o + mp] += wu * hsum;
      for (let h = plan.shiftStart[k]; h < plan.shiftStart[k + 1]; h++) {
        out[o + plan.shiftParam[h]] += wu * hsum * chars![u * nc + plan.shiftChar[h]];
      }
    }
  }

  /**
   * Per-situation score contributions: for each situation t of units u0..u1-1,
   * s_t = sum_r q_ur d log P_tr / d theta, with the unit's posterior node
   * weights q_ur. They sum to the unit's score. Their outer product is the
   * "BHHH" matrix mlogit and xlogit use for panels (Train 2009, sec. 10.2
   * discusses the per-individual form that is consistent for panels).
   * @param out - nSituations × P, row s receives situation s
   */
  situationScores(theta: Float64Array, u0: number, u1: number, out: Float64Array): void {
    const { data, plan } = this;
    const G = this.Gs, logL = this.logLs;
    for (let u = u0; u < u1; u++) {
      this.unit(theta, u, null, 0); // leaves q (posterior weights) and beta for u
      const e = this.draws(u);
      const eOff = this.eOff;
      const wu = data.unitWeight ? data.unitWeight[u] : 1;
      for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
        G.fill(0);
        this.situation(s, G, logL);
        this.mapScores(u, e, eOff, G, wu, out, s * plan.P);
      }
    }
  }

  /**
   * log L_u(beta_r) at every node r of unit u (the product over the unit's
   * situations of its chosen alternatives' logit probabilities, in logs) into
   * out[0 .. R-1]. For samplers of the posterior of a unit's draws.
   */
  nodeLogLik(theta: Float64Array, u: number, out: Float64Array): void {
    const logL = this.logLs, R = this.R;
    this.unitTerms(theta, u, this.Gs, logL);
    for (let r = 0; r < R; r++) out[r] = logL[r];
  }

  /**
   * The plain average over unit u's nodes of d log L_u(beta_r) / d theta
   * (not the posterior-weighted sum that is the MSL score; with nodes drawn
   * from the posterior of the unit's draws it simulates the score without
   * bias, as the method of simulated scores needs) into out[o .. o+P-1].
   * The unit weight is not applied.
   */
  nodeAverageScore(theta: Float64Array, u: number, out: Float64Array, o: number): void {
    const G = this.Gs, R = this.R, q = this.q;
    const e = this.unitTerms(theta, u, G, this.logLs);
    const eOff = this.eOff;
    for (let r = 0; r < R; r++) q[r] = 1 / R;
    this.mapScores(u, e, eOff, G, 1, out, o);
  }

  private rowG: Float64Array | null = null;

  /**
   * Integrated (unconditional) probabilities of every row of units u0..u1-1,
   *
   *     Pbar_row = sum_r w_r P_row(beta_ur),
   *     dPbar_row/dtheta = sum_r w_r P_row,r (x_row,k - xbar_k,r) dbeta_kr/dtheta,
   *
   * with xbar_k,r = sum_i P_ir x_ik over the situation's rows (Train 2009,
   * sec. 10.2.3: what the method of simulated moments needs). The choices do
   * not enter. `dprob` (nRows × P, row-major) may be null.
   */
  rowProbabilities(theta: Float64Array, u0: number, u1: number, prob: Float64Array, dprob: Float64Array | null): void {
    const { data, plan, R, q, V } = this;
    const K = plan.K, P = plan.P, X = data.X;
    const w = plan.D > 0 ? this.nodes.weights : null;
    for (let r = 0; r < R; r++) q[r] = w ? w[r] : 1 / R; // prior node weights (mapScores weighs by q)
    const Gr = (this.rowG ??= new Float64Array(K * R));
    const G = this.Gs, logL = this.logLs;
    for (let u = u0; u < u1; u++) {
      const e = this.draws(u);
      const eOff = this.eOff;
      this.makeBeta(theta, u, e);
      for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
        G.fill(0);
        logL.fill(0);
        this.situation(s, G, logL); // V <- P_jr; G <- x_c - xbar (x_c = 0 for the outside option)
        const j0 = data.sitRow[s], J = data.sitRow[s + 1] - j0, c = data.sitChosen[s];
        for (let j = 0; j < J; j++) {
          const vo = j * R;
          let t = 0;
          for (let r = 0; r < R; r++) t += q[r] * V[vo + r];
          prob[j0 + j] = t;
          if (!dprob) continue;
          for (let k = 0; k < K; k++) {
            const d = X[(j0 + j) * K + k] - (c >= 0 ? X[c * K + k] : 0), go = k * R;
            for (let r = 0; r < R; r++) Gr[go + r] = V[vo + r] * (d + G[go + r]);
          }
          this.mapScores(u, e, eOff, Gr, 1, dprob, (j0 + j) * P);
        }
      }
    }
  }
}

/**
 * Applies a coefficient's link in place over nodes: beta[o..o+R-1] holds eta
 * on entry and sign·g(eta) on exit; gp receives sign·g'(eta).
 */
export function applyLink(link: number, sgn: number, beta: Float64Array, gp: Float64Array, o: number, R: number): void {
  switch (link) {
    case Link.identity:
      for (let r = 0; r < R; r++) { beta[o + r] *= sgn; gp[o + r] = sgn; }
      break;
    case Link.exp:
      for (let r = 0; r < R; r++) { const b = sgn * Math.exp(beta[o + r]); beta[o + r] = b; gp[o + r] = b; }
      break;
    default:
      for (let r = 0; r < R; r++) {
        const eta = beta[o + r];
        beta[o + r] = sgn * linkValue(link, eta);
        gp[o + r] = sgn * linkDerivative(link, eta);
      }
  }
}

/** g(eta) for a link code. */
export function linkValue(link: number, eta: number): number {
  switch (link) {
    case Link.exp: return Math.exp(eta);
    case Link.censored: return eta > 0 ? eta : 0;
    case Link.logistic: return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
    default: return eta;
  }
}

/** g'(eta) for a link code. */
export function linkDerivative(link: number, eta: number): number {
  switch (link) {
    case Link.exp: return Math.exp(eta);
    case Link.censored: return eta > 0 ? 1 : 0;
    case Link.logistic: { const p = linkValue(Link.logistic, eta); return p * (1 - p); }
    default: return 1;
  }
}

/**
 * Sums per-unit log-likelihoods and scores in unit order (the fixed reduction
 * order that makes results independent of the number of threads).
 */
export function reduceUnits(unitLL: Float64Array, unitScore: Float64Array | null, P: number, grad: Float64Array | null): number {
  let ll = 0;
  const N = unitLL.length;
  for (let u = 0; u < N; u++) ll += unitLL[u];
  if (grad && unitScore) {
    grad.fill(0);
    for (let u = 0; u < N; u++) {
      const o = u * P;
      for (let p = 0; p < P; p++) grad[p] += unitScore[o + p];
    }
  }
  return ll;
}
