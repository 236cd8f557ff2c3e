import { checkPositiveInt, describeValue, PpoRangeError, Rng, type RandomSource } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { natureCnn } from './cnn';
import { Mlp, type Activation } from './mlp';
import { isArray, type Torso } from './torso';

/**
 * One part of a flat observation row, in order: a key of a `Dict` observation space (or an
 * entry of a `Tuple`). An `image` part ([height, width, channels], channels last) is encoded by
 * the CNN torso, any other by an MLP.
 */
export interface ObservationPart {
  /** The key (or tuple index), used in variable names: letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  /** Flat values of the part. */
  readonly size: number;
  /** The image shape of a part encoded by the CNN; its product must equal `size`. */
  readonly image?: readonly [number, number, number];
}

/** Options of {@link MultiInputTorso}. */
export interface MultiInputTorsoOptions {
  /** The parts of each flat observation row, in the order they are concatenated. */
  readonly parts: readonly ObservationPart[];
  /** Hidden widths of each vector part's MLP (default [64, 64]). */
  readonly hiddenSizes?: readonly number[];
  /** Hidden nonlinearity of the MLPs (default 'tanh'). */
  readonly activation?: Activation;
  /** Multiplies image parts before their CNN, e.g. 1/255 (default 1). */
  readonly inputScale?: number;
  /** Generator of the initialisation; takes precedence over `seed`. */
  readonly rng?: RandomSource;
  /** Seed when no `rng` is given (default 0). */
  readonly seed?: number;
  /** Prefix of the tfjs variable names, default 'multi_input'. */
  readonly name?: string;
}

/**
 * A feature extractor for `Dict` (and `Tuple`) observations, as Stable-Baselines3's
 * `MultiInputPolicy` (its `CombinedExtractor`): the flat row [B, sum(sizes)] is split into its
 * parts, each part has an encoder of its own (the Nature/MinAtar CNN for images, an MLP for
 * vectors), and their features are concatenated: [B, sum of the encoders' outputs]. Variables
 * are named `<part name>/<encoder variable>`.
 *
 * @example
 * ```ts
 * const torso = new MultiInputTorso({ parts: [{ name: 'frame', size: 100, image: [10, 10, 1] }, { name: 'state', size: 3 }], seed: 1 });
 * const policy = new ActorCritic({ observationSize: 103, actionSpace: { type: 'discrete', n: 4 }, torso, seed: 1 });
 * ```
 */
export class MultiInputTorso implements Torso {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** The parts, in order. */
  readonly parts: readonly ObservationPart[];
  private readonly encoders: Torso[];

  constructor(options: MultiInputTorsoOptions) {
    const { parts, hiddenSizes = [64, 64], activation = 'tanh', inputScale = 1, name = 'multi_input' } = options;
    if (!isArray(parts) || parts.length === 0) throw new PpoRangeError('INVALID_ARGUMENT', `parts must be a non-empty array of { name, size, image? }, got ${describeValue(parts)}`);
    const names = new Set<string>();
    parts.forEach((part, i) => {
      if (part === null || typeof part !== 'object' || typeof part.name !== 'string' || !/^[\w.-]+$/.test(part.name)) {
        throw new PpoRangeError('INVALID_ARGUMENT', `parts[${i}].name must be a string of letters, digits, _, - and ., got ${describeValue(part?.name)}`);
      }
      if (names.has(part.name)) throw new PpoRangeError('INVALID_ARGUMENT', `parts[${i}].name '${part.name}' is used twice`);
      names.add(part.name);
      checkPositiveInt(`parts[${i}].size`, part.size);
      if (part.image !== undefined) {
        if (!isArray(part.image) || part.image.length !== 3) throw new PpoRangeError('INVALID_ARGUMENT', `parts[${i}].image must be [height, width, channels], got ${describeValue(part.image)}`);
        const product = part.image.reduce((p, d) => p * d, 1);
        if (product !== part.size) throw new PpoRangeError('INVALID_ARGUMENT', `parts[${i}].image ${JSON.stringify(part.image)} holds ${product} values, size is ${part.size}`);
      }
    });
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const encoders: Torso[] = [];
    try {
      for (const part of parts) {
        encoders.push(
          part.image === undefined
            ? new Mlp({ inputSize: part.size, hiddenSizes, activation, init: { rng }, name: `${name}/${part.name}` })
            : natureCnn({ inputShape: part.image, inputScale, rng, name: `${name}/${part.name}` }),
        );
      }
    } catch (error) {
      for (const e of encoders) e.dispose();
      throw error;
    }
    const variables: Record<string, tf.Variable> = {};
    encoders.forEach((encoder, i) => {
      for (const [key, v] of Object.entries(encoder.variables)) variables[`${parts[i].name}/${key}`] = v;
    });
    this.parts = parts.map((p) => ({ ...p }));
    this.encoders = encoders;
    this.variables = variables;
    this.inputSize = parts.reduce((s, p) => s + p.size, 0);
    this.outputSize = encoders.reduce((s, e) => s + e.outputSize, 0);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const inputs: tf.Tensor2D[] = this.parts.length === 1 ? [x] : tf.split(x, this.parts.map((p) => p.size), 1);
    const features = this.encoders.map((encoder, i) => encoder.apply(inputs[i]));
    return features.length === 1 ? features[0] : tf.concat(features, 1);
  }

  dispose(): void {
    for (const encoder of this.encoders) encoder.dispose();
  }
}
