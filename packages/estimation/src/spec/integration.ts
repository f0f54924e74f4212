/**
 * The spec's `integration` section: the rule and its options. Every key and
 * value that does not depend on the number of random dimensions is checked
 * here (by building the rule in one dimension); the rule itself is built in
 * `prepare`, once the model says how many dimensions it integrates over.
 */
import { createRule, RULE_NAMES, RULE_OPTIONS, SEED_USERS, seedIgnoredBecause, type RuleConfig, type RuleName } from '@mxl/integration';
import { didYouMean, SpecError, show } from '../errors.js';
import { isObject } from './check.js';

/** The integration section after checking (as written, with the default rule filled in). */
export type IntegrationSpec = Pick<RuleConfig, 'draws' | 'level' | 'seed' | 'discard' | 'scramble' | 'antithetic'> & { rule: RuleName };

/** Every option of some rule (an option of another rule than the one named gets the rule's own message). */
const ALL_OPTIONS = ['rule', ...new Set(Object.values(RULE_OPTIONS).flat())];

/** Checks `integration` (absent: Halton with 100 draws). */
export function checkIntegration(raw: unknown): IntegrationSpec {
  const integ = raw === undefined ? { rule: 'halton', draws: 100 } : raw;
  if (!isObject(integ)) throw new SpecError(`integration must be an object like { "rule": "halton", "draws": 100 }; received ${show(integ)}`, 'integration');
  const integration: Record<string, unknown> = { rule: 'halton', ...integ };
  const rule = integration.rule;
  if (typeof rule !== 'string') throw new SpecError(`integration.rule must be a rule name; received ${show(rule)}`, 'integration.rule');
  if (!(RULE_NAMES as readonly string[]).includes(rule)) {
    throw new SpecError(`integration.rule must be one of ${RULE_NAMES.join(', ')}; received ${show(rule)}${didYouMean(rule, RULE_NAMES)}`, 'integration.rule');
  }
  for (const k of Object.keys(integration)) {
    if (!ALL_OPTIONS.includes(k)) throw new SpecError(`unknown option "integration.${k}"${didYouMean(k, ALL_OPTIONS)}; rule ${rule} takes ${RULE_OPTIONS[rule as RuleName].join(', ')}`, `integration.${k}`);
  }
  checkValues(integration);
  checkSeedUsed(integration);
  return integration;
}

/**
 * A seed the rule ignores is an error, not a silent no-op: a user who sets it expects other
 * draws (Monte Carlo replications, a check of simulation noise) and would get the same fit.
 */
function checkSeedUsed(integration: IntegrationSpec): void {
  if (integration.seed === undefined) return;
  const why = seedIgnoredBecause(integration);
  if (why) throw new SpecError(`integration.seed has no effect: ${why}; ${SEED_USERS}, or remove integration.seed`, 'integration.seed');
}

/** The values, by the rule's own checks (in one dimension; the dimension-dependent limits are checked in prepare). */
function checkValues(integration: Record<string, unknown>): asserts integration is Record<string, unknown> & IntegrationSpec {
  try {
    createRule({ ...integration, rule: String(integration.rule) }, 1);
  } catch (e) {
    throw new SpecError((e as Error).message, 'integration');
  }
}
