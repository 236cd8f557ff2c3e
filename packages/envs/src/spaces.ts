import {
  log1p,
  checkPositiveInt,
  describeValue,
  PpoRangeError,
  PpoTypeError,
  type SpaceSpec,
  type RandomSource,
} from '@ppo/utils';

export type { SpaceSpec };

/**
 * A set of values an env observes or accepts, with Gymnasium's semantics.
 *
 * `flatten` turns a value into a `Float32Array` of length `flatDim` (one-hot for discrete
 * parts, as Gymnasium's `flatten`), `unflatten` inverts it.
 */
export interface Space<T> {
  /** The shape of one value (`[]` for a Discrete). */
  readonly shape: readonly number[];
  /** The length of {@link Space.flatten}'s output. */
  readonly flatDim: number;
  /** A random member of the space, drawn from `rng`. */
  sample(rng: RandomSource): T;
  /** Whether `x` is a member of the space (type, shape and bounds). */
  contains(x: unknown): x is T;
  /** The value as a flat `Float32Array` of length `flatDim`. */
  flatten(x: T): Float32Array;
  /** The inverse of {@link Space.flatten}. */
  unflatten(flat: ArrayLike<number>): T;
  /** A plain-JSON description. */
  toJSON(): SpaceSpec;
}

/** The value type of a space. */
export type SpaceValue<S> = S extends Space<infer T> ? T : never;

function checkFlatLength(space: string, flat: ArrayLike<number>, expected: number): void {
  if (flat === null || typeof flat !== 'object' || typeof flat.length !== 'number') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${space}.unflatten: flat must be an array of numbers, got ${describeValue(flat)}`);
  }
  if (flat.length !== expected) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${space}.unflatten: flat must have length ${expected}, got ${flat.length}`);
  }
}

/** Reads a one-hot block of `n` entries starting at `offset`; returns the hot index. */
function readOneHot(space: string, flat: ArrayLike<number>, offset: number, n: number): number {
  let hot = -1;
  let valid = true;
  for (let k = 0; k < n; k++) {
    const v = flat[offset + k];
    if (v === 1 && hot === -1) hot = k;
    else if (v !== 0) valid = false;
  }
  if (!valid || hot === -1) {
    const block = Array.from({ length: n }, (_, k) => flat[offset + k]);
    throw new PpoRangeError('INVALID_ARGUMENT', `${space}.unflatten: expected a one-hot block of length ${n}, got [${block.join(', ')}]`);
  }
  return hot;
}

/** Options of {@link Box}. */
export interface BoxOptions {
  /** Lower bounds: one number for every entry, or one per entry. `-Infinity` means unbounded. */
  readonly low: number | ArrayLike<number>;
  /** Upper bounds: one number for every entry, or one per entry. `Infinity` means unbounded. */
  readonly high: number | ArrayLike<number>;
  /** The shape; defaults to `[low.length]` when `low` or `high` is an array. */
  readonly shape?: readonly number[];
  /**
   * The precision the values stand for. Values always cross the API as `Float32Array`
   * (typed arrays are the package boundary); `'float64'` records that the producer computes
   * them in double precision. Defaults to `'float32'`.
   *
   * The bounds are stored as float32 for both dtypes, deliberately: the values they bound are
   * float32, so a bound such as 0.1 is held as the nearest float32 (0.10000000149011612), and
   * `contains`, `sample` and the clipping wrappers then agree with every float32 value that
   * can cross the boundary. (Float64 bounds would make `contains` reject the float32 nearest
   * to a bound, and `ClipAction` produce actions just outside it.) `toJSON` reports the stored
   * bounds.
   */
  readonly dtype?: 'float32' | 'float64';
}

/**
 * A box in R^n: `Float32Array` values with per-entry bounds `low <= x <= high` (inclusive, as
 * Gymnasium's `Box.contains`).
 *
 * Sampling follows Gymnasium: uniform on bounded entries, a standard normal on entries
 * unbounded on both sides, and a shifted exponential on half-bounded ones.
 *
 * @example
 * ```ts
 * const box = new Box({ low: -1, high: 1, shape: [3] });
 * const x = box.sample(new Rng(0)); // Float32Array(3) in [-1, 1]
 * box.contains(x);                  // true
 * ```
 */
