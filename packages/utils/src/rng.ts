/**
 * The project's one seeded random generator.
 *
 * Algorithm: xoshiro128** 1.0 (Blackman and Vigna, 2018) on four 32-bit words. A 32-bit seed
 * is expanded to the four words by SplitMix32 (add the golden-ratio constant 0x9e3779b9, then
 * the MurmurHash3 32-bit finalizer); a saved state restores the four words directly. Floats
 * take 53 random bits from two outputs; normals use the polar Box-Muller method and keep the
 * spare variate in the state, so a saved and restored generator continues exactly.
 * scripts/rng_reference.py is an independent Python implementation the tests compare against.
 */

import { PpoRangeError, PpoTypeError } from './errors';
import { log } from './deterministic-math/log';

/** What samplers need from a generator; {@link Rng} implements it. */
export interface RandomSource {
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** A standard normal variate. */
  nextNormal(): number;
  /** A uniform integer in [0, n). */
  nextInt(n: number): number;
}

/** The serialisable state of an {@link Rng}: plain JSON. */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly words: readonly [number, number, number, number];
  /** The second normal variate of the last polar pair, or null when none is pending. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function splitMix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Shuffles `array` in place with the Fisher-Yates algorithm, drawing from `source`, and returns
 * it. Every permutation is equally likely when `source.nextInt` is unbiased.
 */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(
  array: T,
  source: RandomSource,
): T {
  for (let k = array.length - 1; k > 0; k--) {
    const j = source.nextInt(k + 1);
    const held = array[k];
    array[k] = array[j];
    array[j] = held;
  }
  return array;
}

function checkRange(what: string, low: number, high: number): void {
  // high - low must be finite too, or low + width * u is Infinity or NaN.
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high && Number.isFinite(high - low))) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${what} needs finite low <= high with a finite width, got low=${low}, high=${high}`);
  }
}

/** The smallest float32 value >= x (x finite). */
function float32AtLeast(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  if (f === 0) return 2 ** -149; // the smallest positive subnormal
  const bits = new Int32Array(new Float32Array([f]).buffer);
  // One ulp towards +Infinity: up the magnitude of a positive value, down that of a negative.
  bits[0] += f > 0 ? 1 : -1;
  return new Float32Array(bits.buffer)[0];
}

function isWordArray(words: unknown): words is number[] {
  return (
    Array.isArray(words) &&
    words.length === 4 &&
    words.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < TWO_POW_32)
  );
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new PpoRangeError('INVALID_ARGUMENT', `Rng: seed must be an integer in [0, 2^32), got ${String(seed)}`);
  }
}

/**
 * A seeded xoshiro128** generator with a serialisable state.
 *
 * The same seed gives the same sequence on every platform.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const u = rng.nextFloat();          // [0, 1)
 * const order = rng.permutation(10);  // Int32Array of 0..9 shuffled
 * const saved = rng.getState();       // JSON
 * const again = Rng.fromState(saved); // continues exactly where rng is
 * ```
 */
export class Rng implements RandomSource {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** @param seed an integer in [0, 2^32). */
  constructor(seed: number) {
    checkSeed(seed);
    const mixer = { x: seed | 0 };
    this.s0 = splitMix32(mixer);
    this.s1 = splitMix32(mixer);
    this.s2 = splitMix32(mixer);
    this.s3 = splitMix32(mixer);
  }

  /** A generator that continues from a state saved by {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The state as plain JSON; restoring it continues the sequence exactly. */
  getState(): RngState {
    return {
      algorithm: 'xoshiro128**',
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spare,
    };
  }

