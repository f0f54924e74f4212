/**
 * Post-estimation of an estimated model: the entry point that ties a
 * prepared problem (spec, data, draws) to its estimation result and offers
 * predicted shares, per-row probabilities, elasticities, diversion ratios
 * (marginal, discrete interventions, removal), scenarios, individual-level
 * parameters and willingness to pay, whole-sample and by group (market,
 * region, period), each with delta-method or Krinsky-Robb uncertainty on
 * request. Every pass over the data runs on the worker pool (./runner.ts);
 * the numbers do not depend on the number of workers. Everything is computed
 * at the optimizer's raw estimates with the estimation's own draws.
 */
import { signNormalization, type EstimationResult, type Prepared } from '@mxl/estimation';
import { elasticities, marginalDiversion, type AltMatrix } from './effects.js';
import { AbortError } from '@mxl/errors';
import { PostEstimationError } from './errors.js';
import { individualParameters, type IndividualParameters } from './individual.js';
import { population, type Population } from './population.js';
import { reportedAlternatives } from './shares.js';
import { WTP_STATISTICS, wtpDistribution, type WtpDistribution } from './wtp.js';
import { parseChange, type Change } from './scenario.js';
import { sensitivityOf, shiftOf } from './interventions.js';
import { blockLength, reportedCount, type Groups, type PassKind } from './passes.js';
import { groupBlock, diversionReport, effectsReport, sharesReport, sampleBlock, type SharesReport } from './reports.js';
import { PassRunner, type PassRequest } from './runner.js';
import { seFromJacobian, uncertaintyOf, uncertaintyPoints, type Interval, type Uncertainty } from './uncertainty.js';
import { groupsOf } from './groups.js';
import { averageReports, averageValues } from './posterior-average.js';

/** What the predictor needs from a result (the result JSON of `mxl estimate`). */
export type ResultLike = Pick<EstimationResult, 'parameters' | 'raw' | 'covariance'>;

/** Options of the reports. */
export interface ReportOptions {
  /** Add standard errors: by the delta method (2P+1 passes), or as `interval` says. */
  se?: boolean;
  /** How uncertainty is reported when `se` is set (default: the delta method). */
  interval?: Interval;
  /** Also report by group: a column of the data (a market, region or period), or "situation". */
  by?: string;
  /** Cancels between passes over the data (rejects with an error named AbortError). */
  signal?: AbortSignal;
}

/** Options of the predictor. */
export interface PredictorOptions {
  /** Worker threads for the passes over the data (default: the machine's cores; 1 runs on this thread). */
  workers?: number;
  /**
   * Draws of a hierarchical Bayes posterior (raw parameter vectors): every report's numbers are
   * then their average over these draws (./posterior-average.ts), and their uncertainty, on
   * request, the sd and 2.5%/97.5% quantiles over the same draws (interval "posterior"). Per-row
   * probabilities are averaged too; individual-level parameters stay at the result's estimates.
   */
  posterior?: readonly Float64Array[];
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError('post-estimation aborted');
}

/** Uncertainty of a report's numbers (same shape as the numbers). */
export interface Bands<T> {
  se?: T;
  /** Krinsky-Robb 95% interval. */
  lower?: T;
  upper?: T;
}

/** A matrix report with optional uncertainty. */
export type MatrixReport = AltMatrix & Bands<number[][]>;

/** A report by group. */
export interface GroupReport<T> {
  /** The grouping's name and the group's value. */
  by: string;
  key: string;
  report: T;
}

/** A report over the whole sample, and by group when asked. */
export type WithGroups<T> = T & { groups?: GroupReport<T>[]; interval?: Interval['method'] };

/** Shares with uncertainty of the predicted shares. */
export type SharesWithBands = SharesReport & Bands<number[]>;