export class Box implements Space<Float32Array> {
  readonly shape: readonly number[];
  readonly flatDim: number;
  /** Lower bounds, one per entry (row-major), as float32 for either dtype (see {@link BoxOptions.dtype}). Do not modify. */
  readonly low: Float32Array;
  /** Upper bounds, one per entry (row-major), as float32 for either dtype. Do not modify. */
  readonly high: Float32Array;
  readonly dtype: 'float32' | 'float64';

  constructor(options: BoxOptions) {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Box: options must be an object { low, high, shape?, dtype? }, got ${describeValue(options)}`);
    }
    const { low, high } = options;
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Box: dtype must be 'float32' or 'float64', got ${describeValue(dtype)}`);
    }
    let shape: number[];
    if (options.shape !== undefined) {
      if (!Array.isArray(options.shape)) {
        throw new PpoTypeError('INVALID_ARGUMENT', `Box: shape must be an array of positive integers, got ${describeValue(options.shape)}`);
      }
      shape = options.shape.map((d, k) => checkPositiveInt(`Box: shape[${k}]`, d));
    } else if (typeof low !== 'number' && low !== null && typeof low === 'object') {
      shape = [low.length];
    } else if (typeof high !== 'number' && high !== null && typeof high === 'object') {
      shape = [high.length];
    } else {
      throw new PpoTypeError('INVALID_ARGUMENT', 'Box: shape is required when low and high are both numbers');
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (size < 1) throw new PpoRangeError('INVALID_ARGUMENT', `Box: shape must have at least one entry, got [${shape.join(', ')}]`);
    this.shape = Object.freeze(shape);
    this.flatDim = size;
    this.dtype = dtype;
    this.low = Box.bounds('low', low, size);
    this.high = Box.bounds('high', high, size);
    for (let k = 0; k < size; k++) {
      if (!(this.low[k] <= this.high[k])) {
        throw new PpoRangeError('INVALID_ARGUMENT', `Box: low[${k}]=${this.low[k]} must be <= high[${k}]=${this.high[k]}`);
      }
      if (this.low[k] === Infinity || this.high[k] === -Infinity) {
        throw new PpoRangeError('INVALID_ARGUMENT', `Box: entry ${k} has an empty range [${this.low[k]}, ${this.high[k]}]`);
      }
    }
  }

  private static bounds(name: string, value: number | ArrayLike<number>, size: number): Float32Array {
    const out = new Float32Array(size);
    if (typeof value === 'number') {
      if (Number.isNaN(value)) throw new PpoRangeError('INVALID_ARGUMENT', `Box: ${name} must not be NaN`);
      out.fill(value);
      return out;
    }
    if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Box: ${name} must be a number or an array of numbers, got ${describeValue(value)}`);
    }
    if (value.length !== size) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Box: ${name} must have ${size} entries to match the shape, got ${value.length}`);
    }
    for (let k = 0; k < size; k++) {
      const v = value[k];
      if (typeof v !== 'number' || Number.isNaN(v)) {
        throw new PpoRangeError('INVALID_ARGUMENT', `Box: ${name}[${k}] must be a number (not NaN), got ${describeValue(v)}`);
      }
      out[k] = v;
    }
    return out;
  }

  /** Whether every entry has finite bounds on both sides. */
  isBounded(): boolean {
    for (let k = 0; k < this.flatDim; k++) {
      if (!Number.isFinite(this.low[k]) || !Number.isFinite(this.high[k])) return false;
    }
    return true;
  }

  sample(rng: RandomSource): Float32Array {
    const out = new Float32Array(this.flatDim);
    for (let k = 0; k < this.flatDim; k++) {
      const lo = this.low[k];
      const hi = this.high[k];
      const boundedLow = Number.isFinite(lo);
      const boundedHigh = Number.isFinite(hi);
      let v: number;
      if (boundedLow && boundedHigh) v = lo + (hi - lo) * rng.nextFloat();
      else if (boundedLow) v = lo - log1p(-rng.nextFloat());
      else if (boundedHigh) v = hi + log1p(-rng.nextFloat());
      else v = rng.nextNormal();
      // Rounding to float32 may step just outside a bound; keep samples members.
      out[k] = v;
      if (out[k] < lo) out[k] = lo;
      else if (out[k] > hi) out[k] = hi;
    }
    return out;
  }

  contains(x: unknown): x is Float32Array {
    if (!(x instanceof Float32Array) || x.length !== this.flatDim) return false;
    for (let k = 0; k < this.flatDim; k++) {
      // Written so NaN fails.
      if (!(x[k] >= this.low[k] && x[k] <= this.high[k])) return false;
    }
    return true;
  }

  flatten(x: Float32Array): Float32Array {
    if (!(x instanceof Float32Array) || x.length !== this.flatDim) {
      throw new PpoTypeError('INVALID_ARGUMENT', `Box.flatten: x must be a Float32Array of length ${this.flatDim}, got ${describeValue(x)}`);
    }
    return x.slice();
  }

  unflatten(flat: ArrayLike<number>): Float32Array {
    checkFlatLength('Box', flat, this.flatDim);
    return Float32Array.from(flat);
  }

  toJSON(): SpaceSpec {
    const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return {
      type: 'box',
      shape: [...this.shape],
      low: Array.from(this.low, finiteOrNull),
      high: Array.from(this.high, finiteOrNull),
      dtype: this.dtype,
    };
  }
}

