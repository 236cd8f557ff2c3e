/**
 * The deterministic policy of an export as a plain list of float32 stages, from a raw
 * observation to an action: what the LayersModel and ONNX writers turn into their own formats.
 * Only the actor is kept (the critic is not needed to act).
 */
import { PpoError } from '@ppo/utils';
import type { ExportedPolicy } from '@ppo/nets';

/** `x W + b`, then the activation; `kernel` row-major [inputSize, outputSize]. */
export interface DenseStage {
  readonly kind: 'dense';
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly activation: 'tanh' | 'relu' | 'linear';
}

/** A 'valid' convolution with ReLU on channels-last images; `filter` [k, k, cIn, cOut] row-major. */
export interface ConvStage {
  readonly kind: 'conv';
  readonly filter: Float32Array;
  readonly bias: Float32Array;
  readonly kernelSize: number;
  readonly stride: number;
  readonly inChannels: number;
  readonly outChannels: number;
}

/** The deterministic action taken from the policy head's output. */
export type ActionHead =
  /** Discrete: the index of the largest logit plus `start` (ties: the first). */
  | { readonly kind: 'argmax'; readonly n: number; readonly start: number }
  /** Box: the Gaussian's mean, clipped to `[low, high]` when `clip` (bounds may be infinite). */
  | { readonly kind: 'mean'; readonly size: number; readonly clip: boolean; readonly low: Float32Array; readonly high: Float32Array };

/** The deterministic policy, stage by stage. */
export interface PolicyGraph {
  readonly observationSize: number;
  /** `(x - mean) / std` per feature (`std = sqrt(variance + 1e-8)`, rounded to float32 once), or null. */
  readonly normalize: { readonly mean: Float32Array; readonly variance: Float32Array; readonly std: Float32Array } | null;
  /** Clip to `[-clip, clip]` after normalizing, or null. */
  readonly clip: number | null;
  /** With a CNN torso: the channels-last image shape of the flat observations. */
  readonly image: readonly [number, number, number] | null;
  /** Convolutions (the observation scale folded into the first filter), then flatten. */
  readonly convs: readonly ConvStage[];
  /** Dense layers of the torso, then the policy head (linear). */
  readonly dense: readonly DenseStage[];
  readonly head: ActionHead;
}

/** Epsilon of observation normalization, as `RunningMeanStd.normalize` and the env wrapper use it. */
const NORMALIZE_EPSILON = 1e-8;

/** Strides of the convolutions by count: the Atari network (3) and the MinAtar one (1), as `natureCnn` builds them. */
const CNN_STRIDES: Readonly<Record<number, readonly number[]>> = { 3: [4, 2, 1], 1: [1] };

function unsupported(what: string): never {
  throw new PpoError('UNSUPPORTED_EXPORT', `this policy cannot be exported as a LayersModel or ONNX: ${what}`);
}

/**
 * Builds the graph of an exported policy from its description and `ActorCritic.getWeights()`.
 * Throws `UNSUPPORTED_EXPORT` for an action space other than discrete and box, a masked policy
 * or a multi-input torso, and
 * `BAD_WEIGHTS` naming a weight that is missing or has the wrong size.
 */
export function policyGraph(policy: ExportedPolicy, weights: ReadonlyMap<string, Float32Array>): PolicyGraph {
  const net = policy.actorCritic;
  if (policy.actionMask !== undefined) unsupported('it was trained with action masks, and these formats have no mask input yet (loadPolicy takes the mask)');
  if (net.torso === 'multi-input') unsupported('a Dict or Tuple observation (multi-input torso) is not written in these formats yet');
  const prefix = net.shared ? 'torso' : 'actor/torso';
  const weight = (name: string, size: number): Float32Array => {
    const w = weights.get(name);
    if (w === undefined) throw new PpoError('BAD_WEIGHTS', `policy weight '${name}' is missing`);
    if (w.length !== size) throw new PpoError('BAD_WEIGHTS', `policy weight '${name}' has ${w.length} values, expected ${size}`);
    return w;
  };
  const denseOf = (name: string, inputSize: number, outputSize: number, activation: DenseStage['activation']): DenseStage => ({
    kind: 'dense', kernel: weight(`${name}/kernel`, inputSize * outputSize), bias: weight(`${name}/bias`, outputSize), inputSize, outputSize, activation,
  });

  const convs: ConvStage[] = [];
  const dense: DenseStage[] = [];
  let features = net.observationSize;
  let image: [number, number, number] | null = null;
  if (net.torso === 'mlp') {
    net.hiddenSizes.forEach((width, i) => {
      dense.push(denseOf(`${prefix}/hidden${i}`, features, width, net.activation));
      features = width;
    });
  } else {
    const shape = net.observationShape;
    if (shape === undefined) unsupported("torso 'nature-cnn' without observationShape");
    image = [shape[0], shape[1], shape[2]];
    const count = [...weights.keys()].filter((name) => name.startsWith(`${prefix}/conv`) && name.endsWith('/kernel')).length;
    const strides = CNN_STRIDES[count] ?? unsupported(`a CNN torso of ${count} convolutions`);
    let [h, w, c] = image;
    strides.forEach((stride, i) => {
      const filter = weights.get(`${prefix}/conv${i}/kernel`);
      const bias = weights.get(`${prefix}/conv${i}/bias`);
      if (filter === undefined || bias === undefined) throw new PpoError('BAD_WEIGHTS', `policy weight '${prefix}/conv${i}' is missing`);
      const outChannels = bias.length;
      const kernelSize = Math.round(Math.sqrt(filter.length / (c * outChannels)));
      weight(`${prefix}/conv${i}/kernel`, kernelSize * kernelSize * c * outChannels);
      // The observation scale multiplies the input; folded into the first filter it is one op less.
      const scale = i === 0 ? (net.inputScale ?? 1) : 1;
      convs.push({ kind: 'conv', filter: scale === 1 ? filter : filter.map((x) => x * scale), bias, kernelSize, stride, inChannels: c, outChannels });
      h = Math.floor((h - kernelSize) / stride) + 1;
      w = Math.floor((w - kernelSize) / stride) + 1;
      c = outChannels;
    });
    const units = weights.get(`${prefix}/dense/bias`)?.length;
    if (units === undefined) throw new PpoError('BAD_WEIGHTS', `policy weight '${prefix}/dense/bias' is missing`);
    dense.push(denseOf(`${prefix}/dense`, h * w * c, units, 'relu'));
    features = units;
  }

  const space = net.actionSpace;
  let head: ActionHead;
  if (space.type === 'discrete') {
    head = { kind: 'argmax', n: space.n, start: space.start ?? 0 };
    dense.push(denseOf('actor/head/output', features, space.n, 'linear'));
  } else if (space.type === 'box') {
    const size = space.shape.reduce((p, d) => p * d, 1);
    const low = Float32Array.from(space.low, (v) => (v === null ? -Infinity : v));
    const high = Float32Array.from(space.high, (v) => (v === null ? Infinity : v));
    head = { kind: 'mean', size, clip: policy.clipAction, low, high };
    dense.push(denseOf('actor/head/output', features, size, 'linear'));
  } else {
    unsupported(`action space '${space.type}' (discrete and box are supported)`);
  }

  const stats = policy.observation.normalization;
  const normalize =
    stats === null
      ? null
      : { mean: Float32Array.from(stats.mean), variance: Float32Array.from(stats.var), std: Float32Array.from(stats.var, (v) => Math.sqrt(v + NORMALIZE_EPSILON)) };
  return { observationSize: net.observationSize, normalize, clip: policy.observation.clip, image, convs, dense, head };
}
