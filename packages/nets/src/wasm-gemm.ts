/**
 * A WebAssembly SIMD kernel for the host MLP's products, assembled here from its bytes (a few
 * hundred, so it compiles synchronously in Node and in browsers, and needs no build step):
 *
 *   C[i sci + j] += sum_p A[i sai + p sap] B[j + p sbp]   (float64; i < m, j < n, p < depth)
 *
 * for m and n multiples of 4, in blocks of 4 rows x 4 columns, two f64x2 lanes per row. Each
 * output is summed over p in order, then added to C, exactly as the plain JavaScript loop does,
 * so both give bitwise the same result (wasm SIMD has no fused multiply-add).
 */

import { leb128 as leb, wasmName as name, wasmSection as section, WASM_OPCODES } from '@ppo/utils';

const { I32, V128, BLOCK, LOOP, END, BR_IF, LOCAL_GET: GET, LOCAL_SET: SET, I32_CONST, I32_LT_S, I32_ADD, I32_MUL, V128_LOAD, V128_LOAD64_SPLAT, V128_STORE, V128_CONST, F64X2_ADD, F64X2_MUL } = WASM_OPCODES;

// Locals: the parameters, then loop state, then vectors.
const [M, N, DEPTH, A_OFF, SAI, SAP, B_OFF, SBP, C_OFF, SCI] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [I, J, P, PA, PB, C] = [10, 11, 12, 13, 14, 15];
const ACC = [16, 17, 18, 19, 20, 21, 22, 23];
const [B0, B1, X] = [24, 25, 26];

/** A memory argument: alignment hint 8 bytes (the data is float64-aligned), then the offset. */
const mem = (offset: number): number[] => [3, offset];

/** `x += step` for an i32 local. */
const addTo = (x: number, step: number[]): number[] => [GET, x, ...step, I32_ADD, SET, x];

function body(): number[] {
  const rowAddress = (row: number): number[] => {
    // pa + row * sai
    const code = [GET, PA];
    for (let r = 0; r < row; r++) code.push(GET, SAI, I32_ADD);
    return code;
  };
  const accumulate = (acc: number, b: number): number[] => [GET, acc, GET, X, GET, b, ...F64X2_MUL, ...F64X2_ADD, SET, acc];
  const inner: number[] = [
    GET, PB, ...V128_LOAD, ...mem(0), SET, B0,
    GET, PB, ...V128_LOAD, ...mem(16), SET, B1,
  ]; // prettier-ignore
  for (let row = 0; row < 4; row++) {
    inner.push(...rowAddress(row), ...V128_LOAD64_SPLAT, ...mem(0), SET, X);
    inner.push(...accumulate(ACC[2 * row], B0), ...accumulate(ACC[2 * row + 1], B1));
  }
  inner.push(...addTo(PA, [GET, SAP]), ...addTo(PB, [GET, SBP]), ...addTo(P, [I32_CONST, 1]));
  inner.push(GET, P, GET, DEPTH, I32_LT_S, BR_IF, 0);

  const store: number[] = [];
  for (let row = 0; row < 4; row++) {
    if (row > 0) store.push(...addTo(C, [GET, SCI]));
    for (const [k, offset] of [[0, 0], [1, 16]]) {
      store.push(GET, C, GET, C, ...V128_LOAD, ...mem(offset), GET, ACC[2 * row + k], ...F64X2_ADD, ...V128_STORE, ...mem(offset));
    }
  }

  const zero = [...V128_CONST, ...new Array<number>(16).fill(0)];
  const jLoop: number[] = [
    ...ACC.flatMap((acc) => [...zero, SET, acc]),
    // pa = aOff + i * sai; pb = bOff + j * 8; p = 0
    GET, A_OFF, GET, I, GET, SAI, I32_MUL, I32_ADD, SET, PA,
    GET, B_OFF, GET, J, I32_CONST, 8, I32_MUL, I32_ADD, SET, PB,
    I32_CONST, 0, SET, P,
    BLOCK, 0x40, LOOP, 0x40, ...inner, END, END,
    // c = cOff + i * sci + j * 8
    GET, C_OFF, GET, I, GET, SCI, I32_MUL, I32_ADD, GET, J, I32_CONST, 8, I32_MUL, I32_ADD, SET, C,
    ...store,
    ...addTo(J, [I32_CONST, 4]),
    GET, J, GET, N, I32_LT_S, BR_IF, 0,
  ]; // prettier-ignore
  const iLoop: number[] = [
    I32_CONST, 0, SET, J,
    BLOCK, 0x40, LOOP, 0x40, ...jLoop, END, END,
    ...addTo(I, [I32_CONST, 4]),
    GET, I, GET, M, I32_LT_S, BR_IF, 0,
  ]; // prettier-ignore
  const code = [I32_CONST, 0, SET, I, BLOCK, 0x40, LOOP, 0x40, ...iLoop, END, END, END];
  const locals = [2, 6, I32, 11, V128];
  return [...locals, ...code];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const fn = body();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 10, ...new Array<number>(10).fill(I32), 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('gemm'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...leb(fn.length), ...fn]),
  ]); // prettier-ignore
}

