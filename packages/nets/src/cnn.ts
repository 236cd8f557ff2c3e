import { checkPositiveInt, PpoRangeError, Rng, type RandomSource } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import type { ConvTorsoVariables } from './host-conv-net';
import { orthogonal, PPO_GAINS } from './init';
import { makeVariable, uniqueScope, type Torso } from './torso';

/** Options of {@link natureCnn}. */
export interface NatureCnnOptions {
  /** Observation shape [height, width, channels] (channels last), e.g. [84, 84, 4] or [10, 10, 4]. */
  readonly inputShape: readonly [number, number, number];
  /**
   * 'atari': the DQN/PPO Nature network (conv 32x8x8/4, 64x4x4/2, 64x3x3/1, dense 512, ReLU).
   * 'minatar': the MinAtar network (conv 16x3x3/1, dense 128, ReLU).
   * Default: 'atari' when height and width are at least 36 (the smallest the Atari stack
   * accepts), 'minatar' otherwise.
   */
  readonly variant?: 'atari' | 'minatar';
  /** Multiplies the input first, e.g. 1/255 for raw pixels (default 1). */
  readonly inputScale?: number;
  /** Generator for the kernels; takes precedence over `seed`. */
  readonly rng?: RandomSource;
  /** Seed when no `rng` is given (default 0). */
  readonly seed?: number;
  /** Prefix of the tfjs variable names, default 'cnn'. */
  readonly name?: string;
}

interface ConvLayer {
  readonly filter: tf.Variable;
  readonly bias: tf.Variable;
  readonly stride: number;
  readonly size: number;
  /** Input channels and output height, width, channels. */
  readonly inChannels: number;
  readonly outShape: readonly [number, number, number];
}

const VARIANTS = {
  atari: { convs: [[32, 8, 4], [64, 4, 2], [64, 3, 1]] as const, dense: 512 },
  minatar: { convs: [[16, 3, 1]] as const, dense: 128 },
};

/**
 * The Nature-CNN torso (Mnih et al. 2015) and its MinAtar counterpart (Young and Tian 2019),
 * on flat observation rows [B, H*W*C], with orthogonal kernels (gain sqrt(2)) and zero
 * biases as in PPO's Atari setup. Output: [B, 512] ('atari') or [B, 128] ('minatar').
 */
export class NatureCnn implements Torso {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** The variant in use. */
  readonly variant: 'atari' | 'minatar';
  private readonly inputShape: [number, number, number];
  private readonly convs: ConvLayer[] = [];
  private readonly denseKernel: tf.Variable;
  private readonly denseBias: tf.Variable;
  private readonly flatSize: number;
  private readonly inputScale: number;

