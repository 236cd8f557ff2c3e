import { PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import type { LossResult } from './loss-result';
import { maskedMean, prepareMask, tidyObject } from './reduce';
import { assertFiniteTensors, assertFloatTensor, assertMask, assertPositive, assertSameShape } from './validate';

/** Inputs of {@link valueLoss}. All tensors float32 with one shape, e.g. [N]. */
export interface ValueLossArgs {
  /** V_theta(s), the value predictions being trained (differentiable). */
  readonly values: tf.Tensor;
  /** Regression targets (e.g. GAE returns = advantages + old values). */
  readonly returns: tf.Tensor;
  /** V_old(s) recorded at collection time; required when `clipRange` is set. */
  readonly oldValues?: tf.Tensor;
  /**
   * Value clipping range c > 0 (CleanRL's `clip_vloss` uses the policy clip coefficient): the
   * prediction is also evaluated clipped to [V_old - c, V_old + c] and the larger of the two
   * squared errors is used. Omit for the plain squared error.
   */
  readonly clipRange?: number;
  /** Optional 0/1 mask shaped like `values`; means are over kept elements. */
  readonly mask?: tf.Tensor;
}

/**
 * The value-function loss, with CleanRL's factor 0.5:
 * plain `0.5 * mean((V - R)^2)`, or with `clipRange` c
 * `0.5 * mean(max((V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2))`.
 * (Stable-Baselines3 uses the plain mean squared error without the 0.5; scale `vfCoef` to match.)
 *
 * @returns `{ loss, metrics: {} }`, a scalar tensor the caller must dispose.
 * @example
 * ```ts
 * const { loss } = valueLoss({ values, returns, oldValues, clipRange: 0.2 });
 * ```
 */
export function valueLoss(args: ValueLossArgs): LossResult<Record<string, never>> {
  const { values, returns, oldValues, clipRange, mask } = args;
  const fn = 'valueLoss';
  assertFloatTensor(`${fn}: values`, values);
  assertFloatTensor(`${fn}: returns`, returns);
  assertSameShape(`${fn}: values`, values, `${fn}: returns`, returns);
  if (clipRange !== undefined) {
    assertPositive(`${fn}: clipRange`, clipRange);
    if (oldValues === undefined) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${fn}: oldValues is required when clipRange is set (got clipRange ${clipRange})`);
    }
  }
  if (oldValues !== undefined) {
    assertFloatTensor(`${fn}: oldValues`, oldValues);
    assertSameShape(`${fn}: values`, values, `${fn}: oldValues`, oldValues);
  }
  if (mask !== undefined) assertMask(`${fn}: mask`, mask, `${fn}: values`, values);
  assertFiniteTensors(fn, { values, returns, oldValues }, mask);
  return tidyObject(() => {
    const prepared = prepareMask(mask);
    const unclipped = tf.squaredDifference(values, returns);
    let perElement = unclipped;
    if (clipRange !== undefined && oldValues !== undefined) {
      const clippedValues = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -clipRange, clipRange));
      perElement = tf.maximum(unclipped, tf.squaredDifference(clippedValues, returns));
    }
    return { loss: tf.mul<tf.Scalar>(maskedMean(perElement, prepared), 0.5), metrics: {} };
  });
}

/** Inputs of {@link entropyBonus}. */
export interface EntropyBonusArgs {
  /** Per-sample entropy H(pi_theta(.|s)) (differentiable), float32, any shape. */
  readonly entropy: tf.Tensor;
  /** Optional 0/1 mask shaped like `entropy`. */
  readonly mask?: tf.Tensor;
}

/**
 * The entropy bonus: `entropy = mean(H)` for logging and `loss = -mean(H)`, the term whose
 * minimisation (scaled by the entropy coefficient c2) raises the entropy.
 *
 * @returns `{ loss, metrics: { entropy } }`, scalar tensors the caller must dispose.
 * @example
 * ```ts
 * const { loss, metrics } = entropyBonus({ entropy: perSampleEntropy });
 * ```
 */
export function entropyBonus(args: EntropyBonusArgs): LossResult<{ readonly entropy: tf.Scalar }> {
  const { entropy, mask } = args;
  assertFloatTensor('entropyBonus: entropy', entropy);
  if (mask !== undefined) assertMask('entropyBonus: mask', mask, 'entropyBonus: entropy', entropy);
  assertFiniteTensors('entropyBonus', { entropy }, mask);
  return tidyObject(() => {
    const mean = maskedMean(entropy, prepareMask(mask));
    return { loss: tf.neg<tf.Scalar>(mean), metrics: { entropy: mean } };
  });
}