/**
 * The integers `start, start + 1, ..., start + n - 1`; values are plain numbers. Flattens to a
 * one-hot vector of length `n`.
 *
 * @example
 * ```ts
 * const actions = new Discrete({ n: 2 }); // CartPole's: 0 or 1
 * ```
 */
export class Discrete implements Space<number> {
  readonly shape: readonly number[] = Object.freeze([]);
  readonly flatDim: number;
  readonly n: number;
  readonly start: number;

  constructor(options: { readonly n: number; readonly start?: number }) {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Discrete: options must be an object { n, start? }, got ${describeValue(options)}`);
    }
    this.n = checkPositiveInt('Discrete: n', options.n);
    const start = options.start ?? 0;
    if (typeof start !== 'number' || !Number.isSafeInteger(start)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Discrete: start must be an integer, got ${describeValue(start)}`);
    }
    this.start = start;
    this.flatDim = this.n;
  }

  sample(rng: RandomSource): number {
    return this.start + rng.nextInt(this.n);
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  flatten(x: number): Float32Array {
    if (!this.contains(x)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `Discrete.flatten: x must be an integer in [${this.start}, ${this.start + this.n}), got ${describeValue(x)}`);
    }
    const out = new Float32Array(this.n);
    out[x - this.start] = 1;
    return out;
  }

  unflatten(flat: ArrayLike<number>): number {
    checkFlatLength('Discrete', flat, this.n);
    return this.start + readOneHot('Discrete', flat, 0, this.n);
  }

  toJSON(): SpaceSpec {
    return { type: 'discrete', n: this.n, start: this.start };
  }
}

/**
 * A vector of independent discrete choices, entry `i` in `[0, nvec[i])`; values are
 * `Int32Array`s. Flattens to the concatenated one-hot vectors (length `sum(nvec)`).
 */
export class MultiDiscrete implements Space<Int32Array> {
  readonly shape: readonly number[];
  readonly flatDim: number;
  /** The number of choices of each entry. Do not modify. */
  readonly nvec: Int32Array;

