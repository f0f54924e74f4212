/**
 * Estimator accuracy and cost: full estimations over replications (new data set and new
 * scrambling seed each) for the main rules at a few node counts, against the true values and
 * against the estimate of an accurate rule on the same data set.
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import { rmSync } from 'node:fs';
import { checkIntegration, estimate, prepare, type EstimationResult, type Prepared } from '@mxl/estimation';
import { createRule, type RuleConfig } from '@mxl/integration';
import { simulatePanel } from './dgp.js';
import { levelNear, variant } from './rules.js';
import { mean, rms, sd, type Row } from './table.js';

/** One rule at one size in the estimator study. */
export interface EstimatorRule {
  label: string;
  level: number | null;
  /** Nodes per individual. */
  nodes: number;
  config(seed: number): RuleConfig;
}

/**
 * The rules of the estimator study in d dimensions: each simulation rule at each draw count,
 * each quadrature rule at the level whose node count is nearest each target (product rules only
 * up to `productMaxDim`).
 */
export function estimatorRules(labels: string[], dim: number, targets: number[], productMaxDim: number): EstimatorRule[] {
  const out: EstimatorRule[] = [];
  for (const label of labels) {
    const v = variant(label);
    if (!v.quadrature) {
      for (const draws of targets) out.push({ label, level: null, nodes: draws, config: (seed) => v.config(draws, seed) });
      continue;
    }
    if (label === 'product' && dim > productMaxDim) continue;
    const seen = new Set<number>();
    for (const target of targets) {
      const q = levelNear(label, dim, target);
      if (!q || seen.has(q.level)) continue;
      seen.add(q.level);
      out.push({ label, level: q.level, nodes: q.nodes, config: () => v.config(q.level, 0) });
    }
  }
  return out;
}

/** The outcome of one estimation. */
interface Outcome {
  estimates: Record<string, number> | null;
  seconds: number;
  evaluations: number;
  termination: string;
  failed: boolean;
}

/** Runs one estimation of a prepared data set with another rule; never throws. */
export async function runEstimation(p: Prepared, config: RuleConfig, dim: number): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const rule = createRule(config, dim);
    const q: Prepared = { ...p, rule, spec: { ...p.spec, integration: checkIntegration(config) } };
    const r: EstimationResult = await estimate(q, null, { workers: 1 });
    const estimates = Object.fromEntries(r.parameters.map((x) => [x.name, x.estimate]));
    const finite = Object.values(estimates).every(Number.isFinite);
    return { estimates, seconds: r.seconds, evaluations: r.functionEvaluations, termination: r.termination, failed: !r.converged || !finite };
  } catch (e) {
    return { estimates: null, seconds: (performance.now() - t0) / 1000, evaluations: 0, termination: `error: ${(e as Error).message.slice(0, 120)}`, failed: true };
  }
}

/** Settings of the estimator study. */
export interface EstimatorOptions {
  dims: number[];
  replications: number;
  individuals: number;
  situations: number;
  alternatives: number;
  rules: string[];
  /** Node counts the rules are compared at. */
  targets: number[];
  /** The accurate rule the integration error is measured against (simulation rule config without seed). */
  exact: RuleConfig;
  productMaxDim: number;
  /** Folder for the simulated data sets. */
  work: string;
}

/**
 * The estimator study.
 *
 * @returns estimator rows (per parameter and `(all)`) for every dimension, rule and size
 */
export async function estimatorStudy(o: EstimatorOptions, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dim of o.dims) {
    const rules = estimatorRules(o.rules, dim, o.targets, o.productMaxDim);
    const outcomes: Outcome[][] = rules.map(() => []);
    const exact: Outcome[] = [];
    let truth: Record<string, number> = {};
    for (let rep = 0; rep < o.replications; rep++) {
      const t0 = performance.now();
      const dir = path.join(o.work, `estimator-d${dim}-rep${rep}`);
      const sim = simulatePanel(dir, { dim, individuals: o.individuals, situations: o.situations, alternatives: o.alternatives, seed: 50_000 + 100 * dim + rep });
      truth = sim.truth;
      const p = await prepare(sim.spec, sim.specFile);
      const seed = 7000 + rep;
      exact.push(await runEstimation(p, { ...o.exact, seed }, dim));
      for (let i = 0; i < rules.length; i++) (outcomes[i] as Outcome[]).push(await runEstimation(p, (rules[i] as EstimatorRule).config(seed), dim));
      rmSync(dir, { recursive: true, force: true });
      const bad = outcomes.reduce((t, oc) => t + (oc[rep]?.failed ? 1 : 0), 0);
      log(`  estimator d=${dim} replication ${rep + 1}/${o.replications}: ${rules.length + 1} estimations, ${bad} failed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const names = Object.keys(truth);
    const exactRule = { label: `${String(o.exact.rule)}${o.exact.scramble ? `-${String(o.exact.scramble)}` : ''}`, level: null, nodes: Number(o.exact.draws) };
    const all: { r: { label: string; level: number | null; nodes: number }; oc: Outcome[]; isExact: boolean }[] = [
      ...rules.map((r, i) => ({ r, oc: outcomes[i] as Outcome[], isExact: false })),
      { r: exactRule, oc: exact, isExact: true },
    ];
    for (const { r, oc, isExact } of all) {
      const ok = oc.map((x, i) => ({ x, e: exact[i] as Outcome })).filter(({ x }) => !x.failed && x.estimates);
      const failed = oc.length - ok.length;
      const terms = [...new Set(oc.filter((x) => x.failed).map((x) => x.termination))].join('; ');
      const base: Row = {
        experiment: 'estimator', dataset: `sim-d${dim}`, dim, rule: r.label, level: r.level, nodes: r.nodes, reps: oc.length,
        failed, seconds: mean(oc.map((x) => x.seconds)), evaluations: mean(oc.map((x) => x.evaluations)),
        note: (isExact ? 'accurate rule (rmse_exact is measured against it)' : '') + (terms ? `${isExact ? '; ' : ''}failures: ${terms}` : ''),
      };
      const sqT: number[] = [];
      const sqE: number[] = [];
      for (const name of names) {
        const est = ok.map(({ x }) => (x.estimates as Record<string, number>)[name] as number);
        const t = truth[name] as number;
        const dT = est.map((v) => v - t);
        const dE = ok.filter(({ e }) => !e.failed && e.estimates).map(({ x, e }) => ((x.estimates as Record<string, number>)[name] as number) - ((e.estimates as Record<string, number>)[name] as number));
        sqT.push(...dT.map((v) => v * v));
        sqE.push(...dE.map((v) => v * v));
        rows.push({ ...base, param: name, value: mean(est), reference: t, error: rms(dT), bias: mean(dT), sd: sd(est), rmse_exact: isExact ? null : rms(dE) });
      }
      rows.push({ ...base, param: '(all)', error: Math.sqrt(mean(sqT)), rmse_exact: isExact ? null : Math.sqrt(mean(sqE)) });
    }
  }
  return rows;
}
