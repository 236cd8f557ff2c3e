/**
 * A categorical actor-critic written directly with TensorFlow.js layers (no @ppo/nets network):
 * two 64-64 tanh MLPs with orthogonal initialisation (gain sqrt(2), heads 0.01 and 1), as
 * CleanRL's `ppo.py`. It implements `Policy` from @ppo/nets, so the trainer can use it.
 */
import { exp } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { orthogonal, type ActOptions, type ActResult, type EvaluateResult, type Policy, type RandomSource } from '@ppo/nets';

/** A 64-64 tanh MLP whose kernels are orthogonal with the given gains (biases zero). */
function mlp(inputSize: number, outputSize: number, outputGain: number, rng: Rng): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputSize], units: 64, activation: 'tanh' }),
      tf.layers.dense({ units: 64, activation: 'tanh' }),
      tf.layers.dense({ units: outputSize }),
    ],
  });
  const sizes = [inputSize, 64, 64, outputSize];
  model.layers.forEach((layer, k) => {
    const gain = k === 2 ? outputGain : Math.SQRT2;
    const kernel = tf.tensor2d(orthogonal(sizes[k], sizes[k + 1], gain, rng), [sizes[k], sizes[k + 1]]);
    const bias = tf.zeros([sizes[k + 1]]);
    layer.setWeights([kernel, bias]);
    tf.dispose([kernel, bias]);
  });
  return model;
}

/** `Policy` over `numActions` discrete actions for observations of `observationSize` numbers. */
export class LayersCategoricalPolicy implements Policy {
  readonly actionSize = 1;
  readonly actionType = 'int32' as const;
  readonly trainableVariables: tf.Variable[];
  private readonly actor: tf.Sequential;
  private readonly critic: tf.Sequential;

  constructor(
    readonly observationSize: number,
    private readonly numActions: number,
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.actor = mlp(observationSize, numActions, 0.01, rng);
    this.critic = mlp(observationSize, 1, 1, rng);
    this.trainableVariables = [...this.actor.trainableWeights, ...this.critic.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  /** Log-probabilities [B, n] and values [B] (creates tensors: call inside a tidy). */
  private forward(observations: tf.Tensor2D): { logProbs: tf.Tensor2D; values: tf.Tensor1D } {
    const logProbs = tf.logSoftmax(this.actor.apply(observations) as tf.Tensor2D);
    const values = tf.reshape<tf.Rank.R1>(this.critic.apply(observations) as tf.Tensor2D, [-1]);
    return { logProbs, values };
  }

  act(observations: Float32Array, count: number, rng: RandomSource, options: ActOptions = {}): ActResult {
    const n = this.numActions;
    // One download per call: the log-probabilities and the value of every row.
    const data = tf.tidy(() => {
      const { logProbs, values } = this.forward(tf.tensor2d(observations, [count, this.observationSize]));
      return tf.concat([logProbs, tf.reshape(values, [count, 1])], 1).dataSync() as Float32Array;
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
        // Inverse-CDF sampling with the trainer's generator, so a seed reproduces the run.
        let u = rng.nextFloat();
        while (choice < n - 1 && (u -= exp(data[row + choice])) >= 0) choice += 1;
      }
      actions[i] = choice;
      logProbs[i] = data[row + choice];
      values[i] = data[row + n];
    }
    return { actions, logProbs, values };
  }

  predictValues(observations: Float32Array, count: number): Float32Array {
    return Float32Array.from(tf.tidy(() => this.forward(tf.tensor2d(observations, [count, this.observationSize])).values.dataSync()));
  }

  evaluate(observations: tf.Tensor2D, actions: tf.Tensor): EvaluateResult {
    const { logProbs, values } = this.forward(observations);
    const taken = tf.sum<tf.Tensor1D>(tf.mul(logProbs, tf.oneHot(tf.reshape(tf.cast(actions, 'int32'), [-1]), this.numActions)), 1);
    const entropy = tf.neg(tf.sum<tf.Tensor1D>(tf.mul(tf.exp(logProbs), logProbs), 1));
    return { logProbs: taken, entropy, values };
  }

  getWeights(): Map<string, Float32Array> {
    return new Map(this.trainableVariables.map((v) => [v.name, Float32Array.from(v.dataSync() as Float32Array)]));
  }

  setWeights(weights: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>): void {
    tf.tidy(() => {
      for (const v of this.trainableVariables) {
        const w = weights instanceof Map ? (weights.get(v.name) as Float32Array | undefined) : (weights as Readonly<Record<string, Float32Array>>)[v.name];
        if (w === undefined || w.length !== v.size) throw new RangeError(`setWeights: weights must hold '${v.name}' with ${v.size} values`);
        v.assign(tf.tensor(w, v.shape));
      }
    });
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
  }
}
