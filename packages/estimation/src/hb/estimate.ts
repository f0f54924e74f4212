/**
 * Estimation by hierarchical Bayes (`"estimator": "hb"`): from a prepared
 * problem to an {@link EstimationResult} shaped like an MSL result, so tables,
 * comparisons and post-estimation read it the same way: `estimate` is the
 * posterior mean, `se` the posterior standard deviation, the parameters are
 * named as for MSL, and `hb` adds the sampler's settings, acceptance rates,
 * credible intervals, split R-hat and ESS (Gelman et al. 2013). The
 * log-likelihood is the simulated one (the spec's integration rule) at the
 * posterior means, for comparison with MSL fits; HB itself never maximizes it.
 */
import type { HbRunner } from '@mxl/engine';
import { createHbRunner } from '@mxl/engine';
import { Link } from '@mxl/core';
import { impliedDistributions } from '../implied.js';
import { engineFor, nullLogLik } from '../problem.js';
import { mnlEstimates } from '../starts.js';
import type { Prepared } from '../prepare.js';
import type { EstimationResult } from '../results.js';
import type { EstimateOptions } from '../estimate-options.js';
import { VERSION } from '../version.js';
import type { HbChainState, HbSummary } from './result-types.js';
import { hbDesign, type HbDesign } from './design.js';
import { writeDraws, writeIndividuals } from './files.js';
import { checkpointKey } from '../checkpoint.js';
import { SpecError } from '../errors.js';
import { loadHbCheckpoint, saveHbCheckpoint, snapshotShape, type HbSnapshot } from './checkpoint.js';
import { localChains, runChains, type HbChains, type HbStart } from './sampler.js';
import type { HbSpec } from './spec.js';
import { hbHistogram, hbTrace, type HbHistogram, type HbTrace } from './trace.js';
import { blockDraws, column, posteriorCovariance, summarize, type PosteriorSummary } from './summary.js';

/** Split R-hat above this is reported as a warning (Vehtari et al. 2021 recommend 1.01). */
export const RHAT_MAX = 1.01;
/** An effective sample size below this is reported as a warning (Vehtari et al. 2021: 100 per chain, 4 chains). */
export const ESS_MIN = 400;

/**
 * The final log-likelihood runs in-process when rows × nodes × columns is at most this (about
 * 0.1 s of kernel work: starting a pool's threads costs more than it saves below it).
 */
export const IN_PROCESS_WORK = 2e7;

export type { HbChainState, HbSummary } from './result-types.js';

/** The key of an HB estimation whichever chains run it (the spec without workers, baseDir, hb.chain and the output files, and the data file), as hex. */
export function hbChainKey(p: Prepared): string {
  const { workers: _w, baseDir: _b, ...keyed } = p.spec; // the folder paths were resolved against: the paths themselves are in the spec
  const hb = keyed.hb as HbSpec;
  return checkpointKey({ ...keyed, hb: { ...hb, chain: null, draws: null, individuals: null } }, typeof p.spec.data.path === 'string' ? p.spec.data.path : null).toString('hex');
}

/** Start values: MNL estimates, on the latent scale for the transformed coefficients. */
async function startValues(p: Prepared, h: HbDesign, signal?: AbortSignal): Promise<HbStart> {
  const mnl = await mnlEstimates(p.data, h.model.K, signal);
  const { Kr, M } = h.model;
  const alpha = Float64Array.from(h.fixedColumns, (k) => (Number.isFinite(mnl[k]) ? mnl[k] : 0));
  const B = new Float64Array(M * Kr);
  for (let r = 0; r < Kr; r++) {
    if (!h.free[r]) continue;
    const b = Number.isFinite(mnl[h.randomColumns[r]]) ? mnl[h.randomColumns[r]] * h.model.sign[r] : 0;
    const link = h.model.link[r];
    B[r] = link === Link.exp ? Math.log(Math.max(b, 1e-3)) : link === Link.logistic ? Math.log(Math.min(0.99, Math.max(0.01, b)) / (1 - Math.min(0.99, Math.max(0.01, b)))) : b;
  }
  return { alpha, B };
}

/**
 * The checkpoint of an HB run (null without `options.checkpoint`): the state to resume from, if
 * the file holds one of this spec (workers left out: they change no number) and data, and the
 * function that saves the state (./checkpoint.ts).
 */
