/**
 * tanh over a float64 array in place, as a WebAssembly SIMD kernel assembled here from its bytes
 * (so it compiles synchronously in Node and in browsers, with no build step). Each lane runs
 * fdlibm's algorithm exactly as `@ppo/utils`' `tanh` and `expm1` write it: the same IEEE
 * operations in the same order on the same constants. The branches are taken per lane by
 * computing every path tanh's arguments can reach and selecting; the word tests become exact
 * comparisons of |x| with the doubles at those word boundaries. WebAssembly's f64 arithmetic is
 * exactly rounded with no fused multiply-add, so every result is bitwise that of `tanh`.
 *
 * Paths of expm1(a) left out, as tanh never reaches them (a = 2|x| in [2, 44) or -2|x| in
 * (-2, -2^-27]): overflow, a < -56 ln2, |a| < 2^-54, k = 1 (a >= 2 gives k >= 3) and k = 1024.
 * Where the scalar code skips the reduction (k = 0), x - 0 * LN2_HI - 0 * LN2_LO leaves x and
 * the correction c at 0, as there; for k = +-1, x -+ LN2_HI equals x - k LN2_HI exactly.
 */

import { leb128 as leb, wasmName as name, wasmSection as section, WASM_OPCODES } from '@ppo/utils';

const { I32, V128, VOID, BLOCK, LOOP, IF, END, BR_IF, LOCAL_GET: GET, LOCAL_SET: SET, LOCAL_TEE: TEE, I32_CONST, I32_LT_S, I32_ADD, I32_SHL, V128_LOAD: LOAD, V128_STORE: STORE, V128_CONST: CONST, V128_AND: AND, V128_OR: OR, V128_BITSELECT: BITSELECT, F64X2_EQ: F_EQ, F64X2_LT: F_LT, F64X2_GT: F_GT, F64X2_LE: F_LE, F64X2_GE: F_GE, F64X2_TRUNC: F_TRUNC, F64X2_ABS: F_ABS, F64X2_NEG: F_NEG, F64X2_ADD: F_ADD, F64X2_SUB: F_SUB, F64X2_MUL: F_MUL, F64X2_DIV: F_DIV, I32X4_TRUNC_SAT_F64X2_S_ZERO: I_TRUNC_SAT, I64X2_EXTEND_LOW_I32X4_S: I64_EXTEND_LOW, I64X2_SHL: I64_SHL, I64X2_ADD: I64_ADD, I64X2_SUB: I64_SUB } = WASM_OPCODES;

// expm1's constants (as in @ppo/utils' exp.ts).
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e0;
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

// The word tests as comparisons of |a| with the doubles whose high word is the boundary and low
// word 0: high word < 0x3ff0a2b2 is |a| < 0x3ff0a2b2_00000000, > 0x3fd62e42 is |a| >= 0x3fd62e43_00000000.
const BELOW_1_5_LN2 = 1.0397205352783203; // 0x3ff0a2b2_00000000
const ABOVE_HALF_LN2 = 0.3465735912322998; // 0x3fd62e43_00000000

/** `v128.const` with both f64 lanes `v`. */
function f64x2(v: number): number[] {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, v, true);
  view.setFloat64(8, v, true);
  return [...CONST, ...new Uint8Array(view.buffer)];
}
/** `v128.const` with both i64 lanes `v` (a small non-negative integer). */
function i64x2(v: number): number[] {
  const view = new DataView(new ArrayBuffer(16));
  view.setBigUint64(0, BigInt(v), true);
  view.setBigUint64(8, BigInt(v), true);
  return [...CONST, ...new Uint8Array(view.buffer)];
}
const SIGN = (() => {
  const view = new DataView(new ArrayBuffer(16));
  view.setBigUint64(0, 1n << 63n, true);
  view.setBigUint64(8, 1n << 63n, true);
  return [...CONST, ...new Uint8Array(view.buffer)];
})();
const i32 = (v: number): number[] => [I32_CONST, ...leb(v)]; // small non-negative values only
const I64_SHIFT_52 = [...i32(52), ...I64_SHL];

