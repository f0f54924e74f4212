/**
 * Post-estimation of an estimated model: the entry point that ties a
 * prepared problem (spec, data, draws) to its estimation result and offers
 * predicted shares, elasticities, diversion ratios, individual-level
 * parameters and willingness to pay, each with delta-method standard errors
 * on request. Everything is computed at the optimizer's raw estimates with
 * the estimation's own draws.
 */
import { signNormalization, type EstimationResult, type Prepared } from '@mxl/estimation';
import { deltaMethod } from './delta.js';
import { elasticities, marginalDiversion, removalDiversion, variableEffects, type AltMatrix } from './effects.js';
import { PostEstimationError } from './errors.js';
import { individualParameters, type IndividualParameters } from './individual.js';
import { population, type Population } from './population.js';
import { predict, shares, type Shares } from './shares.js';
import { variableColumns } from './variables.js';
import { wtpDistribution, type WtpDistribution } from './wtp.js';
import { applyChanges, type Change } from './scenario.js';

/** What the predictor needs from a result (the result JSON of `mxl estimate`). */
export type ResultLike = Pick<EstimationResult, 'parameters' | 'raw' | 'covariance'>;

/** Options of the reports. */
export interface ReportOptions {
  /** Add delta-method standard errors (2P+1 passes over the data). */
  se?: boolean;
  /** Cancels between passes over the data (rejects with an error named AbortError). */
  signal?: AbortSignal;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('post-estimation aborted'), { name: 'AbortError' });
}

/** A matrix report with optional standard errors. */
export type MatrixReport = AltMatrix & { se?: number[][] };

/** Post-estimation for one estimated model. */
export class Predictor {
  readonly prepared: Prepared;
  /** The optimizer's estimates (raw parameters). */
  readonly theta: Float64Array;
  /** Covariance of the raw parameters (P×P), or null when the result has none. */
  readonly cov: Float64Array | null;

