/**
 * Numbers from text cells: a fast, exact path straight from UTF-8 bytes for
 * the common plain decimals, and JavaScript's `Number()` for everything else,
 * so a cell means the same number whichever path reads it.
 */
import { quote } from './errors.js';

/** 10^0 .. 10^22: every one exactly representable as a double. */
export const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Parses a plain decimal `[+-]digits[.digits][(e|E)[+-]digits]` from
 * `buf[a..b)` when the result is exact in one rounding: at most 15
 * significant digits (the integer mantissa m is exact, m < 2^53) and a decimal
 * exponent e with |e| <= 22 (10^|e| is exact), so m·10^e or m/10^-e is one
 * correctly rounded operation (Clinger 1990, "How to read floating point
 * numbers accurately") and equals `Number(text)` to the last bit.
 * @returns The value, or NaN when the cell must take the general path.
 */
export function parseDecimalBytes(buf: Uint8Array, a: number, b: number): number {
  let p = a;
  if (p >= b) return NaN;
  let neg = false;
  let c = buf[p];
  if (c === 45 /* - */) {
    neg = true;
    p++;
  } else if (c === 43 /* + */) p++;
  let m = 0;
  let digits = 0; // significant digits in m
  let any = false; // at least one mantissa digit
  let scale = 0; // decimal exponent contributed by the digits
  while (p < b) {
    c = buf[p] - 48;
    if (c < 0 || c > 9) break;
    any = true;
    if (m !== 0 || c !== 0) {
      m = m * 10 + c;
      digits++;
    }
    p++;
  }
  if (p < b && buf[p] === 46 /* . */) {
    p++;
    while (p < b) {
      c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      any = true;
      scale--;
      if (m !== 0 || c !== 0) {
        m = m * 10 + c;
        digits++;
      }
      p++;
    }
  }
  if (!any || digits > 15) return NaN;
  if (p < b) {
    c = buf[p];
    if (c !== 101 && c !== 69) return NaN; // e E
    p++;
    let eneg = false;
    if (p < b && (buf[p] === 45 || buf[p] === 43)) {
      eneg = buf[p] === 45;
      p++;
    }
    if (p >= b) return NaN;
    let e = 0;
    while (p < b) {
      c = buf[p] - 48;
      if (c < 0 || c > 9 || e > 1000) return NaN;
      e = e * 10 + c;
      p++;
    }
    scale += eneg ? -e : e;
  }
  let v: number;
  if (m === 0) v = 0;
  else if (scale === 0) v = m;
  else if (scale > 0 && scale <= 22) v = m * POW10[scale];
  else if (scale < 0 && scale >= -22) v = m / POW10[-scale];
  else return NaN;
  return neg ? -v : v;
}

/**
 * Parses one numeric cell's text: a finite number, or NaN for an empty cell,
 * a non-number or a non-finite literal. (`Number()` semantics otherwise.)
 */
export function parseNumberCell(s: string): number {
  const v = +s;
  if (v - v === 0) {
    if (v === 0 && s.trim() === '') return NaN;
    return v;
  }
  return NaN;
}

/** Explains why a cell (its text, or null for a null value) could not be read as a finite number. */
export function describeBadNumber(raw: string | null): string {
  if (raw === null) return 'null value, expected a number';
  const t = raw.trim();
  if (t === '') return 'empty cell, expected a number';
  if (/^[+-]?(inf|infinity|nan)$/i.test(t)) {
    return `${quote(raw)} is not a finite number (Inf and NaN are not allowed), expected a finite number`;
  }
  if (/^(na|n\/a|null|none|missing|\.)$/i.test(t)) return `missing value ${quote(raw)}, expected a number`;
  return `${quote(raw)} is not a number, expected a number`;
}