  /** Restores a state saved by {@link Rng.getState}. */
  setState(state: RngState): void {
    if (state === null || typeof state !== 'object' || state.algorithm !== 'xoshiro128**') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Rng.setState: state must be an RngState of algorithm 'xoshiro128**', got ${JSON.stringify(state)}`);
    }
    const words: unknown = state.words;
    if (!isWordArray(words)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `Rng.setState: state.words must be four integers in [0, 2^32), got ${JSON.stringify(words)}`);
    }
    if (words.every((w) => w === 0)) {
      throw new PpoRangeError('INVALID_ARGUMENT', 'Rng.setState: state.words must not all be zero (xoshiro128** never leaves the zero state)');
    }
    if (state.spareNormal !== null && !Number.isFinite(state.spareNormal)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `Rng.setState: state.spareNormal must be a finite number or null, got ${String(state.spareNormal)}`);
    }
    this.setWords(words);
    this.spare = state.spareNormal;
  }

  /**
   * An independent child generator: 128 bits drawn from this one, scrambled by SplitMix32.
   * Use it to give each env or worker its own stream.
   */
  fork(): Rng {
    const child = new Rng(0);
    const mixer = { x: 0 };
    const words: number[] = [];
    for (let k = 0; k < 4; k++) {
      mixer.x = this.nextUint32() | 0;
      words.push(splitMix32(mixer));
    }
    // The all-zero state is the one xoshiro can never leave.
    if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0) words[0] = 1;
    child.setWords(words);
    return child;
  }

  private setWords(words: readonly number[]): void {
    this.s0 = words[0] | 0;
    this.s1 = words[1] | 0;
    this.s2 = words[2] | 0;
    this.s3 = words[3] | 0;
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** A uniform float in [low, high); `low` itself when `low === high`. */
  uniform(low: number, high: number): number {
    checkRange('Rng.uniform', low, high);
    if (low === high) return low;
    const width = high - low;
    let x: number;
    // low + width * u can round up to high (e.g. uniform(1, 2) with u = 1 - 2^-53): redraw.
    do {
      x = low + width * this.nextFloat();
    } while (x >= high);
    return x;
  }

  /** A standard normal variate (polar Box-Muller; the spare is kept in the state). */
  nextNormal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * log(s)) / s);
    this.spare = v * factor;
    return u * factor;
  }

  /** A normal variate with the given mean and standard deviation. */
  normal(mean: number, std: number): number {
    if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Rng.normal needs a finite mean and std >= 0, got mean=${mean}, std=${std}`);
    }
    return mean + std * this.nextNormal();
  }

  /** A uniform integer in [0, n), without modulo bias. `n` is an integer in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Rng.nextInt: n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    // Rejection keeps every value equally likely: draw below the largest multiple of n.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x: number;
    do {
      x = this.nextUint32();
    } while (x >= limit);
    return x % n;
  }

  /**
   * Fills `out` with uniform floats in [low, high) and returns it (all `low` when
   * `low === high`). Values are checked after rounding to the array's precision and redrawn
   * when rounding took them out of [low, high), so a Float32Array never receives `high`.
   */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    checkRange('Rng.fillUniform', low, high);
    if (low === high) return out.fill(low) as T;
    if (out instanceof Float32Array && !(float32AtLeast(low) < high)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Rng.fillUniform: no float32 value lies in [low, high), got low=${low}, high=${high}`);
    }
    const width = high - low;
    for (let k = 0; k < out.length; k++) {
      // Near 1 - 2^-25 a float32 store rounds up to high: redraw that element.
      do {
        out[k] = low + width * this.nextFloat();
      } while (out[k] >= high || out[k] < low);
    }
    return out;
  }

  /** Fills `out` with normal variates of the given mean and std and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Rng.fillNormal needs a finite mean and std >= 0, got mean=${mean}, std=${std}`);
    }
    for (let k = 0; k < out.length; k++) out[k] = mean + std * this.nextNormal();
    return out;
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    return shuffleInPlace(array, this);
  }

  /** A random permutation of 0..n-1, written into `out` when given (its length must be n). */
  permutation(n: number, out?: Int32Array): Int32Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Rng.permutation: n must be a non-negative integer, got ${String(n)}`);
    }
    const result = out ?? new Int32Array(n);
    if (result.length !== n) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Rng.permutation: out must have length n=${n}, got length ${result.length}`);
    }
    for (let k = 0; k < n; k++) result[k] = k;
    return this.shuffle(result);
  }
}
