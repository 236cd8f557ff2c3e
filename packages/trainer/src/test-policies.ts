// Test-only policies: a scripted one whose outputs are known in closed form, and a
// hand-written tfjs softmax policy (no @ppo/nets networks) for the custom-component tests.
import * as tf from '@tensorflow/tfjs';
import type { RandomSource } from '@ppo/buffers';
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
      const row = i * (n + 1);
      let choice = 0;
      if (options.deterministic === true) {
        for (let a = 1; a < n; a++) if (data[row + a] > data[row + choice]) choice = a;
      } else {
        let u = rng.nextFloat();
        for (choice = 0; choice < n - 1; choice++) {
          u -= Math.exp(data[row + choice]);
          if (u < 0) break;
        }
      }
      actions[i] = choice;
      logProbs[i] = data[row + choice];
      values[i] = data[row + n];
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

  getWeights(): Map<string, Float32Array> {
    return new Map(this.trainableVariables.map((v) => [v.name, Float32Array.from(v.dataSync() as Float32Array)]));
  }

  setWeights(weights: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>): void {
    const get = (name: string): Float32Array | undefined =>
      weights instanceof Map ? (weights.get(name) as Float32Array | undefined) : (weights as Readonly<Record<string, Float32Array>>)[name];
    tf.tidy(() => {
      for (const v of this.trainableVariables) {
        const w = get(v.name);
        if (w === undefined || w.length !== v.size) throw new RangeError(`weights must hold '${v.name}' with ${v.size} values`);
        v.assign(tf.tensor(w, v.shape));
      }
    });
  }

  dispose(): void {
    for (const v of this.trainableVariables) v.dispose();
  }
}
