/**
 * The posterior draws `mxl predict --se --ci posterior` evaluates its statistics at: from a
 * hierarchical Bayes result's thinned trace (`hb.trace`, chains[c][i] the draws of parameter
 * names[i] in chain c), `reps` of them spaced evenly over every chain's kept draws, each as a
 * raw parameter vector in the model's parameter order.
 */
import { CliError } from '../errors.js';

/** What this reads of a result. */
interface WithTrace {
  hb?: { trace?: { names: string[]; chains: number[][][] } };
}

/** Up to `reps` posterior draws of the parameters `names` (in that order). */
export function posteriorDraws(result: WithTrace, names: readonly string[], reps: number): Float64Array[] {
  const t = result.hb?.trace;
  if (!t) throw new CliError('--ci posterior needs a hierarchical Bayes result with its draws ("hb.trace": estimator "hb", estimated by this version of mxl)');
  const idx = names.map((n) => {
    const i = t.names.indexOf(n);
    if (i < 0) throw new CliError(`the result's posterior draws have no parameter ${n}`);
    return i;
  });
  // every (chain, point) pair in order, then an even subset
  const all: [number, number][] = [];
  t.chains.forEach((ch, c) => { for (let r = 0; r < (ch[0]?.length ?? 0); r++) all.push([c, r]); });
  const n = Math.min(reps, all.length);
  if (n < 2) throw new CliError('--ci posterior needs at least 2 posterior draws');
  return Array.from({ length: n }, (_, k) => {
    const [c, r] = all[Math.floor((k * all.length) / n)];
    return Float64Array.from(idx, (i) => t.chains[c][i][r]);
  });
}
