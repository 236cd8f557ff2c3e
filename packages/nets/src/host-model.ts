import * as tf from '@tensorflow/tfjs';

/** Per-sample outputs of {@link HostModel.evaluate} (views valid until the next call). */
export interface HostEvaluation {
  readonly logProbs: Float64Array;
  readonly entropy: Float64Array;
  readonly values: Float64Array;
}

/**
 * A policy evaluated and differentiated on the host with hand-derived gradients, for a fused
 * training step that makes no tensor ops (`ActorCritic.hostModel`). It works on its own copies
 * of the parameters, which an optimizer steps in place; `commit` writes them back.
 */
export interface HostModel {
  /** Copies of the variables' values (float32), in the policy's trainable-variable order; step them in place. */
  readonly parameters: Float32Array[];
  /**
   * Log-probabilities of `actions`, entropies and values for `rows` observations (row-major),
   * remembering what `backward` needs. Checks the inputs as `ActorCritic.evaluate` does.
   */
  evaluate(observations: Float32Array, actions: Int32Array | Float32Array, rows: number): HostEvaluation;
  /**
   * Gradients of a loss with respect to every parameter (float32, in the parameters' order),
   * given its gradients with respect to the last evaluation's log-probabilities, entropies and values.
   */
  backward(dLogProbs: ArrayLike<number>, dEntropy: ArrayLike<number>, dValues: ArrayLike<number>): Float32Array[];
  /** Writes the parameters back into the variables. */
  commit(): void;
}

/** Writes `parameters[i]` into `variables[i]`, leaving no tensors behind. */
export function commitParameters(variables: readonly tf.Variable[], parameters: readonly Float32Array[]): void {
  tf.tidy(() => {
    variables.forEach((v, i) => {
      // A fresh array: the cpu backend keeps the array a tensor is made from.
      v.assign(tf.tensor(parameters[i].slice(), v.shape, 'float32'));
    });
  });
}
