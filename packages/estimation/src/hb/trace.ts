/**
 * What a hierarchical Bayes result keeps of its draws for plots (`mxl report`'s HB section):
 * a thinned trace of every population parameter per chain (at most {@link TRACE_POINTS} points
 * per chain: every kept draw up to that, else every k-th), and the posterior histogram of each
 * parameter over every kept draw of every chain ({@link HISTOGRAM_BINS} equal bins between the
 * smallest and largest draw). The draws themselves go to `hb.draws` (CSV) on request.
 */

/** Points per chain and parameter in the trace. */
export const TRACE_POINTS = 400;
/** Bins of each posterior histogram. */
export const HISTOGRAM_BINS = 40;

/** `hb.trace`: chains[c][i] is parameter i's trace in chain c (every `every`-th kept draw, from the first). */
export interface HbTrace {
  names: string[];
  every: number;
  chains: number[][][];
}

/** One posterior histogram: `counts[b]` draws in [lo + b·w, lo + (b + 1)·w), w = (hi − lo)/bins (the last bin closed). */
export interface HbHistogram {
  name: string;
  lo: number;
  hi: number;
  counts: number[];
}

/** The trace of the P parameters from the chains' kept draws (row-major, kept × P). */
export function hbTrace(draws: readonly Float64Array[], P: number, names: readonly string[]): HbTrace {
  const kept = draws.length ? draws[0].length / P : 0;
  const every = Math.max(1, Math.ceil(kept / TRACE_POINTS));
  const chains = draws.map((d) => names.map((_, i) => {
    const out: number[] = [];
    for (let r = 0; r < kept; r += every) out.push(d[r * P + i]);
    return out;
  }));
  return { names: [...names], every, chains };
}

/** The posterior histogram of parameter i over every chain's kept draws. */
export function hbHistogram(draws: readonly Float64Array[], P: number, i: number, name: string, bins = HISTOGRAM_BINS): HbHistogram {
  let lo = Infinity, hi = -Infinity;
  for (const d of draws) for (let r = i; r < d.length; r += P) { const v = d[r]; if (v < lo) lo = v; if (v > hi) hi = v; }
  const counts = new Array<number>(bins).fill(0);
  if (!(hi >= lo)) return { name, lo: NaN, hi: NaN, counts };
  const w = (hi - lo) / bins;
  for (const d of draws) for (let r = i; r < d.length; r += P) counts[w > 0 ? Math.min(bins - 1, Math.floor((d[r] - lo) / w)) : 0]++;
  return { name, lo, hi, counts };
}