  constructor(options: { readonly nvec: ArrayLike<number> }) {
    if (options === null || typeof options !== 'object' || options.nvec === null || typeof options.nvec !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `MultiDiscrete: options must be an object { nvec: number[] }, got ${describeValue(options)}`);
    }
    const { nvec } = options;
    if (nvec.length < 1) throw new PpoRangeError('INVALID_ARGUMENT', 'MultiDiscrete: nvec must have at least one entry');
    this.nvec = new Int32Array(nvec.length);
    let total = 0;
    for (let k = 0; k < nvec.length; k++) {
      const n = checkPositiveInt(`MultiDiscrete: nvec[${k}]`, nvec[k]);
      if (n > 2 ** 31 - 1) throw new PpoRangeError('INVALID_ARGUMENT', `MultiDiscrete: nvec[${k}] must be below 2^31, got ${n}`);
      this.nvec[k] = n;
      total += n;
    }
    this.shape = Object.freeze([nvec.length]);
    this.flatDim = total;
  }

  sample(rng: RandomSource): Int32Array {
    const out = new Int32Array(this.nvec.length);
    for (let k = 0; k < out.length; k++) out[k] = rng.nextInt(this.nvec[k]);
    return out;
  }

  contains(x: unknown): x is Int32Array {
    if (!(x instanceof Int32Array) || x.length !== this.nvec.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] < 0 || x[k] >= this.nvec[k]) return false;
    return true;
  }

  flatten(x: Int32Array): Float32Array {
    if (!this.contains(x)) {
      throw new PpoRangeError('INVALID_ARGUMENT', 
        `MultiDiscrete.flatten: x must be an Int32Array with entries in [0, nvec) for nvec [${this.nvec.join(', ')}], got ${describeValue(x)}`,
      );
    }
    const out = new Float32Array(this.flatDim);
    let offset = 0;
    for (let k = 0; k < x.length; k++) {
      out[offset + x[k]] = 1;
      offset += this.nvec[k];
    }
    return out;
  }

  unflatten(flat: ArrayLike<number>): Int32Array {
    checkFlatLength('MultiDiscrete', flat, this.flatDim);
    const out = new Int32Array(this.nvec.length);
    let offset = 0;
    for (let k = 0; k < out.length; k++) {
      out[k] = readOneHot('MultiDiscrete', flat, offset, this.nvec[k]);
      offset += this.nvec[k];
    }
    return out;
  }

  toJSON(): SpaceSpec {
    return { type: 'multi-discrete', nvec: Array.from(this.nvec) };
  }
}

/** `n` independent bits; values are `Uint8Array`s of 0s and 1s. Flattens to the bits as floats. */
export class MultiBinary implements Space<Uint8Array> {
  readonly shape: readonly number[];
  readonly flatDim: number;
  readonly n: number;

  constructor(options: { readonly n: number }) {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `MultiBinary: options must be an object { n }, got ${describeValue(options)}`);
    }
    this.n = checkPositiveInt('MultiBinary: n', options.n);
    this.shape = Object.freeze([this.n]);
    this.flatDim = this.n;
  }

  sample(rng: RandomSource): Uint8Array {
    const out = new Uint8Array(this.n);
    for (let k = 0; k < this.n; k++) out[k] = rng.nextInt(2);
    return out;
  }

  contains(x: unknown): x is Uint8Array {
    if (!(x instanceof Uint8Array) || x.length !== this.n) return false;
    for (let k = 0; k < this.n; k++) if (x[k] > 1) return false;
    return true;
  }

  flatten(x: Uint8Array): Float32Array {
    if (!this.contains(x)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `MultiBinary.flatten: x must be a Uint8Array of ${this.n} zeros and ones, got ${describeValue(x)}`);
    }
    return Float32Array.from(x);
  }

  unflatten(flat: ArrayLike<number>): Uint8Array {
    checkFlatLength('MultiBinary', flat, this.n);
    const out = new Uint8Array(this.n);
    for (let k = 0; k < this.n; k++) {
      const v = flat[k];
      if (v !== 0 && v !== 1) throw new PpoRangeError('INVALID_ARGUMENT', `MultiBinary.unflatten: flat[${k}] must be 0 or 1, got ${describeValue(v)}`);
      out[k] = v;
    }
    return out;
  }

  toJSON(): SpaceSpec {
    return { type: 'multi-binary', n: this.n };
  }
}

type AnySpace = Space<unknown>;