  constructor(prepared: Prepared, result: ResultLike) {
    const names = prepared.design.params.map((p) => p.name);
    const got = result.parameters.map((p) => p.name);
    if (got.length !== names.length || got.some((n, i) => n !== names[i])) {
      throw new PostEstimationError(`the result does not belong to this spec's model: its parameters are ${got.join(', ')}; the model's are ${names.join(', ')}`);
    }
    this.prepared = prepared;
    this.theta = Float64Array.from(names, (n) => {
      const v = result.raw?.[n];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new PostEstimationError(`the result has no finite raw estimate of ${n} (field "raw")`);
      return v;
    });
    const P = names.length;
    const C = result.covariance;
    if (Array.isArray(C) && C.length === P && C.every((row) => Array.isArray(row) && row.length === P)) {
      // the report's covariance is of the sign-normalized parameters: D C D with D = diag(+-1)
      const flip = signNormalization(prepared.design, this.theta);
      const cov = new Float64Array(P * P);
      for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) cov[i * P + j] = flip[i] * flip[j] * Number(C[i][j] ?? NaN);
      this.cov = cov;
    } else {
      this.cov = null;
    }
  }

  /** The population (support points and weights) at theta. */
  population(theta: Float64Array = this.theta): Population {
    return population(this.prepared, theta);
  }

  private covariance(what: string): Float64Array {
    if (!this.cov) throw new PostEstimationError(`${what}: standard errors need the result's covariance, and this result has none (was it estimated with "se": "none"?)`);
    return this.cov;
  }

  private async withSe(what: string, f: (theta: Float64Array) => Float64Array, o: ReportOptions): Promise<{ value: Float64Array; se: Float64Array | null }> {
    const g = (t: Float64Array) => { checkAbort(o.signal); return f(t); };
    if (!o.se) return { value: g(this.theta), se: null };
    return deltaMethod(g, this.theta, this.covariance(what));
  }

  /** Predicted and observed shares by alternative. */
  async shares(o: ReportOptions = {}): Promise<Shares & { se?: number[] }> {
    const data = this.prepared.data;
    const f = (t: Float64Array) => Float64Array.from(shares(data, predict(this.population(t))).predicted);
    checkAbort(o.signal);
    const base = shares(data, predict(this.population()));
    if (!o.se) return base;
    const { se } = await this.withSe('shares', f, o);
    return { ...base, se: Array.from(se!) };
  }

  /**
   * Predicted shares under a scenario (see ./scenario.ts) beside the base
   * prediction, and the change in percentage points (with delta-method
   * standard errors of the change on request).
   */
  async scenario(changes: readonly Change[], o: ReportOptions = {}): Promise<{ alternatives: string[]; base: number[]; scenario: number[]; change: number[]; changeSe?: number[] }> {
    const q = applyChanges(this.prepared, changes);
    const f = (t: Float64Array) => {
      const a = shares(this.prepared.data, predict(population(this.prepared, t))).predicted;
      const b = shares(q.data, predict(population(q, t))).predicted;
      return Float64Array.from(b.map((x, j) => 100 * (x - a[j])));
    };
    checkAbort(o.signal);
    const base = shares(this.prepared.data, predict(this.population()));
    const after = shares(q.data, predict(population(q, this.theta)));
    const out = { alternatives: base.alternatives, base: base.predicted, scenario: after.predicted, change: after.predicted.map((x, j) => 100 * (x - base.predicted[j])) };
    if (!o.se) return out;
    const { se } = await this.withSe('scenario', f, o);
    return { ...out, changeSe: Array.from(se!) };
  }

  /** Aggregate elasticities of every alternative's demand with respect to `variable` of every alternative. */
  async elasticities(variable: string, o: ReportOptions = {}): Promise<MatrixReport> {
    const v = variableColumns(this.prepared, variable, 'elasticities');
    return this.matrix('elasticities', (t) => elasticities(variableEffects(this.population(t), v)), o);
  }

  /**
   * Diversion ratios: `"removal"` for second-choice diversion (an alternative
   * removed), or a variable name for marginal diversion with respect to it
   * (usually the price).
   */
  async diversion(by: string, o: ReportOptions = {}): Promise<MatrixReport> {
    if (by === 'removal') return this.matrix('diversion', (t) => removalDiversion(this.population(t)), o);
    const v = variableColumns(this.prepared, by, 'diversion');
    return this.matrix('diversion', (t) => marginalDiversion(variableEffects(this.population(t), v)), o);
  }

  private async matrix(what: string, f: (theta: Float64Array) => AltMatrix, o: ReportOptions): Promise<MatrixReport> {
    checkAbort(o.signal);
    const base = f(this.theta);
    if (!o.se) return base;
    const n = base.alternatives.length;
    const { se } = await this.withSe(what, (t) => Float64Array.from(f(t).values.flat()), o);
    return { ...base, se: Array.from({ length: n }, (_, i) => Array.from(se!.subarray(i * n, (i + 1) * n))) };
  }

  private coefficientIndex(name: string, option: string): number {
    const k = this.prepared.data.varNames.indexOf(name);
    if (k < 0) throw new PostEstimationError(`${option}: ${JSON.stringify(name)} is not a coefficient of the model; coefficients are ${this.prepared.data.varNames.join(', ')}`);
    return k;
  }

  /** Conditional (on each unit's choices) means and sds of the coefficients; conditional WTP with `cost`. */
  individual(cost?: string): IndividualParameters & { ids: string[] } {
    const k = cost === undefined ? -1 : this.coefficientIndex(cost, 'individual --wtp');
    const r = individualParameters(this.population(), k);
    const d = this.prepared.data;
    const panel = this.prepared.spec.model.panel && d.nUnits === this.prepared.individuals;
    const ids = Array.from({ length: d.nUnits }, (_, u) => {
      const id = d.clusterIds?.[d.unitCluster[u]] ?? String(d.unitCluster[u] + 1);
      return panel ? id : `${id}#${u - firstUnitOfCluster(d.unitCluster, u) + 1}`;
    });
    return { ...r, ids };
  }

  /** Population distribution of the willingness to pay, relative to the coefficient `cost`. */
  async wtp(cost: string, o: ReportOptions = {}): Promise<WtpDistribution & { meanSe?: number[]; medianSe?: number[] }> {
    const k = this.coefficientIndex(cost, 'wtp');
    checkAbort(o.signal);
    const base = wtpDistribution(this.population(), k);
    if (!o.se) return base;
    const K = base.coefficients.length;
    const { se } = await this.withSe('wtp', (t) => {
      const w = wtpDistribution(this.population(t), k);
      return Float64Array.from([...w.mean, ...w.median]);
    }, o);
    return { ...base, meanSe: Array.from(se!.subarray(0, K)), medianSe: Array.from(se!.subarray(K)) };
  }
}

/** Index of the first unit of u's cluster (units of a cluster are contiguous). */
function firstUnitOfCluster(cluster: Int32Array, u: number): number {
  let v = u;
  while (v > 0 && cluster[v - 1] === cluster[u]) v--;
  return v;
}
