import type * as tf from '@tensorflow/tfjs';
import { denseInputGrads, denseWeightGrads, hostDense, hostMlpForward, reluBackward, type DenseVariables, type HostDense } from './host-mlp';

/**
 * A one-convolution torso as its variables: a k x k stride-1 'valid' convolution with bias and
 * ReLU over [H, W, C] inputs (times `inputScale`), flattened (row-major [outH, outW, filters],
 * as tfjs's reshape), then a dense layer with ReLU: the MinAtar network (`NatureCnn`'s
 * 'minatar' variant).
 */
export interface ConvTorsoVariables {
  /** Shape [k, k, C, filters]; read row-major, it is the [k*k*C, filters] kernel of the patch matrix product. */
  readonly filter: tf.Variable;
  readonly bias: tf.Variable;
  readonly size: number;
  readonly inputShape: readonly [number, number, number];
  readonly outShape: readonly [number, number, number];
  readonly inputScale: number;
  /** [outH*outW*filters, units], ReLU. */
  readonly dense: DenseVariables;
}

/** The torso and a linear policy head and value head, over host float64 arrays. */
export interface HostConvNet {
  /**
   * The convolution as a dense layer over patch rows: [k*k*C, filters], ReLU, with zero rows
   * added up to a multiple of 4 (`inSize`), so that its products take the SIMD kernel (which
   * needs such sizes); zeros add nothing, so the results are those of the unpadded product.
   */
  readonly conv: HostDense;
  /** k*k*C, the patch width before padding. */
  readonly patchSize: number;
  readonly dense: HostDense;
  readonly policy: HostDense;
  readonly value: HostDense;
  readonly torso: ConvTorsoVariables;
}

/**
 * A {@link HostConvNet} over the arrays `read` gives for each variable. The convolution's padded
 * kernel is a copy: build the net again after the filter's values change.
 */
export function hostConvNet(
  torso: ConvTorsoVariables, policy: DenseVariables, value: DenseVariables, read: (v: tf.Variable) => Float64Array,
): HostConvNet {
  const filters = torso.outShape[2];
  const patchSize = torso.size * torso.size * torso.inputShape[2];
  const inSize = Math.ceil(patchSize / 4) * 4;
  const filter = read(torso.filter);
  let kernel = filter;
  if (inSize !== patchSize) {
    // Rows are the patch columns: the padding rows come last.
    kernel = new Float64Array(inSize * filters);
    kernel.set(filter);
  }
  const conv: HostDense = { kernel, bias: read(torso.bias), inSize, outSize: filters, activation: 'relu' };
  return {
    conv,
    patchSize,
    dense: hostDense(torso.dense, read(torso.dense.kernel), read(torso.dense.bias)),
    policy: hostDense(policy, read(policy.kernel), read(policy.bias)),
    value: hostDense(value, read(value.kernel), read(value.bias)),
    torso,
  };
}

/** The buffers of a forward pass, which the backward pass reads; reused across calls. */
export class ConvNetActivations {
  /** The input's patches: [rows*outH*outW, k*k*C], columns ordered (dy, dx, channel). */
  patches = new Float64Array(0);
  /** [convolution output (rows*outH*outW*filters, i.e. the flat features)]. */
  readonly conv: Float64Array[] = [];
  /** [torso features (rows*units), policy logits (rows*actions)]. */
  readonly actor: Float64Array[] = [];
  /** [values (rows)]. */
  readonly critic: Float64Array[] = [];
  dFeatures = new Float64Array(0);
  dFlat = new Float64Array(0);
  transposed = new Float64Array(0);
  /** The padded convolution kernel's gradient, when the kernel is padded. */
  dPaddedKernel = new Float64Array(0);
}

/**
 * The forward pass of `net` over `rows` observations (row-major [H, W, C] each), in float64:
 * returns the policy logits (`rows * actions`) and values (`rows`), views into `acts`.
 */
export function convNetForward(net: HostConvNet, observations: Float32Array, rows: number, acts: ConvNetActivations): { logits: Float64Array; values: Float64Array } {
  const { size, inputShape, outShape } = net.torso;
  const positions = outShape[0] * outShape[1];
  const need = rows * positions * net.conv.inSize;
  if (acts.patches.length < need) acts.patches = new Float64Array(need);
  im2col(observations, rows, size, inputShape, outShape, net.torso.inputScale, net.conv.inSize, acts.patches);
  hostMlpForward([net.conv], acts.patches, rows * positions, acts.conv);
  hostMlpForward([net.dense, net.policy], acts.conv[0], rows, acts.actor);
  hostMlpForward([net.value], acts.actor[0], rows, acts.critic);
  return { logits: acts.actor[1], values: acts.critic[0] };
}

