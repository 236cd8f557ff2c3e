import { checkPositiveInt, PpoRangeError, PpoTypeError, Rng, type RandomSource } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { orthogonal, PPO_GAINS } from './init';
import type { DenseVariables } from './host-mlp';
import { isArray, makeVariable, uniqueScope, type Torso } from './torso';

/** Hidden-layer nonlinearity of an {@link Mlp}. */
export type Activation = 'tanh' | 'relu';

/** Initialisation of an {@link Mlp}: orthogonal kernels, zero biases. */
export interface MlpInit {
  /** Generator for the kernels; takes precedence over `seed`. */
  readonly rng?: RandomSource;
  /** Seed of a generator for the kernels when no `rng` is given (default 0). */
  readonly seed?: number;
  /** Gain of the hidden layers (default sqrt(2)). */
  readonly hiddenGain?: number;
  /** Gain of the output layer (default 1; use 0.01 for a policy head). */
  readonly outputGain?: number;
}

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Input features per row. */
  readonly inputSize: number;
  /** Widths of the hidden layers (default [64, 64]; [] for a single linear layer). */
  readonly hiddenSizes?: readonly number[];
  /** Hidden nonlinearity (default 'tanh'). */
  readonly activation?: Activation;
  /**
   * Width of a final linear layer. Omit it for a torso whose output is the last hidden
   * layer (after its activation).
   */
  readonly outputSize?: number;
  /**
   * Initialisation: the generator (or seed, default 0) of the orthogonal kernels and their
   * gains (default sqrt(2) for hidden layers, 1 for the output layer); biases start at 0.
   */
  readonly init?: MlpInit;
  /** Prefix of the tfjs variable names (made process-unique), default 'mlp'. */
  readonly name?: string;
}

interface DenseLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activate: boolean;
}

/**
 * `x W + b` (then ReLU when `relu`) as one fused matmul, with its gradient written with
 * explicit transposes. tfjs's own gradient of a matmul multiplies with the transposeA /
 * transposeB flags, which the wasm backend runs on a slow path (measured: 4-6x slower than a
 * transpose followed by a plain matmul at batch 64-512), and those backward matmuls were the
 * largest single cost of a PPO minibatch update.
 */
function makeDense(relu: boolean): (x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D {
  // tf.customGrad passes the save function last among loosely typed arguments.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, kernel, bias] = args as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    const y = tf.fused.matMul({ a: x, b: kernel, bias, activation: relu ? 'relu' : 'linear' });
    save(relu ? [x, kernel, y] : [x, kernel]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, ks, ys] = saved as tf.Tensor2D[];
        // ReLU's derivative is the step function of its output.
        const dz = relu ? tf.mul(dy, tf.step(ys)) : (dy as tf.Tensor2D);
        return [tf.matMul(dz, tf.transpose(ks)), tf.matMul(tf.transpose(xs), dz), tf.sum(dz, 0)];
      },
    };
  });
  return (x, kernel, bias) => op(x, kernel, bias) as tf.Tensor2D;
}

/** x kernel + bias as one fused op with its own gradient (internal; also used by the recurrent cells). */
export const dense = makeDense(false);

const matMulAddOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kernel, addend] = args as tf.Tensor2D[];
  const save = args[3] as tf.GradSaveFunc;
  save([x, kernel]);
  return {
    value: tf.add(tf.matMul(x, kernel), addend),
    gradFunc: (dy, saved) => {
      const [xs, ks] = saved as tf.Tensor2D[];
      return [tf.matMul(dy, tf.transpose(ks)), tf.matMul(tf.transpose(xs), dy), dy];
    },
  };
});

/**
 * `x W + y` for a full-shape `y` [B, out] (a recurrent step's precomputed input term), one
 * gradient node with the explicit-transpose backward of {@link dense} (internal).
 */
export function matMulAdd(x: tf.Tensor2D, kernel: tf.Tensor2D, addend: tf.Tensor2D): tf.Tensor2D {
  return matMulAddOp(x, kernel, addend) as tf.Tensor2D;
}
const denseRelu = makeDense(true);

