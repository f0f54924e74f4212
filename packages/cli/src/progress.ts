/**
 * Progress of a long data load on stderr: a live bar on a terminal
 * (cli-progress), a plain line every few seconds otherwise (a log file, a
 * cluster job's output). Loads shorter than a second show nothing.
 */
import cliProgress from 'cli-progress';
import type { LoadProgress } from '@mxl/data';

const MB = 2 ** 20;
/** Nothing is shown before this (ms). */
const QUIET_MS = 1000;
/** Seconds between plain lines when stderr is not a terminal. */
const LINE_EVERY_MS = 5000;

/** A progress display for one load; `update` is the loader's onProgress. */
export interface LoadProgressDisplay {
  update(p: LoadProgress): void;
  /** Removes the live bar (if any). */
  stop(): void;
}

/**
 * @param what - What is being read, e.g. the file name.
 * @param stream - Where to write (default stderr).
 * @param now - The clock in ms (tests pass their own).
 */
export function loadProgress(what: string, stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): LoadProgressDisplay {
  const t0 = now();
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = 0;
  let phase = '';
  const tty = stream.isTTY === true;
  const describe = (p: LoadProgress, s: number) => {
    const rate = p.bytes !== null ? `${(p.bytes / MB / s).toFixed(0)} MB/s` : `${(p.rows / s / 1e6).toFixed(2)}M rows/s`;
    const of = p.bytes !== null && p.totalBytes !== null ? `${(p.bytes / MB).toFixed(0)} of ${(p.totalBytes / MB).toFixed(0)} MB (${((100 * p.bytes) / p.totalBytes).toFixed(0)}%), ` : '';
    return `${p.phase === 'scan' ? 'scanning' : 'reading'} ${what}: ${of}${p.rows.toLocaleString('en-US')} rows, ${rate}`;
  };
  return {
    update(p) {
      const t = now();
      if (t - t0 < QUIET_MS) return;
      const s = (t - t0) / 1000;
      if (!tty) {
        if (lastLine === 0 || t - lastLine >= LINE_EVERY_MS) {
          stream.write(`mxl: ${describe(p, s)}\n`);
          lastLine = t;
        }
        return;
      }
      const total = p.totalBytes !== null && p.bytes !== null ? p.totalBytes : 0;
      if (!bar || p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${p.phase === 'scan' ? 'scanning' : 'reading '} ${what} |{bar}| {percentage}% {done} {rows} rows {rate}`,
            hideCursor: true,
            clearOnComplete: true,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total || 1, 0, { done: '', rows: '0', rate: '' });
      }
      const rate = p.bytes !== null ? `${(p.bytes / MB / s).toFixed(0)} MB/s` : `${(p.rows / s / 1e6).toFixed(2)}M rows/s`;
      const done = p.bytes !== null && p.totalBytes !== null ? `${(p.bytes / MB).toFixed(0)}/${(p.totalBytes / MB).toFixed(0)} MB` : '';
      bar.update(total ? p.bytes! : 0, { done, rows: p.rows.toLocaleString('en-US'), rate });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
