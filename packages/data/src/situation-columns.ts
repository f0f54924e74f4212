/**
 * Per-situation columns ({@link LoadOptions.situationColumns}): one value per
 * choice situation, stored as codes and labels.
 */
import { DataError, quote } from './errors.js';
import type { Frame } from './frame.js';
import type { SituationColumn } from './spec.js';

/** Where each situation's rows are in the data (data row indices). */
export interface SituationRows {
  /** Per situation: its first data row taking part (kept by the filter). */
  readonly first: Int32Array;
  /** Per situation: one past its last data row (long format), or null when a situation is one record (wide). */
  readonly end: Int32Array | null;
  /** The filter's mask (1 = kept), or null. */
  readonly keep: Uint8Array | null;
  /** Describes situation s for messages, e.g. `situation "3" of individual "12"`. */
  readonly label: (s: number) => string;
}

/**
 * Reads the per-situation columns: a file column by its text (read as an
 * identifier), a derived column by its number.
 * @param isKey - Whether a name was read as an identifier (a column of the file).
 * @throws {@link DataError} for a value that varies within a situation, or a
 *   derived value that is not a finite number.
 */
export function buildSituationColumns(
  frame: Frame,
  names: readonly string[],
  isKey: (name: string) => boolean,
  sits: SituationRows,
): Record<string, SituationColumn> {
  const out: Record<string, SituationColumn> = {};
  const nSits = sits.first.length;
  const { first, end, keep } = sits;
  const role = (name: string) => `the situation column ${quote(name)}`;
  for (const name of names) {
    if (Object.hasOwn(out, name)) continue;
    const codes = new Int32Array(nSits);
    const labels: string[] = [];
    if (isKey(name)) {
      const key = frame.table.keys.get(name);
      if (!key) throw new Error(`internal: situation column ${name} was not read as an identifier`);
      const remap = new Int32Array(key.labels.length).fill(-1);
      for (let s = 0; s < nSits; s++) {
        const r0 = first[s];
        const c = key.codes[r0];
        if (end !== null) {
          for (let i = r0 + 1; i < end[s]; i++) {
            if (keep !== null && keep[i] === 0) continue;
            if (key.codes[i] !== c) {
              throw new DataError(
                `${role(name)} must be constant within ${sits.label(s)}, but it is ${quote(key.labels[c])} at ` +
                  `${frame.where(r0)} and ${quote(key.labels[key.codes[i]])} here`,
                { file: frame.file, ...frame.at(i), column: name },
              );
            }
          }
        }
        if (remap[c] < 0) {
          remap[c] = labels.length;
          labels.push(key.labels[c]);
        }
        codes[s] = remap[c];
      }
    } else {
      const v = frame.get(name);
      const seen = new Map<number, number>();
      for (let s = 0; s < nSits; s++) {
        const r0 = first[s];
        const x = v[r0];
        if (x - x !== 0) throw frame.explain(name, r0, role(name));
        if (end !== null) {
          for (let i = r0 + 1; i < end[s]; i++) {
            if (keep !== null && keep[i] === 0) continue;
            const y = v[i];
            if (y === x) continue;
            if (y - y !== 0) throw frame.explain(name, i, role(name));
            throw new DataError(
              `${role(name)} must be constant within ${sits.label(s)}, but it is ${x} at ${frame.where(r0)} and ${y} here`,
              { file: frame.file, ...frame.at(i), column: name },
            );
          }
        }
        let c = seen.get(x);
        if (c === undefined) {
          c = labels.length;
          seen.set(x, c);
          labels.push(String(x));
        }
        codes[s] = c;
      }
    }
    out[name] = { codes, labels };
  }
  return out;
}
