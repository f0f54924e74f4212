import { createRule, nodesForFirstUnit } from '@mxl/integration';
import { CliError } from '../errors.js';

/** `mxl nodes --rule NAME --dim D (--level K | --draws R) [--seed S] [--scramble ...] --json` */
export function nodesCommand(o: { rule: string; dim: string; level?: string; draws?: string; seed?: string; scramble?: string; discard?: string; antithetic?: boolean; json?: boolean }): void {
  const dim = Number(o.dim);
  if (!Number.isInteger(dim) || dim < 1) throw new CliError(`--dim must be a positive integer; received ${JSON.stringify(o.dim)}`);
  const cfg: Record<string, unknown> = { rule: o.rule };
  for (const k of ['level', 'draws', 'seed', 'discard'] as const) {
    const v = o[k];
    if (v !== undefined) {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new CliError(`--${k} must be a number; received ${JSON.stringify(v)}`);
      cfg[k] = n;
    }
  }
  if (o.scramble !== undefined) cfg.scramble = o.scramble;
  if (o.antithetic) cfg.antithetic = true;
  let rule;
  try {
    rule = createRule(cfg as Parameters<typeof createRule>[0], dim);
  } catch (e) {
    // the rule's errors name spec keys (integration.draws); here they are flags (--draws)
    const err = e as Error;
    err.message = err.message.replace(/\bintegration\.(\w+)/g, (_, k: string) => `--${k}`).replace(/; received undefined$/, '; none was given');
    throw err;
  }
  const { nodes, weights } = nodesForFirstUnit(rule);
  if (o.json) {
    process.stdout.write(JSON.stringify({ rule: rule.toJSON(), nodes, weights }) + '\n');
    return;
  }
  process.stdout.write(`${rule.toString()}: ${nodes.length} nodes in ${dim} dimensions\n`);
  nodes.forEach((z, i) => process.stdout.write(`${z.map((v) => v.toFixed(6).padStart(11)).join(' ')}  ${weights[i].toExponential(6)}\n`));
}
