import { PpoRangeError, PpoTypeError } from './errors';

/**
 * Boundary checks shared by the packages of the project. Each throws a TypeError for a
 * wrong kind of value and a RangeError for a value of the right kind outside its domain, and
 * the message names the argument, the offending value and what was expected.
 */

/** Float arrays the estimators read. */
export type FloatArray = Float32Array | Float64Array;

/** Largest finite float32; anything larger in magnitude is stored as an infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Formats any value for an error message without dumping large ones: numbers as they print,
 * strings quoted, typed arrays with their type and first entries, short arrays and plain
 * objects as JSON, anything else by its kind.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return value.name === '' ? 'a function' : `function ${value.name}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as unknown as ArrayLike<number>;
    const head = Array.from({ length: Math.min(array.length, 8) }, (_, k) => String(array[k]));
    return `${value.constructor.name}(${array.length}) [${head.join(', ')}${array.length > 8 ? ', ...' : ''}]`;
  }
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const plain = Array.isArray(value) || name === 'Object' || name === undefined;
  if (!plain) return typeof name === 'string' && name !== '' ? name : 'an object';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // A cycle or a BigInt inside: fall back to the kind.
  }
  if (json !== undefined && json.length <= 80) return json;
  return Array.isArray(value) ? `Array(${value.length})` : 'an object';
}

/** Throws unless `value` is a Float32Array or Float64Array. */
export function assertFloatArray(name: string, value: unknown): asserts value is FloatArray {
  if (!(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a Float32Array or Float64Array, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a Float32Array (the type every output of this package has). */
export function assertFloat32Array(name: string, value: unknown): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a Float32Array, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a Uint8Array (entries are checked by {@link assertFlagValues}). */
export function assertFlagArray(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a Uint8Array of 0/1 flags, got ${describeValue(value)}`);
  }
}

/** Throws a RangeError naming the first entry of `flags` that is neither 0 nor 1. */
export function assertFlagValues(name: string, flags: Uint8Array): void {
  for (let k = 0; k < flags.length; k++) {
    if (flags[k] > 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${name}[${k}] must be 0 or 1, got ${flags[k]}`);
    }
  }
}

/**
 * The index of the first entry of `array` that is NaN or infinite, or -1. One pass without a
 * branch per entry (x * 0 is 0 for every finite x and NaN otherwise), so it is cheap enough
 * for every call on a hot path; the search for the index runs only on failure.
 */
export function findNonFinite(array: ArrayLike<number>): number {
  let probe = 0;
  for (let k = 0; k < array.length; k++) probe += array[k] * 0;
  if (probe === 0) return -1;
  for (let k = 0; k < array.length; k++) {
    if (!Number.isFinite(array[k])) return k;
  }
  return -1;
}

/**
 * `[i, j, ...]`: the position of flat index `k` in a row-major array of `shape` (`[k]` without
 * a shape or for one dimension).
 */
export function formatPosition(k: number, shape?: readonly number[]): string {
  if (shape === undefined || shape.length <= 1) return `[${k}]`;
  const index: number[] = [];
  let rest = k;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${index.join(', ')}]`;
}

/**
 * Throws a `NON_FINITE` RangeError naming the first NaN or infinite entry of `array`:
 * `${name}[k]`, or `${name}[i, j]` when the row-major `shape` is given; `hint` ends the message.
 */
export function assertAllFinite(name: string, array: ArrayLike<number>, shape?: readonly number[], hint = ''): void {
  const k = findNonFinite(array);
  if (k >= 0) throw new PpoRangeError('NON_FINITE', `${name}${formatPosition(k, shape)} must be finite, got ${array[k]}${hint}`);
}

/** Throws unless `array.length === expected`. */
export function assertLength(
  name: string,
  array: ArrayLike<unknown>,
  expected: number,
  expectedWhat: string,
): void {
  if (array.length !== expected) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `${name} must have length ${expected} (${expectedWhat}), got length ${array.length}`,
    );
  }
}

/** Throws unless `value` is a finite number. */
export function assertFiniteNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a number, got ${describeValue(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new PpoRangeError('NON_FINITE', `${name} must be a finite number, got ${value}`);
  }
}

/** Throws unless `value` is a number in the closed interval [0, 1]. */
export function assertUnitInterval(name: string, value: unknown): asserts value is number {
  assertFiniteNumber(name, value);
  if (value < 0 || value > 1) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be in [0, 1], got ${value}`);
  }
}

/** Throws unless `value` is a finite number >= 0. */
export function assertNonNegative(name: string, value: unknown): asserts value is number {
  assertFiniteNumber(name, value);
  if (value < 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be >= 0, got ${value}`);
  }
}

/** Returns `value` if it is an integer >= 1, and throws a RangeError naming `name` otherwise. */
export function checkPositiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer >= `min`. */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be an integer, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be an integer >= ${min}, got ${value}`);
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
    throw new PpoRangeError('INVALID_ARGUMENT', `${nameA} and ${nameB} must not share memory`);
  }
}
