/** Text for the page: HTML escaping and numbers for tables (shared by ./html.ts and ./hb-section.ts). */

/** HTML-escapes text. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for a table: fixed decimals, scientific when tiny or huge, NA when missing. */
export function num(x: number | null | undefined, d = 4): string {
  if (typeof x !== 'number' || Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 10 ** -(d - 1) || a >= 1e9)) return x.toExponential(2);
  return x.toFixed(d).replace('-', '−');
}
