/**
 * Decoded Parquet columns read straight from parquet-wasm's WebAssembly memory
 * through the Arrow C Data Interface (`Table.intoFFI`), instead of serialised
 * to an Arrow IPC stream, copied out and parsed again: the values of an
 * integer or floating-point column without nulls are viewed where the decoder
 * left them and converted by {@link ColumnSink.appendTyped} as
 * {@link ColumnSink.appendArrow} would convert the same Arrow chunk. Anything
 * else (nulls, strings, dictionaries, booleans, half floats) is left to the
 * IPC path: {@link ffiColumns} then gives null for that column.
 *
 * Layout of the structs in wasm32 memory (little-endian, pointers 4 bytes):
 * ArrowSchema { format@0, name@4, metadata@8, flags@16 (i64), n_children@24
 * (i64), children@32, dictionary@36, ... }; ArrowArray { length@0,
 * null_count@8, offset@16, n_buffers@24, n_children@32 (all i64),
 * buffers@40, children@44, dictionary@48, ... }.
 */
import { DataType, Precision } from 'apache-arrow';
import type { TypedArray } from './columnar.js';

/** The C Data Interface formats read here, with their typed arrays. */
const FORMATS: Record<string, { new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number }> = {
  c: Int8Array,
  C: Uint8Array,
  s: Int16Array,
  S: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: BigInt64Array,
  L: BigUint64Array,
  f: Float32Array,
  g: Float64Array,
};

/** What {@link ffiColumns} needs of parquet-wasm's exported stream (an `FFIStream`). */
export interface FFIStreamLike {
  numArrays(): number;
  arrayAddr(chunk: number): number;
  schemaAddr(): number;
}

/**
 * The chunks of the named columns of an exported table (a struct array per
 * record batch), as typed arrays viewing (or, when misaligned, copying) the
 * WebAssembly memory, in the order of `names`: null for a column that is not
 * a plain integer or floating-point column without nulls (or is missing), or
 * for all of them when the structs are not as expected. The views are valid
 * until the next call into the WebAssembly module (which may grow its memory)
 * or until the stream is freed: use them at once.
 * @param memory - parquet-wasm's memory (`wasmMemory()`).
 * @param stream - The exported table.
 * @param names - Column names.
 */
export function ffiColumns(memory: { readonly buffer: ArrayBufferLike }, stream: FFIStreamLike, names: readonly string[]): (TypedArray[] | null)[] {
  const none = names.map(() => null);
  const buffer = memory.buffer as ArrayBuffer;
  const dv = new DataView(buffer);
  const u8 = new Uint8Array(buffer);
  const i64 = (p: number): number => Number(dv.getBigInt64(p, true));
  const ptr = (p: number): number => dv.getUint32(p, true);
  const schema = stream.schemaAddr();
  if (cString(u8, ptr(schema)) !== '+s') return none;
  const nFields = i64(schema + 24);
  const fieldNames: string[] = [];
  const fieldTypes: ((typeof FORMATS)[string] | undefined)[] = [];
  for (let k = 0; k < nFields; k++) {
    const field = ptr(ptr(schema + 32) + 4 * k);
    fieldNames.push(cString(u8, ptr(field + 4)));
    fieldTypes.push(ptr(field + 36) === 0 ? FORMATS[cString(u8, ptr(field))] : undefined); // not dictionary-encoded
  }
  const out: (TypedArray[] | null)[] = names.map((n) => {
    const k = fieldNames.indexOf(n);
    return k >= 0 && fieldTypes[k] !== undefined ? [] : null;
  });
  for (let b = 0; b < stream.numArrays(); b++) {
    const batch = stream.arrayAddr(b);
    const length = i64(batch);
    if (i64(batch + 8) !== 0 || i64(batch + 16) !== 0 || i64(batch + 32) !== nFields) return none;
    for (let j = 0; j < names.length; j++) {
      const chunks = out[j];
      if (chunks === null) continue;
      const k = fieldNames.indexOf(names[j]);
      const Type = fieldTypes[k]!;
      const child = ptr(ptr(batch + 44) + 4 * k);
      const at = ptr(ptr(child + 40) + 4) + i64(child + 16) * Type.BYTES_PER_ELEMENT;
      const bytes = length * Type.BYTES_PER_ELEMENT;
      if (i64(child + 8) !== 0 || i64(child + 24) !== 2 || i64(child) < length || (length > 0 && (at === 0 || at + bytes > buffer.byteLength))) {
        out[j] = null; // nulls (or not as expected)
        continue;
      }
      chunks.push(at % Type.BYTES_PER_ELEMENT === 0 ? new Type(buffer, at, length) : new Type(buffer.slice(at, at + bytes), 0, length));
    }
  }
  return out;
}

/**
 * Whether a column of this Arrow type may be read by {@link ffiColumns}
 * (integers and floats other than half floats, not dictionary-encoded).
 */
export function ffiReadable(type: DataType): boolean {
  return (DataType.isInt(type) || (DataType.isFloat(type) && type.precision !== Precision.HALF)) && !DataType.isDictionary(type);
}

const UTF8 = new TextDecoder();

/** The NUL-terminated ASCII/UTF-8 string at `p` ('' for a null pointer). */
function cString(u8: Uint8Array, p: number): string {
  if (p === 0) return '';
  let e = p;
  while (e < u8.length && u8[e] !== 0) e++;
  return UTF8.decode(u8.subarray(p, e));
}
