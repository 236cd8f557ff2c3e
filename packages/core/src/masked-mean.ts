import * as tf from '@tensorflow/tfjs';
import { maskedMean as meanOverKept, prepareMask } from './reduce';
import { assertFloatTensor, assertMask } from './validate';

/**
 * Mean of `x` over the elements a 0/1 mask keeps, for example the mean negative log-likelihood
 * over the completion tokens of a padded [B, L] batch (`TokenBatch.lossMask` of
 * `@ppo/buffers`). Masked elements are left out with a select, not a product, so a non-finite
 * value in padding cannot turn the mean into NaN and gets a zero gradient. An all-zero mask
 * gives 0; without a mask this is `tf.mean(x)`. Differentiable.
 *
 * @param x - float32 tensor of any shape, at least one element.
 * @param mask - bool, or float32/int32 holding 0 and 1, exactly the shape of `x`.
 * @returns a float32 scalar; the caller (or its tidy) disposes it.
 * @throws TypeError / RangeError naming the argument: not a tensor, wrong dtype, a mask of
 *   another shape.
 *
 * @example
 * ```ts
 * const nll = tf.neg(maskedMean(policy.tokenLogProbs(tokens).logProbs, lossMask));
 * ```
 */
export function maskedMean(x: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  assertFloatTensor('maskedMean: x', x);
  if (mask !== undefined) assertMask('maskedMean: mask', mask, 'maskedMean: x', x);
  return tf.tidy(() => meanOverKept(x, prepareMask(mask)));
}