function checkSubspace(owner: string, key: string, space: unknown): AnySpace {
  const s = space as Partial<AnySpace> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    typeof s.sample !== 'function' ||
    typeof s.contains !== 'function' ||
    typeof s.flatten !== 'function' ||
    typeof s.unflatten !== 'function' ||
    typeof s.toJSON !== 'function' ||
    typeof s.flatDim !== 'number'
  ) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: spaces${key} must be a Space, got ${describeValue(space)}`);
  }
  return s as AnySpace;
}

/**
 * A named collection of spaces; values are plain objects with one value per key. Keys are
 * sorted (as Gymnasium does for a plain dict), which fixes the order `flatten` concatenates in.
 *
 * @example
 * ```ts
 * const obs = new Dict({ spaces: { position: new Box({ low: -1, high: 1, shape: [2] }), mode: new Discrete({ n: 3 }) } });
 * ```
 */
export class Dict<S extends Record<string, Space<unknown>> = Record<string, Space<unknown>>>
  implements Space<{ [K in keyof S]: SpaceValue<S[K]> }>
{
  readonly shape: readonly number[] = Object.freeze([]);
  readonly flatDim: number;
  /** The subspaces, keys sorted. */
  readonly spaces: Readonly<S>;
  /** The sorted keys. */
  readonly keys: readonly string[];

  constructor(options: { readonly spaces: S }) {
    if (options === null || typeof options !== 'object' || options.spaces === null || typeof options.spaces !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Dict: options must be an object { spaces: Record<string, Space> }, got ${describeValue(options)}`);
    }
    const keys = Object.keys(options.spaces).sort();
    if (keys.length === 0) throw new PpoRangeError('INVALID_ARGUMENT', 'Dict: spaces must have at least one entry');
    const spaces: Record<string, AnySpace> = {};
    let total = 0;
    for (const key of keys) {
      const space = checkSubspace('Dict', `.${key}`, options.spaces[key]);
      spaces[key] = space;
      total += space.flatDim;
    }
    this.spaces = Object.freeze(spaces) as unknown as Readonly<S>;
    this.keys = Object.freeze(keys);
    this.flatDim = total;
  }

  private sub(key: string): AnySpace {
    return (this.spaces as Record<string, AnySpace>)[key];
  }

  sample(rng: RandomSource): { [K in keyof S]: SpaceValue<S[K]> } {
    const out: Record<string, unknown> = {};
    for (const key of this.keys) out[key] = this.sub(key).sample(rng);
    return out as { [K in keyof S]: SpaceValue<S[K]> };
  }

  contains(x: unknown): x is { [K in keyof S]: SpaceValue<S[K]> } {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
    const record = x as Record<string, unknown>;
    if (Object.keys(record).length !== this.keys.length) return false;
    return this.keys.every((key) => key in record && this.sub(key).contains(record[key]));
  }

  flatten(x: { [K in keyof S]: SpaceValue<S[K]> }): Float32Array {
    if (!this.contains(x)) throw new PpoRangeError('INVALID_ARGUMENT', `Dict.flatten: x is not a member of the space, got ${describeValue(x)}`);
    const out = new Float32Array(this.flatDim);
    let offset = 0;
    for (const key of this.keys) {
      const part = this.sub(key).flatten((x as Record<string, unknown>)[key]);
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  unflatten(flat: ArrayLike<number>): { [K in keyof S]: SpaceValue<S[K]> } {
    checkFlatLength('Dict', flat, this.flatDim);
    const out: Record<string, unknown> = {};
    let offset = 0;
    for (const key of this.keys) {
      const space = this.sub(key);
      out[key] = space.unflatten(Array.prototype.slice.call(flat, offset, offset + space.flatDim) as number[]);
      offset += space.flatDim;
    }
    return out as { [K in keyof S]: SpaceValue<S[K]> };
  }

  toJSON(): SpaceSpec {
    const spaces: Record<string, SpaceSpec> = {};
    for (const key of this.keys) spaces[key] = this.sub(key).toJSON();
    return { type: 'dict', spaces };
  }
}

/** A fixed-length sequence of spaces; values are arrays with one value per subspace. */
export class Tuple<S extends readonly Space<unknown>[] = readonly Space<unknown>[]>
  implements Space<{ [K in keyof S]: SpaceValue<S[K]> }>
{
  readonly shape: readonly number[] = Object.freeze([]);
  readonly flatDim: number;
  readonly spaces: S;

  constructor(options: { readonly spaces: S }) {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.spaces)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `Tuple: options must be an object { spaces: Space[] }, got ${describeValue(options)}`);
    }
    if (options.spaces.length === 0) throw new PpoRangeError('INVALID_ARGUMENT', 'Tuple: spaces must have at least one entry');
    let total = 0;
    options.spaces.forEach((space, k) => {
      total += checkSubspace('Tuple', `[${k}]`, space).flatDim;
    });
    this.spaces = Object.freeze([...options.spaces]) as unknown as S;
    this.flatDim = total;
  }

  sample(rng: RandomSource): { [K in keyof S]: SpaceValue<S[K]> } {
    return this.spaces.map((space) => space.sample(rng)) as { [K in keyof S]: SpaceValue<S[K]> };
  }

  contains(x: unknown): x is { [K in keyof S]: SpaceValue<S[K]> } {
    if (!Array.isArray(x) || x.length !== this.spaces.length) return false;
    return this.spaces.every((space, k) => space.contains(x[k]));
  }

  flatten(x: { [K in keyof S]: SpaceValue<S[K]> }): Float32Array {
    if (!this.contains(x)) throw new PpoRangeError('INVALID_ARGUMENT', `Tuple.flatten: x is not a member of the space, got ${describeValue(x)}`);
    const out = new Float32Array(this.flatDim);
    let offset = 0;
    this.spaces.forEach((space, k) => {
      const part = space.flatten((x as unknown[])[k]);
      out.set(part, offset);
      offset += part.length;
    });
    return out;
  }

  unflatten(flat: ArrayLike<number>): { [K in keyof S]: SpaceValue<S[K]> } {
    checkFlatLength('Tuple', flat, this.flatDim);
    let offset = 0;
    return this.spaces.map((space) => {
      const value = space.unflatten(Array.prototype.slice.call(flat, offset, offset + space.flatDim) as number[]);
      offset += space.flatDim;
      return value;
    }) as { [K in keyof S]: SpaceValue<S[K]> };
  }

  toJSON(): SpaceSpec {
    return { type: 'tuple', spaces: this.spaces.map((space) => space.toJSON()) };
  }
}

