/**
 * Groups of choice situations for reports by market, region or period:
 * `"situation"` (every choice situation its own group), a column of the data
 * kept per situation at load time (prepare's `situationColumns`), or an
 * individual characteristic the model uses.
 */
import type { Prepared } from '@mxl/estimation';
import { PostEstimationError } from './errors.js';
import type { Groups } from './passes.js';

/** The groups of `by` (see the file comment). */
export function groupsOf(p: Prepared, by: string): Groups {
  const d = p.data;
  if (by === 'situation') {
    return { by, codes: Int32Array.from({ length: d.nSituations }, (_, s) => s), labels: Array.from({ length: d.nSituations }, (_, s) => String(s + 1)) };
  }
  const col = p.situationColumns?.[by];
  if (col) return { by, codes: col.codes, labels: col.labels };
  const c = d.charNames.indexOf(by);
  if (c >= 0 && d.unitChars) {
    const nc = d.charNames.length;
    const labels: string[] = [];
    const index = new Map<number, number>();
    const codes = new Int32Array(d.nSituations);
    for (let u = 0; u < d.nUnits; u++) {
      const x = d.unitChars[u * nc + c];
      let g = index.get(x);
      if (g === undefined) { g = labels.length; index.set(x, g); labels.push(String(x)); }
      for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) codes[s] = g;
    }
    return { by, codes, labels };
  }
  throw new PostEstimationError(
    `--by ${JSON.stringify(by)}: not a grouping of this problem; the --by column must be "situation", a column of the data kept per situation ` +
      `(prepare(spec, { situationColumns: [${JSON.stringify(by)}] }); the command line does this), or an individual characteristic of the model (${d.charNames.join(', ') || 'none'})`,
  );
}
