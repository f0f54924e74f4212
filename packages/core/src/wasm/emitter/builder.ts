/**
 * A function body under construction: named instructions append their bytes,
 * locals are declared as they are needed, and structured control takes
 * labels, so a branch names its target and its depth is counted here.
 */
import { ALIGN_8, EMPTY_BLOCK, Op, SIMD_PREFIX, Simd, type ValueType } from '../opcodes.js';
import { f64bytes, sleb, uleb, vec } from './encoding.js';

/** A branch target: the block, loop or if it was made for. */
export interface Label {
  readonly kind: 'block' | 'loop' | 'if';
}

/** Lane selectors of i8x16.shuffle: the low doubles of two vectors, and the high ones. */
export const LOW_DOUBLES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
export const HIGH_DOUBLES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];
  private readonly open: Label[] = [];

  /**
   * @param nParams - parameters (locals 0 .. nParams-1)
   * @param fma - emit {@link FunctionBuilder.madd} and {@link FunctionBuilder.nmadd} as relaxed SIMD's
   *   f64x2.relaxed_madd / relaxed_nmadd (the caller checked the runtime has them); false: a multiply and an add
   */
  constructor(private readonly nParams: number, readonly fma = false) {}

  /** Declares a local; returns its index. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.nParams + this.localTypes.length - 1;
  }

  /** Declares n locals of one type. */
  locals(type: ValueType, n: number): number[] {
    return Array.from({ length: n }, () => this.local(type));
  }

  private op(...b: number[]): this { this.code.push(...b); return this; }
  private simd(opcode: number, ...immediates: number[]): this { return this.op(SIMD_PREFIX, ...uleb(opcode), ...immediates); }

  // ---- variables and constants
  get(i: number): this { return this.op(Op.localGet, ...uleb(i)); }
  set(i: number): this { return this.op(Op.localSet, ...uleb(i)); }
  tee(i: number): this { return this.op(Op.localTee, ...uleb(i)); }
  i32(v: number): this { return this.op(Op.i32Const, ...sleb(v)); }
  /** v128.const with v in both f64 lanes. */
  splatConst(v: number): this { return this.simd(Simd.v128Const, ...f64bytes(v), ...f64bytes(v)); }

  // ---- i32
  add(): this { return this.op(Op.i32Add); }
  sub(): this { return this.op(Op.i32Sub); }
  mul(): this { return this.op(Op.i32Mul); }
  and(): this { return this.op(Op.i32And); }
  shl(): this { return this.op(Op.i32Shl); }
  eqz(): this { return this.op(Op.i32Eqz); }
  eq(): this { return this.op(Op.i32Eq); }
  ne(): this { return this.op(Op.i32Ne); }
  ltS(): this { return this.op(Op.i32LtS); }
  gtS(): this { return this.op(Op.i32GtS); }
  leS(): this { return this.op(Op.i32LeS); }
  geS(): this { return this.op(Op.i32GeS); }
  truncF64(): this { return this.op(Op.i32TruncF64S); }

  // ---- f64 scalars
  f64Load(offset: number): this { return this.op(Op.f64Load, ALIGN_8, ...uleb(offset)); }
  f64Store(offset: number): this { return this.op(Op.f64Store, ALIGN_8, ...uleb(offset)); }
  f64Add(): this { return this.op(Op.f64Add); }
  f64Mul(): this { return this.op(Op.f64Mul); }
  f64Sub(): this { return this.op(Op.f64Sub); }
  f64Div(): this { return this.op(Op.f64Div); }
  f64Lt(): this { return this.op(Op.f64Lt); }
  select(): this { return this.op(Op.select); }

  // ---- v128 memory
  load(offset: number): this { return this.simd(Simd.v128Load, ALIGN_8, ...uleb(offset)); }
  store(offset: number): this { return this.simd(Simd.v128Store, ALIGN_8, ...uleb(offset)); }
  /** v128.load64_splat: one double from memory into both lanes. */
  loadSplat(offset: number): this { return this.simd(Simd.v128Load64Splat, ALIGN_8, ...uleb(offset)); }

  // ---- f64x2 and bitwise v128
  splat(): this { return this.simd(Simd.f64x2Splat); }
  lane(i: number): this { return this.simd(Simd.f64x2ExtractLane, i); }
  i32Lane(i: number): this { return this.simd(Simd.i32x4ExtractLane, i); }
  shuffle(lanes: readonly number[]): this { return this.simd(Simd.i8x16Shuffle, ...lanes); }
  vadd(): this { return this.simd(Simd.f64x2Add); }
  vsub(): this { return this.simd(Simd.f64x2Sub); }
  vmul(): this { return this.simd(Simd.f64x2Mul); }
  vdiv(): this { return this.simd(Simd.f64x2Div); }
  vpmin(): this { return this.simd(Simd.f64x2Pmin); }
  vpmax(): this { return this.simd(Simd.f64x2Pmax); }
  vlt(): this { return this.simd(Simd.f64x2Lt); }
  vgt(): this { return this.simd(Simd.f64x2Gt); }
  vand(): this { return this.simd(Simd.v128And); }
  vor(): this { return this.simd(Simd.v128Or); }
  anyTrue(): this { return this.simd(Simd.v128AnyTrue); }
  i32x4Shl(): this { return this.simd(Simd.i32x4Shl); }
  i64x2Shl(): this { return this.simd(Simd.i64x2Shl); }
  i64x2Add(): this { return this.simd(Simd.i64x2Add); }

  /**
   * Pushes a b + c (f64x2; each argument pushes one v128): fused where `fma`
   * (relaxed_madd, one rounding on hardware with FMA), else c + a b with a
   * separate multiply and add, c pushed first. Nest calls for a chain:
   * madd(a1, b1, () => madd(a0, b0, c)) is (c + a0 b0) + a1 b1 without fma.
   */
  madd(a: () => unknown, b: () => unknown, c: () => unknown): this {
    if (this.fma) { a(); b(); c(); return this.simd(Simd.f64x2RelaxedMadd); }
    c(); a(); b();
    return this.vmul().vadd();
  }
  /** Pushes c - a b, fused where `fma` (relaxed_nmadd), else a separate multiply and subtract; as {@link FunctionBuilder.madd}. */
  nmadd(a: () => unknown, b: () => unknown, c: () => unknown): this {
    if (this.fma) { a(); b(); c(); return this.simd(Simd.f64x2RelaxedNmadd); }
    c(); a(); b();
    return this.vmul().vsub();
  }
  /** Pushes init + sum_i a_i b_i (in that order: ((init + a_0 b_0) + a_1 b_1) + ... without fma), each product fused where `fma`. */
  maddChain(init: () => unknown, terms: ReadonlyArray<readonly [() => unknown, () => unknown]>): this {
    if (!terms.length) { init(); return this; }
    const [a, b] = terms[terms.length - 1];
    return this.madd(a, b, () => this.maddChain(init, terms.slice(0, -1)));
  }

  // ---- control
  call(fn: number): this { return this.op(Op.call, fn); }
  unreachable(): this { return this.op(Op.unreachable); }

  private frame(opcode: number, kind: Label['kind'], body: (l: Label) => void): this {
    const label: Label = { kind };
    this.op(opcode, EMPTY_BLOCK);
    this.open.push(label);
    body(label);
    this.open.pop();
    return this.op(Op.end);
  }
  /** block ... end; a branch to its label leaves it. */
  block(body: (l: Label) => void): this { return this.frame(Op.block, 'block', body); }
  /** loop ... end; a branch to its label starts it again. */
  loop(body: (l: Label) => void): this { return this.frame(Op.loop, 'loop', body); }
  /** if ... (else ...) end on the i32 on the stack. */
  if(then: (l: Label) => void, otherwise?: (l: Label) => void): this {
    return this.frame(Op.if, 'if', (l) => {
      then(l);
      if (otherwise) { this.op(Op.else); otherwise(l); }
    });
  }
  private depth(l: Label): number {
    const i = this.open.lastIndexOf(l);
    if (i < 0) throw new Error('branch to a label that is not open');
    return this.open.length - 1 - i;
  }
  br(l: Label): this { return this.op(Op.br, ...uleb(this.depth(l))); }
  brIf(l: Label): this { return this.op(Op.brIf, ...uleb(this.depth(l))); }

  /** The body as the code section holds it: size, locals (one group per local), code, end. */
  encode(): number[] {
    const body = [...vec(this.localTypes.map((t) => [1, t])), ...this.code, Op.end];
    return [...uleb(body.length), ...body];
  }
}
