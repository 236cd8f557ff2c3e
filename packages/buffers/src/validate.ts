// Boundary checks shared by this package's classes. Messages name the caller, the argument,
// the value and what was expected.

import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function checkInteger(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new PpoRangeError('INVALID_ARGUMENT', `${where}: ${name} must be an integer ${range}, got ${String(value)}`);
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
    throw new PpoTypeError('INVALID_ARGUMENT', `${where}: ${name} must be a typed array or an array of numbers, got ${describeValue(value)}`);
  }
  return value as ArrayLike<number>;
}

/** Throws unless `value` is array-like with exactly `length` elements. */
export function checkLength(where: string, name: string, value: unknown, length: number, expected: string): ArrayLike<number> {
  const array = checkArrayLike(where, name, value);
  if (array.length !== length) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${where}: ${name} must have length ${expected} = ${length}, got length ${array.length}`);
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
      throw new PpoRangeError('INVALID_ARGUMENT', `${where}: ${name}[${k}] must be a finite number within float32 range, got ${String(x)}`);
    }
  }
}

/** Throws a RangeError at the first element that is not an integer in [min, max]. */
export function checkIntegers(where: string, name: string, array: ArrayLike<number>, min: number, max: number): void {
  for (let k = 0; k < array.length; k++) {
    const x = array[k];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${where}: ${name}[${k}] must be an integer in [${min}, ${max}], got ${String(x)}`);
    }
  }
}

/** The smallest and largest int32 values. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
