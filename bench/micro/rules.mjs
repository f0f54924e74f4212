/**
 * Each integration rule's points per second: `fill` of one unit's nodes in
 * D dimensions (simulation rules: 1000 draws; quadrature rules at a level of
 * about a thousand nodes), units in turn.
 */
import { createRule } from '@mxl/integration';

export const D = 5;

export const RULES = [
  { label: 'pseudo', config: { rule: 'pseudo', draws: 1000 } },
  { label: 'halton', config: { rule: 'halton', draws: 1000 } },
  { label: 'halton-owen', config: { rule: 'halton', draws: 1000, scramble: 'owen' } },
  { label: 'halton-shuffle', config: { rule: 'halton', draws: 1000, scramble: 'shuffle' } },
  { label: 'mlhs', config: { rule: 'mlhs', draws: 1000 } },
  { label: 'sobol', config: { rule: 'sobol', draws: 1000 } },
  { label: 'sobol-owen', config: { rule: 'sobol', draws: 1000, scramble: 'owen' } },
  { label: 'product', config: { rule: 'product', level: 4 } },
  { label: 'sparse-gqn', config: { rule: 'sparse-gqn', level: 5 } },
  { label: 'sparse-kpn', config: { rule: 'sparse-kpn', level: 5 } },
];

export function ruleCase({ label, config }) {
  const rule = createRule(config, D);
  const out = new Float64Array(rule.size * D);
  let unit = 0;
  return {
    name: `${label} (${rule.size} x ${D})`,
    info: { rule: label, config, dim: D, size: rule.size },
    unit: 'point',
    work: rule.size,
    fn: () => { rule.fill(unit++ % 10000, out); },
  };
}
