/**
 * Point predictions integrated over a hierarchical Bayes posterior (Train 2009, sec. 12.4;
 * Rossi, Allenby and McCulloch 2005, sec. 3.3): a statistic's posterior mean is estimated by its
 * average over posterior draws of the population parameters, E[g(theta) | data] ≈ (1/R) Σ_r
 * g(theta_r), rather than g at the posterior mean of theta (the two differ wherever g is not
 * linear: shares, elasticities, WTP quantiles). The average runs over the draws in their order
 * (Σ from 0, then / R), so it is the same for any number of workers that computed the g(theta_r).
 */

/**
 * The average of reports of the same shape, number by number: numbers (at any depth of arrays
 * and objects) are averaged over the reports; a number equal in every report (an observed share)
 * is kept as it is; anything else (labels, notes) is taken from the first report.
 */
export function averageReports<T>(reports: readonly T[]): T {
  if (reports.length === 0) throw new Error('internal: no reports to average');
  return average(reports as readonly unknown[]) as T;
}

function average(xs: readonly unknown[]): unknown {
  const first = xs[0];
  if (typeof first === 'number') {
    if (xs.every((x) => Object.is(x, first))) return first;
    let s = 0;
    for (const x of xs) s += x as number;
    return s / xs.length;
  }
  if (Array.isArray(first)) return first.map((_, i) => average(xs.map((x) => (x as unknown[])[i])));
  if (first !== null && typeof first === 'object' && !ArrayBuffer.isView(first)) {
    return Object.fromEntries(Object.keys(first).map((k) => [k, average(xs.map((x) => (x as Record<string, unknown>)[k]))]));
  }
  return first;
}

/** The average over draws of flat values (values[r][i] at draw r), in draw order. */
export function averageValues(values: readonly Float64Array[]): Float64Array {
  const n = values[0]?.length ?? 0, out = new Float64Array(n);
  for (const v of values) for (let i = 0; i < n; i++) out[i] += v[i];
  for (let i = 0; i < n; i++) out[i] /= values.length;
  return out;
}
