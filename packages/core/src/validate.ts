import { describeValue, findNonFinite, formatPosition, PpoRangeError, PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';

/** Symmetric (a number) or asymmetric (`{ low, high }`) clip range of the probability ratio. */
export type ClipRange = number | { readonly low: number; readonly high: number };

/**
 * Duck-typed tensor check: `instanceof` fails when the caller's tfjs is a different module
 * instance (ESM next to CJS), so the shape of the object is what counts.
 */
export function assertTensor(name: string, value: unknown): asserts value is tf.Tensor {
  const candidate = value as Partial<tf.Tensor> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    !Array.isArray(candidate.shape) ||
    typeof candidate.dtype !== 'string' ||
    typeof candidate.dataSync !== 'function'
  ) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a tf.Tensor, got ${describeValue(value)}`);
  }
  if ((candidate as tf.Tensor).isDisposed) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} is a disposed tensor`);
  }
}

/** A non-empty float32 tensor. */
export function assertFloatTensor(name: string, value: unknown): asserts value is tf.Tensor {
  assertTensor(name, value);
  if (value.dtype !== 'float32') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must have dtype 'float32', got '${value.dtype}'`);
  }
  if (value.size === 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must have at least one element, got shape [${value.shape.join(', ')}]`);
  }
}

/** `b` has exactly the shape of `a` (no broadcasting: a silent broadcast is a classic bug). */
export function assertSameShape(nameA: string, a: tf.Tensor, nameB: string, b: tf.Tensor): void {
  const same = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `${nameB} must have the shape of ${nameA} [${a.shape.join(', ')}], got [${b.shape.join(', ')}]`,
    );
  }
}

/** A mask tensor (bool, or float32/int32 holding 0 and 1) shaped like `like`. */
export function assertMask(name: string, value: unknown, likeName: string, like: tf.Tensor): asserts value is tf.Tensor {
  assertTensor(name, value);
  if (value.dtype !== 'bool' && value.dtype !== 'float32' && value.dtype !== 'int32') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must have dtype 'bool', 'float32' or 'int32', got '${value.dtype}'`);
  }
  assertSameShape(likeName, like, name, value);
}

export function assertFiniteNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const code = typeof value === 'number' ? 'NON_FINITE' : 'INVALID_ARGUMENT';
    throw new PpoRangeError(code, `${name} must be a finite number, got ${describeValue(value)}`);
  }
}

export function assertPositive(name: string, value: unknown): asserts value is number {
  assertFiniteNumber(name, value);
  if (value <= 0) throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be > 0, got ${value}`);
}

export function assertNonNegative(name: string, value: unknown): asserts value is number {
  assertFiniteNumber(name, value);
  if (value < 0) throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be >= 0, got ${value}`);
}

export function assertPositiveInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${describeValue(value)}`);
  }
}

export function assertOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
  }
}

/**
 * Resolves a {@link ClipRange} to the distances below and above 1. `low` is at most 1 because
 * the ratio is never negative, so a lower bound under 0 could never bind.
 */
export function parseClipRange(name: string, value: unknown): { low: number; high: number } {
  if (typeof value === 'number') {
    assertPositive(name, value);
    if (value > 1) throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be in (0, 1], got ${value}`);
    return { low: value, high: value };
  }
  if (typeof value !== 'object' || value === null) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a number or { low, high }, got ${describeValue(value)}`);
  }
  const { low, high } = value as { low?: unknown; high?: unknown };
  assertPositive(`${name}.low`, low);
  if (low > 1) throw new PpoRangeError('INVALID_ARGUMENT', `${name}.low must be in (0, 1], got ${low}`);
  assertPositive(`${name}.high`, high);
  return { low, high };
}

/**
 * Tensors already found finite, with the mask they were checked under (null: every element),
 * so a loss that hands its inputs to another loss checks them once.
 */
const checkedFinite = new WeakMap<tf.Tensor, tf.Tensor | null>();

/**
 * Throws a `NON_FINITE` RangeError naming `${fn}: ${name}[position]` and the value at the first
 * NaN or infinite element of any of `tensors` that `mask` keeps (every element without one:
 * masked padding may hold anything, a -Infinity log-prob say). Each tensor is read once on the
 * host and scanned (cheaper on cpu and wasm than any on-device reduction: a few microseconds
 * for a minibatch); a tensor checked before, under the same mask or none, is skipped.
 */
export function assertFiniteTensors(fn: string, tensors: Readonly<Record<string, tf.Tensor | undefined>>, mask?: tf.Tensor): void {
  let keep: ArrayLike<number> | undefined;
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor === undefined) continue;
    const checkedUnder = checkedFinite.get(tensor);
    if (checkedUnder === null || (checkedUnder !== undefined && checkedUnder === mask)) continue;
    const data = tensor.dataSync();
    let k = -1;
    if (mask === undefined) {
      k = findNonFinite(data);
    } else {
      keep ??= mask.dataSync();
      for (let i = 0; i < data.length && k < 0; i++) if (keep[i] !== 0 && !Number.isFinite(data[i])) k = i;
    }
    if (k >= 0) throw new PpoRangeError('NON_FINITE', `${fn}: ${name}${formatPosition(k, tensor.shape)} must be finite, got ${data[k]}`);
    // A variable can be assigned new values later, so it is checked every time.
    if (!(tensor instanceof tf.Variable)) checkedFinite.set(tensor, mask ?? null);
  }
}

/** Records that `tensor` is finite wherever `mask` keeps (computed from checked inputs). */
export function markFinite(tensor: tf.Tensor, mask?: tf.Tensor): void {
  checkedFinite.set(tensor, mask ?? null);
}
