/**
 * Boundary checks shared by every estimator in this package. Each throws a TypeError for a
 * wrong kind of value and a RangeError for a value of the right kind outside its domain, and
 * the message names the argument, the offending value and what was expected.
 */

/** Float arrays the estimators read. */
export type FloatArray = Float32Array | Float64Array;

/** Largest finite float32; anything larger in magnitude is stored as an infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Formats a value for an error message without dumping whole arrays. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  return typeof value;
}

/** Throws unless `value` is a Float32Array or Float64Array. */
export function assertFloatArray(name: string, value: unknown): asserts value is FloatArray {
  if (!(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    throw new TypeError(`${name} must be a Float32Array or Float64Array, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a Float32Array (the type every output of this package has). */
export function assertFloat32Array(name: string, value: unknown): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new TypeError(`${name} must be a Float32Array, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a Uint8Array (entries are checked by {@link assertFlagValues}). */
export function assertFlagArray(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array of 0/1 flags, got ${describe(value)}`);
  }
}

/** Throws a RangeError naming the first entry of `flags` that is neither 0 nor 1. */
export function assertFlagValues(name: string, flags: Uint8Array): void {
  for (let k = 0; k < flags.length; k++) {
    if (flags[k] > 1) {
      throw new RangeError(`${name}[${k}] must be 0 or 1, got ${flags[k]}`);
    }
  }
}

/** Throws a RangeError naming the first NaN or infinite entry of `array`. */
export function assertAllFinite(name: string, array: FloatArray): void {
  // x * 0 is 0 for every finite x and NaN otherwise, so one sum detects any bad entry
  // without a branch per element; the slow search runs only on failure.
  let probe = 0;
  for (let k = 0; k < array.length; k++) probe += array[k] * 0;
  if (probe !== 0) {
    for (let k = 0; k < array.length; k++) {
      if (!Number.isFinite(array[k])) {
        throw new RangeError(`${name}[${k}] must be finite, got ${array[k]}`);
      }
    }
  }
}

/** Throws unless `array.length === expected`. */
export function assertLength(
  name: string,
  array: ArrayLike<unknown>,
  expected: number,
  expectedWhat: string,
): void {
  if (array.length !== expected) {
    throw new RangeError(
      `${name} must have length ${expected} (${expectedWhat}), got length ${array.length}`,
    );
  }
}

/** Throws unless `value` is a finite number. */
export function assertFiniteNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
}

/** Throws unless `value` is a number in the closed interval [0, 1]. */
export function assertUnitInterval(name: string, value: unknown): asserts value is number {
  assertFiniteNumber(name, value);
  if (value < 0 || value > 1) {
    throw new RangeError(`${name} must be in [0, 1], got ${value}`);
  }
}

/** Throws unless `value` is a finite number >= 0. */
export function assertNonNegative(name: string, value: unknown): asserts value is number {
  assertFiniteNumber(name, value);
  if (value < 0) {
    throw new RangeError(`${name} must be >= 0, got ${value}`);
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be an integer, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Throws if the two views share any byte of memory. */
export function assertNoOverlap(
  nameA: string,
  a: ArrayBufferView,
  nameB: string,
  b: ArrayBufferView,
): void {
  if (a.buffer !== b.buffer) return;
  const aEnd = a.byteOffset + a.byteLength;
  const bEnd = b.byteOffset + b.byteLength;
  if (a.byteOffset < bEnd && b.byteOffset < aEnd && a.byteLength > 0 && b.byteLength > 0) {
    throw new RangeError(`${nameA} and ${nameB} must not share memory`);
  }
}
