/**
 * An exported policy as a standard tfjs LayersModel (`model.json` and weight shards) that
 * `tf.loadLayersModel` loads with tfjs alone: built from stock layers (BatchNormalization,
 * ReLU, Reshape, Conv2D, Flatten, Dense), so no custom class needs registering.
 */
import { PpoError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import type { PolicyGraph } from './policy-graph';

/** Name of the LayersModel's JSON in an export folder. */
export const LAYERS_MODEL_FILE = 'model.json';

/** Shard size of the weights, as tfjs's own converter writes them (4 MiB). */
const SHARD_BYTES = 4 * 1024 * 1024;

/**
 * What the LayersModel's output is, stored as the model's user-defined metadata
 * (`model.getUserDefinedMetadata()`): stock layers have no argmax, so a discrete policy
 * outputs logits and the action is `argMax(-1)` plus `start`; a box policy outputs the action.
 */
export type LayersModelOutput =
  | { readonly output: 'logits'; readonly actionStart: number }
  | { readonly output: 'action' };

/** The files of a LayersModel: `model.json` and its shards, by name. */
export type LayersModelFiles = ReadonlyMap<string, Uint8Array>;

/** Per-feature parameters of {@link affine}; a missing one is the identity's (gamma 1, beta 0, mean 0, variance 1). */
interface AffineParameters {
  readonly mean?: Float32Array;
  readonly variance?: Float32Array;
  readonly gamma?: Float32Array;
  readonly beta?: Float32Array;
}

/**
 * Builds the LayersModel of `graph` and returns its files. Observation normalization and
 * clipping are built in (so `predict` takes raw observations), as is the clipping of box
 * actions to their bounds. Needs a tfjs backend (the layers are built to be saved, then
 * disposed). Throws `UNSUPPORTED_EXPORT` for clipped box actions with some bounds finite and
 * others infinite (stock layers clip all dimensions alike).
 */
export async function policyToLayersModel(graph: PolicyGraph): Promise<LayersModelFiles> {
  const head = graph.head;
  let clipActions = false;
  if (head.kind === 'mean' && head.clip) {
    const finite = [...head.low, ...head.high].map((bound) => Number.isFinite(bound));
    if (finite.some((f) => f !== finite[0])) {
      throw new PpoError('UNSUPPORTED_EXPORT', 'a LayersModel clips box actions only when all their bounds are finite (or all infinite: no clipping); use the ONNX file');
    }
    clipActions = finite[0];
  }
  const D = graph.observationSize;
  const layers: tf.layers.Layer[] = [];
  const weightsOf = new Map<tf.layers.Layer, tf.Tensor[]>();
  /** Adds a layer; the first one carries the input shape. */
  const add = (make: (input: { inputShape?: number[] }) => tf.layers.Layer, weights?: () => tf.Tensor[]): void => {
    const layer = make(layers.length === 0 ? { inputShape: [D] } : {});
    layers.push(layer);
    if (weights !== undefined) weightsOf.set(layer, weights());
  };
  /** A BatchNormalization layer in inference mode: `gamma * (x - mean) / sqrt(variance + 1e-8) + beta`, per feature. */
  const affine = (name: string, size: number, p: AffineParameters): void => {
    const vector = (values: Float32Array | undefined, value: number): tf.Tensor1D => (values === undefined ? tf.fill([size], value) : tf.tensor1d(values));
    add(
      (input) => tf.layers.batchNormalization({ name, axis: -1, epsilon: 1e-8, ...input }),
      () => [vector(p.gamma, 1), vector(p.beta, 0), vector(p.mean, 0), vector(p.variance, 1)],
    );
  };
  let model: tf.Sequential | null = null;
  try {
    if (graph.normalize !== null || graph.clip !== null) {
      // Clipping to [-c, c] is a ReLU with maxValue 2c between a shift by +c and one back.
      const c = graph.clip;
      affine('observation_normalize', D, { mean: graph.normalize?.mean, variance: graph.normalize?.variance, beta: c === null ? undefined : new Float32Array(D).fill(c) });
      if (c !== null) {
        add(() => tf.layers.reLU({ name: 'observation_clip', maxValue: 2 * c }));
        affine('observation_unshift', D, { mean: new Float32Array(D).fill(c) });
      }
    }
    if (graph.image !== null) {
      add((input) => tf.layers.reshape({ name: 'image', targetShape: [...graph.image as [number, number, number]], ...input }));
      graph.convs.forEach((conv, i) => {
        const { kernelSize: k, inChannels: cin, outChannels: cout } = conv;
        add(
          () => tf.layers.conv2d({ name: `conv_${i}`, filters: cout, kernelSize: k, strides: conv.stride, padding: 'valid', activation: 'relu' }),
          () => [tf.tensor4d(conv.filter, [k, k, cin, cout]), tf.tensor1d(conv.bias)],
        );
      });
      add(() => tf.layers.flatten({ name: 'flatten' }));
    }
    graph.dense.forEach((layer, i) => {
      const name = i === graph.dense.length - 1 ? 'policy_head' : `dense_${i}`;
      add(
        (input) => tf.layers.dense({ name, units: layer.outputSize, activation: layer.activation, ...input }),
        () => [tf.tensor2d(layer.kernel, [layer.inputSize, layer.outputSize]), tf.tensor1d(layer.bias)],
      );
    });
    if (head.kind === 'mean' && clipActions) {
      // clip(x, low, high) = low + (high - low) * min(max((x - low) / (high - low), 0), 1); a zero-width bound gives low.
      const width = head.high.map((h, i) => h - head.low[i]);
      affine('action_to_unit', head.size, { mean: head.low, gamma: width.map((w) => (w > 0 ? 1 / w : 0)) });
      add(() => tf.layers.reLU({ name: 'action_clip', maxValue: 1 }));
      affine('action_from_unit', head.size, { gamma: width, beta: head.low });
    }
    model = tf.sequential({ name: 'ppo_policy', layers });
    for (const [layer, weights] of weightsOf) layer.setWeights(weights);
    const output: LayersModelOutput = head.kind === 'argmax' ? { output: 'logits', actionStart: head.start } : { output: 'action' };
    model.setUserDefinedMetadata({ ppo: output });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler((saved) => {
        artifacts = saved;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
      }),
    );
    return layersModelFiles(artifacts as unknown as tf.io.ModelArtifacts);
  } finally {
    if (model !== null) model.dispose();
    for (const weights of weightsOf.values()) tf.dispose(weights);
  }
}

/** `model.json` (tfjs's layers-model format) and the weights cut into shards. */
function layersModelFiles(artifacts: tf.io.ModelArtifacts): LayersModelFiles {
  const data = artifacts.weightData;
  const bytes = new Uint8Array(data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data as ArrayBuffer[]));
  const count = Math.max(1, Math.ceil(bytes.byteLength / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  const files = new Map<string, Uint8Array>();
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    userDefinedMetadata: artifacts.userDefinedMetadata,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  files.set(LAYERS_MODEL_FILE, new TextEncoder().encode(`${JSON.stringify(json)}\n`));
  paths.forEach((path, i) => files.set(path, bytes.slice(i * SHARD_BYTES, (i + 1) * SHARD_BYTES)));
  return files;
}
