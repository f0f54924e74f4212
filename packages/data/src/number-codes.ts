/**
 * Codes of numbers, for identifier columns that arrive as numbers (Parquet,
 * Arrow, in-memory columns): a map from number to code that costs no hashing
 * for the usual identifiers. Integers in a dense run (individuals 1..N or
 * 1001..1000+N, situations, alternatives) are found in a table indexed by
 * value; any other number (fractions, sparse or huge integers, NaN) in a Map.
 * Keys compare as a Map's do (SameValueZero: -0 is 0, NaN is NaN).
 */

/** The table grows to cover a new integer only while it stays at least this dense (keys per slot, about). */
const MIN_DENSITY = 0.5;
/** Integers within this distance of the table's start are always put in the table. */
const ALWAYS_DENSE = 4096;
/** The table never spans more integers than this. */
const MAX_DENSE = 2 ** 28;

/** A map from number to a non-negative code. */
export class NumberCodes {
  /** code + 1 of integer base + i at i, 0 where there is none. */
  private dense = new Int32Array(0);
  /** The integer at dense[0] (set by the first integer key). */
  private base = 0;
  private readonly sparse = new Map<number, number>();
  private n = 0;

  /** Keys stored. */
  get size(): number {
    return this.n;
  }

  /** The code of `v`, or -1 if it has none. */
  get(v: number): number {
    const i = v - this.base;
    if (i >= 0 && i < this.dense.length && (i | 0) === i) return this.dense[i] - 1;
    const c = this.sparse.get(v);
    return c === undefined ? -1 : c;
  }

  /**
   * Writes the code of `values[i]` to `out[at + i]` for i < `len`: an integer
   * of the table costs one look-up; for any other number `miss` gives the code
   * (from {@link NumberCodes.get}, or a new one it stores).
   */
  fill(values: ArrayLike<number>, len: number, out: Int32Array, at: number, miss: (v: number) => number): void {
    let i = 0;
    while (i < len) {
      const dense = this.dense;
      const base = this.base;
      const n = dense.length;
      for (; i < len; i++) {
        const j = values[i] - base;
        const k = j | 0;
        if (k !== j || k < 0 || k >= n) break;
        const c = dense[k];
        if (c === 0) break;
        out[at + i] = c - 1;
      }
      if (i < len) {
        out[at + i] = miss(values[i]);
        i++;
      }
    }
  }

  /**
   * Stores the code of `v` (a key without one: a second code for the same key
   * would leave the first where the table or the map has it).
   * @param code - A non-negative integer.
   */
  set(v: number, code: number): void {
    this.n++;
    const i = v - this.base;
    if (i >= 0 && i < this.dense.length && (i | 0) === i) {
      this.dense[i] = code + 1;
      return;
    }
    if ((v | 0) === v && this.widen(v)) {
      this.dense[v - this.base] = code + 1;
      return;
    }
    this.sparse.set(v, code);
  }

  /**
   * Grows the table to cover the integer `v` when it stays dense enough
   * (the first integer key starts it), moving the map's keys it then covers.
   * @returns Whether `v` is now covered.
   */
  private widen(v: number): boolean {
    if (this.dense.length === 0) this.base = v >= 0 && v < ALWAYS_DENSE ? 0 : v;
    const need = v - this.base + 1;
    if (need <= 0 || need > MAX_DENSE || this.base + need > 2 ** 31 - 1) return false;
    if (need > ALWAYS_DENSE && need * MIN_DENSITY > this.n + ALWAYS_DENSE) return false;
    let cap = Math.max(1024, this.dense.length);
    while (cap < need) cap *= 2;
    cap = Math.min(cap, MAX_DENSE, 2 ** 31 - 1 - this.base);
    const next = new Int32Array(cap);
    next.set(this.dense);
    this.dense = next;
    if (this.sparse.size > 0) {
      for (const [k, c] of this.sparse) {
        const j = k - this.base;
        if (j >= 0 && j < cap && (j | 0) === j) {
          next[j] = c + 1;
          this.sparse.delete(k);
        }
      }
    }
    return true;
  }
}
