/**
 * Parquet files, decoded by parquet-wasm (the Rust arrow-rs Parquet reader
 * compiled to WebAssembly: snappy, zstd, gzip, brotli, lz4; dictionary, RLE
 * and delta encodings) one row group at a time, and only the columns used,
 * handed over as Arrow IPC and converted by {@link ColumnSink}. The file is
 * given to it as a lazily read Blob-like object ({@link FileRanges}), so only
 * the column chunks being decoded are in memory, never the whole file.
 * Integer and float columns without nulls skip the IPC hand-over: they are
 * read from the WebAssembly memory through the Arrow C Data Interface
 * (./parquet-ffi.ts), and written straight into the read's final (shared)
 * arrays, allocated once at the size the metadata gives.
 * Large files are decoded by this thread and worker threads together: this
 * thread from the first row group on, the workers in runs from the last one
 * back (./parquet-worker.ts).
 */
import { closeSync, existsSync, fstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { type DataType, tableFromIPC } from 'apache-arrow';
import { Piscina } from 'piscina';
import { ColumnSink, tableFromSinks } from './columnar.js';
import { headerIndex, openFile, readAt } from './csv.js';
import { DataError } from './errors.js';
import { makeSinks } from './arrow.js';
import type { LoadProgress } from './progress.js';
import { ROW_INDEX, StringInterner, type KeyColumn, type NumericColumn, type Table } from './table.js';
import type { RowGroupColumn, RowGroupFailure, RowGroupResult, RowGroupTask } from './parquet-tasks.js';
import { ffiColumns, ffiReadable } from './parquet-ffi.js';
import { clearPanic, freeObject, guardPanics } from './parquet-panic.js';

type ParquetWasm = typeof import('parquet-wasm');
type ParquetFileHandle = Awaited<ReturnType<ParquetWasm['ParquetFile']['fromFile']>>;

let wasm: ParquetWasm | null = null;
const requireHere = createRequire(import.meta.url);
/** The module instance each file handle came from (its memory holds what the handle's reads return). */
const moduleOf = new WeakMap<object, ParquetWasm>();
/**
 * Loads parquet-wasm on first use (its WebAssembly module is 4 MB), and again,
 * as a new instance, after it panicked on a corrupt file (./parquet-panic.ts):
 * one bad file does not leave the process unable to read Parquet.
 */
async function parquetWasm(): Promise<ParquetWasm> {
  if (wasm === null) wasm = await import('parquet-wasm');
  else if (clearPanic()) {
    // Node's build of parquet-wasm is CommonJS: out of require's cache, it instantiates afresh
    const path = requireHere.resolve('parquet-wasm');
    delete requireHere.cache[path];
    wasm = requireHere(path) as ParquetWasm;
  }
  return wasm;
}

/** Opens a file's ranges as a parquet-wasm file, remembering the module instance that holds it. */
async function openWith(ranges: FileRanges): Promise<ParquetFileHandle> {
  const module = await parquetWasm();
  const pf = await guardPanics(() => module.ParquetFile.fromFile(ranges.blob()));
  moduleOf.set(pf, module);
  return pf;
}

/** An opened Parquet file: its column names and row groups, then its columns. */
export interface ParquetSource {
  readonly header: readonly string[];
  /** Rows of each row group. */
  readonly rowGroupRows: readonly number[];
  read(numeric: Iterable<string>, keys: Iterable<string>, onProgress?: (p: LoadProgress) => void, workers?: number, direct?: readonly string[]): Promise<Table>;
  close(): Promise<void>;
}

/** Files with fewer rows are decoded on this thread (worker start-up would cost more than it saves). */
const PARALLEL_MIN_ROWS = 1 << 20;

/**
 * Opens a Parquet file and reads its footer.
 * @throws {@link DataError} for a truncated or corrupt file.
 */
export async function openParquetFile(path: string, size: number): Promise<ParquetSource> {
  checkFooter(path, size);
  let pf: ParquetFileHandle;
  let header: string[];
  let rowGroupRows: number[];
  const ranges = new FileRanges(path);
  try {
    pf = await openWith(ranges);
    header = tableFromIPC(pf.schema().intoIPCStream()).schema.fields.map((f) => f.name);
    const md = pf.metadata();
    rowGroupRows = Array.from({ length: md.numRowGroups() }, (_, g) => Number(md.rowGroup(g).numRows()));
  } catch (e) {
    ranges.close();
    throw corrupt(path, e);
  }
  let closed = false;
  return {
    header,
    rowGroupRows,
    async read(numeric, keys, onProgress, workers, direct = []) {
      const total = rowGroupRows.reduce((a, b) => a + b, 0);
      const w = Math.max(1, Math.floor(workers ?? availableParallelism()));
      const parallel = w > 1 && rowGroupRows.length > 1 && (workers !== undefined || total >= PARALLEL_MIN_ROWS);
      return readColumns(path, { pf, reads: ranges }, header, rowGroupRows, numeric, keys, direct, parallel ? w : 1, size, onProgress);
    },
    async close() {
      if (!closed) {
        freeObject(pf);
        ranges.close();
      }
      closed = true;
    },
  };
}

/**
 * Rows per record batch parquet-wasm decodes (a row group comes in batches
 * of this size): the decoder reserves room for a whole batch per column, so
 * a larger size only grows its memory (2^20 made it 130 MB, 2^16 20 MB on
 * 122,880-row groups), at the same speed.
 */
const BATCH_ROWS = 1 << 16;

/** How one parquet-wasm read reads its file ranges (see {@link FileRanges.reusing}). */
export interface ReadScope {
  /** Runs `read` (one `ParquetFile.read`) and gives its result. */
  reusing<T>(read: () => Promise<T>): Promise<T>;
}

/** Reads as they are, for a file not opened through {@link FileRanges}. */
const PLAIN_READS: ReadScope = { reusing: (read) => read() };

/**
 * Decodes row groups `from .. to-1` into the sinks (one per column to read).
 * @param reads - How the file's ranges are read (the file's {@link FileRanges}: into reused buffers).
 * @throws {@link DataError} naming the file and row group if decoding fails.
 */
export async function readRowGroups(
  path: string,
  pf: ParquetFileHandle,
  sinks: readonly ColumnSink[],
  from: number,
  to: number,
  reads: ReadScope = PLAIN_READS,
): Promise<void> {
  const { wasmMemory } = moduleOf.get(pf) ?? (await parquetWasm());
  // plain numeric columns straight from WebAssembly memory (./parquet-ffi.ts), the others through Arrow IPC
  const types = schemaTypes(path, pf);
  const viaFFI = sinks.filter((s) => {
    const type = types.get(s.name);
    return type !== undefined && ffiReadable(type);
  });
  const ffiNames = viaFFI.map((s) => s.name);
  for (let g = from; g < to; g++) {
    let rest = sinks;
    let t;
    try {
      if (viaFFI.length > 0) {
        const stream = (await reads.reusing(() => guardPanics(() => pf.read({ rowGroups: [g], columns: ffiNames, batchSize: BATCH_ROWS })))).intoFFI();
        try {
          // views of the WebAssembly memory: used before the next call into the module
          const chunks = ffiColumns(wasmMemory(), stream, ffiNames);
          viaFFI.forEach((s, k) => {
            for (const c of chunks[k] ?? []) s.appendTyped(c);
          });
          // a column with nulls is read again through IPC
          rest = sinks.filter((s) => {
            const k = viaFFI.indexOf(s);
            return k < 0 || chunks[k] === null;
          });
        } finally {
          freeObject(stream);
        }
      }
      if (rest.length === 0) continue;
      const w = await reads.reusing(() => guardPanics(() => pf.read({ rowGroups: [g], columns: rest.map((s) => s.name), batchSize: BATCH_ROWS })));
      t = tableFromIPC(w.intoIPCStream());
    } catch (e) {
      throw corrupt(path, e, g);
    }
    for (const s of rest) {
      const child = t.getChild(s.name);
      if (!child) throw new DataError(`row group ${g} has no column "${s.name}"`, { file: path, column: s.name });
      for (const d of child.data) s.appendArrow(d);
    }
  }
}

/** The column types of each file read, by its handle (a read decodes a row group at a time). */
const SCHEMA_TYPES = new WeakMap<ParquetFileHandle, Map<string, DataType>>();

/** The file's column types by name. @throws {@link DataError} if its schema cannot be read. */
function schemaTypes(path: string, pf: ParquetFileHandle): Map<string, DataType> {
  let types = SCHEMA_TYPES.get(pf);
  if (types === undefined) {
    try {
      types = new Map(tableFromIPC(pf.schema().intoIPCStream()).schema.fields.map((f) => [f.name, f.type] as const));
    } catch (e) {
      throw corrupt(path, e);
    }
    SCHEMA_TYPES.set(pf, types);
  }
  return types;
}

/** An opened Parquet file and how its ranges are read. */
export interface ParquetHandle {
  readonly pf: ParquetFileHandle;
  readonly reads: ReadScope;
}

/** Opens a Parquet file in a worker (see ./parquet-worker.ts); `close` frees it and closes the file. */
export async function openParquetHandle(path: string): Promise<ParquetHandle & { close(): void }> {
  const ranges = new FileRanges(path);
  try {
    const pf = await openWith(ranges);
    return {
      pf,
      reads: ranges,
      close() {
        freeObject(pf);
        ranges.close();
      },
    };
  } catch (e) {
    ranges.close();
    throw corrupt(path, e);
  }
}

/** What parquet-wasm uses of a Blob. */
interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): BlobLike;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * At most this many buffers are kept for reuse: parquet-wasm asks for one
 * range per read of adjacent columns, and one per column for columns far
 * apart in the file (a read asking for more gets new buffers for the rest).
 */
