import * as tf from '@tensorflow/tfjs';
import { applyMask, maskedMean, prepareMask, type PreparedMask } from './reduce';
import { assertFiniteTensors, assertFloatTensor, assertMask, assertPositive } from './validate';

/** Options of {@link normalizeAdvantages}. */
export interface NormalizeAdvantagesOptions {
  /** Added to the standard deviation before dividing; default 1e-8 (CleanRL, SB3). */
  readonly epsilon?: number;
  /** Optional 0/1 mask shaped like the advantages: statistics over kept elements only. */
  readonly mask?: tf.Tensor;
}

/** Inside a tidy, inputs checked. */
export function normalizeAdvantagesInternal(advantages: tf.Tensor, mask: PreparedMask | undefined, epsilon: number): tf.Tensor {
  const mean = maskedMean(advantages, mask);
  const centred = tf.sub(advantages, mean);
  const n = mask === undefined ? tf.scalar(advantages.size) : mask.count;
  // Bessel's correction, as torch.Tensor.std() in CleanRL and SB3; max(n - 1, 1) keeps n = 1 finite.
  const variance = tf.div(tf.sum(tf.square(applyMask(centred, mask))), tf.maximum(tf.sub(n, 1), 1));
  return tf.div(centred, tf.add(tf.sqrt(variance), epsilon));
}

/**
 * Per-minibatch advantage normalisation, `(A - mean(A)) / (std(A) + epsilon)` with the
 * unbiased (n - 1) standard deviation, as CleanRL's `norm_adv` and SB3's `normalize_advantage`.
 * With a mask, the statistics use the kept elements only (masked elements are also shifted and
 * scaled but should be ignored downstream).
 *
 * @returns a new tensor shaped like `advantages`; the caller disposes it.
 * @example
 * ```ts
 * const normalized = normalizeAdvantages(advantages);
 * ```
 */
export function normalizeAdvantages(advantages: tf.Tensor, options: NormalizeAdvantagesOptions = {}): tf.Tensor {
  assertFloatTensor('normalizeAdvantages: advantages', advantages);
  const epsilon = options.epsilon ?? 1e-8;
  assertPositive('normalizeAdvantages: epsilon', epsilon);
  if (options.mask !== undefined) {
    assertMask('normalizeAdvantages: mask', options.mask, 'normalizeAdvantages: advantages', advantages);
  }
  assertFiniteTensors('normalizeAdvantages', { advantages }, options.mask);
  return tf.tidy(() => normalizeAdvantagesInternal(advantages, prepareMask(options.mask), epsilon));
}