/**
 * A multilayer perceptron on its own `tf.Variable`s. Each layer is one fused matmul-with-bias
 * (ReLU fused too); tanh runs as a separate op because fused tanh is not implemented on the
 * cpu and wasm backends. Fewer ops means less per-op framework overhead, which dominates at
 * the small batch sizes of environment stepping.
 */
export class Mlp implements Torso {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  private readonly layers: DenseLayer[];
  private readonly activation: Activation;

  constructor(options: MlpOptions) {
    const { inputSize, hiddenSizes = [64, 64], activation = 'tanh', outputSize, init = {}, name = 'mlp' } = options;
    checkPositiveInt('inputSize', inputSize);
    if (!isArray(hiddenSizes)) throw new PpoTypeError('INVALID_ARGUMENT', `hiddenSizes must be an array, got ${String(hiddenSizes)}`);
    hiddenSizes.forEach((h, i) => checkPositiveInt(`hiddenSizes[${i}]`, h));
    if (outputSize !== undefined) checkPositiveInt('outputSize', outputSize);
    if (outputSize === undefined && hiddenSizes.length === 0) throw new PpoRangeError('INVALID_ARGUMENT', 'mlp needs hiddenSizes or an outputSize');
    if (activation !== 'tanh' && activation !== 'relu') throw new PpoRangeError('INVALID_ARGUMENT', `activation must be 'tanh' or 'relu', got ${String(activation)}`);
    const hiddenGain = init.hiddenGain ?? PPO_GAINS.hidden;
    const outputGain = init.outputGain ?? PPO_GAINS.value;
    const rng = init.rng ?? new Rng(init.seed ?? 0);
    const scope = uniqueScope(name);
    this.activation = activation;
    this.inputSize = inputSize;
    const widths = outputSize === undefined ? [...hiddenSizes] : [...hiddenSizes, outputSize];
    const variables: Record<string, tf.Variable> = {};
    this.layers = [];
    let fanIn = inputSize;
    widths.forEach((width, i) => {
      const isOutput = outputSize !== undefined && i === widths.length - 1;
      const local = isOutput ? 'output' : `hidden${i}`;
      const kernel = makeVariable(orthogonal(fanIn, width, isOutput ? outputGain : hiddenGain, rng), [fanIn, width], `${scope}/${local}/kernel`);
      const bias = makeVariable(0, [width], `${scope}/${local}/bias`);
      variables[`${local}/kernel`] = kernel;
      variables[`${local}/bias`] = bias;
      this.layers.push({ kernel, bias, activate: !isOutput });
      fanIn = width;
    });
    this.outputSize = fanIn;
    this.variables = variables;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const layer of this.layers) {
      const fuseRelu = layer.activate && this.activation === 'relu';
      h = (fuseRelu ? denseRelu : dense)(h, layer.kernel, layer.bias);
      if (layer.activate && this.activation === 'tanh') h = tf.tanh(h);
    }
    return h;
  }

  /**
   * The layers in order as their variables and activation (null for the linear output layer),
   * for code that runs the network on the host.
   */
  denseLayers(): DenseVariables[] {
    return this.layers.map((layer) => ({ kernel: layer.kernel, bias: layer.bias, activation: layer.activate ? this.activation : null }));
  }

  dispose(): void {
    for (const layer of this.layers) {
      layer.kernel.dispose();
      layer.bias.dispose();
    }
  }
}

/**
 * Builds an {@link Mlp} with orthogonal initialisation (PPO gains by default) and zero biases.
 *
 * @example
 * ```ts
 * const policyNet = mlp({ inputSize: 4, hiddenSizes: [64, 64], activation: 'tanh', outputSize: 2,
 *   init: { seed: 1, outputGain: 0.01 } });
 * const logits = tf.tidy(() => policyNet.apply(tf.zeros([8, 4])));
 * ```
 */
export function mlp(options: MlpOptions): Mlp {
  return new Mlp(options);
}
