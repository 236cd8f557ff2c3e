/**
 * Policies of every kind the trainer makes, with the description `ppo export` writes for them,
 * and the trainer's own deterministic actions as the reference the exported formats must
 * reproduce (not exported).
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { ActorCritic, type Categorical, type ExportedPolicy } from '@ppo/nets';
import { Rng, RunningMeanStd, type ActionSpaceSpec } from '@ppo/utils';
import type { LayersModelOutput } from './layers-export';

/** One policy to export. */
export interface ExportCase {
  readonly name: string;
  readonly spec: ExportedPolicy;
  readonly network: ActorCritic;
}

interface CaseOptions {
  readonly name: string;
  readonly observationSize: number;
  readonly actionSpace: ActionSpaceSpec;
  readonly torso?: 'mlp' | 'nature-cnn';
  readonly observationShape?: readonly [number, number, number];
  readonly inputScale?: number;
  readonly hiddenSizes?: number[];
  readonly activation?: 'tanh' | 'relu';
  readonly shared: boolean;
  readonly normalize: boolean;
  readonly clip: number | null;
  readonly clipAction?: boolean;
}

/**
 * A network as `PPO` builds it, its weights spread out (the policy head's init gain of 0.01
 * would leave logits within rounding of each other and means inside any bound), and the
 * description of its export with made-up normalization statistics.
 */
export function exportCase(options: CaseOptions): ExportCase {
  const { name, observationSize, actionSpace, torso = 'mlp', hiddenSizes = [16, 16], activation = 'tanh', shared } = options;
  const network = new ActorCritic({
    observationSize, actionSpace, torso, hiddenSizes, activation, shared, seed: 3,
    ...(options.observationShape === undefined ? {} : { observationShape: options.observationShape, inputScale: options.inputScale }),
  });
  const rng = new Rng(11);
  const weights = network.getWeights();
  for (const [key, values] of weights) if (key.startsWith('actor/head/')) weights.set(key, values.map((v) => v * 100 + (key.endsWith('bias') ? rng.nextFloat() - 0.5 : 0)));
  network.setWeights(weights);
  let normalization = null;
  if (options.normalize) {
    const rms = new RunningMeanStd(observationSize);
    rms.update(Float32Array.from({ length: observationSize * 50 }, (_, k) => rng.nextNormal() * (1 + (k % 3)) + (k % observationSize) * 0.1), 50);
    normalization = rms.getState();
  }
  const spec: ExportedPolicy = {
    format: 'ppo-policy',
    version: 2,
    env: 'Test-v0',
    envOptions: {},
    actorCritic: {
      observationSize, actionSpace, torso, hiddenSizes, activation, shared,
      ...(options.observationShape === undefined ? {} : { observationShape: options.observationShape, inputScale: options.inputScale }),
    },
    observation: { normalization, clip: options.clip },
    clipAction: options.clipAction ?? false,
    source: { checkpoint: 'final', globalStep: 0, update: 0 },
    files: {},
  };
  return { name, spec, network };
}

/** The policies the trainer makes: MLP (separate and shared torso, tanh and ReLU), discrete and box, and both CNN torsos. */
export function exportCases(): ExportCase[] {
  const box: ActionSpaceSpec = { type: 'box', shape: [2], low: [-1, -2], high: [1, 0.5] };
  return [
    exportCase({ name: 'discrete, separate tanh MLP', observationSize: 4, actionSpace: { type: 'discrete', n: 3 }, shared: false, normalize: false, clip: null }),
    exportCase({ name: 'discrete with start, shared ReLU MLP, normalized and clipped', observationSize: 5, actionSpace: { type: 'discrete', n: 4, start: 2 }, activation: 'relu', hiddenSizes: [8], shared: true, normalize: true, clip: 1.5 }),
    exportCase({ name: 'box, separate tanh MLP, normalized, clipped, actions clipped', observationSize: 3, actionSpace: box, shared: false, normalize: true, clip: 5, clipAction: true }),
    exportCase({ name: 'box, shared MLP, observations clipped only, actions unclipped', observationSize: 3, actionSpace: box, shared: true, normalize: false, clip: 2, clipAction: false }),
    exportCase({ name: 'unbounded box, actions "clipped" to infinite bounds', observationSize: 3, actionSpace: { type: 'box', shape: [2], low: [null, null], high: [null, null] }, shared: false, normalize: true, clip: null, clipAction: true }),
    exportCase({ name: 'discrete, MinAtar CNN', observationSize: 6 * 6 * 3, actionSpace: { type: 'discrete', n: 5 }, torso: 'nature-cnn', observationShape: [6, 6, 3], inputScale: 0.5, shared: true, normalize: false, clip: null }),
    exportCase({ name: 'discrete, Atari CNN', observationSize: 36 * 36 * 2, actionSpace: { type: 'discrete', n: 4 }, torso: 'nature-cnn', observationShape: [36, 36, 2], inputScale: 1 / 255, shared: true, normalize: false, clip: null }),
  ];
}

