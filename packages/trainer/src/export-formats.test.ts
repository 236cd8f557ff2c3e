import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYERS_MODEL_FILE, policyToLayersModel, type LayersModelFiles } from './layers-export';
import { ONNX_INPUT, ONNX_OUTPUT, policyToOnnx } from './onnx-export';
import { policyGraph } from './policy-graph';
import { decisiveRows, exportCase, exportCases, heldOutObservations, trainerReference, type ExportCase } from './test-export-policies';

/**
 * Tolerance of the exported formats against the trainer, on logits and box actions: float32
 * rounding differs between tfjs's fused ops, the LayersModel's stock layers (normalization as
 * BatchNormalization, clipping as shifted ReLU) and onnxruntime's kernels.
 */
const ABS = 1e-4;
const REL = 1e-4;
/** Discrete actions must match wherever the two largest logits are further apart than this. */
const GAP = 1e-3;
const COUNT = 64;

const cases = exportCases();
afterAll(() => {
  for (const c of cases) c.network.dispose();
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = ABS + REL * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) throw new Error(`${what}[${i}]: ${actual[i]} vs the trainer's ${expected[i]} (tolerance ${bound})`);
  }
}

/** Checks an exported format's actions (and raw outputs) against the trainer's on held-out observations. */
function expectSameActions(c: ExportCase, observations: Float32Array, actions: ArrayLike<number>, outputs: ArrayLike<number> | null): void {
  const reference = trainerReference(c, observations, COUNT);
  if (outputs !== null) expectClose(outputs, reference.outputs, `${c.name}: outputs`);
  if (reference.actions instanceof Float32Array) {
    expectClose(actions, reference.actions, `${c.name}: actions`);
    return;
  }
  const rows = decisiveRows(reference, COUNT, GAP);
  // Spread-out heads make near ties rare: the comparison covers nearly every row.
  expect(rows.length).toBeGreaterThan(COUNT * 0.9);
  for (const i of rows) expect(actions[i], `${c.name}: action ${i}`).toBe(reference.actions[i]);
}

/** Loads the files with stock tfjs, as a page would from `model.json` and the shards it names. */
async function loadLayers(files: LayersModelFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(files.get(LAYERS_MODEL_FILE))) as tf.io.ModelJSON;
  const paths = json.weightsManifest.flatMap((group) => group.paths);
  const shards = paths.map((path) => files.get(path) as Uint8Array);
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

describe('LayersModel export', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: tf.loadLayersModel + predict reproduce the trainer', async (_, c) => {
    const graph = policyGraph(c.spec, c.network.getWeights());
    const tensors = tf.memory().numTensors;
    const files = await policyToLayersModel(graph);
    expect(tf.memory().numTensors).toBe(tensors);

    const model = await loadLayers(files);
    const observations = heldOutObservations(c, COUNT);
    const output = tf.tidy(() => (model.predict(tf.tensor2d(observations, [COUNT, c.spec.actorCritic.observationSize])) as tf.Tensor2D).dataSync() as Float32Array);
    const meta = model.getUserDefinedMetadata() as { ppo: { output: 'logits'; actionStart: number } | { output: 'action' } };
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);

    if (meta.ppo.output === 'logits') {
      const { actionStart } = meta.ppo;
      const width = output.length / COUNT;
      const actions = Int32Array.from({ length: COUNT }, (_, i) => {
        const row = Array.from(output.subarray(i * width, (i + 1) * width));
        return row.indexOf(Math.max(...row)) + actionStart;
      });
      expectSameActions(c, observations, actions, output);
    } else {
      expectSameActions(c, observations, output, null);
    }
  });

  it('clips box actions that fall outside the bounds (the reference clips some)', () => {
    const c = cases[2];
    const reference = trainerReference(c, heldOutObservations(c, COUNT), COUNT);
    const atBound = Array.from(reference.actions).filter((a, i) => a === [-1, -2][i % 2] || a === [1, 0.5][i % 2]).length;
    expect(atBound).toBeGreaterThan(0);
    expect(atBound).toBeLessThan(reference.actions.length);
  });

  it('refuses clipped box actions with some bounds infinite, naming the reason', async () => {
    const c = exportCase({
      name: 'mixed bounds', observationSize: 2, actionSpace: { type: 'box', shape: [2], low: [-1, null], high: [1, null] },
      shared: false, normalize: false, clip: null, clipAction: true,
    });
    try {
      await expect(policyToLayersModel(policyGraph(c.spec, c.network.getWeights()))).rejects.toThrow(/finite in some dimensions and infinite in others/);
    } finally {
      c.network.dispose();
    }
  });
});

describe('ONNX export', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: onnxruntime-node reproduces the trainer', async (_, c) => {
    const bytes = policyToOnnx(policyGraph(c.spec, c.network.getWeights()), { producerVersion: '0.0.0', env: c.spec.env });
    const session = await ort.InferenceSession.create(bytes);
    try {
      expect(session.inputNames).toEqual([ONNX_INPUT]);
      expect(session.outputNames).toEqual([ONNX_OUTPUT]);
      const observations = heldOutObservations(c, COUNT);
      const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', observations, [COUNT, c.spec.actorCritic.observationSize]) });
      const action = result[ONNX_OUTPUT];
      const discrete = c.spec.actorCritic.actionSpace.type === 'discrete';
      expect(action.type).toBe(discrete ? 'int32' : 'float32');
      expect(action.dims).toEqual(discrete ? [COUNT] : [COUNT, 2]);
      expectSameActions(c, observations, action.data as Int32Array | Float32Array, null);
    } finally {
      await session.release();
    }
  });

  it('clips box actions per dimension, infinite bounds included', async () => {
    const c = exportCase({
      name: 'mixed bounds', observationSize: 2, actionSpace: { type: 'box', shape: [2], low: [-1, null], high: [1, null] },
      shared: false, normalize: false, clip: null, clipAction: true,
    });
    const session = await ort.InferenceSession.create(policyToOnnx(policyGraph(c.spec, c.network.getWeights()), { producerVersion: '0.0.0', env: 'Test-v0' }));
    try {
      const observations = heldOutObservations(c, COUNT);
      const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', observations, [COUNT, 2]) });
      const actions = result[ONNX_OUTPUT].data as Float32Array;
      expectSameActions(c, observations, actions, null);
      // The bounded dimension is clipped somewhere, the unbounded one leaves [-1, 1] somewhere.
      expect(Array.from(actions).some((a, i) => i % 2 === 0 && Math.abs(a) === 1)).toBe(true);
      expect(Array.from(actions).some((a, i) => i % 2 === 1 && Math.abs(a) > 1)).toBe(true);
    } finally {
      await session.release();
      c.network.dispose();
    }
  });
});