/** A diversion request: "removal", a variable (marginal), or VARIABLE=CHANGE (a discrete intervention). */
export function diversionKind(by: string): { kind: 'removal' } | { kind: 'marginal'; variable: string } | { kind: 'discrete'; change: Change } {
  if (by === 'removal') return { kind: 'removal' };
  if (by.includes('=')) {
    const change = parseChange(by, '--diversion');
    if (change.alternatives) throw new PostEstimationError(`--diversion ${JSON.stringify(by)}: a discrete intervention changes the variable of each row alternative in turn; leave out @${change.alternatives.join(',')}`);
    return { kind: 'discrete', change };
  }
  return { kind: 'marginal', variable: by };
}

/**
 * Each report (whole sample, then each group) with its slice of the bands: the
 * uncertainty is over all reports' numbers flattened in that order (`flat`).
 */
function withSlicedBands<T>(reports: T[], u: Uncertainty, flat: (r: T) => number[], withBands: (r: T, bands: Bands<number[]>) => T): T[] {
  let at = 0;
  return reports.map((r) => {
    const len = flat(r).length;
    const cut = (x: Float64Array | undefined) => (x ? Array.from(x.subarray(at, at + len)) : undefined);
    const bands = { se: cut(u.se), lower: cut(u.lower), upper: cut(u.upper) };
    at += len;
    return withBands(r, bands);
  });
}

/** The whole sample's report (reports[0]) with the interval method, if any, and each group's report. */
function withGroups<T>(reports: T[], request: PassRequest, interval: Interval['method'] | undefined): WithGroups<T> {
  const result = { ...reports[0] } as WithGroups<T>;
  if (interval !== undefined) result.interval = interval;
  if (request.groups) result.groups = reports.slice(1).map((report, g) => ({ by: request.groups!.by, key: request.groups!.labels[g], report }));
  return result;
}

/** Post-estimation for one estimated model. */
export class Predictor {
  readonly prepared: Prepared;
  /** The optimizer's estimates (raw parameters). */
  readonly theta: Float64Array;
  /** Covariance of the raw parameters (P×P), or null when the result has none. */
  readonly cov: Float64Array | null;
  private readonly runner: PassRunner;
  /** The posterior draws the reports are averaged over (null: reports at theta). */
  readonly posterior: readonly Float64Array[] | null;
  /** Accumulators at theta by pass (elasticities and marginal diversion share their effects pass). */
  private readonly passes = new Map<string, Promise<Float64Array>>();

  constructor(prepared: Prepared, result: ResultLike, options: PredictorOptions = {}) {
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
    this.runner = new PassRunner(prepared, options.workers);
    this.posterior = options.posterior ?? null;
    if (this.posterior) {
      if (this.posterior.length < 2) throw new PostEstimationError(`posterior averaging needs at least 2 posterior draws; received ${this.posterior.length}`);
      if (this.posterior.some((d) => d.length !== P || !d.every(Number.isFinite))) throw new PostEstimationError(`every posterior draw must be a finite vector of the model's ${P} parameters`);
    }
  }

  /**
   * The interval method of a report: with posterior draws, their own (another method is an
   * error: the predictions are posterior means, their uncertainty is the posterior's).
   */
  private intervalOf(o: ReportOptions): Interval {
    if (!this.posterior) return o.interval ?? { method: 'delta' };
    if (o.interval && o.interval.method !== 'posterior') throw new PostEstimationError(`predictions averaged over a hierarchical Bayes posterior take their uncertainty from the posterior draws; interval "${o.interval.method}" is not available`);
    return { method: 'posterior', draws: this.posterior };
  }

  /** Stops the worker threads (call when done; the predictor still works afterwards, starting new ones). */
  close(): Promise<void> {
    return this.runner.close();
  }

  /** The population (support points and weights) at theta. */
  population(theta: Float64Array = this.theta): Population {
    return population(this.prepared, theta);
  }

  private covariance(what: string): Float64Array {
    if (!this.cov) throw new PostEstimationError(`${what}: standard errors need the result's covariance, and this result has none (was it estimated with "se": "none"?)`);
    return this.cov;
  }

  private groups(o: ReportOptions): Groups | null {
    return o.by === undefined ? null : groupsOf(this.prepared, o.by);
  }

