import type * as tf from '@tensorflow/tfjs';

/** Named scalar diagnostics of a loss, keyed in camelCase (`policyLoss`, `approxKl`, ...). */
export type LossMetrics = { readonly [name: string]: tf.Scalar };

/**
 * What every loss in `@ppo/core` returns: the scalar to minimise and named scalar diagnostics.
 * All tensors are owned by the caller (create them inside `tf.tidy` or `optimizer.minimize`,
 * or dispose them). A type alias rather than an interface so it is a `tf.TensorContainer`.
 *
 * @example
 * ```ts
 * const { loss, metrics } = ppoLoss({ ... });
 * console.log(metrics.approxKl.dataSync()[0]);
 * ```
 */
export type LossResult<M extends LossMetrics = LossMetrics> = {
  /** The scalar to minimise. */
  readonly loss: tf.Scalar;
  /** Diagnostics for logging; never differentiated by the trainer. */
  readonly metrics: M;
};
