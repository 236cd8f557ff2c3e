import { PpoRangeError, PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';

/**
 * A feature extractor: maps flat observations [B, inputSize] to features [B, outputSize].
 * {@link Mlp}, {@link NatureCnn} and {@link layersTorso} (any tfjs-layers model) implement it.
 */
export interface Torso {
  /** Flat features per input row. */
  readonly inputSize: number;
  /** Features per output row. */
  readonly outputSize: number;
  /** Trainable variables under stable local names (the same for two identically built torsos). */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** Forward pass; creates tensors, so call it inside `tf.tidy` or an optimizer's `minimize`. */
  apply(x: tf.Tensor2D): tf.Tensor2D;
  /** Disposes the variables. */
  dispose(): void;
}

/**
 * A trainable variable holding `values`; the initial tensor is released (tf.variable keeps
 * its own reference, so without the tidy it would leak).
 */
export function makeVariable(values: Float32Array | number, shape: number[], name: string): tf.Variable {
  return tf.tidy(() => tf.variable(typeof values === 'number' ? tf.fill(shape, values) : tf.tensor(values, shape, 'float32'), true, name));
}

let scopeCounter = 0;

/**
 * A process-unique prefix for variable names: tfjs refuses two variables with one name, and
 * several networks live side by side (for example a policy and a frozen reference copy).
 */
export function uniqueScope(base: string): string {
  scopeCounter += 1;
  return `${base}_${scopeCounter}`;
}

/** Array check without narrowing the argument to `any[]`. */
export function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

function product(shape: readonly (number | null)[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (d === null || !Number.isInteger(d) || d < 1) throw new PpoRangeError('INVALID_ARGUMENT', `${what} must be fully defined apart from the batch dimension, got [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

class LayersTorso implements Torso {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  private readonly inputShape: number[];

  constructor(private readonly model: tf.LayersModel) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `model must have one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
    }
    const inShape = model.inputs[0].shape.slice(1);
    const outShape = model.outputs[0].shape.slice(1);
    this.inputSize = product(inShape, 'model input shape');
    this.outputSize = product(outShape, 'model output shape');
    this.inputShape = inShape as number[];
    const variables: Record<string, tf.Variable> = {};
    // Names by position: layer names get global counters (dense_Dense3), positions do not.
    model.trainableWeights.forEach((w, i) => {
      variables[`weight${i}`] = w.read() as tf.Variable;
    });
    this.variables = variables;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const input = this.inputShape.length === 1 ? x : tf.reshape(x, [-1, ...this.inputShape]);
    const out = this.model.apply(input) as tf.Tensor;
    return out.rank === 2 ? (out as tf.Tensor2D) : tf.reshape(out, [-1, this.outputSize]);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Wraps any tfjs-layers model with one input and one output as a {@link Torso}.
 *
 * The flat observations are reshaped to the model's input shape (so a convolutional model
 * with input [84, 84, 4] works on flat rows of 28224 values) and the output is flattened.
 * The model's trainable weights become the torso's variables, named `weight0`, `weight1`, ...
 * in `model.trainableWeights` order, so weights saved from one instance load into another
 * built the same way. Only trainable weights: non-trainable ones (the moving statistics of
 * batch normalisation, frozen layers) are not among the variables, so weights I/O neither
 * saves nor restores them; save such a model with tfjs's own `model.save` as well. Disposing
 * the torso disposes the model.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 32, activation: 'relu' })] });
 * const policy = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, torso: layersTorso(model), seed: 1 });
 * ```
 */
export function layersTorso(model: tf.LayersModel): Torso {
  if (!(model instanceof tf.LayersModel)) throw new PpoTypeError('INVALID_ARGUMENT', `model must be a tf.LayersModel, got ${String(model)}`);
  return new LayersTorso(model);
}
