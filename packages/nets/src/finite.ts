import { findNonFinite, PpoRangeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';

/**
 * Tensors known to hold only finite values: checked once, or computed by a network from checked
 * inputs. A distribution or a network built on one does not download it again, so the
 * policy's own calls keep their single download.
 */
const finite = new WeakSet<tf.Tensor>();

/**
 * Marks `tensor` as holding only finite values, so {@link checkFiniteTensor} skips it. For
 * tensors this package computed from checked inputs, and for the policy's own log-std variable.
 *
 * @internal
 */
export function markFinite(tensor: tf.Tensor): void {
  finite.add(tensor);
}

/** `[i, j, ...]`: the position of flat index `k` in a row-major array of `shape`. */
export function position(shape: readonly number[], k: number): string {
  if (shape.length <= 1) return `[${k}]`;
  const index: number[] = [];
  let rest = k;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${index.join(', ')}]`;
}

/**
 * Throws a `NON_FINITE` RangeError naming `${name}[position]` and the value at the first NaN
 * or infinite entry of `data` (row-major, of `shape`); `hint` is appended to the message.
 */
export function checkFiniteData(name: string, data: ArrayLike<number>, shape: readonly number[], hint = ''): void {
  const k = findNonFinite(data);
  if (k >= 0) throw new PpoRangeError('NON_FINITE', `${name}${position(shape, k)} must be finite, got ${data[k]}${hint}`);
}

/**
 * {@link checkFiniteData} of a float tensor (one download), unless it is marked finite. A
 * checked tensor is marked; a variable is not, since `assign` can change it.
 */
export function checkFiniteTensor(name: string, tensor: tf.Tensor, hint = ''): void {
  if (finite.has(tensor) || tensor.dtype !== 'float32') return;
  checkFiniteData(name, tensor.dataSync(), tensor.shape, hint);
  markChecked(tensor);
}

/** Marks a tensor whose values were just checked; not a variable, since `assign` can change it. */
export function markChecked(tensor: tf.Tensor): void {
  if (!(tensor instanceof tf.Variable)) finite.add(tensor);
}
