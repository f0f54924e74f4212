/**
 * Parquet files, decoded by parquet-wasm (the Rust arrow-rs Parquet reader
 * compiled to WebAssembly: snappy, zstd, gzip, brotli, lz4; dictionary, RLE
 * and delta encodings) one row group at a time, and only the columns used,
 * handed over as Arrow IPC and converted by {@link ColumnSink}. The file is
 * given to it as a lazily read Blob-like object ({@link FileRanges}), so only
 * the column chunks being decoded are in memory, never the whole file.
 * Integer and float columns without nulls skip the IPC hand-over: they are
 * read from the WebAssembly memory through the Arrow C Data Interface
 * (./parquet-ffi.ts).
 * Large files are decoded by several worker threads, a share of the row
 * groups each (./parquet-worker.ts).
 */
import { closeSync, existsSync, fstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type DataType, tableFromIPC } from 'apache-arrow';
import { Piscina } from 'piscina';
import { ColumnSink, tableFromSinks } from './columnar.js';
import { headerIndex, openFile, readAt } from './csv.js';
import { DataError } from './errors.js';
import { makeSinks } from './arrow.js';
import type { LoadProgress } from './progress.js';
import { ROW_INDEX, StringInterner, type KeyColumn, type NumericColumn, type Table } from './table.js';
import type { RowGroupColumn, RowGroupResult, RowGroupTask } from './parquet-tasks.js';
import { OrderedTasks } from './ordered-tasks.js';
import { ffiColumns, ffiReadable } from './parquet-ffi.js';

type ParquetWasm = typeof import('parquet-wasm');
type ParquetFileHandle = Awaited<ReturnType<ParquetWasm['ParquetFile']['fromFile']>>;

let wasm: Promise<ParquetWasm> | null = null;
/** Loads parquet-wasm once, on first use (its WebAssembly module is 4 MB). */
function parquetWasm(): Promise<ParquetWasm> {
  wasm ??= import('parquet-wasm');
  return wasm;
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
  const { ParquetFile } = await parquetWasm();
  let pf: ParquetFileHandle;
  let header: string[];
  let rowGroupRows: number[];
  const ranges = new FileRanges(path);
  try {
    pf = await ParquetFile.fromFile(ranges.blob());
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
      return readColumns(path, pf, header, rowGroupRows, numeric, keys, direct, parallel ? w : 1, size, onProgress);
    },
    async close() {
      if (!closed) {
        pf.free();
        ranges.close();
      }
      closed = true;
    },
  };
}

/**
 * Decodes row groups `from .. to-1` into the sinks (one per column to read).
 * @throws {@link DataError} naming the file and row group if decoding fails.
 */
export async function readRowGroups(
  path: string,
  pf: ParquetFileHandle,
  sinks: readonly ColumnSink[],
  from: number,
  to: number,
): Promise<void> {
  const { wasmMemory } = await parquetWasm();
  // plain numeric columns straight from WebAssembly memory (./parquet-ffi.ts), the others through Arrow IPC
  let types: Map<string, DataType>;
  try {
    types = new Map(tableFromIPC(pf.schema().intoIPCStream()).schema.fields.map((f) => [f.name, f.type] as const));
  } catch (e) {
    throw corrupt(path, e);
  }
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
        const stream = (await pf.read({ rowGroups: [g], columns: ffiNames, batchSize: 1 << 20 })).intoFFI();
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
          stream.free();
        }
      }
      if (rest.length === 0) continue;
      const w = await pf.read({ rowGroups: [g], columns: rest.map((s) => s.name), batchSize: 1 << 20 });
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

/** Opens a Parquet file in a worker (see ./parquet-worker.ts); `close` frees it and closes the file. */
export async function openParquetHandle(path: string): Promise<{ pf: ParquetFileHandle; close(): void }> {
  const { ParquetFile } = await parquetWasm();
  const ranges = new FileRanges(path);
  try {
    const pf = await ParquetFile.fromFile(ranges.blob());
    return {
      pf,
      close() {
        pf.free();
        ranges.close();
      },
    };
  } catch (e) {
    ranges.close();
    throw corrupt(path, e);
  }
}

/**
 * A file as the Blob parquet-wasm reads column chunks from (it uses only
 * `size`, `slice(start, end)` and `arrayBuffer()`), with each range read
 * synchronously (`readSync`) when asked for: a Blob from `fs.openAsBlob`
 * reads through the thread pool and a stream, and a one-thread read of a
 * large file spent about an eighth of its time waiting for those reads.
 */
class FileRanges {
  private fd: number | null;
  private readonly size: number;
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
    return this.range(0, this.size) as unknown as Blob;
  }

  private range(a: number, b: number): { size: number; slice(start?: number, end?: number): unknown; arrayBuffer(): Promise<ArrayBuffer> } {
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
        const buf = new Uint8Array(len);
        const n = readAt(this.path, this.fd, buf, a);
        if (n < len) return Promise.reject(new Error(`the file ended ${len - n} bytes early (was it changed while being read?)`));
        return Promise.resolve(buf.buffer);
      },
    };
  }

  /** Closes the file (once). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
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
 * metadata gives each group (on this thread, or runs of groups on worker
 * threads); identifier codes are then mapped to first appearance in the file,
 * in order, so the table is the same whatever the number of workers. The
 * `direct` columns go into one row-major block (Table.direct) instead.
 */