  /**
   * Runs a pass at theta (and the points of the uncertainty when asked) and
   * turns each group's block into numbers (`flat`) and a report (`make`).
   */
  private async report<T>(what: string, request: PassRequest, make: (b: Float64Array) => T, flat: (r: T) => number[], withBands: (r: T, bands: Bands<number[]>) => T, o: ReportOptions, dflat?: (b: Float64Array, db: Float64Array) => number[]): Promise<WithGroups<T>> {
    checkAbort(o.signal);
    const how: Interval = this.intervalOf(o);
    if (this.posterior) return this.posteriorReport(request, make, flat, withBands, o);
    if (o.se && how.method === 'delta' && how.jacobian !== 'numeric' && dflat) return this.tangentReport(what, request, make, flat, withBands, dflat);
    const thetas = o.se ? uncertaintyPoints(this.theta, this.covariance(what), how) : [this.theta];
    const accs = o.se ? await this.runner.run(request, thetas, o.signal) : [await this.atTheta(request, o.signal)];
    const kind = request.pass.kind, n = reportedCount(this.prepared.data);
    const G = request.groups ? request.groups.labels.length : 0;
    // whole sample first, then each group
    const reportsAt = (acc: Float64Array): T[] => [make(sampleBlock(acc, kind, n)), ...Array.from({ length: G }, (_, g) => make(groupBlock(acc, kind, n, g)))];
    const base = reportsAt(accs[0]);
    let out = base;
    if (o.se) {
      const values = accs.map((acc) => Float64Array.from(reportsAt(acc).flatMap(flat)));
      out = withSlicedBands(base, uncertaintyOf(values, this.theta, this.cov!, how), flat, withBands);
    }
    return withGroups(out, request, o.se ? how.method : undefined);
  }

  /**
   * A report averaged over the posterior draws: the reports at every draw (whole sample, then
   * each group), averaged number by number, with the sd and quantiles over the draws on request.
   */
  private async posteriorReport<T>(request: PassRequest, make: (b: Float64Array) => T, flat: (r: T) => number[], withBands: (r: T, bands: Bands<number[]>) => T, o: ReportOptions): Promise<WithGroups<T>> {
    const draws = this.posterior!;
    const accs = await this.runner.run(request, [...draws], o.signal);
    const kind = request.pass.kind, n = reportedCount(this.prepared.data);
    const G = request.groups ? request.groups.labels.length : 0;
    const at = accs.map((acc) => [make(sampleBlock(acc, kind, n)), ...Array.from({ length: G }, (_, g) => make(groupBlock(acc, kind, n, g)))]);
    let out = at[0].map((_, i) => averageReports(at.map((r) => r[i])));
    if (o.se) {
      const values = at.map((rs) => Float64Array.from(rs.flatMap(flat)));
      const u = uncertaintyOf([averageValues(values), ...values], this.theta, new Float64Array(0), { method: 'posterior', draws });
      out = withSlicedBands(out, u, flat, withBands);
    }
    return withGroups(out, request, o.se ? 'posterior' : undefined);
  }

  /**
   * A report with delta-method standard errors from one forward-mode pass
   * (./tangent.ts): the Jacobian of the report's numbers is `dflat` of each
   * parameter's derivative block.
   */
  private async tangentReport<T>(what: string, request: PassRequest, make: (b: Float64Array) => T, flat: (r: T) => number[], withBands: (r: T, bands: Bands<number[]>) => T, dflat: (b: Float64Array, db: Float64Array) => number[]): Promise<WithGroups<T>> {
    const cov = this.covariance(what);
    const acc = await this.atTheta({ ...request, tangent: true });
    const n = reportedCount(this.prepared.data), P = this.theta.length;
    const B0 = blockLength(request.pass.kind, n), BT = B0 * (1 + P);
    const G = request.groups ? request.groups.labels.length : 0;
    const out = tangentBlocks(acc, BT, G).map((bt) => {
      const b = bt.subarray(0, B0);
      const r = make(b);
      const len = flat(r).length;
      const J = new Float64Array(len * P);
      for (let p = 0; p < P; p++) {
        const d = dflat(b, bt.subarray((1 + p) * B0, (2 + p) * B0));
        for (let i = 0; i < len; i++) J[i * P + p] = d[i];
      }
      return withBands(r, { se: Array.from(seFromJacobian(J, len, cov)) });
    });
    return withGroups(out, request, 'delta');
  }

