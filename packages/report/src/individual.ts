/**
 * The individual-level CSV of `mxl predict --individual`: `id`, then each coefficient's
 * conditional mean (named as the coefficient), `csd.<coef>` (conditional sd), `wtp.<coef>` (with
 * --wtp) and `class<c>` (latent classes). Parsed from its text (no file access: the browser page
 * reads files its own way).
 *
 * @packageDocumentation
 */
import type { IndividualTable } from './types.js';

/** Splits one CSV line into fields (RFC 4180 quotes: `"a,b"`, `""` inside quotes). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { v += '"'; i += 2; }
        else if (line[i] === '"') { i++; break; }
        else v += line[i++];
      }
      out.push(v);
      while (i < line.length && line[i] !== ',') i++;
      i++;
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/**
 * Parses the individual CSV. The first column is the id; every other column is read as numbers
 * (an empty or non-numeric cell is NaN).
 * @throws Error when there is no header or a row has another number of fields
 */
export function parseIndividualCsv(text: string): IndividualTable {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error('the individual CSV is empty (expected the header id,<coefficients>,...)');
  const head = csvFields(lines[0]);
  if (head.length < 2) throw new Error(`the individual CSV's header has ${head.length} column; expected id and the coefficients (a file of mxl predict --individual)`);
  const ids: string[] = [];
  const cols = head.slice(1).map(() => [] as number[]);
  for (let r = 1; r < lines.length; r++) {
    const f = csvFields(lines[r]);
    if (f.length !== head.length) throw new Error(`the individual CSV's line ${r + 1} has ${f.length} fields; its header has ${head.length}`);
    ids.push(f[0]);
    for (let c = 1; c < f.length; c++) cols[c - 1].push(f[c].trim() === '' ? NaN : Number(f[c]));
  }
  return { ids, columns: Object.fromEntries(head.slice(1).map((h, c) => [h, cols[c]])) };
}
