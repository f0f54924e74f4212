/**
 * Interning identifier cells straight from UTF-8 bytes: a cell's code is found
 * by hashing its bytes (open addressing, FNV-1a), and a JavaScript string is
 * made only the first time a label is seen. An id column of 20 million rows
 * and a million individuals makes a million strings, not twenty million.
 */
import { grow } from './table.js';

/** Codes for byte strings, in order of first appearance. */
export class ByteInterner {
  /** The labels, decoded once each. */
  readonly labels: string[] = [];
  private arena: Uint8Array = new Uint8Array(1024);
  private arenaUsed = 0;
  private start: Int32Array = new Int32Array(64);
  private len: Int32Array = new Int32Array(64);
  /** Slot -> code + 1 (0 = empty). */
  private slots: Int32Array = new Int32Array(128);
  private mask = 127;
  private readonly decoder = new TextDecoder();

  /** The code of `buf[a..b)` (already trimmed), adding it if new. */
  code(buf: Uint8Array, a: number, b: number): number {
    const n = b - a;
    let h = 0x811c9dc5;
    for (let i = a; i < b; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const arena = this.arena;
    let s = h & this.mask;
    for (;;) {
      const e = this.slots[s];
      if (e === 0) break;
      const c = e - 1;
      if (this.len[c] === n) {
        const o = this.start[c];
        let i = 0;
        while (i < n && arena[o + i] === buf[a + i]) i++;
        if (i === n) return c;
      }
      s = (s + 1) & this.mask;
    }
    return this.add(buf, a, b, s);
  }

  /** Whether code `c`'s bytes equal `buf[a..b)` (a cheap check against the previous row's code). */
  equals(c: number, buf: Uint8Array, a: number, b: number): boolean {
    const n = b - a;
    if (this.len[c] !== n) return false;
    const o = this.start[c];
    const arena = this.arena;
    for (let i = 0; i < n; i++) if (arena[o + i] !== buf[a + i]) return false;
    return true;
  }

  /** The code of a string (trimmed here), for cells that needed decoding. */
  codeOf(text: string): number {
    const bytes = new TextEncoder().encode(text.trim());
    return this.code(bytes, 0, bytes.length);
  }

  private add(buf: Uint8Array, a: number, b: number, slot: number): number {
    const n = b - a;
    const c = this.labels.length;
    if (this.arenaUsed + n > this.arena.length) this.arena = grow(this.arena, (this.arenaUsed + n) * 2) as Uint8Array;
    this.arena.set(buf.subarray(a, b), this.arenaUsed);
    if (c === this.start.length) {
      this.start = grow(this.start, c * 2);
      this.len = grow(this.len, c * 2);
    }
    this.start[c] = this.arenaUsed;
    this.len[c] = n;
    this.arenaUsed += n;
    this.labels.push(this.decoder.decode(buf.subarray(a, b)));
    this.slots[slot] = c + 1;
    if ((c + 1) * 2 > this.mask) this.rehash();
    return c;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const arena = this.arena;
    for (let c = 0; c < this.labels.length; c++) {
      const o = this.start[c];
      let h = 0x811c9dc5;
      for (let i = o; i < o + this.len[c]; i++) h = Math.imul(h ^ arena[i], 0x01000193);
      let s = h & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = c + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
