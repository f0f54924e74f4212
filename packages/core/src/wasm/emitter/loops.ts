/** Loop shapes the module's helpers share. */
import type { FunctionBuilder, Label } from './builder.js';

/**
 * The end of a loop over byte offsets i in steps of 16 (one f64x2): i += 16,
 * and again while i < the limit `pushLimit` leaves on the stack.
 */
export function nextPair(f: FunctionBuilder, i: number, again: Label, pushLimit: () => void): void {
  f.get(i).i32(16).add().tee(i);
  pushLimit();
  f.ltS().brIf(again);
}

/** Pushes n × 8 (bytes of n doubles) for an i32 local n. */
export function bytesOf(f: FunctionBuilder, n: number): () => void {
  return () => f.get(n).i32(3).shl();
}