  /** A pass at theta, run once per predictor for shares, effects of a variable and removals (by grouping). */
  private atTheta(request: PassRequest, signal?: AbortSignal): Promise<Float64Array> {
    const pass = request.pass;
    const what = pass.kind === 'effects' ? `effects:${pass.sensitivity.variable}` : pass.kind === 'shift' || request.X || request.rows ? null : pass.kind;
    const run = () => this.runner.run(request, [this.theta], signal).then(([acc]) => acc);
    if (what === null) return run();
    const key = `${what}|${request.groups?.by ?? ''}|${request.tangent ? 'tangent' : ''}`;
    let acc = this.passes.get(key);
    if (!acc) {
      acc = run();
      this.passes.set(key, acc);
      acc.catch(() => this.passes.delete(key));
    }
    return acc;
  }

  private matrixReport(what: string, request: PassRequest, make: (b: Float64Array) => AltMatrix, o: ReportOptions, dflat?: (b: Float64Array, db: Float64Array) => number[]): Promise<WithGroups<MatrixReport>> {
    const n = reportedCount(this.prepared.data);
    const square = (x: number[] | undefined) => (x ? Array.from({ length: n }, (_, i) => x.slice(i * n, (i + 1) * n)) : undefined);
    return this.report<MatrixReport>(what, request, make, (m) => m.values.flat(), (m, b) => ({ ...m, se: square(b.se), lower: square(b.lower), upper: square(b.upper) }), o, dflat);
  }

  /** Predicted and observed shares by alternative, the mean probability of the chosen alternative and the hit rate. */
  async shares(o: ReportOptions = {}): Promise<WithGroups<SharesWithBands>> {
    const alts = reportedAlternatives(this.prepared.data);
    const n = alts.length;
    // predicted_j = sum_j / W, and W does not move with theta
    const dflat = (b: Float64Array, db: Float64Array) => Array.from(db.subarray(1, 1 + n), (x) => x / b[0]);
    return this.report<SharesWithBands>('shares', { pass: { kind: 'shares' }, groups: this.groups(o) }, (b) => sharesReport(b, alts), (s) => s.predicted, (s, b) => ({ ...s, ...b }), o, dflat);
  }