const POOLED_BUFFERS = 4;

/** An ES2024 resizable ArrayBuffer (Node 20 has them; the ES2022 lib does not declare them). */
interface ResizableBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

/** A resizable ArrayBuffer of `byteLength` bytes that may grow to `max`, or null where the runtime has none. */
function resizableBuffer(byteLength: number, max: number): ResizableBuffer | null {
  const Ctor: new (n: number, options?: { maxByteLength: number }) => ArrayBuffer = ArrayBuffer;
  const b: ArrayBuffer & Partial<ResizableBuffer> = new Ctor(byteLength, { maxByteLength: max });
  return b.resizable === true && typeof b.resize === 'function' ? (b as ResizableBuffer) : null;
}

/**
 * A file as the Blob parquet-wasm reads column chunks from (it uses only
 * `size`, `slice(start, end)` and `arrayBuffer()`), with each range read
 * synchronously (`readSync`) when asked for: a Blob from `fs.openAsBlob`
 * reads through the thread pool and a stream, and a one-thread read of a
 * large file spent about an eighth of its time waiting for those reads.
 * Inside {@link FileRanges.reusing} the ranges are read into buffers kept from
 * one read to the next (parquet-wasm copies a range into its own memory as
 * soon as it has it), so reading a large file does not fault in a fresh
 * buffer for every row group.
 */
