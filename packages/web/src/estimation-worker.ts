/**
 * The estimation worker: the library runs here, off the page's thread, and
 * the page calls it through comlink (the session protocol of @mxl/session,
 * plus loading the data). A CSV file the user picks is read into in-memory
 * columns (the data never leave the machine); the built-in example is the
 * same simulated data as `mxl demo`, generated here by the same code with
 * the same seed. The engine is {@link webEngineFactory}: shard workers over
 * SharedArrayBuffer.
 */
import { expose } from 'comlink';
import { csvColumns } from '@mxl/data';
import { estimate, exampleSpec, simulateText } from '@mxl/estimation';
import { createSessionService } from '@mxl/session/protocol';
import { browserThreads, webEngineFactory } from './web-engine';

/** What the page is told about loaded data. */
export interface DataInfo {
  name: string;
  rows: number;
  header: string[];
}

let input: (DataInfo & { columns: Record<string, Float64Array | string[]> }) | null = null;

function load(name: string, bytes: Uint8Array): DataInfo {
  const c = csvColumns(bytes, { name });
  input = { name, ...c };
  return { name, rows: c.rows, header: c.header };
}

const service = createSessionService(async (spec, options) => {
  if (!input) throw new Error('pick a CSV file or the built-in example first');
  const s = spec as { data?: unknown } | null;
  if (!s || typeof s !== 'object' || !s.data || typeof s.data !== 'object') {
    throw new Error('the spec needs "data": { "id", "situation", "alt", "choice" } naming columns of the file');
  }
  // the file's columns stand in for data.path
  const { path: _path, ...data } = s.data as Record<string, unknown>;
  return estimate({ ...s, data: { ...data, columns: input.columns } }, { ...options, baseDir: '/', engineFactory: webEngineFactory });
});

const api = {
  estimate: service.estimate,
  abort: service.abort,
  /** Reads a delimited file's bytes into columns. */
  loadCsv(name: string, bytes: Uint8Array): DataInfo {
    return load(name, bytes);
  },
  /** Simulates the built-in example (`mxl demo`'s data) and returns its spec. */
  loadExample(): DataInfo & { spec: Record<string, unknown> } {
    const info = load('example.csv', new TextEncoder().encode(simulateText().data));
    return { ...info, spec: exampleSpec() };
  },
  /** Threads the engine will use, and whether memory is shared. */
  environment(): { threads: number; crossOriginIsolated: boolean } {
    return { threads: browserThreads(), crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },
};

export type EstimationWorkerApi = typeof api;

expose(api);
