// Test-only policies: a scripted one whose outputs are known in closed form, and a
// hand-written tfjs softmax policy (no @ppo/nets networks) for the custom-component tests.
import * as tf from '@tensorflow/tfjs';
import type { RandomSource } from '@ppo/utils';
import type { ActOptions, ActResult, EvaluateResult, Policy } from '@ppo/nets';

/**
 * Acts `action = (row % 2)` on row `row` of each call, log-prob `-obs[0]`, value
 * `10 * obs[0] + obs[1]`: every stored number can be recomputed from the observations.
 */
export class ScriptedPolicy implements Policy {
  readonly actionSize = 1;
  readonly actionType = 'int32' as const;
  readonly trainableVariables: tf.Variable[] = [];
  /** Observation batches `predictValues` was called with. */
  readonly valueCalls: Float32Array[] = [];
  constructor(readonly observationSize: number) {}

  static value(obs: ArrayLike<number>, offset: number): number {
    return Math.fround(10 * obs[offset] + obs[offset + 1]);
  }

  act(observations: Float32Array, count: number, _rng: RandomSource, _options?: ActOptions): ActResult {
    const actions = new Int32Array(count);
    const logProbs = new Float32Array(count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      actions[i] = i % 2;
      logProbs[i] = -observations[i * this.observationSize];
      values[i] = ScriptedPolicy.value(observations, i * this.observationSize);
    }
    return { actions, logProbs, values };
  }

  predictValues(observations: Float32Array, count: number): Float32Array {
    this.valueCalls.push(Float32Array.from(observations));
    return Float32Array.from({ length: count }, (_, i) => ScriptedPolicy.value(observations, i * this.observationSize));
  }

  evaluate(): EvaluateResult {
    throw new Error('ScriptedPolicy does not train');
  }

  getWeights(): Map<string, Float32Array> {
    return new Map();
  }

  setWeights(): void {}
  dispose(): void {}
}

/**
 * A linear softmax policy and linear critic written directly with tfjs ops, as a user would:
 * logits = obs W + b, value = obs u + c. Sampling on the host from the downloaded logits.
 */
export class LinearSoftmaxPolicy implements Policy {
  readonly actionSize = 1;
  readonly actionType = 'int32' as const;
  readonly trainableVariables: tf.Variable[];
  private static instances = 0;
  private readonly w: tf.Variable;
  private readonly b: tf.Variable;
  private readonly u: tf.Variable;
  private readonly c: tf.Variable;

  constructor(
    readonly observationSize: number,
    private readonly numActions: number,
    seed: number,
  ) {
    // tfjs variable names are global: each instance gets its own scope.
    const scope = `linear_softmax_${(LinearSoftmaxPolicy.instances += 1)}`;
    const init = (shape: number[], scale: number, name: string) =>
      tf.tidy(() => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed + shape[1]), scale), true, `${scope}/${name}`));
    this.w = init([observationSize, numActions], 0.01, 'w');
    this.b = tf.tidy(() => tf.variable(tf.zeros([numActions]), true, `${scope}/b`));
    this.u = init([observationSize, 1], 0.1, 'u');
    this.c = tf.tidy(() => tf.variable(tf.zeros([1]), true, `${scope}/c`));
    this.trainableVariables = [this.w, this.b, this.u, this.c];
  }

  private heads(observations: tf.Tensor2D): { logits: tf.Tensor2D; values: tf.Tensor1D } {
    const logits = tf.add<tf.Tensor2D>(tf.matMul(observations, this.w), this.b);
    const values = tf.reshape<tf.Rank.R1>(tf.add(tf.matMul(observations, this.u), this.c), [-1]);
    return { logits, values };
  }

  act(observations: Float32Array, count: number, rng: RandomSource, options: ActOptions = {}): ActResult {
    const n = this.numActions;
    const data = tf.tidy(() => {
      const { logits, values } = this.heads(tf.tensor2d(observations, [count, this.observationSize]));
      return tf.concat([tf.logSoftmax(logits), tf.reshape(values, [count, 1])], 1).dataSync() as Float32Array;
    });
    const actions = new Int32Array(count);
    const logProbs = new Float32Array(count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      // Gumbel-max: argmax of log-probability plus Gumbel noise (the mode without noise).
      const scores = Array.from({ length: n }, (_, a) => data[i * (n + 1) + a] + (options.deterministic === true ? 0 : -Math.log(-Math.log(rng.nextFloat() || Number.MIN_VALUE))));
      actions[i] = scores.indexOf(Math.max(...scores));
      logProbs[i] = data[i * (n + 1) + actions[i]];
      values[i] = data[i * (n + 1) + n];
    }
    return { actions, logProbs, values };
  }

  predictValues(observations: Float32Array, count: number): Float32Array {
    return Float32Array.from(tf.tidy(() => this.heads(tf.tensor2d(observations, [count, this.observationSize])).values.dataSync()));
  }

  evaluate(observations: tf.Tensor2D, actions: tf.Tensor): EvaluateResult {
    const { logits, values } = this.heads(observations);
    const logp = tf.logSoftmax(logits);
    const taken = tf.sum<tf.Tensor1D>(tf.mul(logp, tf.oneHot(tf.reshape(tf.cast(actions, 'int32'), [-1]), this.numActions)), 1);
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D;
    return { logProbs: taken, entropy, values };
  }

  // The trainer reads and writes weights through trainableVariables; these serve exports only.
  getWeights(): Map<string, Float32Array> {
    throw new Error('LinearSoftmaxPolicy has no weights I/O');
  }

  setWeights(): void {
    throw new Error('LinearSoftmaxPolicy has no weights I/O');
  }

  dispose(): void {
    for (const v of this.trainableVariables) v.dispose();
  }
}
