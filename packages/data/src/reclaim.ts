/**
 * Returning the memory of large intermediate columns before the next large
 * allocation. V8 frees an ArrayBuffer's memory only when a garbage collection
 * finds it unreachable, and it does not collect just because a large buffer
 * is about to be allocated: loading a 1 GB file, the identifier and choice
 * columns (hundreds of MB) would still be resident when X is allocated, and
 * the whole table when the engine allocates its draws. So, after a load of
 * more than {@link RECLAIM_ABOVE} bytes of columns, a full collection is asked
 * for explicitly (through `--expose-gc`, set at run time and reached from a
 * fresh context, which is what that flag exposes `gc` to). It costs tens of
 * milliseconds against seconds of reading, and lowers the peak by the size of
 * the columns let go (about 400 MB of 2.2 GB on the 20-million-row benchmark).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this much column memory, nothing is done. */
export const RECLAIM_ABOVE = 256 * 2 ** 20;

let gc: (() => void) | null | undefined;

/** Runs a full garbage collection if `bytes` of columns were let go and the runtime allows it. */
export function reclaim(bytes: number): void {
  if (bytes < RECLAIM_ABOVE) return;
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null; // not Node, or the flag is refused: V8 collects in its own time
    }
  }
  gc?.();
}
