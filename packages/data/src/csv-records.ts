/**
 * The record parser of delimited text: UTF-8 bytes in, typed columns out.
 *
 * It is fed the file in chunks of any size and parses the complete records of
 * each; a record cut by the chunk's end (a quoted field, a CRLF, a multi-byte
 * character split across two chunks) is left unconsumed and parsed again,
 * whole, from the next chunk, so chunk boundaries never change the result.
 * Only the requested fields are converted: numbers straight from the bytes
 * (see {@link parseDecimalBytes}), identifiers interned by their bytes; every
 * other field is skipped without making a string.
 *
 * Quoting follows RFC 4180: a field starting with `"` runs to the next lone
 * `"`, `""` inside it is one quote, and it may hold delimiters and newlines.
 * A quote inside an unquoted field, or anything but a delimiter or the end of
 * the line after a closing quote, is an error. Blank lines are skipped but
 * counted. A record is reported at the line where it starts.
 */
import { ByteInterner } from './byte-interner.js';
import { DataError, quote } from './errors.js';
import { parseDecimalBytes, parseNumberCell, POW10 } from './numbers.js';
import { grow, LineMap } from './table.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** What to read from each record. */
export interface RecordLayout {
  /** Source name for messages. */
  readonly file: string;
  /** The header's column names (the number of fields every record must have). */
  readonly header: readonly string[];
  /** The field delimiter (one ASCII character). */
  readonly delimiter: string;
  /** Field indices to read as numbers. */
  readonly numericFields: readonly number[];
  /** Field indices to read as identifiers. */
  readonly keyFields: readonly number[];
  /**
   * Field indices to read as numbers into one row-major block (row r, column d at
   * r·K + d, K = the number of these fields) instead of columns: the model's X,
   * written once (see `direct` in ./table.ts). Default none.
   */
  readonly directFields?: readonly number[];
}

/** The columns parsed so far. */
export interface ParsedColumns {
  readonly nRows: number;
  /** One per numeric field, length >= nRows (use the first nRows). */
  readonly numeric: Float64Array[];
  /** The block of the direct fields (length >= nRows·K), or null. */
  readonly block: Float64Array | null;
  /** Row -> text of the cells stored as NaN, one map per numeric field, then one per direct field. */
  readonly bad: Map<number, string>[];
  /** One per key field, length >= nRows. */
  readonly codes: Int32Array[];
  /** One per key field. */
  readonly labels: string[][];
  /** File lines of the rows (relative to the first line given to the parser). */
  readonly lines: LineMap;
}

const decoder = new TextDecoder();

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Parses records from chunks of bytes into growing typed columns. */
export class RecordParser {
  private readonly width: number;
  private readonly delim: number;
  /** Per field: the numeric slot, or -1. */
  private readonly numSlot: Int32Array;
  /** Per field: the key slot, or -1. */
  private readonly keySlot: Int32Array;
  private readonly prevKey: Int32Array;
  /** 1 for the bytes that end an unquoted field's scan: the delimiter, LF and the quote. */
  private readonly stops = new Uint8Array(256);
  /** Per numeric slot (columns, then the direct fields): its array, and where row r goes (r·stride + offset). */
  private numeric: Float64Array[];
  private readonly stride: Int32Array;
  private readonly offset: Int32Array;
  /** The number of numeric columns (slots beyond are direct fields, in the block). */
  private readonly nColumns: number;
  private codes: Int32Array[];
  private readonly bad: Map<number, string>[];
  private readonly interners: ByteInterner[];
  private readonly lines = new LineMap();
  private capacity: number;
  /** Index of the next row in the column arrays (starts at `base`). */
  private rows: number;
  /** Index of this parser's first row in the column arrays (0 unless writing into a caller's arrays). */
  private readonly base: number;
  private readonly external: boolean;
  /** Line of the next byte to parse. */
  private line: number;