class FileRanges {
  private fd: number | null;
  private readonly size: number;
  /** Resizable buffers handed out again inside {@link FileRanges.reusing}. */
  private pool: (ResizableBuffer | null)[] = [];
  /** Scopes of {@link FileRanges.reusing} running. */
  private active = 0;
  /** Pool buffers handed out since the scopes running began (none is handed out twice meanwhile). */
  private handed = 0;
  /** @throws {@link DataError} if the file cannot be opened. */
  constructor(private readonly path: string) {
    this.fd = openFile(path);
    try {
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      this.close();
      throw new DataError(`cannot read the file: ${(e as Error).message}`, { file: path });
    }
  }

  /** The whole file. */
  blob(): Blob {
    return this.range(0, this.size) as Blob;
  }

  /**
   * Runs `read` (one parquet-wasm read, which has copied every range it asked
   * for when it resolves) with the ranges read into reused buffers. Scopes
   * may overlap: a buffer is handed out again only once every scope running
   * when it was handed out has ended.
   */
  async reusing<T>(read: () => Promise<T>): Promise<T> {
    if (this.active++ === 0) this.handed = 0;
    try {
      return await read();
    } finally {
      this.active--;
    }
  }

  /** A buffer for `len` bytes: a pool buffer inside a scope, else a new one. */
  private buffer(len: number): Uint8Array {
    if (this.active === 0 || this.handed >= POOLED_BUFFERS) return new Uint8Array(len);
    const k = this.handed++;
    let b = this.pool[k] ?? null;
    if (b === null || b.maxByteLength < len) {
      b = resizableBuffer(0, Math.max(2 * len, 16 << 20));
      if (b === null) return new Uint8Array(len);
      this.pool[k] = b;
    }
    b.resize(len);
    return new Uint8Array(b);
  }

