// The two 32-bit halves of a float64, read and written through one shared scratch. fdlibm's
// algorithms work on these words; the typed arrays follow the platform's byte order, so the
// index of the high word is taken from a probe instead of being assumed.
const scratch = new ArrayBuffer(8);
const f64 = new Float64Array(scratch);
const i32 = new Int32Array(scratch);
const HIGH = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/** The high word (sign, exponent, top 20 mantissa bits) of `x` as a signed int32. */
export function highWord(x: number): number {
  f64[0] = x;
  return i32[HIGH];
}

/** The low word (bottom 32 mantissa bits) of `x` as an unsigned int32. */
export function lowWord(x: number): number {
  f64[0] = x;
  return i32[LOW] >>> 0;
}

/** The float64 whose high and low words are `high` and `low` (each taken modulo 2^32). */
export function fromWords(high: number, low: number): number {
  i32[HIGH] = high;
  i32[LOW] = low;
  return f64[0];
}

/** `x` with its high word replaced by `high`. */
export function withHighWord(x: number, high: number): number {
  f64[0] = x;
  i32[HIGH] = high;
  return f64[0];
}

/** `x` with its low word replaced by `low` (`withLowWord(x, 0)` keeps the top 21 mantissa bits). */
export function withLowWord(x: number, low: number): number {
  f64[0] = x;
  i32[LOW] = low;
  return f64[0];
}

// 2^k for every normal exponent k in [-1022, 1023], so scaling needs no trip through the scratch.
const POWERS_OF_TWO = new Float64Array(2046);
for (let k = -1022; k <= 1023; k++) POWERS_OF_TWO[k + 1022] = fromWords((k + 1023) << 20, 0);

/** 2^k, exactly, for an integer k in [-1022, 1023]. */
export function powerOfTwo(k: number): number {
  return POWERS_OF_TWO[k + 1022];
}
