/**
 * Simulating choices from a fitted model (parametric bootstrap, power
 * analysis, checking an estimator on known truth): each integration unit's
 * coefficients β_i are drawn once from the fitted mixing distribution (a
 * panel's situations share them; a latent class model draws the class first,
 * from its membership probabilities; mean shifts by characteristics
 * included), then each situation's choice from the logit probabilities at
 * β_i (utility plus a Gumbel error, the outside option's utility being 0).
 *
 * The draws are pseudo-random (MT19937 seeded by `seed`), not the
 * estimation's integration nodes: the same seed gives the same choices.
 * {@link writeSimulatedData} writes them into a copy of the input file in
 * which only the choice column changes.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { isLatentClass, Kernel, LatentClassKernel, type NodeSource } from '@mxl/core';
import { headerIndex, openSource, readCsvHeader } from '@mxl/data';
import { reportedValue, signNormalization, type EstimationResult, type Prepared } from '@mxl/estimation';
import mt19937 from '@stdlib/random-base-mt19937';
import { PostEstimationError } from './errors.js';

/** What {@link simulateChoices} needs of a result: the parameter names and the optimizer's raw estimates. */
export type SimulationResultLike = Pick<EstimationResult, 'parameters' | 'raw'>;

/** Options of {@link simulateChoices}. */
export interface SimulateChoicesOptions {
  /** Seed of the pseudo-random generator (a positive integer below 2^32; default 1). */
  seed?: number;
}

/** Choices drawn from a fitted model. */
export interface SimulatedChoices {
  /** The raw parameters used (the optimizer's, in the model's order). */
  readonly theta: Float64Array;
  /** The parameters as reported (sign-normalized; G-MNL's γ as γ, not logit γ), by name. */
  readonly parameters: Record<string, number>;
  /** The seed used. */
  readonly seed: number;
  /** Per situation of `prepared.data`: the chosen row of X, or -1 for the outside option. */
  readonly sitChosen: Int32Array;
  /** Per situation: the chosen alternative (index into `altLabels`), or -1 for the outside option. */
  readonly sitAlt: Int32Array;
  /** Per integration unit: its coefficients (K each, row-major: beta[u*K + k]). */
  readonly beta: Float64Array;
  /** Per integration unit: its latent class (0-based), or null without classes. */
  readonly unitClass: Int32Array | null;
}

/**
 * Checks that a result belongs to the prepared model and returns its raw
 * parameters in the model's order.
 * @throws {@link PostEstimationError} when the parameter names differ or a raw estimate is missing.
 */
export function resultTheta(prepared: Prepared, result: SimulationResultLike): Float64Array {
  const names = prepared.design.params.map((p) => p.name);
  if (!result || !Array.isArray(result.parameters) || result.raw === null || typeof result.raw !== 'object') {
    throw new PostEstimationError('not a result of `mxl estimate` (no "parameters" and "raw")');
  }
  const got = result.parameters.map((p) => p?.name);
  if (got.length !== names.length || got.some((n, i) => n !== names[i])) {
    throw new PostEstimationError(
      `the result does not belong to this spec's model: its parameters are ${got.join(', ')}; the model's are ${names.join(', ')}`,
    );
  }
  return Float64Array.from(names, (n) => {
    const v = result.raw[n];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PostEstimationError(`the result has no finite raw estimate of ${n} (field "raw")`);
    return v;
  });
}

