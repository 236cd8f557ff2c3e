/**
 * A WebAssembly SIMD kernel for {@link Adam}'s update, assembled here from its bytes (so it
 * compiles synchronously in Node and in browsers and needs no build step). Two parameters per
 * f64x2 lane pair, with the arithmetic of the JavaScript loop operation for operation: float32
 * values widened exactly, float64 products, sums, square root and quotients (each correctly
 * rounded, as in JavaScript), moments and parameters rounded to float32 to nearest-even when
 * stored, exactly as a Float32Array store rounds. So both give bitwise the same numbers; the
 * kernel does two square roots and four divisions per instruction pair instead of one.
 *
 * Over float32 arrays at byte offsets g (gradients), p (parameters, updated in place), m and v
 * (moments, updated in place), for `pairs` pairs of elements:
 *
 *   gi = g * scale;  mi = beta1 m + c1 gi;  vi = beta2 v + (c2 gi) gi;
 *   m = f32(mi);  v = f32(vi);  p = f32(p - (stepSize mi) / (sqrt(vi) / sqrtBias2 + epsilon))
 */

import { leb128 as leb, wasmName as name, wasmSection as section, WASM_OPCODES } from '@ppo/utils';

const { I32, F64, V128, BLOCK, LOOP, END, BR_IF, LOCAL_GET: GET, LOCAL_SET: SET, I32_CONST, I32_EQZ, I32_LT_S, I32_ADD, F64X2_SPLAT, V128_STORE64_LANE, V128_LOAD64_ZERO, F32X4_DEMOTE_F64X2_ZERO, F64X2_PROMOTE_LOW_F32X4, F64X2_SQRT, F64X2_ADD, F64X2_SUB, F64X2_MUL, F64X2_DIV } = WASM_OPCODES;

// Parameters: 5 i32 (g, p, m, v byte offsets; pairs), then 8 f64; then locals.
const [G, P, M, V, PAIRS] = [0, 1, 2, 3, 4];
const F64_PARAMS = [5, 6, 7, 8, 9, 10, 11, 12]; // scale, beta1, c1, beta2, c2, stepSize, sqrtBias2, epsilon
const K = 13;
const [SCALE, BETA1, C1, BETA2, C2, STEP, SQRT_BIAS2, EPSILON] = [14, 15, 16, 17, 18, 19, 20, 21];
const [GI, MI, VI] = [22, 23, 24];

/** Alignment hint 4 bytes (float32 arrays), then the offset. */
const mem = (offset: number): number[] => [2, offset];

/** A float32 pair at the address in local `ptr`, widened to f64x2. */
const loadPair = (ptr: number): number[] => [GET, ptr, ...V128_LOAD64_ZERO, ...mem(0), ...F64X2_PROMOTE_LOW_F32X4];
/** Rounds the f64x2 on the stack to float32 and stores the pair at the address in local `ptr` (needs `ptr` pushed first). */
const storePair = (): number[] => [...F32X4_DEMOTE_F64X2_ZERO, ...V128_STORE64_LANE, ...mem(0), 0];
const advance = (ptr: number): number[] => [GET, ptr, I32_CONST, 8, I32_ADD, SET, ptr];