async function readColumns(
  path: string,
  pf: ParquetFileHandle,
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
  // runs of row groups of about total / (4 workers) rows each (the split does not change the result)
  const target = Math.max(1, Math.ceil(total / (workers * 4)));
  const tasks: RowGroupTask[] = [];
  let base = 0;
  for (let g = 0; g < rowGroupRows.length; ) {
    const from = g;
    let rows = 0;
    while (g < rowGroupRows.length && (rows === 0 || rows + rowGroupRows[g] <= target)) rows += rowGroupRows[g++];
    tasks.push({ file: path, from, to: g, base, columns });
    base += rows;
  }
  const pool = workers > 1 ? new Piscina({ filename: workerFile(), minThreads: 1, maxThreads: Math.min(workers, tasks.length), idleTimeout: 1000 }) : null;
  const inProcess = pool ? null : new InProcess(path, pf, tasks, columns);
  const pending = pool ? new OrderedTasks<RowGroupResult>(pool, tasks, 2 * workers) : inProcess!;
  try {
    // on this thread the codes are the file's from the start: the sinks' own labels and unusable rows
    const interners = columns.map((_, k) => inProcess?.sinks[k].interner ?? new StringInterner());
    const bad: Map<number, string | null>[] = columns.map((_, k) => inProcess?.sinks[k].bad ?? new Map());
    for (let i = 0; i < tasks.length; i++) {
      const r = await pending.get(i);
      const t = tasks[i];
      const end = i + 1 < tasks.length ? tasks[i + 1].base : total;
      columns.forEach((c, k) => {
        if (r.bad[k] !== bad[k]) r.bad[k].forEach((text, row) => bad[k].set(row, text));
        const local = r.labels[k];
        if (!local || !c.codes) return;
        // the task's codes are its own: map them to first appearance in the file
        const remap = new Int32Array(local.length);
        const g = interners[k];
        if (local instanceof Float64Array) for (let j = 0; j < local.length; j++) remap[j] = g.codeOfNumber(local[j]);
        else for (let j = 0; j < local.length; j++) remap[j] = g.code(local[j]);
        remapCodes(c.codes, remap, t.base, end);
      });
      onProgress?.({ phase: 'read', rows: end, bytes: null, totalBytes: size });
    }
    const numericCols = new Map<string, NumericColumn>();
    const keyCols = new Map<string, KeyColumn>();
    columns.forEach((c, k) => {
      if (c.numeric && c.stride === 1) numericCols.set(c.name, { values: c.numeric, bad: bad[k] });
      if (c.codes) keyCols.set(c.name, { codes: c.codes, labels: interners[k].labels });
    });
    const table: Table = { file: path, header, nRows: total, rows: ROW_INDEX, numeric: numericCols, keys: keyCols };
    return block ? { ...table, direct: { names: direct, X: block, bad: bad.slice(columns.length - K) } } : table;
  } catch (e) {
    await pending.settle();
    throw e instanceof DataError ? e : corrupt(path, e);
  } finally {
    await pool?.destroy();
  }
}

/**
 * The tasks run one after the other on this thread (same interface as
 * {@link OrderedTasks}), into one set of sinks that goes on from task to task:
 * their codes are already in order of first appearance in the file, so a
 * result has no labels to map (null), and its unusable rows are the sinks' own
 * maps, which then hold every task's.
 */
class InProcess {
  private done: Promise<RowGroupResult>[] = [];
  /** One sink per column, from row 0 on. */
  readonly sinks: ColumnSink[];
  constructor(
    private readonly file: string,
    private readonly pf: ParquetFileHandle,
    private readonly tasks: readonly RowGroupTask[],
    columns: readonly RowGroupColumn[],
  ) {
    this.sinks = taskSinks(file, columns, 0);
  }
  get(i: number): Promise<RowGroupResult> {
    while (this.done.length <= i) {
      const prev = this.done[this.done.length - 1] ?? Promise.resolve(null);
      const t = this.tasks[this.done.length];
      this.done.push(
        prev.then(async () => {
          await readRowGroups(this.file, this.pf, this.sinks, t.from, t.to);
          return { labels: this.sinks.map(() => null), bad: this.sinks.map((s) => s.bad) };
        }),
      );
    }
    return this.done[i];
  }
  async settle(): Promise<void> {
    await Promise.allSettled(this.done);
  }
}

/**
 * Decodes one task's row groups into its columns (a worker's whole job; also
 * run on this thread). Returns what is not in the columns: the labels of the
 * task's own codes (numbers when they all arrived as numbers) and the rows of
 * unusable values.
 */
export async function decodeRowGroups(pf: ParquetFileHandle, task: RowGroupTask): Promise<RowGroupResult> {
  const sinks = taskSinks(task.file, task.columns, task.base);
  await readRowGroups(task.file, pf, sinks, task.from, task.to);
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

/** codes[i] = remap[codes[i]] for i in [a, b). */
function remapCodes(codes: Int32Array, remap: Int32Array, a: number, b: number): void {
  for (let i = a; i < b; i++) codes[i] = remap[codes[i]];
}