/** Uniforms on (0, 1) and standard normals from one MT19937 stream. */
class Stream {
  private readonly mt: () => number;
  private spare = NaN;
  constructor(seed: number) {
    this.mt = mt19937.factory({ seed });
  }
  /** A uniform on the open interval (0, 1) (53 bits). */
  uniform(): number {
    const a = this.mt() >>> 5;
    const b = this.mt() >>> 6;
    return (a * 67108864 + b + 0.5) / 9007199254740992;
  }
  /** A standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spare === this.spare) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

/**
 * Draws one set of choices from the fitted model: β_i once per integration
 * unit (individual for a panel, situation otherwise), then each situation's
 * choice by its logit probabilities at β_i (the outside option included).
 * @param result - The fitted model's result (its `raw` estimates are used).
 * @throws {@link PostEstimationError} when the result does not belong to the spec's model.
 */
export function simulateChoices(prepared: Prepared, result: SimulationResultLike, options: SimulateChoicesOptions = {}): SimulatedChoices {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 1 || seed >= 2 ** 32) {
    throw new PostEstimationError(`the seed must be an integer from 1 to 4294967295; received ${seed}`);
  }
  const theta = resultTheta(prepared, result);
  const flip = signNormalization(prepared.design, theta);
  const parameters: Record<string, number> = {};
  prepared.design.params.forEach((p, i) => (parameters[p.name] = reportedValue(prepared.design, p.name, flip[i] * theta[i])));
  const data = prepared.data;
  const plan = prepared.design.plan;
  const K = data.nVars;
  const rng = new Stream(seed);
  // one node per unit, written from the stream: standard normals, or uniforms where the plan asks
  const nodes: NodeSource = {
    size: 1,
    weights: null,
    shared: false,
    fill(_unit, out, uniform) {
      for (let d = 0; d < out.length; d++) out[d] = uniform && uniform[d] === 1 ? rng.uniform() : rng.normal();
    },
  };
  const lc = isLatentClass(plan);
  const kernels = lc
    ? plan.classes.map((cp) => new Kernel({ ...data, unitWeight: null }, cp, nodes, { cacheDraws: false }))
    : [new Kernel(data, plan, nodes, { cacheDraws: false })];
  const membership = lc ? new LatentClassKernel(data, plan, nodes, { cacheDraws: false }) : null;
  const C = kernels.length;
  const logPi = new Float64Array(C);
  const beta = new Float64Array(data.nUnits * K);
  const b = new Float64Array(K);
  const unitClass = lc ? new Int32Array(data.nUnits) : null;
  const sitChosen = new Int32Array(data.nSituations);
  const sitAlt = new Int32Array(data.nSituations);
  const { X, sitRow, unitSit, rowAlt } = data;
  for (let u = 0; u < data.nUnits; u++) {
    let c = 0;
    if (membership !== null) {
      membership.logMembership(theta, u, logPi);
      const x = rng.uniform();
      let acc = 0;
      c = C - 1;
      for (let k = 0; k < C; k++) {
        acc += Math.exp(logPi[k]);
        if (x < acc) {
          c = k;
          break;
        }
      }
      unitClass![u] = c;
    }
    kernels[c].coefficients(theta, u, b);
    beta.set(b, u * K);
    for (let s = unitSit[u]; s < unitSit[u + 1]; s++) {
      // the outside option (utility 0) first, then the rows: the largest utility plus Gumbel error wins
      let best = -1;
      let bestU = data.outside ? -Math.log(-Math.log(rng.uniform())) : -Infinity;
      for (let r = sitRow[s]; r < sitRow[s + 1]; r++) {
        let v = 0;
        for (let k = 0; k < K; k++) v += X[r * K + k] * b[k];
        v -= Math.log(-Math.log(rng.uniform()));
        if (v > bestU) {
          bestU = v;
          best = r;
        }
      }
      if (best < 0 && !data.outside) {
        throw new PostEstimationError(`the utilities of situation ${s} are not finite at the result's parameters; cannot draw a choice`);
      }
      sitChosen[s] = best;
      sitAlt[s] = best < 0 ? -1 : rowAlt[best];
    }
  }
  return { theta, parameters, seed, sitChosen, sitAlt, beta, unitClass };
}

/** What {@link writeSimulatedData} wrote. */
export interface SimulatedFile {
  /** The file written. */
  readonly path: string;
  /** Data records written (the input's, all of them). */
  readonly records: number;
  /** Records whose choice cell was rewritten (situations, or rows in long format). */
  readonly rewritten: number;
  /** `copy`: the input's bytes with the choice cells replaced; `csv`: a Parquet, Arrow or in-memory input written as CSV. */
  readonly mode: 'copy' | 'csv';
}

/**
 * Writes the spec's data with the simulated choices: every record of the
 * input, in order, with only the choice column changed (long: 1 in the drawn
 * row of each situation and 0 in its other rows taking part, so an outside
 * choice has no chosen row; wide: the drawn alternative's code, as
 * `choiceCodes` gives it, else its number 1..J when the file's cell was a
 * number, else its name). Records the filter drops and unavailable rows are
 * written as they were. A delimited text file is copied byte for byte
 * otherwise (quoting, line ends, blank lines, fields not used); a Parquet,
 * Arrow or in-memory input is written as CSV (all columns, numbers as
 * String(v)).
 * @param prepared - Prepared with `records: true` (see `prepare`).
 * @param options - `chunkBytes`: bytes read at a time from a delimited file (default 4 MiB; tests use tiny ones).
 * @throws {@link PostEstimationError} without record indices, or when the choice column is derived.
 */
