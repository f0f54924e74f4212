/**
 * The report's "Hierarchical Bayes" section for a result of estimator "hb": the sampler's
 * settings and acceptance rates, each parameter's posterior summary with its split R-hat and ESS
 * (flagged beyond R-hat 1.01 and below ESS 400, the thresholds of Vehtari et al. 2021 that the
 * estimation warns at), and the trace and posterior density charts of ./hb-charts.ts (their
 * figures given, already rendered). Empty without result.hb.
 *
 * @packageDocumentation
 */
import { esc, num } from './format.js';
import type { ReportResult } from './types.js';

/** R-hat above, or ESS below, is flagged (the estimation's own warning thresholds). */
const RHAT_MAX = 1.01, ESS_MIN = 400;

/** The section's HTML; `figures` are the rendered HB charts. */
export function hbSection(r: ReportResult, figures: string): string {
  const hb = r.hb;
  if (!hb) return '';
  const settings = `${hb.chains ?? '?'} chain${hb.chains === 1 ? '' : 's'} of ${hb.burnIn ?? '?'} burn-in and ${hb.iterations ?? '?'} kept sweeps (thinned by ${hb.thin ?? 1}: ${hb.kept ?? '?'} draws per chain)` +
    (hb.acceptance?.length ? `; acceptance of the individuals' steps ${hb.acceptance.map((a) => a.toFixed(2)).join(', ')}` : '');
  const flag = (bad: boolean, s: string) => (bad ? `<strong class="bad">${s}</strong>` : s);
  const rows = (hb.parameters ?? []).map((p) => `<tr><th scope="row">${esc(p.name)}</th><td>${num(p.mean)}</td><td>${num(p.sd)}</td><td>${num(p.lower)}</td><td>${num(p.upper)}</td>` +
    `<td>${p.rhat === undefined ? 'NA' : flag(!(p.rhat <= RHAT_MAX), p.rhat.toFixed(3))}</td><td>${p.ess === undefined ? 'NA' : flag(!(p.ess >= ESS_MIN), String(Math.round(p.ess)))}</td></tr>`).join('');
  const table = rows ? `<table class="num"><thead><tr><th>parameter</th><th>mean</th><th>sd</th><th>2.5%</th><th>97.5%</th><th>split R-hat</th><th>ESS</th></tr></thead><tbody>${rows}</tbody></table>` : '';
  const plots = figures ? `<h3>Traces and posterior densities</h3><div class="grid">${figures}</div>` : '<p class="notes">The result keeps no trace of the draws (it was written by an older version of mxl): no trace plot.</p>';
  return `<section id="hb"><h2>Hierarchical Bayes</h2><p class="notes">${esc(settings)}. R-hat above ${RHAT_MAX} or ESS below ${ESS_MIN} in bold: run longer.</p>${table}${plots}</section>`;
}
