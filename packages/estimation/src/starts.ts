/**
 * Starting values: multinomial logit estimates for the means, small spreads,
 * and seeded perturbations of them for a multistart.
 */
import { compilePlan, Link, type ChoiceData, type CoefficientSpec } from '@mxl/core';
import { createEngine } from '@mxl/engine';
import { minimize } from '@mxl/optim';
import normalFactory from '@stdlib/random-base-normal';
import type { ModelDesign } from './model.js';
import type { Prepared } from './prepare.js';
import { negLogLik, NO_NODES } from './problem.js';
import { perturbedGamma, scaleStart, startCoefficients } from './scale-model.js';

/**
 * Multinomial logit estimates of every coefficient (all fixed), the default
 * start for the means of a mixed logit.
 */
export async function mnlEstimates(data: ChoiceData, K: number, signal?: AbortSignal): Promise<Float64Array> {
  const coefs: CoefficientSpec[] = Array.from({ length: K }, (_, k) => ({ mean: k, link: Link.identity }));
  const engine = createEngine(data, compilePlan(coefs, K, []), NO_NODES, { workers: 1 });
  try {
    const r = await minimize(negLogLik(engine, signal), new Float64Array(K), { method: 'bfgs', gtol: 1e-8, maxIter: 500 });
    return r.x;
  } finally {
    await engine.close();
  }
}

/**
 * Default start: MNL means (log of the magnitude for lognormals), 0.1 for
 * spreads and diagonal Cholesky elements, 0 otherwise. Latent classes start
 * spread around the MNL estimates (class c shifted by (c - (C+1)/2)/C times
 * the coefficient's magnitude), so that classes differ from the first step.
 * In WTP space the MNL is reparameterized (ω = β / −α, λ = −α; see
 * ./scale-model.ts), so a WTP-space MNL starts at its optimum.
 */
export async function defaultStart(p: Prepared, signal?: AbortSignal): Promise<Float64Array> {
  const { design } = p;
  const K = design.columns.length;
  const mnl = startCoefficients(design, await mnlEstimates(p.data, K, signal));
  const theta = new Float64Array(design.params.length);
  const C = design.classes;
  design.params.forEach((info, i) => {
    const k = design.columns.findIndex((c) => c.name === info.coefficient);
    let b = k >= 0 && Number.isFinite(mnl[k]) ? mnl[k] : 0;
    if (C > 1 && info.cls > 0) b += ((info.cls - (C + 1) / 2) / C) * Math.max(Math.abs(b), 0.1);
    if (info.kind === 'mean') {
      const sign = design.random.find((r) => r.column === info.coefficient)?.sign ?? 1;
      if (info.dist === 'lognormal') theta[i] = Math.log(Math.max(Math.abs(b), 1e-3));
      else if (info.dist === 'sb') { const q = Math.min(0.99, Math.max(0.01, sign * b)); theta[i] = Math.log(q / (1 - q)); }
      else theta[i] = b;
    } else if (info.kind === 'sd') theta[i] = 0.1;
    else if (info.kind === 'chol') theta[i] = info.row === info.col ? 0.1 : 0;
    else theta[i] = 0;
  });
  scaleStart(design, theta);
  return theta;
}

/**
 * Further starting points for multistart: the default start with location
 * and membership parameters perturbed by seeded normal noise of scale
 * 0.5·max(|value|, 0.2) (spreads are kept positive; G-MNL's logit γ
 * alternates between 1.5 and −1.5, see ./scale-model.ts).
 */
export function perturbedStarts(design: ModelDesign, theta0: Float64Array, count: number, seed: number): Float64Array[] {
  const rnd = normalFactory.factory({ seed });
  const out: Float64Array[] = [];
  for (let s = 0; s < count; s++) {
    const t = Float64Array.from(theta0);
    design.params.forEach((q, i) => {
      const scale = 0.5 * Math.max(Math.abs(t[i]), 0.2);
      const gamma = perturbedGamma(design, q.name, s);
      if (gamma !== null) t[i] = gamma;
      else if (q.kind === 'sd') t[i] = Math.abs(t[i] + 0.5 * t[i] * rnd(0, 1));
      else if (q.kind !== 'chol') t[i] += scale * rnd(0, 1);
    });
    out.push(t);
  }
  return out;
}

