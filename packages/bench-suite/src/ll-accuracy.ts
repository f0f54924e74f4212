/**
 * Likelihood accuracy: the simulated log-likelihood at a fixed theta for every rule and several
 * node counts, against a reference computed with a very accurate rule.
 *
 * @packageDocumentation
 */
import { createEngine } from '@mxl/engine';
import { engineFor, type Prepared } from '@mxl/estimation';
import { createRule, GAUSS_HERMITE_MAX_POINTS, type RuleConfig } from '@mxl/integration';
import { powersOfTwo, quadratureLevels, variant } from './rules.js';
import { mean, median, rms, sd, type Row } from './table.js';

/** One data set with the theta at which the likelihood is compared. */
export interface LLCase {
  /** Label, e.g. `sim-d3` or `electricity`. */
  dataset: string;
  dim: number;
  prepared: Prepared;
  theta: Float64Array;
}

/** One evaluation of the log-likelihood and gradient. */
export interface Evaluated {
  ll: number;
  /** Per-individual log-likelihoods (a copy). */
  unitLL: Float64Array;
  /** Individuals whose simulated probability was <= 0 (LL_i = -Inf). */
  nonpos: number;
  /** Individuals whose LL_i was NaN or +Inf. */
  nonfinite: number;
  nodes: number;
  /** Wall time of the first evaluation (includes node generation). */
  seconds: number;
  /** Wall time of a second evaluation (nodes cached), when asked for. */
  secondsWarm: number | null;
}

/**
 * Evaluates the log-likelihood and gradient of a case under a rule, in-process (one thread).
 *
 * @param c - the case
 * @param config - the rule configuration
 * @param options.warm - time a second evaluation too
 * @param options.cache - keep the nodes between evaluations (off for the huge reference rules)
 */
export async function evaluateRule(c: LLCase, config: RuleConfig, options: { warm: boolean; cache: boolean }): Promise<Evaluated> {
  const rule = createRule(config, c.dim);
  const p: Prepared = { ...c.prepared, rule };
  const engine = engineFor(p, 1, (data, plan, nodes, o) => createEngine(data, plan, nodes, { ...o, workers: 1, cacheDraws: options.cache }));
  try {
    const t0 = performance.now();
    const ev = await engine.evaluate(c.theta);
    const seconds = (performance.now() - t0) / 1000;
    const unitLL = Float64Array.from(ev.unitLL);
    const ll = ev.ll;
    let secondsWarm: number | null = null;
    if (options.warm) {
      const t1 = performance.now();
      await engine.evaluate(c.theta);
      secondsWarm = (performance.now() - t1) / 1000;
    }
    let nonpos = 0;
    let nonfinite = 0;
    for (const v of unitLL) {
      if (v === -Infinity) nonpos++;
      else if (!Number.isFinite(v)) nonfinite++;
    }
    return { ll, unitLL, nonpos, nonfinite, nodes: rule.size, seconds, secondsWarm };
  } finally {
    await engine.close();
  }
}

/** Settings of the reference computation. */
export interface ReferenceOptions {
  /** Draws of each independent Owen-scrambled Sobol' run. */
  sobolDraws: number;
  /** Number of independent runs (at least 2; their spread gives the standard error). */
  sobolRuns: number;
  /** Largest node count of the product-rule check. */
  productMaxNodes: number;
  /** Largest dimension with a product-rule check. */
  productMaxDim: number;
}

/** The reference log-likelihood of a case. */
export interface Reference {
  ll: number;
  unitLL: Float64Array;
  /** Which computation the errors are measured against. */
  source: 'sobol-owen' | 'product';
  rows: Row[];
}

/** log(mean(exp(xs))), stably. */
function logMeanExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s / xs.length);
}

/** The product-rule levels of the check: the largest with at most maxNodes nodes, and a lower one. */
export function productCheckLevels(dim: number, maxNodes: number): [number, number] | null {
  const hi = Math.min(GAUSS_HERMITE_MAX_POINTS, Math.floor(Math.pow(maxNodes, 1 / dim) + 1e-9));
  const lo = Math.max(2, Math.round(hi * 0.7));
  return hi >= 4 && lo < hi ? [hi, lo] : null;
}

/**
 * The reference log-likelihood: `sobolRuns` independent Owen-scrambled Sobol' runs, combined
 * per individual (the mean of their probability estimates, i.e. one estimate from all their
 * draws), with the standard deviation of the runs' LL over sqrt(runs) as its standard error;
 * in low dimensions also a Gauss-Hermite product rule at a high level, with the difference to
 * a lower level as its error estimate. The errors of the benchmark are measured against
 * whichever of the two has the smaller error estimate (the product rule in low dimensions);
 * both, and their difference (the check), are reported.
 */