/** Held-out raw observations: not those of any fit, spread beyond the clip ranges. */
export function heldOutObservations(c: ExportCase, count: number, seed = 123): Float32Array {
  const rng = new Rng(seed);
  const D = c.spec.actorCritic.observationSize;
  const image = c.spec.actorCritic.torso === 'nature-cnn';
  return Float32Array.from({ length: count * D }, () => (image ? Math.floor(rng.nextFloat() * 256) : rng.nextNormal() * 3));
}

/** The trainer's deterministic action for raw observations, with the raw policy output (logits or mean) behind it. */
export interface Reference {
  readonly actions: Int32Array | Float32Array;
  /** Logits (discrete) or clipped means (box), `count * width` values. */
  readonly outputs: Float32Array;
  readonly width: number;
}

/**
 * What the trainer does with a raw observation: the env wrappers normalize it with the frozen
 * statistics and clip it, `ActorCritic.act` takes the mode, the action wrapper clips a box
 * action to the bounds.
 */
export function trainerReference(c: ExportCase, observations: Float32Array, count: number): Reference {
  const { normalization, clip } = c.spec.observation;
  let prepared = observations;
  if (normalization !== null) prepared = RunningMeanStd.fromState(normalization).normalize(observations, new Float32Array(observations.length));
  if (clip !== null) prepared = prepared.map((x) => Math.min(clip, Math.max(-clip, x)));
  const { actions } = c.network.act(prepared, count, new Rng(0), { deterministic: true });
  const space = c.spec.actorCritic.actionSpace;
  if (space.type === 'box') {
    const size = space.shape[0];
    if (c.spec.clipAction) {
      for (let i = 0; i < actions.length; i++) actions[i] = Math.min(space.high[i % size] ?? Infinity, Math.max(space.low[i % size] ?? -Infinity, actions[i]));
    }
    return { actions, outputs: Float32Array.from(actions), width: size };
  }
  const logits = tf.tidy(() => {
    const { distribution } = c.network.forward(tf.tensor2d(prepared, [count, c.spec.actorCritic.observationSize]));
    return (distribution as Categorical).logits.dataSync() as Float32Array;
  });
  return { actions, outputs: Float32Array.from(logits), width: logits.length / count };
}

/**
 * Tolerance of the exported formats against the trainer, on logits and box actions: float32
 * rounding differs between tfjs's fused ops, the LayersModel's stock layers (normalization as
 * BatchNormalization, clipping as shifted ReLU) and onnxruntime's kernels. Measured on the cpu
 * backend: at most 3e-7 apart over the cases of {@link exportCases}.
 */
export const EXPORT_TOLERANCE = { abs: 1e-5, rel: 1e-5 } as const;
/** Discrete actions must match wherever the two largest logits are further apart than this. */
export const ARGMAX_GAP = 1e-3;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = EXPORT_TOLERANCE.abs + EXPORT_TOLERANCE.rel * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) throw new Error(`${what}[${i}]: ${actual[i]} vs the trainer's ${expected[i]} (tolerance ${bound})`);
  }
}

/**
 * Checks an exported format's actions (and raw outputs, when given) against the trainer's on
 * `count` held-out observations; discrete actions on the rows without a near tie, which must be
 * at least `minDecisive` of them.
 */
export function expectSameActions(
  c: ExportCase,
  observations: Float32Array,
  count: number,
  actions: ArrayLike<number>,
  outputs: ArrayLike<number> | null,
  minDecisive: number,
): void {
  const reference = trainerReference(c, observations, count);
  if (outputs !== null) expectClose(outputs, reference.outputs, `${c.name}: outputs`);
  if (reference.actions instanceof Float32Array) {
    expectClose(actions, reference.actions, `${c.name}: actions`);
    return;
  }
  expect(actions.length).toBe(count);
  const rows = decisiveRows(reference, count, ARGMAX_GAP);
  expect(rows.length).toBeGreaterThanOrEqual(count * minDecisive);
  for (const i of rows) expect(actions[i], `${c.name}: action ${i}`).toBe(reference.actions[i]);
}

/** Loads a LayersModel with stock tfjs from `model.json` and the shards it names, as a page would. */
export async function loadLayersModelFiles(read: (name: string) => Uint8Array): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(read('model.json'))) as tf.io.ModelJSON;
  const shards = json.weightsManifest.flatMap((group) => group.paths).map(read);
  const data = new Uint8Array(shards.reduce((sum, s) => sum + s.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    data.set(shard, offset);
    offset += shard.byteLength;
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: data.buffer,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}

/** The actions of a LayersModel's output: the argmax of logits plus `start`, or the output itself. */
export function layersModelActions(output: Float32Array, count: number, meta: LayersModelOutput): Int32Array | Float32Array {
  if (meta.output === 'action') return output;
  const width = output.length / count;
  return Int32Array.from({ length: count }, (_, i) => {
    const row = Array.from(output.subarray(i * width, (i + 1) * width));
    return row.indexOf(Math.max(...row)) + meta.actionStart;
  });
}

/** Rows whose two largest logits are further apart than `gap`: there the argmax cannot flip by rounding. */
function decisiveRows(reference: Reference, count: number, gap: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = Array.from(reference.outputs.subarray(i * reference.width, (i + 1) * reference.width)).sort((a, b) => b - a);
    if (row.length < 2 || row[0] - row[1] > gap) rows.push(i);
  }
  return rows;
}