/** Float64 elements of the kernel's memory that may hold resident B operands (2 MB). */
const RESIDENT_CAPACITY = 1 << 18;

/**
 * The compiled kernel and its memory, with the arrays copied in and out around each call. A B
 * operand whose values never change (a weight array of the host weight cache) can stay in the
 * kernel's memory between calls: acting at a few rows per call would otherwise copy a whole
 * hidden layer's kernel for a product a few times its size.
 */
export class WasmGemm {
  private readonly memory: WebAssembly.Memory;
  private readonly gemm: (...args: number[]) => void;
  private view: Float64Array;
  /** Offsets (in elements) of resident B operands, all below `residentEnd`. */
  private readonly resident = new Map<Float64Array, number>();
  private residentEnd = 0;

  private constructor(instance: WebAssembly.Instance) {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.gemm = instance.exports.gemm as (...args: number[]) => void;
    this.view = new Float64Array(this.memory.buffer);
  }

  /** The kernel, or null where WebAssembly or its SIMD is not available (the caller loops in JavaScript). */
  static create(): WasmGemm | null {
    try {
      if (typeof WebAssembly !== 'object') return null;
      return new WasmGemm(new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())));
    } catch {
      return null;
    }
  }

  /**
   * `C[i sci + j] += sum_p A[i sai + p sap] B[j + p sbp]`, strides in elements; m and n must be
   * positive multiples of 4 and depth positive. `bFixed` promises that B's values never change
   * (it must not be modified afterwards): B is then copied in once and kept.
   */
  run(m: number, n: number, depth: number, A: Float64Array, sai: number, sap: number, B: Float64Array, sbp: number, Cm: Float64Array, sci: number, bFixed = false): void {
    const aLen = (m - 1) * sai + (depth - 1) * sap + 1;
    const bLen = n + (depth - 1) * sbp;
    const cLen = (m - 1) * sci + n;
    let bAt = bFixed ? this.residentAt(B) : -1;
    const aAt = this.residentEnd;
    const scratchB = bAt < 0;
    if (scratchB) bAt = aAt + aLen + (aLen & 1);
    const cAt = scratchB ? bAt + bLen + (bLen & 1) : aAt + aLen + (aLen & 1);
    this.ensure(cAt + cLen);
    const view = this.view;
    view.set(A.subarray(0, aLen), aAt);
    if (scratchB) view.set(B.subarray(0, bLen), bAt);
    view.set(Cm.subarray(0, cLen), cAt);
    this.gemm(m, n, depth, aAt * 8, sai * 8, sap * 8, bAt * 8, sbp * 8, cAt * 8, sci * 8);
    Cm.set(view.subarray(cAt, cAt + cLen));
  }

  /** Where a fixed B sits in memory (copied in on first use), or -1 when it is too large to keep. */
  private residentAt(B: Float64Array): number {
    const at = this.resident.get(B);
    if (at !== undefined) return at;
    const size = B.length + (B.length & 1);
    if (size > RESIDENT_CAPACITY) return -1;
    // Full: drop every kept array (stale weights of earlier updates among them); the current
    // ones are copied in again on their next use.
    if (this.residentEnd + size > RESIDENT_CAPACITY) {
      this.resident.clear();
      this.residentEnd = 0;
    }
    const start = this.residentEnd;
    this.ensure(start + size);
    this.view.set(B, start);
    this.resident.set(B, start);
    this.residentEnd = start + size;
    return start;
  }

  /** Grows the memory to hold at least `elements` float64 values (growing keeps its contents). */
  private ensure(elements: number): void {
    const need = elements * 8;
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / 65536));
      this.view = new Float64Array(this.memory.buffer);
    }
  }
}