  constructor(options: NatureCnnOptions) {
    const { inputShape, inputScale = 1, name = 'cnn' } = options;
    if (!Array.isArray(inputShape) || inputShape.length !== 3) {
      throw new PpoRangeError('INVALID_ARGUMENT', `inputShape must be [height, width, channels], got ${JSON.stringify(inputShape)}`);
    }
    inputShape.forEach((d, i) => checkPositiveInt(`inputShape[${i}]`, d));
    if (!Number.isFinite(inputScale)) throw new PpoRangeError('INVALID_ARGUMENT', `inputScale must be finite, got ${String(inputScale)}`);
    const [height, width, channels] = inputShape;
    const variant = options.variant ?? (height >= 36 && width >= 36 ? 'atari' : 'minatar');
    if (variant !== 'atari' && variant !== 'minatar') throw new PpoRangeError('INVALID_ARGUMENT', `variant must be 'atari' or 'minatar', got ${String(variant)}`);
    this.variant = variant;
    this.inputShape = [height, width, channels];
    this.inputSize = height * width * channels;
    this.inputScale = inputScale;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const scope = uniqueScope(name);
    const variables: Record<string, tf.Variable> = {};
    // Check every layer's output size before creating any variable, so a failure leaks nothing.
    let [h, w] = [height, width];
    for (const [, size, stride] of VARIANTS[variant].convs) {
      h = Math.floor((h - size) / stride) + 1;
      w = Math.floor((w - size) / stride) + 1;
      if (h < 1 || w < 1) throw new PpoRangeError('INVALID_ARGUMENT', `inputShape ${JSON.stringify(inputShape)} is too small for the '${variant}' network`);
    }
    let c = channels;
    [h, w] = [height, width];
    VARIANTS[variant].convs.forEach(([filters, size, stride], i) => {
      // The filter [k, k, cIn, cOut] is row-major [fanIn, cOut], like a dense kernel.
      const fanIn = size * size * c;
      const filter = makeVariable(orthogonal(fanIn, filters, PPO_GAINS.hidden, rng), [size, size, c, filters], `${scope}/conv${i}/kernel`);
      const bias = makeVariable(0, [filters], `${scope}/conv${i}/bias`);
      variables[`conv${i}/kernel`] = filter;
      variables[`conv${i}/bias`] = bias;
      h = Math.floor((h - size) / stride) + 1;
      w = Math.floor((w - size) / stride) + 1;
      this.convs.push({ filter, bias, stride, size, inChannels: c, outShape: [h, w, filters] });
      c = filters;
    });
    this.flatSize = h * w * c;
    const units = VARIANTS[variant].dense;
    this.denseKernel = makeVariable(orthogonal(this.flatSize, units, PPO_GAINS.hidden, rng), [this.flatSize, units], `${scope}/dense/kernel`);
    this.denseBias = makeVariable(0, [units], `${scope}/dense/bias`);
    variables['dense/kernel'] = this.denseKernel;
    variables['dense/bias'] = this.denseBias;
    this.outputSize = units;
    this.variables = variables;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor4D = tf.reshape(x, [-1, ...this.inputShape]);
    if (this.inputScale !== 1) h = tf.mul(h, this.inputScale);
    for (const conv of this.convs) {
      h =
        conv.stride === 1
          ? unitStrideConv(h, conv)
          : tf.fused.conv2d({ x: h, filter: conv.filter as tf.Tensor4D, strides: conv.stride, pad: 'valid', bias: conv.bias, activation: 'relu' });
    }
    const flat = tf.reshape(h, [-1, this.flatSize]);
    return tf.fused.matMul({ a: flat, b: this.denseKernel, bias: this.denseBias, activation: 'relu' }) as tf.Tensor2D;
  }

  /**
   * The variables and shapes for running the network on the host, or null when it has more
   * than one convolution or a stride other than 1 (the 'atari' variant).
   */
  hostTorso(): ConvTorsoVariables | null {
    if (this.convs.length !== 1 || this.convs[0].stride !== 1) return null;
    const [conv] = this.convs;
    return {
      filter: conv.filter,
      bias: conv.bias,
      size: conv.size,
      inputShape: this.inputShape,
      outShape: conv.outShape,
      inputScale: this.inputScale,
      dense: { kernel: this.denseKernel, bias: this.denseBias, activation: 'relu' },
    };
  }

  dispose(): void {
    for (const conv of this.convs) {
      conv.filter.dispose();
      conv.bias.dispose();
    }
    this.denseKernel.dispose();
    this.denseBias.dispose();
  }
}

/**
 * A stride-1 'valid' convolution with bias and ReLU as one matrix product over the input's
 * patches (im2col from k*k slices). Same result as `conv2d`, but its gradient needs only
 * Slice, Pad and Concat: the wasm backend has no `Conv2DBackpropFilter`, so `conv2d` cannot be
 * trained there. The patch columns are ordered (dy, dx, channel), the filter's row-major order.
 */
function unitStrideConv(x: tf.Tensor4D, conv: ConvLayer): tf.Tensor4D {
  const { size, inChannels } = conv;
  const [outH, outW, filters] = conv.outShape;
  const patches: tf.Tensor4D[] = [];
  for (let dy = 0; dy < size; dy++) {
    for (let dx = 0; dx < size; dx++) patches.push(tf.slice(x, [0, dy, dx, 0], [-1, outH, outW, inChannels]));
  }
  const columns = tf.reshape(patches.length === 1 ? patches[0] : tf.concat(patches, 3), [-1, size * size * inChannels]);
  const kernel = tf.reshape(conv.filter, [size * size * inChannels, filters]);
  const out = tf.fused.matMul({ a: columns, b: kernel, bias: conv.bias, activation: 'relu' });
  return tf.reshape(out, [-1, outH, outW, filters]);
}

/**
 * Builds a {@link NatureCnn} torso.
 *
 * @example
 * ```ts
 * const torso = natureCnn({ inputShape: [84, 84, 4], inputScale: 1 / 255, seed: 1 }); // -> [B, 512]
 * const minatar = natureCnn({ inputShape: [10, 10, 6], seed: 1 });                  // -> [B, 128]
 * ```
 */
export function natureCnn(options: NatureCnnOptions): NatureCnn {
  return new NatureCnn(options);
}