export async function writeSimulatedData(
  prepared: Prepared,
  sim: SimulatedChoices,
  outPath: string,
  options: { chunkBytes?: number } = {},
): Promise<SimulatedFile> {
  const spec = prepared.spec.data;
  const data = prepared.data;
  const rowRecord = prepared.rowRecord;
  const sitRecord = prepared.sitRecord;
  if (rowRecord === undefined || sitRecord === undefined) {
    throw new PostEstimationError('writing simulated data needs the record indices: prepare the spec with { records: true }');
  }
  if (spec.derive !== undefined && Object.hasOwn(spec.derive, spec.choice)) {
    throw new PostEstimationError(`the choice column "${spec.choice}" is a derived column; simulated choices are written into a column of the file`);
  }
  const wide = spec.format === 'wide';
  let nRecords = 0;
  for (let r = 0; r < rowRecord.length; r++) nRecords = Math.max(nRecords, rowRecord[r] + 1);
  // per record: the new choice cell (long: 0 or 1; wide: the alternative), or -1 to leave it
  const value = new Int32Array(nRecords).fill(-1);
  if (wide) {
    for (let s = 0; s < data.nSituations; s++) value[sitRecord[s]] = sim.sitAlt[s];
  } else {
    for (let r = 0; r < data.nRows; r++) value[rowRecord[r]] = 0;
    for (let s = 0; s < data.nSituations; s++) if (sim.sitChosen[s] >= 0) value[rowRecord[sim.sitChosen[s]]] = 1;
  }
  let rewritten = 0;
  for (let i = 0; i < nRecords; i++) if (value[i] >= 0) rewritten++;
  const alts = data.altLabels;
  const codes = spec.choiceCodes;
  const cell = (record: number, original: () => string): string | null => {
    const v = record < nRecords ? value[record] : -1;
    if (v < 0) return null;
    if (!wide) return v === 1 ? '1' : '0';
    if (codes !== undefined) return String(codes[alts[v]]);
    const t = original().trim();
    const numeric = t !== '' && Number.isFinite(Number(t)) && !alts.includes(t);
    return numeric ? String(v + 1) : alts[v];
  };
  if (spec.columns === undefined && spec.path !== undefined && sniff(spec.path) === 'csv') {
    const records = rewriteCsv(spec.path, spec.delimiter, spec.choice, outPath, cell, options.chunkBytes ?? 4 << 20);
    return { path: outPath, records, rewritten, mode: 'copy' };
  }
  const records = await writeAsCsv(spec, outPath, cell);
  return { path: outPath, records, rewritten, mode: 'csv' };
}

/** The input's type from its first bytes (as the reader decides it). */
function sniff(path: string): 'csv' | 'other' {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    const s = head.subarray(0, n).toString('latin1');
    if (s.startsWith('PAR1') || s.startsWith('ARROW1') || (n >= 4 && head.readUInt32LE(0) === 0xffffffff)) return 'other';
    return 'csv';
  } finally {
    closeSync(fd);
  }
}