/**
 * Builds a space from its JSON description ({@link Space.toJSON}'s output); `null` Box bounds
 * become infinities.
 */
export function spaceFromJSON(spec: SpaceSpec): Space<unknown> {
  if (spec === null || typeof spec !== 'object') {
    throw new PpoTypeError('INVALID_ARGUMENT', `spaceFromJSON: spec must be a SpaceSpec object, got ${describeValue(spec)}`);
  }
  switch (spec.type) {
    case 'box':
      return new Box({
        low: spec.low.map((v) => (v === null ? -Infinity : v)),
        high: spec.high.map((v) => (v === null ? Infinity : v)),
        shape: spec.shape,
        dtype: spec.dtype,
      });
    case 'discrete':
      return new Discrete({ n: spec.n, start: spec.start });
    case 'multi-discrete':
      return new MultiDiscrete({ nvec: spec.nvec });
    case 'multi-binary':
      return new MultiBinary({ n: spec.n });
    case 'dict': {
      const spaces: Record<string, Space<unknown>> = {};
      for (const key of Object.keys(spec.spaces)) spaces[key] = spaceFromJSON(spec.spaces[key]);
      return new Dict({ spaces });
    }
    case 'tuple':
      return new Tuple({ spaces: spec.spaces.map(spaceFromJSON) });
    default:
      throw new PpoTypeError('INVALID_ARGUMENT', `spaceFromJSON: unknown space type in ${describeValue(spec)}`);
  }
}

/** Whether two spaces describe the same set (same JSON description). */
export function spacesEqual(a: Space<unknown>, b: Space<unknown>): boolean {
  return JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON());
}
