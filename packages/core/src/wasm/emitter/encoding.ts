/** Byte encodings of the WebAssembly binary format (LEB128 integers, doubles, names, vectors). */

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

/** The eight little-endian bytes of a double. */
export function f64bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

/** A name: its UTF-8 length, then its bytes. */
export function name(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

/** A vector: the count, then the items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id, its size, its body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}