/** `tanhArray(at, pairs)`: the 2 pairs float64 values from byte offset `at` replaced by their tanh. */
function body(): number[] {
  const [AT, PAIRS, END_AT] = [0, 1, 2];
  // v128 locals
  const [X, AX, BIG1, A, NEG, K, KI, HI, LO, XR, C, HFX, HXS, R1, T, E, E2, P2K, P2MK, Y, Z] = Array.from({ length: 21 }, (_, i) => 3 + i);
  const select = (a: number[], b: number[], mask: number[]): number[] => [...a, ...b, ...mask, ...BITSELECT];
  const get = (l: number): number[] => [GET, l];
  const lane: number[] = [
    GET, AT, ...LOAD, 4, 0, TEE, X, ...F_ABS, SET, AX,
    // |x| >= 1 (the high word >= 0x3ff00000): a = 2|x|, else a = -2|x|
    GET, AX, ...f64x2(1), ...F_GE, SET, BIG1,
    ...select([...f64x2(2), GET, AX, ...F_MUL], [...f64x2(-2), GET, AX, ...F_MUL], get(BIG1)), SET, A,
    GET, A, ...f64x2(0), ...F_LT, SET, NEG,
    // k: 0 for |a| <= ln2 / 2 (high word <= 0x3fd62e42), +-1 below 1.5 ln2 (< 0x3ff0a2b2), else
    // the truncation of a / ln2 +- 0.5
    ...select(
      select(
        select(f64x2(-1), f64x2(1), get(NEG)),
        [...f64x2(INV_LN2), GET, A, ...F_MUL, ...select(f64x2(-0.5), f64x2(0.5), get(NEG)), ...F_ADD, ...F_TRUNC],
        [GET, AX, ...f64x2(2), ...F_MUL, ...f64x2(BELOW_1_5_LN2), ...F_LT],
      ),
      f64x2(0),
      [GET, AX, ...f64x2(2), ...F_MUL, ...f64x2(ABOVE_HALF_LN2), ...F_GE],
    ),
    SET, K,
    GET, K, ...I_TRUNC_SAT, ...I64_EXTEND_LOW, SET, KI,
    GET, A, GET, K, ...f64x2(LN2_HI), ...F_MUL, ...F_SUB, SET, HI,
    GET, K, ...f64x2(LN2_LO), ...F_MUL, SET, LO,
    GET, HI, GET, LO, ...F_SUB, SET, XR,
    GET, HI, GET, XR, ...F_SUB, GET, LO, ...F_SUB, SET, C,
    ...f64x2(0.5), GET, XR, ...F_MUL, SET, HFX,
    GET, XR, GET, HFX, ...F_MUL, SET, HXS,
    // r1 = 1 + hxs (Q1 + hxs (Q2 + hxs (Q3 + hxs (Q4 + hxs Q5))))
    ...f64x2(1), GET, HXS,
      ...f64x2(Q1), GET, HXS, ...f64x2(Q2), GET, HXS, ...f64x2(Q3), GET, HXS, ...f64x2(Q4), GET, HXS, ...f64x2(Q5),
      ...F_MUL, ...F_ADD, ...F_MUL, ...F_ADD, ...F_MUL, ...F_ADD, ...F_MUL, ...F_ADD, ...F_MUL, ...F_ADD, SET, R1,
    ...f64x2(3), GET, R1, GET, HFX, ...F_MUL, ...F_SUB, SET, T,
    // e = hxs ((r1 - t) / (6 - x t))
    GET, HXS, GET, R1, GET, T, ...F_SUB, ...f64x2(6), GET, XR, GET, T, ...F_MUL, ...F_SUB, ...F_DIV, ...F_MUL, SET, E,
    // e2 = x (e - c) - c - hxs
    GET, XR, GET, E, GET, C, ...F_SUB, ...F_MUL, GET, C, ...F_SUB, GET, HXS, ...F_SUB, SET, E2,
    ...i64x2(1023), GET, KI, ...I64_ADD, ...I64_SHIFT_52, SET, P2K,
    ...i64x2(1023), GET, KI, ...I64_SUB, ...I64_SHIFT_52, SET, P2MK,
    // expm1(a), by k
    ...select(
      // k = 0: x - (x e - hxs)
      [GET, XR, GET, XR, GET, E, ...F_MUL, GET, HXS, ...F_SUB, ...F_SUB],
      select(
        // k = -1: 0.5 (x - e2) - 0.5
        [...f64x2(0.5), GET, XR, GET, E2, ...F_SUB, ...F_MUL, ...f64x2(0.5), ...F_SUB],
        select(
          // k <= -2 or k > 56: (1 - (e2 - x)) 2^k - 1
          [...f64x2(1), GET, E2, GET, XR, ...F_SUB, ...F_SUB, GET, P2K, ...F_MUL, ...f64x2(1), ...F_SUB],
          select(
            // k < 20: (1 - 2^-k - (e2 - x)) 2^k
            [...f64x2(1), GET, P2MK, ...F_SUB, GET, E2, GET, XR, ...F_SUB, ...F_SUB, GET, P2K, ...F_MUL],
            // else: (x - (e2 + 2^-k) + 1) 2^k
            [GET, XR, GET, E2, GET, P2MK, ...F_ADD, ...F_SUB, ...f64x2(1), ...F_ADD, GET, P2K, ...F_MUL],
            [GET, K, ...f64x2(20), ...F_LT],
          ),
          [GET, K, ...f64x2(-2), ...F_LE, GET, K, ...f64x2(56), ...F_GT, ...OR],
        ),
        [GET, K, ...f64x2(-1), ...F_EQ],
      ),
      [GET, K, ...f64x2(0), ...F_EQ],
    ),
    SET, Y,
    // tanh: 1 - 2 / (y + 2) for |x| >= 1, -y / (y + 2) below; 1 from 22 on
    ...select(f64x2(2), [GET, Y, ...F_NEG], get(BIG1)), GET, Y, ...f64x2(2), ...F_ADD, ...F_DIV, SET, Z,
    ...select([...f64x2(1), GET, Z, ...F_SUB], get(Z), get(BIG1)), SET, Z,
    ...select(f64x2(1), get(Z), [GET, AX, ...f64x2(22), ...F_GE]),
    // the sign of x (z is positive or NaN), and x itself below 2^-28
    GET, X, ...SIGN, ...AND, ...OR, SET, Z,
    ...select(get(X), get(Z), [GET, AX, ...f64x2(2 ** -28), ...F_LT]), SET, Z,
    GET, AT, GET, Z, ...STORE, 4, 0,
  ]; // prettier-ignore
  const code: number[] = [
    GET, AT, GET, PAIRS, ...i32(4), I32_SHL, I32_ADD, SET, END_AT,
    GET, AT, GET, END_AT, I32_LT_S, IF, VOID,
      BLOCK, VOID, LOOP, VOID,
        ...lane,
        GET, AT, ...i32(16), I32_ADD, TEE, AT, GET, END_AT, I32_LT_S, BR_IF, 0,
      END, END,
    END,
    END,
  ]; // prettier-ignore
  return [2, 1, I32, 21, V128, ...code];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const fn = body();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('tanhArray'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...leb(fn.length), ...fn]),
  ]); // prettier-ignore
}

/** The compiled kernel and its memory; arrays are copied in and out around each call. */
export class WasmTanh {
  private readonly memory: WebAssembly.Memory;
  private readonly tanhArray: (at: number, pairs: number) => void;
  private view: Float64Array;

  private constructor(instance: WebAssembly.Instance) {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.tanhArray = instance.exports.tanhArray as (at: number, pairs: number) => void;
    this.view = new Float64Array(this.memory.buffer);
  }

  /** The kernel, or null where WebAssembly or its SIMD is not available (the caller loops in JavaScript). */
  static create(): WasmTanh | null {
    try {
      if (typeof WebAssembly !== 'object') return null;
      return new WasmTanh(new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())));
    } catch {
      return null;
    }
  }

  /** `y[i] = tanh(y[i])` for i < n (an odd n computes one spare lane in the kernel's memory). */
  run(y: Float64Array, n: number): void {
    const need = (n + 1) * 8;
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / 65536));
      this.view = new Float64Array(this.memory.buffer);
    }
    this.view.set(y.subarray(0, n));
    this.tanhArray(0, (n + 1) >> 1);
    y.set(this.view.subarray(0, n));
  }
}