function hbCheckpoint(p: Prepared, h: HbDesign, hb: HbSpec, options: EstimateOptions): { resume: HbSnapshot | null; save: (s: HbSnapshot) => void } | null {
  const file = options.checkpoint;
  if (file === undefined) return null;
  const { spec, data, design } = p;
  if (typeof spec.data.path !== 'string') throw new SpecError('a checkpoint needs a data file (data.path), not in-memory columns', 'data');
  const { workers: _w, ...keyed } = spec;
  const key = checkpointKey(keyed, spec.data.path);
  const { Kf, Kr, M } = h.model;
  const D = Kf + (hb.locationMove ? h.free.slice(0, Kr).filter(Boolean).length : 0);
  const shape = snapshotShape(localChains(hb).C, data.nUnits, Kr, Kf, D, design.params.length, Math.floor(hb.iterations / hb.thin), M) + ` chain0 ${localChains(hb).chain0}`;
  return { resume: loadHbCheckpoint(file, key, shape), save: (s) => saveHbCheckpoint(file, key, shape, s) };
}

/** Estimates the prepared problem by hierarchical Bayes. */
export async function estimateHb(p: Prepared, options: EstimateOptions, t0: number): Promise<EstimationResult> {
  const { spec, design, data } = p;
  const hb = spec.hb as HbSpec;
  const h = hbDesign(spec, design, data);
  const workers = options.workers ?? spec.workers ?? undefined;
  const ck = hbCheckpoint(p, h, hb, options);
  if (ck?.resume) options.onResumeSweep?.(ck.resume.sweep, hb.burnIn + hb.iterations);
  let runner: HbRunner | null = null;
  let chains;
  try {
    // the pool's threads start up while the main thread fits the MNL start (not needed to resume)
    const { C, chain0 } = localChains(hb);
    runner = createHbRunner(data, { ...h.model, chains: C, chain0, seed: hb.seed }, { workers });
    const start = ck?.resume ? { alpha: new Float64Array(h.model.Kf), B: new Float64Array(h.model.M * h.model.Kr) } : await startValues(p, h, options.signal);
    chains = await runChains(h, hb, runner, data.nUnits, { unitChars: data.unitChars, nChars: data.charNames.length }, start, { signal: options.signal, onSweep: options.onSweep, resume: ck?.resume, save: ck?.save });
  } finally {
    await runner?.close();
  }
  return hbResult(p, options, chains, runner.workers, t0);
}

/**
 * The result of the chains (every chain of the spec, or with `hb.chain` the one run): posterior
 * summaries, diagnostics, the files asked for (not for one chain: `mxl hb combine` writes them)
 * and the log-likelihood at the posterior means.
 */