  private range(a: number, b: number): BlobLike {
    const len = b - a;
    const at = (x: number | undefined, d: number): number => {
      const v = x === undefined ? d : Math.trunc(x);
      return Math.min(len, Math.max(0, v < 0 ? len + v : v));
    };
    return {
      size: len,
      slice: (start, end) => {
        const s = at(start, 0);
        return this.range(a + s, a + Math.max(s, at(end, len)));
      },
      arrayBuffer: () => {
        if (this.fd === null) return Promise.reject(new Error('the file is closed'));
        const buf = this.buffer(len);
        const n = readAt(this.path, this.fd, buf, a);
        if (n < len) return Promise.reject(new Error(`the file ended ${len - n} bytes early (was it changed while being read?)`));
        return Promise.resolve(buf.buffer as ArrayBuffer);
      },
    };
  }

  /** Closes the file (once) and lets the buffers go. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.pool = [];
  }
}

/** A Parquet file ends with its footer length and `PAR1`; a file cut short does not. */
function checkFooter(path: string, size: number): void {
  const fd = openFile(path);
  try {
    const tail = new Uint8Array(8);
    const n = size >= 12 ? readAt(path, fd, tail, size - 8) : 0;
    const magic = n === 8 ? String.fromCharCode(...tail.subarray(4)) : '';
    if (magic !== 'PAR1') {
      throw new DataError('truncated or corrupt Parquet file: it does not end with the magic bytes PAR1 (was the copy or download cut short?)', {
        file: path,
      });
    }
    const footer = tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24);
    if (footer <= 0 || footer > size - 12) {
      throw new DataError(`corrupt Parquet file: its footer length ${footer} does not fit in a file of ${size} bytes`, { file: path });
    }
  } finally {
    closeSync(fd);
  }
}

