// Byte helpers of the WebAssembly kernels that the packages assemble from their bytes (small
// modules that compile synchronously in Node and in browsers, with no build step).

/** Unsigned LEB128 of a non-negative integer below 2^32 (WebAssembly's integer encoding). */
export function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A WebAssembly module section: its id, then its content's byte length and the content. */
export function wasmSection(id: number, content: readonly number[]): number[] {
  return [id, ...leb128(content.length), ...content];
}

/** A WebAssembly name (of an export or import): its length, then its ASCII bytes. */
export function wasmName(s: string): number[] {
  return [...leb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * The WebAssembly opcodes the kernels use (core 2.0 and fixed-width SIMD; a SIMD opcode is its
 * 0xfd prefix then its LEB128 index), and the value types and `VOID` block type.
 */
export const WASM_OPCODES = Object.freeze({
  I32: 0x7f,
  F64: 0x7c,
  V128: 0x7b,
  VOID: 0x40,
  BLOCK: 0x02,
  LOOP: 0x03,
  IF: 0x04,
  END: 0x0b,
  BR_IF: 0x0d,
  LOCAL_GET: 0x20,
  LOCAL_SET: 0x21,
  LOCAL_TEE: 0x22,
  I32_CONST: 0x41,
  I32_EQZ: 0x45,
  I32_LT_S: 0x48,
  I32_ADD: 0x6a,
  I32_MUL: 0x6c,
  I32_SHL: 0x74,
  V128_LOAD: [0xfd, 0x00],
  V128_LOAD64_SPLAT: [0xfd, 0x0a],
  V128_STORE: [0xfd, 0x0b],
  V128_CONST: [0xfd, 0x0c],
  F64X2_SPLAT: [0xfd, 0x14],
  F64X2_EQ: [0xfd, 0x47],
  F64X2_LT: [0xfd, 0x49],
  F64X2_GT: [0xfd, 0x4a],
  F64X2_LE: [0xfd, 0x4b],
  F64X2_GE: [0xfd, 0x4c],
  V128_AND: [0xfd, 0x4e],
  V128_OR: [0xfd, 0x50],
  V128_BITSELECT: [0xfd, 0x52],
  V128_STORE64_LANE: [0xfd, 0x5b],
  V128_LOAD64_ZERO: [0xfd, 0x5d],
  F32X4_DEMOTE_F64X2_ZERO: [0xfd, 0x5e],
  F64X2_PROMOTE_LOW_F32X4: [0xfd, 0x5f],
  F64X2_TRUNC: [0xfd, 0x7a],
  I64X2_EXTEND_LOW_I32X4_S: [0xfd, 0xc7, 0x01],
  I64X2_SHL: [0xfd, 0xcb, 0x01],
  I64X2_ADD: [0xfd, 0xce, 0x01],
  I64X2_SUB: [0xfd, 0xd1, 0x01],
  F64X2_ABS: [0xfd, 0xec, 0x01],
  F64X2_NEG: [0xfd, 0xed, 0x01],
  F64X2_SQRT: [0xfd, 0xef, 0x01],
  F64X2_ADD: [0xfd, 0xf0, 0x01],
  F64X2_SUB: [0xfd, 0xf1, 0x01],
  F64X2_MUL: [0xfd, 0xf2, 0x01],
  F64X2_DIV: [0xfd, 0xf3, 0x01],
  I32X4_TRUNC_SAT_F64X2_S_ZERO: [0xfd, 0xfc, 0x01],
} as const);