export async function hbResult(p: Prepared, options: EstimateOptions, chains: HbChains, nWorkers: number, t0: number): Promise<EstimationResult> {
  const { spec, design, data } = p;
  const hb = spec.hb as HbSpec;
  const h = hbDesign(spec, design, data);
  const P = design.params.length;
  const names = design.params.map((q) => q.name);
  const post = names.map((name, i) => summarize(name, column(chains.draws, P, i)));
  const means = post.map((s) => s.mean);
  const theta = Float64Array.from(means);
  const cov = posteriorCovariance(chains.draws, P, means);
  const blk = blockDraws(design, spec.model.correlated, chains.draws, P);
  const derived = blk.names.map((name, i) => summarize(name, column(blk.draws, blk.names.length, i)));
  if (hb.draws && hb.chain === null) writeDraws(hb.draws, names, chains.draws);
  if (hb.individuals && hb.chain === null) writeIndividuals(hb.individuals, data, h.randomNames, chains.individualMean, chains.individualSd);
  // the simulated log-likelihood at the posterior means, as MSL would compute it there (the same
  // value for any number of workers; a small evaluation runs in-process, sparing the threads' start)
  const small = data.nRows * (p.rule?.size ?? 1) * Math.max(1, data.nVars) <= IN_PROCESS_WORK;
  const engine = engineFor(p, small ? 1 : options.workers, options.engineFactory);
  let ll: number, grad: number[];
  try {
    const ev = await engine.evaluate(theta, options.signal);
    ll = ev.ll;
    grad = Array.from(ev.grad);
  } finally {
    await engine.close();
  }
  const badR = post.filter((s) => !(s.rhat <= RHAT_MAX)).map((s) => `${s.name} ${s.rhat.toFixed(3)}`);
  const badE = post.filter((s) => !(s.ess >= ESS_MIN)).map((s) => `${s.name} ${Math.round(s.ess)}`);
  const notes = [
    `Estimator: hierarchical Bayes (Allenby and Rossi 1998; Train 2009, ch. 12): ${hb.chain === null ? `${hb.chains} chain${hb.chains === 1 ? '' : 's'}` : `chain ${hb.chain} of ${hb.chains} (combine the chains' results with mxl hb combine)`} of ${hb.burnIn} burn-in and ${hb.iterations} kept sweeps (thinned by ${hb.thin}); estimates are posterior means, standard errors posterior standard deviations, z = mean/sd, p the two-sided posterior tail probability 2 min(Pr(>0), Pr(<0)); 95% credible intervals, split R-hat and ESS in "hb". The log-likelihood is the simulated one at the posterior means.`,
  ];
  if (badR.length) notes.push(`Warning: split R-hat above ${RHAT_MAX} (the chains disagree; run longer): ${badR.join(', ')}.`);
  if (badE.length) notes.push(`Warning: effective sample size below ${ESS_MIN} (run longer or thin less): ${badE.join(', ')}.`);
  const seconds = (performance.now() - t0) / 1000;
  const null0 = nullLogLik(data);
  const nObs = data.nSituations;
  const sweeps = hb.burnIn + hb.iterations;
  const summary: HbSummary = {
    iterations: hb.iterations, burnIn: hb.burnIn, thin: hb.thin, chains: hb.chains, seed: hb.seed, kept: chains.kept, prior: hb.prior,
    acceptance: chains.acceptance, fixedAcceptance: chains.fixedAcceptance,
    rhat: Object.fromEntries(post.map((s) => [s.name, s.rhat])),
    ess: Object.fromEntries(post.map((s) => [s.name, s.ess])),
    parameters: [...post, ...derived],
    trace: hbTrace(chains.draws, P, names),
    histograms: names.map((n, i) => hbHistogram(chains.draws, P, i, n)),
    drawsFile: hb.chain === null ? hb.draws : null, individualsFile: hb.chain === null ? hb.individuals : null,
  };
  if (hb.chain !== null) {
    summary.chain = hb.chain;
    summary.chainState = {
      key: hbChainKey(p), draws: Array.from(chains.draws[0]), sum: Array.from(chains.sum[0]), sumSq: Array.from(chains.sumSq[0]), rho: chains.rho[0], start: Array.from(chains.start),
    };
  }
  const ok = badR.length === 0 && badE.length === 0;
  return {
    mxl: VERSION,
    loglik: ll, nullLoglik: null0, rho2: 1 - ll / null0,
    aic: -2 * ll + 2 * P, bic: -2 * ll + P * Math.log(nObs),
    converged: ok,
    termination: 'sampled',
    message: `${chains.draws.length} × ${chains.kept} draws; max split R-hat ${Math.max(...post.map((s) => s.rhat)).toFixed(3)}, min ESS ${Math.round(Math.min(...post.map((s) => s.ess)))}; acceptance ${chains.acceptance.map((a) => a.toFixed(2)).join(', ')}`,
    iterations: sweeps,
    functionEvaluations: sweeps * chains.draws.length,
    seconds,
    timings: { loadSeconds: p.loadSeconds, estimateSeconds: seconds, totalSeconds: p.loadSeconds + seconds },
    se: 'posterior-sd',
    seWarning: ok ? null : 'the chains have not converged by the split R-hat / ESS rule; posterior means and sds are unreliable',
    parameters: post.map((s, i) => {
      const q = design.params[i];
      return { name: s.name, estimate: s.mean, se: s.sd, z: s.mean / s.sd, p: s.tail, kind: q.kind, coefficient: q.coefficient, dist: q.dist };
    }),
    gradient: grad,
    covariance: Array.from({ length: P }, (_, i) => Array.from(cov.subarray(i * P, (i + 1) * P))),
    startValues: Object.fromEntries(names.map((n, i) => [n, chains.start[i]])),
    raw: Object.fromEntries(names.map((n, i) => [n, means[i]])),
    sample: { file: spec.data.path ?? 'data.columns', individuals: p.individuals, situations: nObs, rows: data.nRows, units: data.nUnits, panel: spec.model.panel },
    integration: { rule: p.rule?.name ?? 'none', nodes: p.rule?.size ?? 1, description: p.rule ? p.rule.toString() : 'no random coefficients' }, // as MSL writes it, so that predict accepts the result (the rule serves the log-likelihood at the posterior means and predictions)
    workers: nWorkers,
    notes,
    derived: derived.map((d) => ({ name: d.name, estimate: d.mean, se: d.sd })),
    starts: [],
    optima: [],
    distributions: impliedDistributions(design, theta, cov),
    attempts: [],
    reflections: [],
    history: [],
    hb: summary,
  };
}