function corrupt(path: string, e: unknown, rowGroup?: number): DataError {
  if (e instanceof DataError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DataError(
    `cannot decode the Parquet file${rowGroup !== undefined ? ` (row group ${rowGroup})` : ''}: ${msg} (is it truncated or corrupt?)`,
    { file: path },
  );
}

/** The compiled worker (next to this file in dist; from src under a test runner, the built one). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./parquet-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../dist/parquet-worker.js', import.meta.url));
}

/**
 * Decodes the row groups straight into shared columns at the rows the
 * metadata gives each group: runs of groups on this thread and, with
 * `workers` > 1, on `workers` - 1 worker threads (see {@link decodeGroups});
 * a worker's identifier codes are then mapped to first appearance in the
 * file, in order, so the table is the same whatever the number of workers.
 * The `direct` columns go into one row-major block (Table.direct) instead.
 */
async function readColumns(
  path: string,
  file: ParquetHandle,
  header: readonly string[],
  rowGroupRows: readonly number[],
  numeric: Iterable<string>,
  keys: Iterable<string>,
  direct: readonly string[],
  workers: number,
  size: number,
  onProgress?: (p: LoadProgress) => void,
): Promise<Table> {
  const dir = new Set(direct);
  const sinks = makeSinks(path, header, [...numeric].filter((n) => !dir.has(n)), keys, 1); // checks the names
  for (const n of direct) headerIndex(path, header, n);
  const total = rowGroupRows.reduce((a, b) => a + b, 0);
  if (total === 0) return tableFromSinks(path, header, []);
  const K = direct.length;
  const block = K > 0 ? new Float64Array(new SharedArrayBuffer(8 * total * K)) : null;
  const columns: RowGroupColumn[] = [
    ...sinks.map(({ sink }) => ({
      name: sink.name,
      numeric: sink.asNumber ? new Float64Array(new SharedArrayBuffer(8 * total)) : null,
      codes: sink.asKey ? new Int32Array(new SharedArrayBuffer(4 * total)) : null,
      stride: 1,
      offset: 0,
    })),
    ...direct.map((name, d) => ({ name, numeric: block, codes: null, stride: K, offset: d })),
  ];
  // the first row of each row group, and the end
  const starts = [0];
  for (const n of rowGroupRows) starts.push(starts[starts.length - 1] + n);
  const threads = Math.min(workers - 1, rowGroupRows.length - 1);
  const pool = threads > 0 ? new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 1000 }) : null;
  try {
    let rows = 0;
    const progress = (n: number): void => {
      rows += n;
      onProgress?.({ phase: 'read', rows, bytes: null, totalBytes: size });
    };
    const decoded = await decodeGroups(path, file, columns, starts, pool, threads, progress);
    // this thread's codes are the file's from the start: its sinks' own labels and unusable rows
    const interners = decoded.sinks.map((s) => s.interner);
    const bad = decoded.sinks.map((s) => s.bad);
    for (const run of decoded.runs) mergeRun(columns, run.result, interners, bad, run.a, run.b);
    const numericCols = new Map<string, NumericColumn>();
    const keyCols = new Map<string, KeyColumn>();
    columns.forEach((c, k) => {
      if (c.numeric && c.stride === 1) numericCols.set(c.name, { values: c.numeric, bad: bad[k] });
      if (c.codes) keyCols.set(c.name, { codes: c.codes, labels: interners[k].labels });
    });
    const table: Table = { file: path, header, nRows: total, rows: ROW_INDEX, numeric: numericCols, keys: keyCols };
    return block ? { ...table, direct: { names: direct, X: block, bad: bad.slice(columns.length - K) } } : table;
  } catch (e) {
    throw e instanceof DataError ? e : corrupt(path, e);
  } finally {
    await pool?.destroy();
  }
}

/**
 * Adds a worker's run (rows `a .. b-1`) to what this thread holds: its
 * unusable rows, and its codes (the run's own) mapped to first appearance
 * in the file. Runs are merged in file order, after this thread's groups.
 */
function mergeRun(
  columns: readonly RowGroupColumn[],
  r: RowGroupResult,
  interners: readonly StringInterner[],
  bad: readonly Map<number, string | null>[],
  a: number,
  b: number,
): void {
  columns.forEach((c, k) => {
    r.bad[k].forEach((text, row) => bad[k].set(row, text));
    const local = r.labels[k];
    if (!local || !c.codes) return;
    const remap = new Int32Array(local.length);
    const g = interners[k];
    if (local instanceof Float64Array) g.codesOfNumbers(local, local.length, remap, 0);
    else for (let j = 0; j < local.length; j++) remap[j] = g.code(local[j]);
    remapCodes(c.codes, remap, a, b);
  });
}

/**
 * Decodes the row groups: on this thread one at a time from the first one
 * on, into sinks whose codes are the file's (first appearance), and on the
 * pool's threads in runs from the last one back, until the two meet. This
 * thread decodes while the workers start, and between its row groups it
 * hands a worker that is done its next run: a share of the groups left,
 * smaller as the two sides meet, so that they finish together. After a run
 * fails the workers take no new one, and this thread decodes the groups left
 * before theirs; the error thrown is the first failing group's, as in a
 * sequential read.
 * @param starts - The first row of each row group, and the number of rows.
 * @param onRows - Called with the rows of each group or run decoded.
 * @returns This thread's sinks (the groups before the runs) and the workers' runs (rows `a .. b-1`) in file order.
 */
