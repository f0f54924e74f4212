/**
 * The kernels' numerical constants, declared once: the JavaScript loop, the
 * WebAssembly loop and its JavaScript fallbacks all read them from here.
 */

/** Nodes per block of the hot loops (even: the WebAssembly loop takes nodes in pairs). */
export const BLOCK = 256;
/** Above this, a node's differences w_a are shifted by their maximum before exp. */
export const SHIFT_ABOVE = 300;
/** Below this, the WebAssembly loop's exp leaves a difference to JavaScript (results near or below the subnormal range). */
export const EXP_FAST_BELOW = -708;
/** The running product of a node's sums S is flushed into its log-likelihood above this. */
export const FLUSH_ABOVE = 1e150;
/** Node pairs per iteration of the WebAssembly loop (measured: 4 beat 1, 2, 3, 6 and 8 on P1 and P2). */
export const UNROLL = 4;
/** Largest number of "other" alternatives times coefficients that gets specialized code. */
export const MAX_SPECIAL_TERMS = 512;
/** Largest number of distinct other-alternative counts that get specialized code (JavaScript loop). */
export const MAX_SPECIALIZED = 6;
/**
 * WebAssembly loop: the largest count of other alternatives J' with a
 * specialized loop. Larger counts run the generic loop (./wasm/generic-loop.ts),
 * as fast or faster from about J' = 12 (measured at K = 1, 3 and 10, T = 10);
 * below, a specialized loop is 5-20% faster on data of that one count.
 */
export const WASM_MAX_SPECIAL_OTHER = 8;
/**
 * WebAssembly loop: the most specialized counts (the most frequent), and
 * their largest total of J' × K terms (code size). Few: a ragged panel of
 * twelve counts ran 12% faster with none or four specialized than with all
 * twelve (one large loop function), as fast as with the generic loop alone.
 */
export const WASM_MAX_SPECIALIZED = 4;
export const WASM_MAX_SPECIAL_TERMS = 1024;
