import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const MAX_UINT32 = 0xffffffff;

/**
 * numpy's legacy `RandomState` (the Mersenne Twister MT19937) for the calls the MinAtar games
 * make, bit for bit: seeding as `RandomState(seed)` / `seed(seed)` does, `rand()` / `random()`
 * 53-bit doubles, `randint` and `choice` with numpy's legacy bounded-integer algorithm (masked
 * rejection sampling on 32-bit draws).
 *
 * An integer seed goes through MT19937's `init_genrand` (as numpy does for a scalar seed); an
 * array of integers through `init_by_array` (as numpy does for a sequence).
 *
 * @example
 * ```ts
 * const rs = new RandomState(0);
 * rs.random();        // 0.5488135039273248, as np.random.RandomState(0).rand()
 * rs.randint(1, 9);   // an integer in [1, 9), as rs.randint(1, 9)
 * ```
 */
export class RandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** @param seed - an integer in `[0, 2^32)`, or a non-empty array of such integers. */
  constructor(seed: number | ArrayLike<number>) {
    this.seed(seed);
  }

  /** Reseeds the generator as numpy's `RandomState.seed(seed)`. */
  seed(seed: number | ArrayLike<number>): void {
    if (typeof seed === 'number') {
      this.initGenrand(checkUint32('RandomState: seed', seed));
      return;
    }
    if (seed === null || typeof seed !== 'object' || typeof seed.length !== 'number' || seed.length < 1) {
      throw new PpoTypeError(
        'INVALID_ARGUMENT',
        `RandomState: seed must be an integer in [0, 2^32) or a non-empty array of them, got ${describeValue(seed)}`,
      );
    }
    const key = new Uint32Array(seed.length);
    for (let k = 0; k < seed.length; k++) key[k] = checkUint32(`RandomState: seed[${k}]`, seed[k]);
    this.initByArray(key);
  }

  /** The next raw 32-bit output of MT19937, as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in `[0, 1)` with 53 random bits: numpy's `rand()`, `random()`, `random_sample()`. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `size` doubles as {@link RandomState.random}, in order: numpy's `rand(size)`. */
  randomArray(size: number): Float64Array {
    const out = new Float64Array(checkSize(size));
    for (let k = 0; k < out.length; k++) out[k] = this.random();
    return out;
  }

  /**
   * An integer in `[low, high)`, or in `[0, low)` when `high` is omitted: numpy's legacy
   * `randint(low, high)`. Draws nothing when the range holds one value.
   */
  randint(low: number, high?: number): number {
    const [off, range] = boundedRange(low, high);
    return off + this.bounded(range);
  }

  /** `size` integers as {@link RandomState.randint}, in order: numpy's `randint(low, high, size)`. */
  randintArray(low: number, high: number, size: number): Int32Array | Float64Array {
    const [off, range] = boundedRange(low, high);
    const n = checkSize(size);
    const fits = off >= -0x80000000 && off + range <= 0x7fffffff;
    const out = fits ? new Int32Array(n) : new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = off + this.bounded(range);
    return out;
  }

  /** An index drawn uniformly from `[0, n)`: numpy's legacy `choice(n)` (which calls `randint(0, n)`). */
  choice(n: number): number {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `RandomState.choice: n must be a positive integer, got ${describeValue(n)}`);
    }
    return this.randint(0, n);
  }

  /** Masked rejection sampling of an integer in `[0, range]` (numpy's `buffered_bounded_masked_uint32`). */
  private bounded(range: number): number {
    if (range === 0) return 0;
    if (range === MAX_UINT32) return this.nextUint32();
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= range) return value;
    }
  }

  private initGenrand(seed: number): void {
    const mt = this.mt;
    mt[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: Uint32Array): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = UPPER_MASK;
    this.index = N;
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}

function checkUint32(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be an integer in [0, 2^32), got ${describeValue(value)}`);
  }
  return value;
}

function checkSize(size: unknown): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `RandomState: size must be a non-negative integer, got ${describeValue(size)}`);
  }
  return size;
}

/** numpy's `randint` bounds: `[off, off + range]` inclusive, with `range` below 2^32. */
function boundedRange(low: number, high: number | undefined): [number, number] {
  const lo = high === undefined ? 0 : low;
  const hi = high === undefined ? low : high;
  for (const [name, v] of [['low', low], ['high', high ?? low]] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `RandomState.randint: ${name} must be an integer, got ${describeValue(v)}`);
    }
  }
  if (hi <= lo) {
    throw new PpoRangeError('INVALID_ARGUMENT', `RandomState.randint: low >= high (low ${lo}, high ${hi}); numpy raises likewise`);
  }
  const range = hi - 1 - lo;
  if (range > MAX_UINT32) {
    throw new PpoRangeError('INVALID_ARGUMENT', `RandomState.randint: high - low must be at most 2^32, got ${hi - lo}`);
  }
  return [lo, range];
}
