/**
 * Reports from the accumulators of ./passes.ts: shares with the fit of the
 * predictions, share derivatives (for elasticities and marginal diversion, see
 * ./effects.ts) and diversion ratios of discrete interventions and removals.
 * One group's block in, one report out.
 */
import { blockLength, type PassKind } from './passes.js';

/** A square table over the reported alternatives (rows and columns as `alternatives`). */
export interface AltMatrix {
  alternatives: string[];
  /** values[i][j]; NaN where undefined (e.g. an alternative the variable does not enter). */
  values: number[][];
}

/** Share derivatives and elasticity numerators of one variable. */
export interface VariableEffects {
  alternatives: string[];
  /** Unit-weighted sums of Pbar_j (the share denominators, times the total weight). */
  share: number[];
  /** dS[j][l], see ./effects.ts. */
  dS: number[][];
  /** xdS[j][l]. */
  xdS: number[][];
}

/** Predicted and observed shares by alternative, and how well the predictions fit the choices made. */
export interface SharesReport {
  alternatives: string[];
  predicted: number[];
  observed: number[];
  /** Weighted mean over situations of the predicted probability of the chosen alternative. */
  chosenProbability: number;
  /** Weighted share of situations whose chosen alternative is the most probable one. */
  hitRate: number;
  /** Total weight (situations, times unit weights). */
  weight: number;
}

/** The block of group g (of G) of an accumulator. */
export function groupBlock(acc: Float64Array, kind: PassKind['kind'], n: number, g: number): Float64Array {
  const B = blockLength(kind, n);
  return acc.subarray(g * B, (g + 1) * B);
}

/** The sum of all groups' blocks (the whole sample), in group order. */
export function sampleBlock(acc: Float64Array, kind: PassKind['kind'], n: number): Float64Array {
  const B = blockLength(kind, n);
  const out = new Float64Array(B);
  for (let o = 0; o < acc.length; o += B) for (let i = 0; i < B; i++) out[i] += acc[o + i];
  return out;
}

/** Shares from a `shares` block. */
export function sharesReport(b: Float64Array, alternatives: string[]): SharesReport {
  const n = alternatives.length, W = b[0];
  return {
    alternatives,
    predicted: Array.from(b.subarray(1, 1 + n), (x) => x / W),
    observed: Array.from(b.subarray(1 + n, 1 + 2 * n), (x) => x / W),
    chosenProbability: b[1 + 2 * n] / W,
    hitRate: b[2 + 2 * n] / W,
    weight: W,
  };
}

/** Share derivatives from an `effects` block. */
export function effectsReport(b: Float64Array, alternatives: string[]): VariableEffects {
  const n = alternatives.length;
  const rows = (o: number) => Array.from({ length: n }, (_, j) => Array.from(b.subarray(o + j * n, o + (j + 1) * n)));
  return { alternatives, share: Array.from(b.subarray(0, n)), dS: rows(n), xdS: rows(n + n * n) };
}

/** Diversion ratios D[l][j] = num[l][j] / den[l] from a `shift` or `removal` block (NaN on the diagonal and where l never changes). */
export function diversionReport(b: Float64Array, alternatives: string[]): AltMatrix {
  const n = alternatives.length;
  const values = Array.from({ length: n }, (_, l) => {
    const den = b[n * n + l];
    return Array.from({ length: n }, (_, j) => (j === l || den === 0 ? NaN : b[l * n + j] / den));
  });
  return { alternatives, values };
}