  /**
   * @param layout - The header and the fields to read.
   * @param firstLine - File line of the first byte given (2 after a one-line header).
   * @param capacity - Expected number of rows (columns grow beyond it).
   * @param target - Columns to write into instead (a parallel read's shared columns): rows
   *   `base .. base + rows - 1` of them, which must be exactly the rows parsed.
   */
  constructor(
    private readonly layout: RecordLayout,
    firstLine: number,
    capacity: number,
    target?: { numeric: Float64Array[]; block: Float64Array | null; codes: Int32Array[]; base: number; rows: number },
  ) {
    const d = layout.delimiter;
    if (d.length !== 1 || d.charCodeAt(0) > 127 || d === '"' || d === '\n' || d === '\r') {
      throw new DataError(`the delimiter ${quote(d)} is not supported; expected one ASCII character other than a quote or a newline`, {
        file: layout.file,
      });
    }
    this.width = layout.header.length;
    this.delim = d.charCodeAt(0);
    this.stops[this.delim] = 1;
    this.stops[LF] = 1;
    this.stops[QUOTE] = 1;
    this.numSlot = new Int32Array(this.width).fill(-1);
    this.keySlot = new Int32Array(this.width).fill(-1);
    const direct = layout.directFields ?? [];
    const nc = layout.numericFields.length;
    const K = direct.length;
    const nn = nc + K;
    layout.numericFields.forEach((f, k) => (this.numSlot[f] = k));
    direct.forEach((f, d) => (this.numSlot[f] = nc + d));
    layout.keyFields.forEach((f, k) => (this.keySlot[f] = k));
    const nk = layout.keyFields.length;
    this.nColumns = nc;
    this.stride = Int32Array.from({ length: nn }, (_, k) => (k < nc ? 1 : K));
    this.offset = Int32Array.from({ length: nn }, (_, k) => (k < nc ? 0 : k - nc));
    this.prevKey = new Int32Array(nk).fill(-1);
    this.external = target !== undefined;
    let block: Float64Array | null;
    if (target) {
      this.base = target.base;
      this.capacity = target.base + target.rows;
      this.numeric = [...target.numeric];
      block = target.block;
      this.codes = target.codes;
    } else {
      this.base = 0;
      this.capacity = Math.max(16, capacity);
      this.numeric = Array.from({ length: nc }, () => new Float64Array(this.capacity));
      // the block is the model's X: in shared memory, so a worker pool reads it without a copy
      block = K > 0 ? new Float64Array(new SharedArrayBuffer(8 * this.capacity * K)) : null;
      this.codes = Array.from({ length: nk }, () => new Int32Array(this.capacity));
    }
    for (let d = 0; d < K; d++) this.numeric.push(block!);
    this.rows = this.base;
    this.bad = Array.from({ length: nn }, () => new Map<number, string>());
    this.interners = Array.from({ length: nk }, () => new ByteInterner());
    this.line = firstLine;
  }

  /** Rows parsed so far. */
  get nRows(): number {
    return this.rows - this.base;
  }

  /** File line of the next byte to parse. */
  get nextLine(): number {
    return this.line;
  }

