/** Checks and reads the constructor options of the MuJoCo envs (Gymnasium's keyword arguments). */

import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';

/** A finite number option, `fallback` when absent; `min` (inclusive) when given. */
export function numberOption(owner: string, options: Readonly<Record<string, unknown>>, key: string, fallback: number, min?: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min)) {
    const bound = min === undefined ? '' : ` >= ${min}`;
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: option ${key} must be a finite number${bound}, got ${describeValue(value)}`);
  }
  return value;
}

/** A positive integer option (frame skips). */
export function positiveIntOption(owner: string, options: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: option ${key} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** A boolean option. */
export function booleanOption(owner: string, options: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: option ${key} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/**
 * An open interval option `[low, high]` (Gymnasium's healthy ranges); either end may be
 * infinite, and `low < high`.
 */
export function rangeOption(
  owner: string,
  options: Readonly<Record<string, unknown>>,
  key: string,
  fallback: readonly [number, number],
): readonly [number, number] {
  const value = options[key];
  if (value === undefined) return fallback;
  const pair = value as ArrayLike<unknown> | null;
  if (
    pair === null ||
    typeof pair !== 'object' ||
    pair.length !== 2 ||
    typeof pair[0] !== 'number' ||
    typeof pair[1] !== 'number' ||
    Number.isNaN(pair[0]) ||
    Number.isNaN(pair[1]) ||
    !(pair[0] < pair[1])
  ) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: option ${key} must be a pair [low, high] of numbers with low < high, got ${describeValue(value)}`);
  }
  return [pair[0], pair[1]];
}

/** Raises on option keys the env does not know, so that a misspelt option is not silently ignored. */
export function checkKnownOptions(owner: string, options: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: unknown option ${JSON.stringify(key)}; known options: ${known.join(', ')}`);
    }
  }
}

