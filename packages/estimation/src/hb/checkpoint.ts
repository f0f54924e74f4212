/**
 * Checkpoints of the hierarchical Bayes sampler (`mxl estimate --checkpoint F` with estimator
 * "hb"). Unlike a fit's log of objective answers (../checkpoint.ts), a chain is resumed from its
 * full state: the sweeps done, every chain's beta_n, log L_n, alpha, B, W, step sizes, location
 * move proposal and burn-in history, acceptance counters, the individuals' running sums, the
 * proposals' information matrices and the draws kept so far ({@link HbSnapshot}). Every random
 * number is addressed by (seed, chain, individual or main thread, sweep), so a run resumed from
 * the state after sweep s draws exactly what the uninterrupted run drew from sweep s on: the
 * result is identical, to the bit, for any number of workers on either side of the break.
 *
 * File: `MXLHBCK1`, the 32-byte key of ../checkpoint.ts (the spec without `workers`, and the
 * data file's bytes), a u32 length and a JSON header (sweeps done, draws kept, a shape string,
 * and the name and length of each array), padding to 8 bytes, then the arrays as float64. It is
 * written to a temporary file and renamed, so a kill at any moment leaves the previous
 * checkpoint or the new one, whole. A file of another spec, data or shape is not resumed: the
 * run starts afresh and overwrites it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const MAGIC = 'MXLHBCK1';

/** The sampler's full state after `sweep` sweeps (arrays per chain where named so). */
export interface HbSnapshot {
  /** Sweeps done (burn-in included). */
  sweep: number;
  /** Draws kept so far per chain. */
  k0: number;
  /** Per chain: fixed coefficients, B (M × Kr), W (Kr × Kr), the location move's proposal factor (D × D). */
  alpha: Float64Array[];
  B: Float64Array[];
  W: Float64Array[];
  LA: Float64Array[];
  /** Per chain: the location move's burn-in history since its last adaptation (rows of D). */
  alphaHist: Float64Array[][];
  /** Per chain: random-walk scales of the individuals' steps and of the location move. */
  rho: number[];
  rhoA: number[];
  /** Per chain: accepted individual steps (summed rates) and location moves after the burn-in. */
  accSum: number[];
  accA: number[];
  /** Per chain: kept draws, the full kept × P array (rows past k0 are zero). */
  draws: Float64Array[];
  /** The MSL parameter vector at chain 1's start. */
  start: Float64Array;
  /** The shared state of the workers' passes: beta, ll, sum, sumSq (chains × ...), hess (N × Kr × Kr). */
  beta: Float64Array;
  ll: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
  hess: Float64Array;
}

/** Sweeps between checkpoints (and one after the last sweep). */
export const CHECKPOINT_EVERY = 100;

/** Chains, individuals, random coefficients, fixed coefficients, location coordinates, parameters and kept draws per chain: a checkpoint of another shape is not resumed. */
export function snapshotShape(C: number, N: number, Kr: number, Kf: number, D: number, P: number, kept: number, M: number): string {
  return `C${C} N${N} Kr${Kr} Kf${Kf} D${D} P${P} kept${kept} M${M}`;
}

/** The arrays of a snapshot in file order, with their names. */
function arrays(s: HbSnapshot): [string, Float64Array][] {
  const C = s.alpha.length;
  const out: [string, Float64Array][] = [];
  for (let c = 0; c < C; c++) {
    out.push([`alpha${c}`, s.alpha[c]], [`B${c}`, s.B[c]], [`W${c}`, s.W[c]], [`LA${c}`, s.LA[c]], [`draws${c}`, s.draws[c]]);
    const D = s.LA[c].length ? Math.round(Math.sqrt(s.LA[c].length)) : 0;
    const hist = new Float64Array(s.alphaHist[c].length * D);
    s.alphaHist[c].forEach((row, i) => hist.set(row, i * D));
    out.push([`hist${c}`, hist]);
  }
  out.push(['rho', Float64Array.from(s.rho)], ['rhoA', Float64Array.from(s.rhoA)], ['accSum', Float64Array.from(s.accSum)], ['accA', Float64Array.from(s.accA)]);
  out.push(['start', s.start], ['beta', s.beta], ['ll', s.ll], ['sum', s.sum], ['sumSq', s.sumSq], ['hess', s.hess]);
  return out;
}

/** Writes the snapshot to `file` atomically (a temporary file renamed over it). */
export function saveHbCheckpoint(file: string, key: Buffer, shape: string, s: HbSnapshot): void {
  const parts = arrays(s);
  const header = Buffer.from(JSON.stringify({ sweep: s.sweep, k0: s.k0, shape, arrays: parts.map(([n, a]) => [n, a.length]) }), 'utf8');
  const head = 8 + 32 + 4 + header.length;
  const pad = (8 - (head % 8)) % 8;
  const total = head + pad + 8 * parts.reduce((a, [, x]) => a + x.length, 0);
  const buf = Buffer.alloc(total);
  buf.write(MAGIC, 0, 'latin1');
  key.copy(buf, 8);
  buf.writeUInt32LE(header.length, 40);
  header.copy(buf, 44);
  let at = head + pad;
  for (const [, a] of parts) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, at);
    at += a.byteLength;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, buf);
  renameSync(tmp, file);
}

/** The snapshot in `file` if it is one of this estimation (key and shape), else null. */
export function loadHbCheckpoint(file: string, key: Buffer, shape: string): HbSnapshot | null {
  if (!existsSync(file)) return null;
  const buf = readFileSync(file);
  if (buf.length < 44 || buf.toString('latin1', 0, 8) !== MAGIC || !buf.subarray(8, 40).equals(key)) return null;
  const len = buf.readUInt32LE(40);
  if (44 + len > buf.length) return null;
  let h: { sweep: number; k0: number; shape: string; arrays: [string, number][] };
  try {
    h = JSON.parse(buf.toString('utf8', 44, 44 + len));
  } catch {
    return null;
  }
  if (h.shape !== shape) return null;
  const head = 44 + len;
  let at = head + ((8 - (head % 8)) % 8);
  const got = new Map<string, Float64Array>();
  for (const [name, n] of h.arrays) {
    if (at + 8 * n > buf.length) return null;
    const a = new Float64Array(n);
    new Uint8Array(a.buffer).set(buf.subarray(at, at + 8 * n));
    got.set(name, a);
    at += 8 * n;
  }
  const C = got.get('rho')?.length ?? 0;
  const get = (name: string): Float64Array => got.get(name) ?? new Float64Array(0);
  const alphaHist = Array.from({ length: C }, (_, c) => {
    const D = Math.round(Math.sqrt(get(`LA${c}`).length)), hist = get(`hist${c}`);
    return D === 0 ? [] : Array.from({ length: hist.length / D }, (_, i) => hist.slice(i * D, (i + 1) * D));
  });
  const per = (p: string) => Array.from({ length: C }, (_, c) => get(`${p}${c}`));
  return {
    sweep: h.sweep, k0: h.k0,
    alpha: per('alpha'), B: per('B'), W: per('W'), LA: per('LA'), alphaHist,
    rho: Array.from(get('rho')), rhoA: Array.from(get('rhoA')), accSum: Array.from(get('accSum')), accA: Array.from(get('accA')),
    draws: per('draws'), start: get('start'),
    beta: get('beta'), ll: get('ll'), sum: get('sum'), sumSq: get('sumSq'), hess: get('hess'),
  };
}
