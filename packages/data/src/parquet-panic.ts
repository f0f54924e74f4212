/**
 * parquet-wasm (Rust compiled to WebAssembly) runs the tasks of its futures
 * from `queueMicrotask`. On some corrupt files its decoder panics there
 * (`RuntimeError: unreachable`), outside every promise a caller holds, and
 * Node would end the process with a WebAssembly stack trace. While a read
 * runs, {@link guardPanics} catches such an error and fails the reads in
 * flight with it instead, so the loader can name the file. A panic leaves the
 * module's memory in an unknown state: the reads still running on it fail, and
 * the loader instantiates the module afresh ({@link clearPanic}) before the
 * next file.
 */

/** The panic that ended parquet-wasm in this thread, if one did. */
let panic: Error | null = null;
/** Panics met in this thread. */
let panics = 0;
/** The rejections of the reads in flight. */
const waiting = new Set<(e: Error) => void>();

/** Whether `e` is a trap of WebAssembly code (a Rust panic compiles to `unreachable`). */
function isWasmTrap(e: unknown): e is Error {
  return e instanceof Error && e.name === 'RuntimeError' && /wasm:\/\//.test(e.stack ?? '');
}

/**
 * The process's `uncaughtException` listener while reads run: a WebAssembly
 * trap fails them; any other error is left to Node as if this listener did not
 * exist (thrown again, outside it, when no other listener handles it).
 */
function onUncaught(e: unknown): void {
  if (isWasmTrap(e) && waiting.size > 0) {
    panic = e;
    panics++;
    const failed = new Error(`the decoder stopped on invalid data (WebAssembly trap: ${e.message})`);
    for (const reject of [...waiting]) reject(failed);
    waiting.clear();
    process.removeListener('uncaughtException', onUncaught);
    return;
  }
  if (process.listenerCount('uncaughtException') === 1) {
    process.removeListener('uncaughtException', onUncaught);
    setImmediate(() => {
      throw e;
    });
  }
}

/**
 * Whether parquet-wasm panicked since the last call (the caller then loads a
 * new instance of the module, and reads of the old one fail as before).
 */
export function clearPanic(): boolean {
  if (panic === null || waiting.size > 0) return false;
  panic = null;
  return true;
}

/**
 * Frees a parquet-wasm object. After a panic in this thread the module that
 * made it may still hold it (freeing then fails, and that error is dropped:
 * the object goes with the old instance).
 */
export function freeObject(o: { free(): void }): void {
  try {
    o.free();
  } catch (e) {
    if (panics === 0) throw e;
  }
}

/**
 * Runs `read` (one call into parquet-wasm that returns a promise): its result,
 * or its error, or the panic the module met meanwhile.
 * @throws the earlier panic, at once, if parquet-wasm already panicked in this thread
 */
export function guardPanics<T>(read: () => Promise<T>): Promise<T> {
  if (panic !== null) return Promise.reject(new Error(`the Parquet decoder failed on an earlier file (${panic.message})`));
  return new Promise<T>((resolve, reject) => {
    if (waiting.size === 0) process.on('uncaughtException', onUncaught);
    const done = () => {
      waiting.delete(reject);
      if (waiting.size === 0) process.removeListener('uncaughtException', onUncaught);
    };
    waiting.add(reject);
    read().then(
      (v) => { done(); resolve(v); },
      (e: unknown) => { done(); reject(e); },
    );
  });
}
