import * as tf from '@tensorflow/tfjs';

/**
 * RMSprop as PyTorch's `torch.optim.RMSprop` computes it (no momentum, not centred), which
 * Stable-Baselines3's A2C uses: `ms = alpha * ms + (1 - alpha) * g^2`, then
 * `w -= lr * g / (sqrt(ms) + eps)`, with `ms` starting at 0.
 *
 * Why not `tf.train.rmsprop`: it divides by `sqrt(ms + eps)`. No choice of its epsilon matches
 * PyTorch for every `ms`; with eps 1e-5 inside the root the denominator never drops below
 * sqrt(1e-5) = 3.2e-3, so on the first steps (`ms` = 0.01 g^2) every gradient component below
 * about 0.03 moves its weight far less than in PyTorch.
 */
export class TorchRmsprop {
  private readonly squareAverages = new Map<string, tf.Variable>();

  constructor(
    readonly learningRate: number,
    readonly alpha = 0.99,
    readonly epsilon = 1e-5,
  ) {
    if (!(learningRate > 0)) throw new RangeError(`TorchRmsprop: learningRate must be > 0, got ${learningRate}`);
    if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`TorchRmsprop: alpha must be in [0, 1), got ${alpha}`);
    if (!(epsilon >= 0)) throw new RangeError(`TorchRmsprop: epsilon must be >= 0, got ${epsilon}`);
  }

  /** One step on `variables`, with `grads` keyed by variable name (as `tf.variableGrads` returns them). */
  applyGradients(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
    for (const variable of variables) {
      const g = grads[variable.name];
      if (g === undefined) throw new RangeError(`TorchRmsprop: no gradient for variable ${variable.name}`);
      let ms = this.squareAverages.get(variable.name);
      if (ms === undefined) {
        ms = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
        this.squareAverages.set(variable.name, ms);
      }
      const state = ms;
      tf.tidy(() => {
        const next = tf.add(tf.mul(state, this.alpha), tf.mul(tf.square(g), 1 - this.alpha));
        state.assign(next);
        variable.assign(tf.sub(variable, tf.div(tf.mul(g, this.learningRate), tf.add(tf.sqrt(next), this.epsilon))));
      });
    }
  }

  /** Frees the running averages. */
  dispose(): void {
    for (const ms of this.squareAverages.values()) ms.dispose();
    this.squareAverages.clear();
  }
}