  /**
   * The integrated probability of every row (an available alternative in a
   * choice situation) and of the outside option of every situation.
   */
  async probabilities(o: { signal?: AbortSignal } = {}): Promise<{ row: Float64Array; outside: Float64Array }> {
    const d = this.prepared.data;
    const rows = { row: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, d.nRows))), outside: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, d.nSituations))) };
    if (!this.posterior) {
      await this.runner.run({ pass: { kind: 'shares' }, groups: null, rows }, [this.theta], o.signal);
      return { row: rows.row.subarray(0, d.nRows), outside: rows.outside.subarray(0, d.nSituations) };
    }
    // averaged over the posterior draws, one pass each (in draw order)
    const row = new Float64Array(d.nRows), outside = new Float64Array(d.nSituations);
    for (const draw of this.posterior) {
      await this.runner.run({ pass: { kind: 'shares' }, groups: null, rows }, [draw], o.signal);
      for (let i = 0; i < d.nRows; i++) row[i] += rows.row[i];
      for (let i = 0; i < d.nSituations; i++) outside[i] += rows.outside[i];
    }
    const R = this.posterior.length;
    for (let i = 0; i < d.nRows; i++) row[i] /= R;
    for (let i = 0; i < d.nSituations; i++) outside[i] /= R;
    return { row, outside };
  }

  /**
   * Predicted shares under a scenario (see ./scenario.ts) beside the base
   * prediction, and the change in percentage points, with uncertainty of
   * all three on request: by default the delta method with the analytic
   * Jacobians of one forward-mode pass of each (./tangent.ts), else central
   * differences or Krinsky-Robb over passes of both at every parameter
   * vector. A variable that enters through derived columns is followed
   * through them.
   */
  async scenario(changes: readonly Change[], o: ReportOptions = {}): Promise<WithGroups<ScenarioReport>> {
    const X = await this.scenarioX(changes);
    const alts = reportedAlternatives(this.prepared.data);
    const groups = this.groups(o);
    const how: Interval = this.intervalOf(o);
    checkAbort(o.signal);
    const n = alts.length, G = groups ? groups.labels.length : 0;
    let out: ScenarioReport[];
    if (this.posterior) {
      // both passes at every posterior draw, each report averaged over them
      const draws = [...this.posterior];
      const [base, after] = await Promise.all([
        this.runner.run({ pass: { kind: 'shares' }, groups }, draws, o.signal),
        this.runner.run({ pass: { kind: 'shares' }, groups, X }, draws, o.signal),
      ]);
      const pick = (acc: Float64Array, g: number) => sharesReport(g < 0 ? sampleBlock(acc, 'shares', n) : groupBlock(acc, 'shares', n, g), alts);
      const at = draws.map((_, i) => [-1, ...Array.from({ length: G }, (_, g) => g)].map((g) => scenarioReport(pick(base[i], g), pick(after[i], g))));
      out = at[0].map((_, g) => averageReports(at.map((r) => r[g])));
      if (o.se) {
        const values = at.map((rs) => Float64Array.from(rs.flatMap(scenarioValues)));
        const u = uncertaintyOf([averageValues(values), ...values], this.theta, new Float64Array(0), how);
        const L = 3 * n;
        const cut = (x: Float64Array | undefined, g: number) => (x ? x.subarray(g * L, (g + 1) * L) : undefined);
        out = out.map((r, g) => withScenarioBands(r, { se: cut(u.se, g), lower: cut(u.lower, g), upper: cut(u.upper, g) }));
      }
    } else if (o.se && how.method === 'delta' && how.jacobian !== 'numeric') {
      out = await this.scenarioTangent(X, groups, alts, o.signal);
    } else {
      // one pass of the base data and one of the scenario's at each parameter vector, side by side
      const thetas = o.se ? uncertaintyPoints(this.theta, this.covariance('scenario'), how) : [this.theta];
      const [base, after] = await Promise.all([
        this.runner.run({ pass: { kind: 'shares' }, groups }, thetas, o.signal),
        this.runner.run({ pass: { kind: 'shares' }, groups, X }, thetas, o.signal),
      ]);
      const reportsAt = (i: number): ScenarioReport[] => {
        const pick = (acc: Float64Array, g: number) => sharesReport(g < 0 ? sampleBlock(acc, 'shares', n) : groupBlock(acc, 'shares', n, g), alts);
        return [-1, ...Array.from({ length: G }, (_, g) => g)].map((g) => scenarioReport(pick(base[i], g), pick(after[i], g)));
      };
      out = reportsAt(0);
      if (o.se) {
        const values = thetas.map((_, i) => Float64Array.from(reportsAt(i).flatMap(scenarioValues)));
        const u = uncertaintyOf(values, this.theta, this.cov!, how);
        const L = 3 * n;
        const cut = (x: Float64Array | undefined, g: number) => (x ? x.subarray(g * L, (g + 1) * L) : undefined);
        out = out.map((r, g) => withScenarioBands(r, { se: cut(u.se, g), lower: cut(u.lower, g), upper: cut(u.upper, g) }));
      }
    }
    const result: WithGroups<ScenarioReport> = { ...out[0] };
    if (o.se) result.interval = how.method;
    if (groups) result.groups = out.slice(1).map((report, g) => ({ by: groups.by, key: groups.labels[g], report }));
    return result;
  }

  /**
   * A scenario's reports (whole sample, then by group) with delta-method
   * standard errors from a tangent `shares` pass of the base data and one
   * of the scenario's: predicted_j = sum_j / W with W fixed, so
   * d predicted_j = d sum_j / W, and the change's is 100 times the
   * difference of the two.
   */
  private async scenarioTangent(X: Float64Array, groups: Groups | null, alts: string[], signal?: AbortSignal): Promise<ScenarioReport[]> {
    const cov = this.covariance('scenario');
    const request: PassRequest = { pass: { kind: 'shares' }, groups, tangent: true };
    const [accBase, accAfter] = await Promise.all([
      this.atTheta(request, signal),
      this.runner.run({ ...request, X }, [this.theta], signal).then(([acc]) => acc),
    ]);
    const n = alts.length, P = this.theta.length, B0 = blockLength('shares', n);
    const G = groups ? groups.labels.length : 0;
    const before = tangentBlocks(accBase, B0 * (1 + P), G), after = tangentBlocks(accAfter, B0 * (1 + P), G);
    return before.map((bt, g) => {
      const at = after[g];
      const r = scenarioReport(sharesReport(bt.subarray(0, B0), alts), sharesReport(at.subarray(0, B0), alts));
      const J = new Float64Array(3 * n * P);
      for (let p = 0; p < P; p++) {
        const o = (1 + p) * B0 + 1;
        for (let j = 0; j < n; j++) {
          const db = bt[o + j] / bt[0], da = at[o + j] / at[0];
          J[j * P + p] = db;
          J[(n + j) * P + p] = da;
          J[(2 * n + j) * P + p] = 100 * (da - db);
        }
      }
      return withScenarioBands(r, { se: seFromJacobian(J, 3 * n, cov) });
    });
  }

  /** X with a scenario's changes applied (in shared memory, for the pool). */
  private async scenarioX(changes: readonly Change[]): Promise<Float64Array> {
    const d = this.prepared.data, K = d.nVars;
    const X = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, d.X.length)));
    X.set(d.X);
    const touched = new Uint8Array(d.X.length);
    for (const c of changes) {
      const sh = await shiftOf(this.prepared, c, '--change');
      const C = sh.columns.length;
      for (let r = 0; r < d.nRows; r++) {
        if (sh.xNew[r * C] !== sh.xNew[r * C]) continue;
        for (let i = 0; i < C; i++) {
          const at = r * K + sh.columns[i];
          const old = d.X[at], now = sh.xNew[r * C + i];
          if (now === old) continue;
          if (touched[at]) throw new PostEstimationError(`--change: two changes move column ${d.varNames[sh.columns[i]]} of the same rows; combine them into one change`);
          touched[at] = 1;
          X[at] = now;
        }
      }
    }
    return X.subarray(0, d.X.length);
  }

  /** Aggregate elasticities of every alternative's demand with respect to `variable` of every alternative. */
  async elasticities(variable: string, o: ReportOptions = {}): Promise<WithGroups<MatrixReport>> {
    const sensitivity = await sensitivityOf(this.prepared, variable, 'elasticities');
    const alts = reportedAlternatives(this.prepared.data);
    return this.matrixReport('elasticities', { pass: { kind: 'effects', sensitivity }, groups: this.groups(o) }, (b) => elasticities(effectsReport(b, alts)), o, (b, db) => elasticityDerivative(b, db, alts.length));
  }

  /**
   * Diversion ratios (Conlon and Mortimer 2021): `"removal"` for second-choice
   * diversion (an alternative removed), a variable name for marginal
   * diversion with respect to it (usually the price), or `VARIABLE=CHANGE`
   * (`price=*1.1`, `quality=+1`; the `--change` syntax without @) for the
   * diversion of that discrete change of the row alternative's variable.
   */
  async diversion(by: string, o: ReportOptions = {}): Promise<WithGroups<MatrixReport & { change?: string }>> {
    const k = diversionKind(by);
    const alts = reportedAlternatives(this.prepared.data);
    const groups = this.groups(o);
    if (k.kind === 'marginal') {
      const sensitivity = await sensitivityOf(this.prepared, k.variable, 'diversion');
      return this.matrixReport('diversion', { pass: { kind: 'effects', sensitivity }, groups }, (b) => marginalDiversion(effectsReport(b, alts)), o, (b, db) => marginalDiversionDerivative(b, db, alts.length));
    }
    let pass: PassKind = { kind: 'removal' };
    if (k.kind === 'discrete') pass = { kind: 'shift', shift: await shiftOf(this.prepared, k.change, '--diversion') };
    const r = await this.matrixReport('diversion', { pass, groups }, (b) => diversionReport(b, alts), o);
    return k.kind === 'discrete' ? { ...r, change: by } : r;
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

  /**
   * Population distribution of the willingness to pay, relative to the
   * coefficient `cost`, with uncertainty of each of its statistics (mean, sd,
   * 5% quantile, median, 95% quantile) on request: by default the delta
   * method with the analytic Jacobians of ./wtp.ts (one pass), else central
   * differences or Krinsky-Robb (which gives asymmetric intervals, as a
   * ratio's are).
   */
  async wtp(cost: string, o: ReportOptions = {}): Promise<WtpReport> {
    const k = this.coefficientIndex(cost, 'wtp');
    checkAbort(o.signal);
    const base = wtpDistribution(this.population(), k);
    const how: Interval = this.intervalOf(o);
    const K = base.coefficients.length;
    if (this.posterior) {
      // each statistic averaged over the posterior draws
      const values = await this.runner.wtp(k, [...this.posterior], o.signal);
      const avg = averageValues(values);
      const out: WtpReport = { ...base };
      WTP_STATISTICS.forEach((s, i) => { out[s] = Array.from(avg.subarray(i * K, (i + 1) * K)); });
      if (!o.se) return out;
      out.interval = 'posterior';
      const u = uncertaintyOf([avg, ...values], this.theta, new Float64Array(0), how);
      WTP_STATISTICS.forEach((s, i) => {
        const part = (x: Float64Array) => Array.from(x.subarray(i * K, (i + 1) * K));
        out[`${s}Se`] = part(u.se);
        out[`${s}Lower`] = part(u.lower!);
        out[`${s}Upper`] = part(u.upper!);
      });
      return out;
    }
    if (!o.se) return base;
    const out: WtpReport = { ...base, interval: how.method };
    if (how.method === 'delta' && how.jacobian !== 'numeric') {
      const J = await this.runner.wtpJacobian(k, base, this.theta, o.signal);
      const cov = this.covariance('wtp');
      for (const s of WTP_STATISTICS) out[`${s}Se`] = Array.from(seFromJacobian(J[s], K, cov));
      return out;
    }
    const values = await this.runner.wtp(k, uncertaintyPoints(this.theta, this.covariance('wtp'), how), o.signal);
    const u = uncertaintyOf(values, this.theta, this.cov!, how);
    WTP_STATISTICS.forEach((s, i) => {
      const part = (x: Float64Array) => Array.from(x.subarray(i * K, (i + 1) * K));
      out[`${s}Se`] = part(u.se);
      if (u.lower && u.upper) {
        out[`${s}Lower`] = part(u.lower);
        out[`${s}Upper`] = part(u.upper);
      }
    });
    return out;
  }
}