  /**
   * Parses the complete records of `buf[start..end)`.
   * @param final - Whether `end` is the end of the input (a last record without a newline is then complete).
   * @param limit - No record (or blank line) starting at or after this offset is parsed.
   * @returns The offset of the first byte not consumed: the start of a record cut by `end`, the
   *   first line start at or after `limit`, or `end`.
   * @throws {@link DataError} for a record with the wrong number of fields or malformed quoting.
   */
  parse(buf: Uint8Array, start: number, end: number, final: boolean, limit = Infinity): number {
    const D = this.delim;
    const W = this.width;
    const numSlot = this.numSlot;
    const keySlot = this.keySlot;
    const stops = this.stops;
    const stride = this.stride;
    const offset = this.offset;
    let numeric = this.numeric;
    let p = start;
    let line = this.line;
    let consumed = start;
    let rows = this.rows;
    const base = this.base;
    let lineOffset = rows > base ? this.lines.line(rows - 1 - base) - (rows - 1 - base) : -1;
    // Values are written at row `rows` as fields complete; a record cut by `end` is
    // simply not counted, and its row is written again when the next chunk completes it.
    records: while (p < end && p < limit) {
      const recLine = line;
      let c = buf[p];
      if (c === LF) {
        p++;
        consumed = p;
        this.line = ++line;
        continue;
      }
      if (c === CR) {
        if (p + 1 < end) {
          if (buf[p + 1] === LF) {
            p += 2;
            consumed = p;
            this.line = ++line;
            continue;
          }
        } else if (!final) break;
        else {
          consumed = ++p;
          continue;
        }
      }
      if (rows === this.capacity) {
        this.growColumns();
        numeric = this.numeric;
      }
      let field = 0;
      for (;;) {
        const ns = field < W ? numSlot[field] : -1;
        const ks = field < W ? keySlot[field] : -1;
        let a = p;
        let b = p;
        let escaped = false;
        if (p < end && buf[p] === QUOTE) {
          p++;
          a = p;
          for (;;) {
            while (p < end && (c = buf[p]) !== QUOTE) {
              if (c === LF) line++;
              p++;
            }
            if (p + 1 >= end && !final) break records; // the closing quote (or what follows it) is in the next chunk
            if (p >= end) {
              throw new DataError(
                `malformed CSV: the quoted field starting here is never closed (expected a closing ")`,
                { file: this.layout.file, line: recLine, column: this.columnName(field) },
              );
            }
            if (p + 1 < end && buf[p + 1] === QUOTE) {
              escaped = true;
              p += 2;
              continue;
            }
            b = p;
            p++;
            break;
          }
          if (p < end) {
            c = buf[p];
            if (c === CR) {
              if (p + 1 >= end && !final) break records;
              if (p + 1 < end && buf[p + 1] !== LF) throw this.afterQuoteError(line, field, c);
            } else if (c !== D && c !== LF) throw this.afterQuoteError(line, field, c);
          }
          if (ns >= 0) this.readNumber(ns, rows, buf, a, b, escaped);
          if (ks >= 0) this.readKey(ks, rows, buf, a, b, escaped);
        } else {
          let fast = false;
          if (ns >= 0 && ks < 0) {
            const q = fastDecimal(buf, p, end, D);
            if (q >= 0) {
              numeric[ns][rows * stride[ns] + offset[ns]] = FAST_VALUE[0];
              b = q;
              p = buf[q] === CR ? q + 1 : q;
              fast = true;
            }
          }
          if (!fast) {
            // one table lookup a byte: stops at the delimiter, a newline or a quote
            while (p < end && stops[buf[p]] === 0) p++;
            if (p < end && buf[p] === QUOTE) {
              throw new DataError(
                `malformed CSV: a quote inside an unquoted field (expected a field quoted as a whole, with "" for a quote inside it)`,
                { file: this.layout.file, line, column: this.columnName(field) },
              );
            }
            if (p >= end && !final) break records;
            b = p;
            if (b > a && buf[b - 1] === CR && (p >= end || buf[p] === LF)) b--;
            if (ns >= 0) this.readNumber(ns, rows, buf, a, b, false);
            if (ks >= 0) this.readKey(ks, rows, buf, a, b, false);
          }
        }
        field++;
        if (p >= end) break;
        c = buf[p];
        if (c === D) {
          p++;
          continue;
        }
        if (c === CR) p++;
        p++; // LF
        line++;
        break;
      }
      if (field !== W) {
        throw new DataError(
          `found ${field} field${field === 1 ? '' : 's'}, expected ${W} as in the header (delimiter ${quote(this.layout.delimiter)})`,
          { file: this.layout.file, line: recLine },
        );
      }
      if (recLine - (rows - base) !== lineOffset) {
        this.lines.set(rows - base, recLine);
        lineOffset = recLine - (rows - base);
      }
      this.rows = ++rows;
      this.line = line;
      consumed = p < end ? p : end;
    }
    return consumed;
  }

  /** The columns parsed (arrays may be longer than nRows). */
  result(): ParsedColumns {
    return {
      nRows: this.rows - this.base,
      numeric: this.numeric.slice(0, this.nColumns),
      block: this.numeric.length > this.nColumns ? this.numeric[this.nColumns] : null,
      bad: this.bad,
      codes: this.codes,
      labels: this.interners.map((i) => i.labels),
      lines: this.lines,
    };
  }

  private columnName(field: number): string | undefined {
    return field < this.width ? this.layout.header[field] : undefined;
  }

