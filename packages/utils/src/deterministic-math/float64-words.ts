/**
 * Reads and writes the two 32-bit halves of a float64, as the fdlibm algorithms do. One shared
 * scratch buffer; the word order follows the platform's byte order, detected once.
 */

const scratch = new ArrayBuffer(8);
const asFloat = new Float64Array(scratch);
const asInt = new Int32Array(scratch);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = littleEndian ? 1 : 0;
const LO = littleEndian ? 0 : 1;

/** The high word (sign, exponent, top 20 mantissa bits) of `x`, as a signed 32-bit integer. */
export function highWord(x: number): number {
  asFloat[0] = x;
  return asInt[HI];
}

/** The low word (bottom 32 mantissa bits) of `x`, as a signed 32-bit integer. */
export function lowWord(x: number): number {
  asFloat[0] = x;
  return asInt[LO];
}

/** The float64 whose high and low words are `hi` and `lo`. */
export function fromWords(hi: number, lo: number): number {
  asInt[HI] = hi;
  asInt[LO] = lo;
  return asFloat[0];
}

/** 2^n exactly, for integer n in [-1022, 1023]. */
export function pow2(n: number): number {
  return fromWords((n + 1023) << 20, 0);
}
