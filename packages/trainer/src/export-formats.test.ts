import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { policyToLayersModel, type LayersModelOutput } from './layers-export';
import { ONNX_INPUT, ONNX_OUTPUT, policyToOnnx } from './onnx-export';
import { policyGraph } from './policy-graph';
import {
  exportCase,
  exportCases,
  expectSameActions,
  heldOutObservations,
  layersModelActions,
  loadLayersModelFiles,
  trainerReference,
  type ExportCase,
} from './test-export-policies';

const COUNT = 64;

const cases = exportCases();
afterAll(() => {
  for (const c of cases) c.network.dispose();
});

/** Spread-out heads make near ties rare: the comparison covers nearly every row. */
const check = (c: ExportCase, observations: Float32Array, actions: ArrayLike<number>, outputs: ArrayLike<number> | null): void =>
  expectSameActions(c, observations, COUNT, actions, outputs, 0.9);

describe('LayersModel export', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: tf.loadLayersModel + predict reproduce the trainer', async (_, c) => {
    const graph = policyGraph(c.spec, c.network.getWeights());
    const tensors = tf.memory().numTensors;
    const files = await policyToLayersModel(graph);
    expect(tf.memory().numTensors).toBe(tensors);

    const model = await loadLayersModelFiles((name) => files.get(name) as Uint8Array);
    const observations = heldOutObservations(c, COUNT);
    const output = tf.tidy(() => (model.predict(tf.tensor2d(observations, [COUNT, c.spec.actorCritic.observationSize])) as tf.Tensor2D).dataSync() as Float32Array);
    const meta = model.getUserDefinedMetadata() as { ppo: LayersModelOutput };
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);

    check(c, observations, layersModelActions(output, COUNT, meta.ppo), meta.ppo.output === 'logits' ? output : null);
  });

  it('clips box actions that fall outside the bounds (the reference clips some)', () => {
    const c = cases[2];
    const reference = trainerReference(c, heldOutObservations(c, COUNT), COUNT);
    const atBound = Array.from(reference.actions).filter((a, i) => a === [-1, -2][i % 2] || a === [1, 0.5][i % 2]).length;
    expect(atBound).toBeGreaterThan(0);
    expect(atBound).toBeLessThan(reference.actions.length);
  });

  it.each([
    ['one dimension bounded, one not', [-1, null], [1, null]],
    ['bounded below only', [0, 0], [null, null]],
  ] as const)('refuses clipped box actions with some bounds finite and others infinite (%s), naming the reason', async (_, low, high) => {
    const c = exportCase({
      name: 'mixed bounds', observationSize: 2, actionSpace: { type: 'box', shape: [2], low: [...low], high: [...high] },
      shared: false, normalize: false, clip: null, clipAction: true,
    });
    try {
      await expect(policyToLayersModel(policyGraph(c.spec, c.network.getWeights()))).rejects.toThrow(/a LayersModel clips box actions only when all their bounds are finite \(or all infinite: no clipping\)/);
    } finally {
      c.network.dispose();
    }
  });
});

describe('ONNX export', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: onnxruntime-node reproduces the trainer', async (_, c) => {
    const bytes = policyToOnnx(policyGraph(c.spec, c.network.getWeights()), { env: c.spec.env });
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
      check(c, observations, action.data as Int32Array | Float32Array, null);
    } finally {
      await session.release();
    }
  });

  it('clips box actions per dimension, infinite bounds included', async () => {
    const c = exportCase({
      name: 'mixed bounds', observationSize: 2, actionSpace: { type: 'box', shape: [2], low: [-1, null], high: [1, null] },
      shared: false, normalize: false, clip: null, clipAction: true,
    });
    const session = await ort.InferenceSession.create(policyToOnnx(policyGraph(c.spec, c.network.getWeights()), { env: 'Test-v0' }));
    try {
      const observations = heldOutObservations(c, COUNT);
      const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', observations, [COUNT, 2]) });
      const actions = result[ONNX_OUTPUT].data as Float32Array;
      check(c, observations, actions, null);
      // The bounded dimension is clipped somewhere, the unbounded one leaves [-1, 1] somewhere.
      expect(Array.from(actions).some((a, i) => i % 2 === 0 && Math.abs(a) === 1)).toBe(true);
      expect(Array.from(actions).some((a, i) => i % 2 === 1 && Math.abs(a) > 1)).toBe(true);
    } finally {
      await session.release();
      c.network.dispose();
    }
  });
});

describe('policies the standard formats cannot express', () => {
  it('refuses a masked policy and a multi-input torso with UNSUPPORTED_EXPORT, naming why', () => {
    const c = cases.find((k) => k.spec.actorCritic.actionSpace.type === 'discrete') as ExportCase;
    const weights = c.network.getWeights();
    expect(() => policyGraph({ ...c.spec, actionMask: { size: 2 } }, weights)).toThrow(/cannot be exported as a LayersModel or ONNX: it was trained with action masks/);
    const multi = { ...c.spec, actorCritic: { ...c.spec.actorCritic, torso: 'multi-input' as const, observationParts: [{ name: 'v', size: c.spec.actorCritic.observationSize }] } };
    let error: unknown;
    try {
      policyGraph(multi, weights);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('UNSUPPORTED_EXPORT');
    expect((error as Error).message).toMatch(/multi-input torso/);
  });
});