/**
 * Patches of a stride-1 'valid' convolution: row (r, y, x) holds input rows y..y+k-1, columns
 * x..x+k-1, all channels, in (dy, dx, channel) order (for each dy one contiguous run of k*C
 * inputs), times `scale`, then zeros up to `width` columns.
 */
function im2col(
  x: Float32Array, rows: number, k: number, inputShape: readonly [number, number, number], outShape: readonly [number, number, number],
  scale: number, width: number, out: Float64Array,
): void {
  const [height, inWidth, channels] = inputShape;
  const [outH, outW] = outShape;
  const run = k * channels;
  const padding = width - k * run;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * height * inWidth * channels;
    for (let y = 0; y < outH; y++) {
      for (let xx = 0; xx < outW; xx++) {
        for (let dy = 0; dy < k; dy++) {
          const start = base + ((y + dy) * inWidth + xx) * channels;
          if (scale === 1) for (let j = 0; j < run; j++) out[o++] = x[start + j];
          else for (let j = 0; j < run; j++) out[o++] = x[start + j] * scale;
        }
        for (let j = 0; j < padding; j++) out[o++] = 0;
      }
    }
  }
}

/** The gradients of one forward pass, added into these arrays (zero them first). */
export interface ConvNetGradients {
  readonly convKernel: Float64Array;
  readonly convBias: Float64Array;
  readonly denseKernel: Float64Array;
  readonly denseBias: Float64Array;
  readonly policyKernel: Float64Array;
  readonly policyBias: Float64Array;
  readonly valueKernel: Float64Array;
  readonly valueBias: Float64Array;
}

/**
 * Backpropagates the loss's gradients with respect to the logits (`rows * actions`) and values
 * (`rows`) of the last {@link convNetForward} through the heads, the dense layer and the
 * convolution, adding every parameter's gradient into `grads`. The shared features' gradient
 * is the sum of both heads' (the torso is shared).
 */
export function convNetBackward(net: HostConvNet, acts: ConvNetActivations, rows: number, dLogits: Float64Array, dValues: Float64Array, grads: ConvNetGradients): void {
  const { conv, dense, policy, value } = net;
  const features = acts.actor[0];
  const units = dense.outSize;
  const actions = policy.outSize;
  denseWeightGrads(features, dLogits, grads.policyKernel, grads.policyBias, rows, units, actions);
  denseWeightGrads(features, dValues, grads.valueKernel, grads.valueBias, rows, units, 1);
  if (acts.dFeatures.length < rows * units) acts.dFeatures = new Float64Array(rows * units);
  if (acts.transposed.length < dense.inSize * units) acts.transposed = new Float64Array(dense.inSize * units);
  const dFeatures = acts.dFeatures;
  denseInputGrads(dLogits, policy.kernel, dFeatures, rows, units, actions, acts.transposed);
  // The value head has one output: its input gradient is the value's gradient times its kernel.
  for (let r = 0; r < rows; r++) {
    const dv = dValues[r];
    for (let j = 0; j < units; j++) dFeatures[r * units + j] += dv * value.kernel[j];
  }
  reluBackward(dFeatures, features, rows * units);
  const flat = acts.conv[0];
  denseWeightGrads(flat, dFeatures, grads.denseKernel, grads.denseBias, rows, dense.inSize, units);
  const flatSize = rows * dense.inSize;
  if (acts.dFlat.length < flatSize) acts.dFlat = new Float64Array(flatSize);
  denseInputGrads(dFeatures, dense.kernel, acts.dFlat, rows, dense.inSize, units, acts.transposed);
  reluBackward(acts.dFlat, flat, flatSize);
  const positions = net.torso.outShape[0] * net.torso.outShape[1];
  if (conv.inSize === net.patchSize) {
    denseWeightGrads(acts.patches, acts.dFlat, grads.convKernel, grads.convBias, rows * positions, conv.inSize, conv.outSize);
    return;
  }
  const padded = conv.inSize * conv.outSize;
  if (acts.dPaddedKernel.length < padded) acts.dPaddedKernel = new Float64Array(padded);
  const dKernel = acts.dPaddedKernel;
  dKernel.fill(0, 0, padded);
  denseWeightGrads(acts.patches, acts.dFlat, dKernel, grads.convBias, rows * positions, conv.inSize, conv.outSize);
  // The real rows come first; the padding rows' gradients are dropped.
  const real = net.patchSize * conv.outSize;
  for (let i = 0; i < real; i++) grads.convKernel[i] += dKernel[i];
}
