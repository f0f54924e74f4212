/**
 * The hierarchical Bayes lines of the results table: each parameter's 95%
 * credible interval, split R-hat and ESS, and the sampler's settings.
 */
import { fmt } from '../format-number.js';
import type { HbSummary } from './result-types.js';

/** The credible-interval table and the sampler line. */
export function formatHb(hb: HbSummary, nameW: number): string {
  const head = 'posterior'.padEnd(nameW) + 'mean'.padStart(13) + 'sd'.padStart(12) + '2.5%'.padStart(12) + '97.5%'.padStart(12) + 'R-hat'.padStart(8) + 'ESS'.padStart(8);
  const lines = [head];
  for (const s of hb.parameters) {
    lines.push(s.name.padEnd(nameW) + fmt(s.mean, 13, 6) + fmt(s.sd, 12, 6) + fmt(s.lower, 12, 5) + fmt(s.upper, 12, 5) + fmt(s.rhat, 8, 3) + fmt(Math.round(s.ess), 8, 0));
  }
  lines.push('-'.repeat(head.length));
  const acc = hb.acceptance.map((a) => a.toFixed(2)).join(', ');
  const fixed = hb.fixedAcceptance ? `; location move's acceptance ${hb.fixedAcceptance.map((a) => a.toFixed(2)).join(', ')}` : '';
  lines.push(`hierarchical Bayes: ${hb.chains} chain${hb.chains === 1 ? '' : 's'} × (${hb.burnIn} burn-in + ${hb.iterations} sweeps, thin ${hb.thin}) = ${hb.chains * hb.kept} draws; seed ${hb.seed}; acceptance ${acc}${fixed}`);
  return lines.join('\n');
}