export async function computeReference(c: LLCase, o: ReferenceOptions, log: (s: string) => void): Promise<Reference> {
  const t0 = performance.now();
  const runs: Evaluated[] = [];
  for (let k = 0; k < o.sobolRuns; k++) {
    runs.push(await evaluateRule(c, { rule: 'sobol', scramble: 'owen', draws: o.sobolDraws, seed: 900001 + k }, { warm: false, cache: false }));
  }
  const n = c.prepared.data.nUnits;
  const sobolUnit = new Float64Array(n);
  let sobolLL = 0;
  for (let u = 0; u < n; u++) {
    sobolUnit[u] = logMeanExp(runs.map((r) => r.unitLL[u] as number));
    sobolLL += sobolUnit[u] as number;
  }
  const sobolSe = sd(runs.map((r) => r.ll)) / Math.sqrt(runs.length);
  const sobolSeconds = (performance.now() - t0) / 1000;
  const total = o.sobolDraws * o.sobolRuns;
  log(`  reference ${c.dataset}: sobol-owen ${o.sobolRuns} x ${o.sobolDraws} draws: LL ${sobolLL.toFixed(6)} +- ${sobolSe.toExponential(2)} (${sobolSeconds.toFixed(1)} s)`);
  const sobolRow: Row = {
    experiment: 'reference', dataset: c.dataset, dim: c.dim, rule: 'sobol-owen', nodes: total, reps: o.sobolRuns,
    value: sobolLL, error: sobolSe, seconds: sobolSeconds, note: '',
  };
  const rows: Row[] = [sobolRow];
  let ref: Reference = { ll: sobolLL, unitLL: sobolUnit, source: 'sobol-owen', rows };
  const levels = c.dim <= o.productMaxDim ? productCheckLevels(c.dim, o.productMaxNodes) : null;
  if (levels) {
    const t1 = performance.now();
    const [hi, lo] = levels;
    const ph = await evaluateRule(c, { rule: 'product', level: hi }, { warm: false, cache: true });
    const pl = await evaluateRule(c, { rule: 'product', level: lo }, { warm: false, cache: true });
    const pErr = Math.abs(ph.ll - pl.ll);
    const seconds = (performance.now() - t1) / 1000;
    log(`  reference ${c.dataset}: product level ${hi} (${ph.nodes} nodes): LL ${ph.ll.toFixed(6)}, |level ${hi} - level ${lo}| = ${pErr.toExponential(2)}, product - sobol = ${(ph.ll - sobolLL).toExponential(2)} (${seconds.toFixed(1)} s)`);
    const productRow: Row = {
      experiment: 'reference', dataset: c.dataset, dim: c.dim, rule: 'product', level: hi, nodes: ph.nodes, reps: 1,
      value: ph.ll, reference: sobolLL, bias: ph.ll - sobolLL, error: pErr, seconds, note: '',
    };
    rows.push(productRow);
    if (ph.nonpos === 0 && ph.nonfinite === 0 && pErr < sobolSe) {
      ref = { ll: ph.ll, unitLL: ph.unitLL, source: 'product', rows };
      productRow.note = 'used';
    }
  }
  if (ref.source === 'sobol-owen') sobolRow.note = 'used';
  return ref;
}

/** Settings of the sweep. */
export interface SweepOptions {
  /** Rule labels (see VARIANTS). */
  rules: string[];
  /** Draws of the simulation rules: 2^lo .. 2^hi. */
  drawsPow: [number, number];
  /** Largest quadrature node count. */
  maxQuadratureNodes: number;
  /** Runs (scrambling seeds) of the randomized rules. */
  seeds: number;
}

/** Error of one run against the reference, over the individuals with a finite LL. */
function runError(e: Evaluated, ref: Reference): { err: number; unitMae: number } {
  let err = 0;
  let abs = 0;
  let n = 0;
  for (let u = 0; u < e.unitLL.length; u++) {
    const v = e.unitLL[u] as number;
    if (!Number.isFinite(v)) continue;
    const d = v - (ref.unitLL[u] as number);
    err += d;
    abs += Math.abs(d);
    n++;
  }
  return { err, unitMae: n ? abs / n : NaN };
}

/**
 * The likelihood-accuracy sweep of one case: every rule at every size, against the reference.
 *
 * @returns one row per (rule, size)
 */
export async function sweep(c: LLCase, ref: Reference, o: SweepOptions, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const label of o.rules) {
    const v = variant(label);
    const sizes: { level: number | null; size: number }[] = v.quadrature
      ? quadratureLevels(label, c.dim, o.maxQuadratureNodes, 1.09).map((q) => ({ level: q.level, size: q.level }))
      : powersOfTwo(o.drawsPow[0], o.drawsPow[1]).map((d) => ({ level: null, size: d }));
    const t0 = performance.now();
    for (const s of sizes) {
      const reps = v.randomized ? o.seeds : 1;
      const runs: Evaluated[] = [];
      for (let k = 0; k < reps; k++) runs.push(await evaluateRule(c, v.config(s.size, 1000 + k), { warm: k === 0, cache: true }));
      const errs = runs.map((r) => runError(r, ref));
      const nonpos = runs.reduce((t, r) => t + r.nonpos + r.nonfinite, 0);
      const failed = runs.filter((r) => r.nonpos + r.nonfinite > 0).length;
      const e = errs.map((x) => x.err);
      rows.push({
        experiment: 'll', dataset: c.dataset, dim: c.dim, rule: label, level: s.level, nodes: runs[0]?.nodes ?? null, reps,
        value: failed ? null : mean(runs.map((r) => r.ll)), reference: ref.ll, error: rms(e), bias: mean(e), sd: sd(e),
        unit_mae: mean(errs.map((x) => x.unitMae)), nonpos_units: nonpos, failed,
        seconds: median(runs.map((r) => r.seconds)), seconds_warm: runs[0]?.secondsWarm ?? null,
        note: failed ? 'non-positive simulated probability for some individuals: error over the others' : '',
      });
    }
    log(`  ${c.dataset} ${label}: ${sizes.length} sizes (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return rows;
}