/**
 * The blocks of a tangent accumulator (G groups of BT, one when there are no
 * groups): the whole sample's (their sum, in group order), then each group's.
 */
function tangentBlocks(acc: Float64Array, BT: number, G: number): Float64Array[] {
  const whole = new Float64Array(BT);
  for (let o = 0; o < acc.length; o += BT) for (let i = 0; i < BT; i++) whole[i] += acc[o + i];
  return [whole, ...Array.from({ length: G }, (_, g) => acc.subarray(g * BT, (g + 1) * BT))];
}

/** A scenario report from the shares of the base data and of the scenario's. */
function scenarioReport(a: SharesReport, b: SharesReport): ScenarioReport {
  return { alternatives: a.alternatives, base: a.predicted, scenario: b.predicted, change: b.predicted.map((x, j) => 100 * (x - a.predicted[j])) };
}

/** A scenario report's numbers that carry uncertainty: base, scenario, change ({@link SCENARIO_PARTS}). */
function scenarioValues(r: ScenarioReport): number[] {
  return SCENARIO_PARTS.flatMap((part) => r[part]);
}

/** A scenario report with the uncertainty of {@link scenarioValues} (3n numbers each) added. */
function withScenarioBands(r: ScenarioReport, b: { se?: Float64Array; lower?: Float64Array; upper?: Float64Array }): ScenarioReport {
  const n = r.alternatives.length, out = { ...r };
  SCENARIO_PARTS.forEach((part, i) => {
    const cut = (x: Float64Array | undefined) => (x ? Array.from(x.subarray(i * n, (i + 1) * n)) : undefined);
    if (b.se) out[`${part}Se`] = cut(b.se);
    if (b.lower && b.upper) {
      out[`${part}Lower`] = cut(b.lower);
      out[`${part}Upper`] = cut(b.upper);
    }
  });
  return out;
}

