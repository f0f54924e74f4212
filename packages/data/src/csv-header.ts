/**
 * The header line of delimited text: column names (RFC 4180 quoting within
 * the line) and the delimiter. No file system here: the file reader
 * (./csv.ts) and the reader of bytes in memory (./csv-bytes.ts) share it.
 */
import { DataError, quote } from './errors.js';

/** The delimiters recognised when detecting the delimiter from the header line. */
export const DETECTED_DELIMITERS = [',', '\t', ';'] as const;

/** Column names and delimiter of a header line (without its newline). */
export function parseHeader(file: string, firstLine: string, delimiter: string | undefined): { header: string[]; delimiter: string } {
  const line = firstLine.endsWith('\r') ? firstLine.slice(0, -1) : firstLine;
  if (line.trim() === '') {
    throw new DataError('the file is empty (expected a header line naming the columns)', { file, line: 1 });
  }
  const d = delimiter ?? detectDelimiter(line);
  return { header: splitHeader(file, line, d).map((n) => n.trim()), delimiter: d };
}

/** Splits the header line (RFC 4180 quoting, within the line). */
function splitHeader(file: string, line: string, d: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new DataError('malformed header: a quoted name is never closed', { file, line: 1 });
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < line.length && !line.startsWith(d, i)) {
        throw new DataError(`malformed header: ${quote(line[i])} after a closing quote (expected the delimiter)`, { file, line: 1 });
      }
      out.push(s);
    } else {
      let j = line.indexOf(d, i);
      if (j < 0) j = line.length;
      out.push(line.slice(i, j));
      i = j;
    }
    if (i >= line.length) break;
    i += d.length;
    if (i >= line.length) {
      out.push('');
      break;
    }
  }
  return out;
}

/**
 * Picks the delimiter among `,`, tab and `;` that occurs most often (outside
 * double quotes) in the header line; `,` if none occurs.
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DETECTED_DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

