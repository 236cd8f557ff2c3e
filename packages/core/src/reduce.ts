import * as tf from '@tensorflow/tfjs';

/** A prepared mask: which elements count, and how many (at least 1, so an empty mask gives 0). */
export interface PreparedMask {
  readonly keep: tf.Tensor;
  readonly count: tf.Scalar;
}

/** Call inside a tidy. `undefined` means every element counts. */
export function prepareMask(mask: tf.Tensor | undefined): PreparedMask | undefined {
  if (mask === undefined) return undefined;
  const keep = mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0);
  // Clamped at 1: a count is 0 or >= 1, so this only turns 0/0 into 0/1 = 0 for an empty mask.
  const count = tf.maximum<tf.Scalar>(tf.sum(tf.cast(keep, 'float32')), 1);
  return { keep, count };
}

/**
 * Zeroes the masked elements with `where` rather than a product, so that padding holding
 * non-finite values (a -Infinity log-prob, say) cannot turn the sum into NaN, and the
 * gradient there is exactly 0.
 */
export function applyMask(x: tf.Tensor, mask: PreparedMask | undefined): tf.Tensor {
  return mask === undefined ? x : tf.where(mask.keep, x, tf.zerosLike(x));
}

/** Mean over the kept elements (all elements without a mask). Call inside a tidy. */
export function maskedMean(x: tf.Tensor, mask: PreparedMask | undefined): tf.Scalar {
  if (mask === undefined) return tf.mean(x);
  return tf.div(tf.sum(applyMask(x, mask)), mask.count);
}

/** The identity with a zero gradient (tfjs has no stop-gradient op). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}

/**
 * `tf.tidy` for functions returning (nested) objects of tensors: tfjs keeps every tensor found
 * in the returned object, but its typing wants an index signature our result interfaces lack.
 */
export function tidyObject<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