  private afterQuoteError(line: number, field: number, c: number): DataError {
    return new DataError(
      `malformed CSV: ${quote(String.fromCharCode(c))} after a closing quote (expected the delimiter or the end of the line)`,
      { file: this.layout.file, line, column: this.columnName(field) },
    );
  }

  private readNumber(k: number, row: number, buf: Uint8Array, a: number, b: number, escaped: boolean): void {
    let v = escaped ? NaN : parseDecimalBytes(buf, a, b);
    if (v !== v) {
      let text = decoder.decode(buf.subarray(a, b));
      if (escaped) text = text.replaceAll('""', '"');
      v = parseNumberCell(text);
      if (v !== v) this.bad[k].set(row - this.base, text);
      else this.bad[k].delete(row - this.base); // a row written again (after a cut) holds what it holds now
    }
    this.numeric[k][row * this.stride[k] + this.offset[k]] = v;
  }

  private readKey(k: number, row: number, buf: Uint8Array, a: number, b: number, escaped: boolean): void {
    while (a < b && isSpace(buf[a])) a++;
    while (b > a && isSpace(buf[b - 1])) b--;
    // non-ASCII bytes inside are fine (labels are UTF-8 bytes); at an edge they may be
    // Unicode white space, which JavaScript's trim() removes: such cells take the text path
    const plain = !escaped && (b === a || (buf[a] < 128 && buf[b - 1] < 128));
    const interner = this.interners[k];
    let code: number;
    if (!plain) {
      let text = decoder.decode(buf.subarray(a, b));
      if (escaped) text = text.replaceAll('""', '"');
      code = interner.codeOf(text);
    } else {
      const prev = this.prevKey[k];
      code = prev >= 0 && interner.equals(prev, buf, a, b) ? prev : interner.code(buf, a, b);
    }
    this.prevKey[k] = code;
    this.codes[k][row] = code;
  }

  private growColumns(): void {
    if (this.external) throw new Error(`internal: more rows than counted (${this.capacity - this.base}) in ${this.layout.file}`);
    const cap = Math.ceil(this.capacity * 1.5) + 16;
    const nc = this.nColumns;
    const K = this.numeric.length - nc;
    const columns = this.numeric.slice(0, nc).map((a) => grow(a, cap));
    const block = K > 0 ? grow(this.numeric[nc], cap * K) : null;
    this.numeric = [...columns, ...Array.from({ length: K }, () => block!)];
    this.codes = this.codes.map((a) => grow(a, cap));
    this.capacity = cap;
  }
}

/** The value of the last decimal {@link fastDecimal} read (no allocation per field). */
const FAST_VALUE = new Float64Array(1);

/**
 * A plain decimal read while scanning: [-+]digits[.digits] ended by the
 * delimiter or the line's end, at most 15 significant digits (exact: see
 * parseDecimalBytes).
 * @returns the offset of the byte ending it (the delimiter, LF, or the CR of a CRLF) with its
 *   value in FAST_VALUE[0]; -1 when the cell is not such a decimal (the general path reads it).
 */
function fastDecimal(buf: Uint8Array, p: number, end: number, D: number): number {
  let q = p;
  let neg = false;
  let m = 0;
  let c = q < end ? buf[q] : 0;
  if (c === 45) {
    neg = true;
    q++;
  } else if (c === 43) q++;
  const intStart = q;
  while (q < end) {
    c = buf[q] - 48;
    if (c >>> 0 > 9) break;
    m = m * 10 + c;
    q++;
  }
  // every digit counts towards the 15 (leading zeros too: a longer cell takes the general path)
  let digits = q - intStart;
  let scale = 0;
  if (q < end && buf[q] === 46) {
    const fracStart = ++q;
    while (q < end) {
      c = buf[q] - 48;
      if (c >>> 0 > 9) break;
      m = m * 10 + c;
      q++;
    }
    scale = fracStart - q;
    digits -= scale;
  }
  const any = digits > 0;
  if (any && digits <= 15 && scale >= -22 && q < end) {
    c = buf[q];
    if (c === D || c === LF || (c === CR && q + 1 < end && buf[q + 1] === LF)) {
      const v = scale === 0 ? m : m / POW10[-scale];
      FAST_VALUE[0] = neg ? -v : v;
      return q;
    }
  }
  return -1;
}