/** Opens a file for writing, with a clear error. */
function openForWriting(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (e) {
    throw new PostEstimationError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const CRLF = Buffer.from([CR, LF]);
const CR1 = Buffer.from([CR]);

/** What a choice cell becomes: its new text, or null to leave it (`original` gives the file's text). */
type ChoiceCell = (record: number, original: () => string) => string | null;

/**
 * Copies a delimited file, replacing the choice field of the records `cell`
 * gives a value for. Records are counted as the reader counts them (blank
 * lines are not records); quoting follows RFC 4180 as the reader does.
 * @returns The number of data records.
 */
function rewriteCsv(
  inPath: string,
  delimiter: string | undefined,
  choice: string,
  outPath: string,
  cell: ChoiceCell,
  CHUNK: number,
): number {
  const head = readCsvHeader(inPath, delimiter);
  const target = headerIndex(inPath, head.header, choice);
  const D = head.delimiter.charCodeAt(0);
  const output = openForWriting(outPath);
  const input = openSync(inPath, 'r');
  const buf = Buffer.alloc(CHUNK);
  const out = new BufferedOutput(output, Math.max(CHUNK, 1 << 16));
  const body = new ChoiceFieldRewriter(D, target, cell, out);
  try {
    let pos = copyHead(input, buf, head.bodyStart, out);
    for (;;) {
      const n = readSync(input, buf, 0, CHUNK, pos);
      if (n === 0) break;
      pos += n;
      body.chunk(buf, n);
    }
    body.end();
    out.flush();
  } finally {
    closeSync(input);
    closeSync(output);
  }
  return body.records;
}

/** The first `byte` in buf[from .. n-1], or n when there is none. */
function findByte(buf: Buffer, n: number, byte: number, from: number): number {
  const k = buf.indexOf(byte, from);
  return k < 0 || k >= n ? n : k;
}

/** Copies the input's bytes before `end` (the header line) as they are; returns the position reached. */
function copyHead(input: number, buf: Buffer, end: number, out: BufferedOutput): number {
  let pos = 0;
  while (pos < end) {
    const n = readSync(input, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) break;
    out.write(buf.subarray(0, n));
    pos += n;
  }
  return pos;
}

/** Bytes written to a file through a buffer. */
class BufferedOutput {
  private readonly out: Buffer;
  private o = 0;

  constructor(private readonly fd: number, size: number) {
    this.out = Buffer.alloc(size);
  }

  /** Appends bytes to the output. */
  write(bytes: Uint8Array): void {
    if (this.o + bytes.length > this.out.length) this.flush();
    if (bytes.length > this.out.length) {
      let w = 0;
      while (w < bytes.length) w += writeSync(this.fd, bytes, w, bytes.length - w);
      return;
    }
    this.out.set(bytes, this.o);
    this.o += bytes.length;
  }

  /** Writes out what the buffer holds. */
  flush(): void {
    let w = 0;
    while (w < this.o) w += writeSync(this.fd, this.out, w, this.o - w);
    this.o = 0;
  }
}

/** The bytes of the choice field being read, held back until the field ends. */
class HeldField {
  private bytes = new Uint8Array(64);
  private n = 0;

  /** Holds one more byte. */
  push(c: number): void {
    if (this.n === this.bytes.length) {
      const h = new Uint8Array(this.bytes.length * 2);
      h.set(this.bytes);
      this.bytes = h;
    }
    this.bytes[this.n++] = c;
  }

  /** The bytes held. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.n);
  }

  /** The field's text (unquoted). */
  text(): string {
    const t = Buffer.from(this.view()).toString('utf8');
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t;
  }

  clear(): void {
    this.n = 0;
  }
}

/**
 * The body of a delimited file, chunk by chunk: bytes are copied in runs;
 * only the choice field's bytes are held back and replaced.
 */
class ChoiceFieldRewriter {
  /** The last record seen (-1: none yet). */
  private record = -1;
  private atStart = true; // at the start of a line (no byte of a record seen)
  private startCR = false; // a CR at the start of a line: a blank line if LF follows
  private field = 0;
  private quoted = false; // inside a quoted field
  private quoteSeen = false; // a quote inside a quoted field: it closes the field unless another follows
  private fieldStart = true; // no byte of the current field seen yet
  private inTarget = false; // the current field is the choice field (its bytes are held)
  private targetCR = false; // an unquoted CR in the choice field, not yet known to end the line
  private readonly held = new HeldField();
  private readonly encoded = new Map<string, Buffer>();
  private readonly original = (): string => this.held.text();
  // the next line end, quote and delimiter in the current chunk (n: none in it), found natively
  private nextLF = -1;
  private nextQ = -1;
  private nextD = -1;

  constructor(
    private readonly D: number,
    private readonly target: number,
    private readonly cell: ChoiceCell,
    private readonly out: BufferedOutput,
  ) {}

  /** The number of data records seen. */
  get records(): number {
    return this.record + 1;
  }

  /** Copies the next `n` bytes of the file, in `buf`. */
  chunk(buf: Buffer, n: number): void {
    const { D, target, out } = this;
    let run = 0; // start of the bytes of this chunk not yet copied
    this.nextLF = this.nextQ = this.nextD = -1;
    for (let i = 0; i < n; i++) {
      if (!this.inTarget && !this.atStart && !this.quoteSeen) {
        const j = this.nextStop(buf, i, n);
        // past the choice field the delimiters are skipped too: a field starts after one
        if (j >= n) {
          if (n > i && !this.quoted) this.fieldStart = buf[n - 1] === D;
          break;
        }
        if (j > i) {
          if (!this.quoted) this.fieldStart = buf[j - 1] === D;
          i = j;
        }
      }
      const c = buf[i];
      if (this.inTarget) {
        if (this.targetByte(c)) {
          run = i + 1;
          continue;
        }
        run = i; // the delimiter or line end is copied with the next run
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === QUOTE) continue;
          this.quoted = false;
        } else {
          if (c === QUOTE) this.quoteSeen = true;
          continue;
        }
      }
      if (this.atStart) {
        if (this.startCR) {
          this.startCR = false;
          if (c === LF) continue; // a blank line (CRLF): copied as it is
        } else if (c === LF) continue; // a blank line
        else if (c === CR) {
          this.startCR = true;
          continue;
        }
        this.atStart = false;
        this.record++;
        this.field = 0;
        this.fieldStart = true;
        if (target === 0) {
          if (i > run) out.write(buf.subarray(run, i));
          run = i;
          this.inTarget = true;
          i--; // handle this byte as the choice field's first
          continue;
        }
      }
      if (c === LF) {
        this.atStart = true;
        continue;
      }
      if (c === D) {
        this.field++;
        this.fieldStart = true;
        if (this.field === target) {
          out.write(buf.subarray(run, i + 1));
          run = i + 1;
          this.inTarget = true;
        }
        continue;
      }
      if (c === QUOTE && this.fieldStart) this.quoted = true;
      this.fieldStart = false;
    }
    if (n > run) out.write(buf.subarray(run, n));
  }

  /** After the last chunk: the choice field of a last line without a line end. */
  end(): void {
    if (this.inTarget) {
      this.finishTarget();
      if (this.targetCR) this.out.write(CR1);
    }
  }

  /**
   * Outside the choice field, the next byte at or after i that matters (n: none
   * in this chunk): a quote; outside quotes also a line end, and a delimiter
   * while the choice field is still ahead.
   */
  private nextStop(buf: Buffer, i: number, n: number): number {
    if (this.nextQ < i) this.nextQ = findByte(buf, n, QUOTE, i);
    let j = this.nextQ;
    if (!this.quoted) {
      if (this.nextLF < i) this.nextLF = findByte(buf, n, LF, i);
      if (this.nextLF < j) j = this.nextLF;
      if (this.field < this.target) {
        if (this.nextD < i) this.nextD = findByte(buf, n, this.D, i);
        if (this.nextD < j) j = this.nextD;
      }
    }
    return j;
  }

  /**
   * A byte of the choice field: held until the field ends.
   * @returns True when the byte is taken (held, or a CRLF line end written);
   *   false when it is the delimiter or line end that ends the field (the
   *   field is written, the byte left to copy).
   */
  private targetByte(c: number): boolean {
    if (this.targetCR) {
      this.targetCR = false;
      if (c === LF) {
        this.finishTarget();
        this.out.write(CRLF);
        this.atStart = true;
        this.field = 0;
        this.fieldStart = true;
        return true;
      }
      this.held.push(CR);
    }
    if (this.quoted) {
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (c === QUOTE) {
          this.held.push(c);
          return true;
        }
        this.quoted = false;
      } else {
        if (c === QUOTE) this.quoteSeen = true;
        this.held.push(c);
        return true;
      }
    }
    if (c === this.D || c === LF) {
      this.finishTarget();
      return false;
    }
    if (c === CR) {
      this.targetCR = true;
      return true;
    }
    if (c === QUOTE && this.fieldStart) this.quoted = true;
    this.fieldStart = false;
    this.held.push(c);
    return true;
  }

  /** Writes the choice field: its new value, or the bytes held. */
  private finishTarget(): void {
    const v = this.cell(this.record, this.original);
    if (v === null) this.out.write(this.held.view());
    else {
      let b = this.encoded.get(v);
      if (b === undefined) this.encoded.set(v, (b = Buffer.from(v, 'utf8')));
      this.out.write(b);
    }
    this.held.clear();
    this.inTarget = false;
  }
}

