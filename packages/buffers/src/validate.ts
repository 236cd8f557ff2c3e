// Boundary checks shared by this package's classes. Messages name the caller, the argument,
// the value and what was expected.

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function checkInteger(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${where}: ${name} must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/** Throws a TypeError unless `value` is array-like (a typed array or an array). */
export function checkArrayLike(where: string, name: string, value: unknown): ArrayLike<number> {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { length?: unknown }).length !== 'number'
  ) {
    throw new TypeError(`${where}: ${name} must be a typed array or an array of numbers, got ${describeValue(value)}`);
  }
  return value as ArrayLike<number>;
}

/** Throws unless `value` is array-like with exactly `length` elements. */
export function checkLength(where: string, name: string, value: unknown, length: number, expected: string): ArrayLike<number> {
  const array = checkArrayLike(where, name, value);
  if (array.length !== length) {
    throw new RangeError(`${where}: ${name} must have length ${expected} = ${length}, got length ${array.length}`);
  }
  return array;
}

/** The largest finite float32 value. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Throws a RangeError at the first element that is not a finite number within float32 range
 * (every destination here is a Float32Array, where a larger value would become Infinity).
 */
export function checkFinite(where: string, name: string, array: ArrayLike<number>): void {
  for (let k = 0; k < array.length; k++) {
    const x = array[k];
    if (typeof x !== 'number' || !(Math.abs(x) <= FLOAT32_MAX)) {
      throw new RangeError(`${where}: ${name}[${k}] must be a finite number within float32 range, got ${String(x)}`);
    }
  }
}

/** Throws a RangeError at the first element that is not an integer in [min, max]. */
export function checkIntegers(where: string, name: string, array: ArrayLike<number>, min: number, max: number): void {
  for (let k = 0; k < array.length; k++) {
    const x = array[k];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      throw new RangeError(`${where}: ${name}[${k}] must be an integer in [${min}, ${max}], got ${String(x)}`);
    }
  }
}

/** The smallest and largest int32 values. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** A short description of any value for error messages: its type and, for primitives, its value. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' || typeof value === 'function') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : typeof value;
  }
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'bigint') return `bigint ${value.toString()}`;
  if (typeof value === 'string') return `string ${value}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}
