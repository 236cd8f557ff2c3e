import { assertAllFinite } from '@ppo/utils';
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

/**
 * `assertAllFinite` of a float tensor (one download), unless it is marked finite. A
 * checked tensor is marked; a variable is not, since `assign` can change it.
 */
export function checkFiniteTensor(name: string, tensor: tf.Tensor, hint = ''): void {
  if (finite.has(tensor) || tensor.dtype !== 'float32') return;
  assertAllFinite(name, tensor.dataSync(), tensor.shape, hint);
  markChecked(tensor);
}

/** Marks a tensor whose values were just checked; not a variable, since `assign` can change it. */
export function markChecked(tensor: tf.Tensor): void {
  if (!(tensor instanceof tf.Variable)) finite.add(tensor);
}