/** A CSV cell: quoted when it holds a comma, a quote or a line end. */
function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes a Parquet, Arrow or in-memory input as CSV (every column, each cell's text), with the choice cells replaced. */
async function writeAsCsv(spec: Prepared['spec']['data'], outPath: string, cell: ChoiceCell): Promise<number> {
  const source = await openSource(spec, { variables: [] });
  try {
    const header = [...source.header];
    const table = await source.read([], header);
    const cols = header.map((h) => table.keys.get(h)!);
    const target = header.indexOf(spec.choice);
    if (target < 0) throw new PostEstimationError(`the choice column "${spec.choice}" is not a column of the input`);
    const output = openForWriting(outPath);
    try {
      let lines: string[] = [header.map(csvCell).join(',')];
      const flush = () => {
        writeSync(output, lines.join('\n') + '\n');
        lines = [];
      };
      for (let r = 0; r < table.nRows; r++) {
        const cells = cols.map((c) => c.labels[c.codes[r]]);
        const v = cell(r, () => cells[target]);
        if (v !== null) cells[target] = v;
        lines.push(cells.map(csvCell).join(','));
        if (lines.length >= 4096) flush();
      }
      if (lines.length > 0) flush();
    } finally {
      closeSync(output);
    }
    return table.nRows;
  } finally {
    await source.close();
  }
}