/** Directional derivative of the elasticities E_jl = xdS_jl / share_j along the derivative block db (an effects block). */
function elasticityDerivative(b: Float64Array, db: Float64Array, n: number): number[] {
  const out: number[] = [];
  const xdS = n + n * n;
  for (let j = 0; j < n; j++) {
    const sh = b[j];
    for (let l = 0; l < n; l++) {
      const e = b[xdS + j * n + l] / sh;
      out.push(sh > 0 ? (db[xdS + j * n + l] - e * db[j]) / sh : NaN);
    }
  }
  return out;
}

/** Directional derivative of the marginal diversion D_lj = -dS_jl / dS_ll along db (an effects block). */
function marginalDiversionDerivative(b: Float64Array, db: Float64Array, n: number): number[] {
  const out: number[] = [];
  const dS = n;
  for (let l = 0; l < n; l++) {
    const own = b[dS + l * n + l], down = db[dS + l * n + l];
    for (let j = 0; j < n; j++) {
      if (j === l || own === 0) { out.push(NaN); continue; }
      const D = -b[dS + j * n + l] / own;
      out.push((-db[dS + j * n + l] - D * down) / own);
    }
  }
  return out;
}

/** Shares under a scenario beside the base prediction, with their uncertainty on request. */
export interface ScenarioReport {
  alternatives: string[];
  /** Predicted shares with the data as they are. */
  base: number[];
  /** Predicted shares with the scenario's changes. */
  scenario: number[];
  /** scenario - base, in percentage points. */
  change: number[];
  baseSe?: number[];
  scenarioSe?: number[];
  /** Percentage points. */
  changeSe?: number[];
  /** Krinsky-Robb 95% intervals. */
  baseLower?: number[];
  baseUpper?: number[];
  scenarioLower?: number[];
  scenarioUpper?: number[];
  changeLower?: number[];
  changeUpper?: number[];
}

/** The parts of a scenario report that carry uncertainty, in the order they are packed. */
const SCENARIO_PARTS = ['base', 'scenario', 'change'] as const;

/**
 * The WTP distribution with, on request, the uncertainty of each statistic
 * ({@link WTP_STATISTICS}): `<statistic>Se`, and with Krinsky-Robb the 95%
 * interval `<statistic>Lower`..`<statistic>Upper`, one number per coefficient.
 */
export interface WtpReport extends WtpDistribution {
  /** How the uncertainty was computed (absent without it). */
  interval?: Interval['method'];
  meanSe?: number[];
  sdSe?: number[];
  q05Se?: number[];
  medianSe?: number[];
  q95Se?: number[];
  meanLower?: number[];
  meanUpper?: number[];
  sdLower?: number[];
  sdUpper?: number[];
  q05Lower?: number[];
  q05Upper?: number[];
  medianLower?: number[];
  medianUpper?: number[];
  q95Lower?: number[];
  q95Upper?: number[];
}

/** Index of the first unit of u's cluster (units of a cluster are contiguous). */
function firstUnitOfCluster(cluster: Int32Array, u: number): number {
  let v = u;
  while (v > 0 && cluster[v - 1] === cluster[u]) v--;
  return v;
}
