/**
 * Checkpoint and resume by replay. The estimation is deterministic: the same
 * spec, data and code ask the objective for the same points in the same order
 * and get the same numbers back. So a checkpoint is the log of the objective's
 * answers (every f and gradient, and the scores when asked), appended after
 * each evaluation. A resumed run starts from the beginning and takes the
 * answers from the log, without computing, for as long as the log lasts and
 * the points asked for are the logged ones (checked to the bit); then it goes
 * on computing and logging. It therefore ends with exactly the estimates, LL
 * and iteration count of an uninterrupted run, whatever phase (a start, a
 * fallback method, a reflection search) was interrupted.
 *
 * File: `MXLCKPT1`, the 32-byte key (a hash of the spec and the data file's
 * content: a log of other data or another spec is never replayed), the
 * number of parameters; then records, each `[u32 bytes][kind][payload]`. A
 * record cut by a kill (-9, a wall-time limit) is detected by its length and
 * dropped.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { Problem } from '@mxl/optim';

const MAGIC = 'MXLCKPT1';
const HEADER = 8 + 32 + 4;
const FG = 1;
const SCORES = 2;

/** One logged answer. */
type Entry =
  | { kind: typeof FG; x: Float64Array; f: number; g: Float64Array }
  | { kind: typeof SCORES; x: Float64Array; f: number; g: Float64Array; scores: Float64Array; nObs: number };

/**
 * The key of an estimation: SHA-256 of the spec (as checked, canonical JSON)
 * and of the data file's bytes (streamed).
 */
export function checkpointKey(spec: unknown, dataFile: string | null): Buffer {
  const h = createHash('sha256');
  h.update(JSON.stringify(spec));
  if (dataFile !== null) {
    const fd = openSync(dataFile, 'r');
    try {
      const buf = Buffer.allocUnsafe(8 << 20);
      for (let pos = 0; ; ) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        h.update(buf.subarray(0, n));
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return h.digest();
}

/** An open checkpoint: the answers to replay, then the log to append to. */
export class Checkpoint {
  private readonly fd: number;
  private readonly entries: Entry[];
  private next = 0;
  /** Whether a log of this estimation was found (and is replayed). */
  readonly resumed: boolean;

  /**
   * Opens (or creates) the checkpoint `file` for an estimation with `key` and
   * `P` parameters. A file with another key is started again.
   */
  constructor(
    readonly file: string,
    key: Buffer,
    private readonly P: number,
  ) {
    this.fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
    const { entries, end, matches } = this.read(key);
    if (!matches) this.offsets = [HEADER];
    this.resumed = matches && entries.length > 0;
    this.entries = matches ? entries : [];
    // drop a record cut short (or everything, for another estimation's log), then append
    ftruncateSync(this.fd, matches ? end : 0);
    if (!matches) {
      const head = Buffer.alloc(HEADER);
      head.write(MAGIC, 0, 'latin1');
      key.copy(head, 8);
      head.writeUInt32LE(P, 40);
      writeSync(this.fd, head, 0, HEADER, 0);
    }
  }

  /** Number of logged answers available for replay. */
  get logged(): number {
    return this.entries.length;
  }

  /** The problem with its answers replayed from the log, then logged. */
  wrap(problem: Problem): Problem {
    const P = this.P;
    return {
      n: problem.n,
      fg: async (x, g) => {
        const e = this.take(FG, x);
        if (e) {
          g.set(e.g);
          return e.f;
        }
        const f = await problem.fg(x, g);
        this.append({ kind: FG, x, f, g });
        return f;
      },
      scores: problem.scores
        ? async (x) => {
            const e = this.take(SCORES, x);
            if (e && e.kind === SCORES) return { f: e.f, g: Float64Array.from(e.g), scores: Float64Array.from(e.scores), nObs: e.nObs };
            const r = await problem.scores!(x);
            if (r.g.length !== P) throw new Error('internal: scores of the wrong size');
            this.append({ kind: SCORES, x, f: r.f, g: r.g, scores: r.scores, nObs: r.nObs });
            return r;
          }
        : undefined,
    };
  }

  /** Closes the file (the log stays for the next run; delete it once the result is written). */
  close(): void {
    closeSync(this.fd);
  }

  /** The next logged answer if it is for this call at this very point; else replay ends here. */
  private take(kind: number, x: Float64Array): Entry | null {
    if (this.next >= this.entries.length) return null;
    const e = this.entries[this.next];
    if (e.kind === kind && e.x.length === x.length && e.x.every((v, i) => Object.is(v, x[i]))) {
      this.next++;
      return e;
    }
    // the run went elsewhere than the log (should not happen): the rest of the log is void
    this.entries.length = this.next;
    this.offsets.length = this.next + 1;
    ftruncateSync(this.fd, this.offsets[this.next]);
    return null;
  }

  /** File offset where each entry starts, and last where the log ends. */
  private offsets: number[] = [];

  private append(e: Entry): void {
    const P = this.P;
    const doubles = e.kind === FG ? 2 * P + 1 : 2 * P + 1 + e.scores.length;
    const bytes = 4 + 1 + 4 + 8 * doubles;
    const buf = Buffer.alloc(bytes);
    buf.writeUInt32LE(bytes, 0);
    buf.writeUInt8(e.kind, 4);
    buf.writeUInt32LE(e.kind === SCORES ? e.nObs : 0, 5);
    const f64 = new Float64Array(doubles);
    f64.set(e.x, 0);
    f64[P] = e.f;
    f64.set(e.g, P + 1);
    if (e.kind === SCORES) f64.set(e.scores, 2 * P + 1);
    Buffer.from(f64.buffer).copy(buf, 9);
    const at = this.offsets[this.offsets.length - 1]; // where the log ends
    writeSync(this.fd, buf, 0, bytes, at);
    this.offsets.push(at + bytes);
  }

  private read(key: Buffer): { entries: Entry[]; end: number; matches: boolean } {
    const size = fstatSync(this.fd).size;
    if (size < HEADER) return { entries: [], end: 0, matches: false };
    const head = Buffer.alloc(HEADER);
    readSync(this.fd, head, 0, HEADER, 0);
    if (head.toString('latin1', 0, 8) !== MAGIC || !head.subarray(8, 40).equals(key) || head.readUInt32LE(40) !== this.P) {
      return { entries: [], end: 0, matches: false };
    }
    const entries: Entry[] = [];
    const P = this.P;
    let pos = HEADER;
    this.offsets = [pos];
    const len = Buffer.alloc(4);
    while (pos + 4 <= size) {
      readSync(this.fd, len, 0, 4, pos);
      const bytes = len.readUInt32LE(0);
      if (bytes < 9 + 8 * (2 * P + 1) || pos + bytes > size) break; // cut short
      const buf = Buffer.alloc(bytes);
      readSync(this.fd, buf, 0, bytes, pos);
      const kind = buf.readUInt8(4);
      const nObs = buf.readUInt32LE(5);
      const f64 = new Float64Array(buf.buffer.slice(buf.byteOffset + 9, buf.byteOffset + bytes));
      const x = f64.slice(0, P);
      const f = f64[P];
      const g = f64.slice(P + 1, 2 * P + 1);
      if (kind === FG) entries.push({ kind: FG, x, f, g });
      else if (kind === SCORES) entries.push({ kind: SCORES, x, f, g, scores: f64.slice(2 * P + 1), nObs });
      else break;
      pos += bytes;
      this.offsets.push(pos);
    }
    return { entries, end: pos, matches: true };
  }
}