function body(): number[] {
  const splats = F64_PARAMS.flatMap((param, k) => [GET, param, ...F64X2_SPLAT, SET, SCALE + k]);
  const step: number[] = [
    // gi = g * scale
    ...loadPair(G), GET, SCALE, ...F64X2_MUL, SET, GI,
    // mi = beta1 * m + c1 * gi; m = f32(mi)
    GET, BETA1, ...loadPair(M), ...F64X2_MUL, GET, C1, GET, GI, ...F64X2_MUL, ...F64X2_ADD, SET, MI,
    GET, M, GET, MI, ...storePair(),
    // vi = beta2 * v + (c2 * gi) * gi; v = f32(vi)
    GET, BETA2, ...loadPair(V), ...F64X2_MUL, GET, C2, GET, GI, ...F64X2_MUL, GET, GI, ...F64X2_MUL, ...F64X2_ADD, SET, VI,
    GET, V, GET, VI, ...storePair(),
    // p = f32(p - (stepSize * mi) / (sqrt(vi) / sqrtBias2 + epsilon))
    GET, P,
    ...loadPair(P),
    GET, STEP, GET, MI, ...F64X2_MUL,
    GET, VI, ...F64X2_SQRT, GET, SQRT_BIAS2, ...F64X2_DIV, GET, EPSILON, ...F64X2_ADD,
    ...F64X2_DIV, ...F64X2_SUB, ...storePair(),
    ...advance(G), ...advance(P), ...advance(M), ...advance(V),
    GET, K, I32_CONST, 1, I32_ADD, SET, K,
    GET, K, GET, PAIRS, I32_LT_S, BR_IF, 0,
  ]; // prettier-ignore
  const code = [
    ...splats,
    BLOCK, 0x40,
    GET, PAIRS, I32_EQZ, BR_IF, 0,
    LOOP, 0x40, ...step, END,
    END, END,
  ]; // prettier-ignore
  return [2, 1, I32, 11, V128, ...code];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const fn = body();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 13, ...new Array<number>(5).fill(I32), ...new Array<number>(8).fill(F64), 0]),
    // The memory comes from the caller, sized once for the optimizer's state.
    ...section(2, [1, ...name('env'), ...name('memory'), 2, 0, 0]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('adam'), 0, 0]),
    ...section(10, [1, ...leb(fn.length), ...fn]),
  ]); // prettier-ignore
}

/** Compiled once per process (null where WebAssembly or its SIMD is not available). */
let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

/** Turns the kernel off or on for optimizers created afterwards (tests compare both ways). @internal */
export function useWasmAdam(on: boolean): void {
  enabled = on;
}

/** The hyperparameters of one {@link WasmAdam.update} call, as the JavaScript loop uses them. */
export interface AdamCoefficients {
  readonly scale: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly stepSize: number;
  readonly sqrtBias2: number;
  readonly epsilon: number;
}

/**
 * Adam's moments (`size` float32 values each, as views {@link WasmAdam.m} and
 * {@link WasmAdam.v} into the kernel's memory, which never grows, so the views stay valid) and
 * room for one variable's gradients and parameters.
 */
export class WasmAdam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly g: Float32Array;
  private readonly p: Float32Array;
  private readonly adam: (...args: number[]) => void;

  private constructor(module: WebAssembly.Module, size: number, largest: number) {
    // Each region starts 8-byte aligned: the kernel moves float32 pairs.
    const padded = (n: number): number => n + (n & 1);
    const offsets = [0, padded(size), 2 * padded(size), 2 * padded(size) + padded(largest)];
    const total = offsets[3] + padded(largest);
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((total * 4) / 65536)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.adam = instance.exports.adam as (...args: number[]) => void;
    const view = (at: number, length: number) => new Float32Array(memory.buffer, at * 4, length);
    this.m = view(offsets[0], size);
    this.v = view(offsets[1], size);
    this.g = view(offsets[2], largest);
    this.p = view(offsets[3], largest);
  }

  /** A kernel for `size` parameters in all, at most `largest` per variable; null where unavailable. */
  static create(size: number, largest: number): WasmAdam | null {
    try {
      if (!enabled || typeof WebAssembly !== 'object') return null;
      if (compiled === undefined) compiled = new WebAssembly.Module(moduleBytes());
      return compiled === null ? null : new WasmAdam(compiled, size, largest);
    } catch {
      compiled = null;
      return null;
    }
  }

  /**
   * Steps the first `2 * floor(g.length / 2)` parameters of one variable (its moments at
   * `offset` in {@link WasmAdam.m} and {@link WasmAdam.v}), reading `params` and writing
   * `next`; returns how many it stepped (the caller steps an odd last one).
   */
  update(g: Float32Array, params: Float32Array, next: Float32Array, offset: number, c: AdamCoefficients): number {
    const pairs = g.length >> 1;
    const count = 2 * pairs;
    if (pairs === 0) return 0;
    this.g.set(g.subarray(0, count));
    this.p.set(params.subarray(0, count));
    const at = (a: Float32Array, index: number): number => a.byteOffset + index * 4;
    this.adam(at(this.g, 0), at(this.p, 0), at(this.m, offset), at(this.v, offset), pairs, c.scale, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.stepSize, c.sqrtBias2, c.epsilon);
    next.set(this.p.subarray(0, count));
    return count;
  }
}