async function decodeGroups(
  path: string,
  file: ParquetHandle,
  columns: readonly RowGroupColumn[],
  starts: readonly number[],
  pool: Piscina | null,
  threads: number,
  onRows: (rows: number) => void,
): Promise<{ sinks: ColumnSink[]; runs: { a: number; b: number; result: RowGroupResult }[] }> {
  const groups = starts.length - 1;
  const sinks = taskSinks(path, columns, 0);
  const runs: { a: number; b: number; result: RowGroupResult }[] = [];
  const errors = new Map<number, unknown>(); // by first row group
  const running = new Set<Promise<void>>();
  let front = 0;
  let back = groups;
  const claim = (): void => {
    // a run from the back, always leaving this thread its next group
    while (pool !== null && running.size < threads && back - front > 1 && errors.size === 0) {
      const size = Math.max(1, Math.min(Math.ceil(groups / (4 * (threads + 1))), Math.floor((back - front - 1) / (threads + 1))));
      const from = back - size;
      const to = back;
      back = from;
      const task: RowGroupTask = { file: path, from, to, base: starts[from], columns };
      const done: Promise<void> = (pool.run(task) as Promise<RowGroupResult | RowGroupFailure>)
        .then(
          (r) => {
            if ('failure' in r) {
              errors.set(from, new DataError(r.failure.detail, r.failure.where));
              return;
            }
            runs.push({ a: starts[from], b: starts[to], result: r });
            onRows(starts[to] - starts[from]);
          },
          (e: unknown) => void errors.set(from, e),
        )
        .finally(() => {
          running.delete(done);
          claim();
        });
      running.add(done);
    }
  };
  claim();
  while (front < back) {
    const g = front++;
    try {
      await readRowGroups(path, file.pf, sinks, g, g + 1, file.reads);
    } catch (e) {
      errors.set(g, e);
      break;
    }
    onRows(starts[g + 1] - starts[g]);
    if (pool === null) continue;
    await setImmediate(); // let the workers' answers in, and hand them their next runs
    claim();
  }
  while (running.size > 0) await Promise.allSettled([...running]);
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys()));
  return { sinks, runs: runs.sort((x, y) => x.a - y.a) };
}

/**
 * Decodes one task's row groups into its columns (a worker's whole job).
 * Returns what is not in the columns: the labels of the task's own codes
 * (numbers when they all arrived as numbers) and the rows of unusable values.
 */
export async function decodeRowGroups(file: ParquetHandle, task: RowGroupTask): Promise<RowGroupResult> {
  const sinks = taskSinks(task.file, task.columns, task.base);
  await readRowGroups(task.file, file.pf, sinks, task.from, task.to, file.reads);
  return { labels: sinks.map((s) => (s.asKey ? (s.numericLabels() ?? s.labels) : null)), bad: sinks.map((s) => s.bad) };
}

/** Sinks writing into a read's (shared) columns from row `base` on. */
function taskSinks(file: string, columns: readonly RowGroupColumn[], base: number): ColumnSink[] {
  return columns.map(
    (c) =>
      new ColumnSink(file, c.name, c.numeric !== null, c.codes !== null, 0, {
        numeric: c.numeric,
        codes: c.codes,
        base,
        stride: c.stride,
        offset: c.offset,
      }),
  );
}

/**
 * codes[i] = remap[codes[i]] for i in [a, b): nothing to do when the map is
 * the identity (a task whose alternatives or situations came in the file's
 * order), an addition when it is a shift (a task's individuals, new to the file).
 */
function remapCodes(codes: Int32Array, remap: Int32Array, a: number, b: number): void {
  const shift = remap.length > 0 ? remap[0] : 0;
  let j = 1;
  while (j < remap.length && remap[j] === j + shift) j++;
  if (j < remap.length) {
    for (let i = a; i < b; i++) codes[i] = remap[codes[i]];
  } else if (shift !== 0) {
    for (let i = a; i < b; i++) codes[i] += shift;
  }
}
