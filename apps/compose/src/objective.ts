/**
 * PPO-Clip written out by hand with a twist, as an `Objective`: the clipped surrogate with
 * per-minibatch advantage normalisation, plus a value loss and an entropy bonus from @ppo/core,
 * and one extra logged metric, the mean probability ratio.
 */
import * as tf from '@tensorflow/tfjs';
import { entropyBonus, valueLoss, type LossResult, type Objective, type ObjectiveBatch } from '@ppo/core';

/** Options of {@link HandWrittenClipObjective}. */
export interface HandWrittenClipOptions {
  /** Clip range epsilon. */
  readonly clip: number;
  /** Weight of the value loss (0.5 * squared error). */
  readonly vfCoef: number;
  /** Weight of the entropy bonus. */
  readonly entCoef: number;
}

export class HandWrittenClipObjective implements Objective {
  constructor(private readonly options: HandWrittenClipOptions) {}

  compute(batch: ObjectiveBatch): LossResult {
    const { clip, vfCoef, entCoef } = this.options;
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(batch.advantages);
      const advantages = tf.div(tf.sub(batch.advantages, mean), tf.add(tf.sqrt(variance), 1e-8));
      const ratio = tf.exp(tf.sub(batch.logProbs, batch.oldLogProbs));
      const surrogate = tf.minimum(tf.mul(ratio, advantages), tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), advantages));
      const policyLoss = tf.neg(tf.mean<tf.Scalar>(surrogate));
      const value = valueLoss({ values: batch.values, returns: batch.returns });
      const entropy = entropyBonus({ entropy: batch.entropy });
      const loss = tf.addN([policyLoss, tf.mul(vfCoef, value.loss), tf.mul(entCoef, entropy.loss)]) as tf.Scalar;
      return {
        loss,
        metrics: { policyLoss, valueLoss: value.loss, entropy: entropy.metrics.entropy, meanRatio: tf.mean<tf.Scalar>(ratio) },
      };
    });
  }
}
