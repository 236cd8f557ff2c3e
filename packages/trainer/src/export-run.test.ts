import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { ActorCritic } from '@ppo/nets';
import { loadPolicyFolder, loadWeights, MANIFEST_FILE } from '@ppo/nets/node';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli-main';
import { exportPolicy } from './export-run';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import { PPO } from './ppo';
import { readCheckpoint, RUN_LAYOUT } from './run-files';
import { captureIo } from './test-cli-io';
import type { LayersModelOutput } from './layers-export';
import { ONNX_FILE, ONNX_INPUT, ONNX_OUTPUT } from './onnx-export';
import { expectSameActions, heldOutObservations, layersModelActions, loadLayersModelFiles, type ExportCase } from './test-export-policies';

const root = mkdtempSync(join(tmpdir(), 'ppo-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = ['--total-steps', '128', '--num-envs', '2', '--num-steps', '16', '--num-minibatches', '2', '--update-epochs', '1', '--seed', '5', '--backend', 'cpu', '--quiet'];

/** Trains a tiny run, exports it through the CLI and returns the run and export folders. */
async function trainAndExport(name: string, trainArgs: string[], exportArgs: string[] = []): Promise<{ run: string; exported: string }> {
  const run = join(root, name);
  expect(await main(['train', ...tiny, ...trainArgs, '--out', run], captureIo().io)).toBe(0);
  const c = captureIo();
  expect(await main(['export', run, ...exportArgs], c.io)).toBe(0);
  const exported = exportArgs.length > 0 ? exportArgs[1] : join(run, 'export');
  expect(c.out.join('')).toContain(`exported ${join(run, RUN_LAYOUT.final)} (128 steps) to ${exported}`);
  return { run, exported };
}

/** The exported network, rebuilt and loaded as a page would, next to the trainer's own restore of final/. */
async function compare(run: string, exported: string, observationSize: number): Promise<ExportedPolicy> {
  const policy = JSON.parse(readFileSync(join(exported, POLICY_FILE), 'utf8')) as ExportedPolicy;
  expect(existsSync(join(exported, MANIFEST_FILE))).toBe(true);
  const tensors = tf.memory().numTensors;
  const network = new ActorCritic({ ...policy.actorCritic, seed: 99 });
  const restored = await PPO.restore(readCheckpoint(join(run, RUN_LAYOUT.final)), null);
  try {
    const count = 16;
    const observations = Float32Array.from({ length: count * observationSize }, (_, k) => Math.sin(1.7 * k));
    const trained = restored.actorCritic.act(observations, count, new Rng(7));
    // A freshly initialised network acts otherwise: the comparison below sees the loaded weights.
    expect(Array.from(network.predictValues(observations, count))).not.toEqual(Array.from(trained.values));
    await loadWeights(exported, network);
    for (const deterministic of [true, false]) {
      const ours = network.act(observations, count, new Rng(7), { deterministic });
      const theirs = restored.actorCritic.act(observations, count, new Rng(7), { deterministic });
      expect(Array.from(ours.actions)).toEqual(Array.from(theirs.actions));
      expect(Array.from(ours.values)).toEqual(Array.from(theirs.values));
      expect(Array.from(ours.logProbs)).toEqual(Array.from(theirs.logProbs));
    }
  } finally {
    network.dispose();
    await restored.close();
  }
  expect(tf.memory().numTensors).toBe(tensors);
  return policy;
}

/**
 * The LayersModel (stock tfjs), the ONNX file (onnxruntime-node) and loadPolicyFolder act like
 * the trainer's own restore of final/ on held-out observations, and policy.json holds the
 * SHA-256 of every other file.
 */
async function expectFormatsReproduce(run: string, exported: string, policy: ExportedPolicy): Promise<void> {
  const names = readdirSync(exported).filter((name) => name !== POLICY_FILE).sort();
  expect(names).toEqual(expect.arrayContaining([MANIFEST_FILE, 'model.json', 'group1-shard1of1.bin', ONNX_FILE]));
  expect(policy.files).toEqual(Object.fromEntries(names.map((name) => [name, createHash('sha256').update(readFileSync(join(exported, name))).digest('hex')])));
  const restored = await PPO.restore(readCheckpoint(join(run, RUN_LAYOUT.final)), null);
  const c: ExportCase = { name: policy.env, spec: policy, network: restored.actorCritic };
  const count = 64;
  const D = policy.actorCritic.observationSize;
  const observations = heldOutObservations(c, count, 99);
  // A briefly trained head has logits close together: compare where they are not within rounding.
  const minDecisive = 0.5;
  const tensors = tf.memory().numTensors;
  try {
    const model = await loadLayersModelFiles((name) => readFileSync(join(exported, name)));
    const output = tf.tidy(() => (model.predict(tf.tensor2d(observations, [count, D])) as tf.Tensor).dataSync() as Float32Array);
    const meta = (model.getUserDefinedMetadata() as { ppo: LayersModelOutput }).ppo;
    model.dispose();
    expectSameActions(c, observations, count, layersModelActions(output, count, meta), meta.output === 'logits' ? output : null, minDecisive);

    const session = await ort.InferenceSession.create(join(exported, ONNX_FILE));
    try {
      const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', observations, [count, D]) });
      expectSameActions(c, observations, count, result[ONNX_OUTPUT].data as Int32Array | Float32Array, null, minDecisive);
    } finally {
      await session.release();
    }

    const loaded = await loadPolicyFolder(exported);
    try {
      expectSameActions(c, observations, count, loaded.predict(observations, count), null, minDecisive);
    } finally {
      loaded.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
  } finally {
    await restored.close();
  }
}

describe('ppo export', () => {
  it('writes weights a fresh ActorCritic loads to act bitwise like the trained policy, with the normalization statistics', async () => {
    const { run, exported } = await trainAndExport('pendulum', ['--env', 'Pendulum-v1', '--normalize-observation', '--clip-observation', '5', '--clip-action']);
    const policy = await compare(run, exported, 3);
    await expectFormatsReproduce(run, exported, policy);
    const checkpoint = readCheckpoint(join(run, RUN_LAYOUT.final));
    expect(policy.observation.normalization).not.toBeNull();
    expect(policy.observation.normalization).toEqual(checkpoint.meta.normalization.observation);
    expect(policy).toMatchObject({
      format: 'ppo-policy',
      version: 2,
      env: 'Pendulum-v1',
      actorCritic: { observationSize: 3, actionSpace: { type: 'box', shape: [1], low: [-2], high: [2] }, hiddenSizes: [64, 64], activation: 'tanh', shared: false },
      observation: { clip: 5 },
      clipAction: true,
      source: { checkpoint: RUN_LAYOUT.final, globalStep: 128, update: 4 },
    });
  });

  it('writes to --out, with null statistics for a run without observation normalization', async () => {
    const target = join(root, 'site', 'policy');
    const { run, exported } = await trainAndExport('cartpole', ['--env', 'CartPole-v1', '--shared-torso', '--hidden-sizes', '16'], ['--out', target]);
    expect(exported).toBe(target);
    expect(existsSync(join(run, 'export'))).toBe(false);
    const policy = await compare(run, exported, 4);
    await expectFormatsReproduce(run, exported, policy);
    expect(policy.actorCritic).toMatchObject({ actionSpace: { type: 'discrete', n: 2 }, hiddenSizes: [16], shared: true });
    expect(policy.observation).toEqual({ normalization: null, clip: null });
  });

  it('fails naming the run directory when it holds no checkpoint', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    for (const [dir, message] of [[empty, /empty holds no checkpoint/], [join(root, 'missing'), /run directory '.*missing' does not exist/]] as const) {
      const c = captureIo();
      expect(await main(['export', dir], c.io)).toBe(1);
      expect(c.err.join('')).toMatch(message);
    }
  });

  it('exportPolicy writes a network of your own, refusing a description of another network', async () => {
    const network = new ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 2 }, hiddenSizes: [8], seed: 4 });
    const description = {
      env: 'Test-v0', envOptions: {}, clipAction: false,
      actorCritic: { observationSize: 3, actionSpace: network.actionSpace, torso: 'mlp' as const, hiddenSizes: [8], activation: 'tanh' as const, shared: false },
      observation: { normalization: null, clip: 2 },
      source: { checkpoint: '', globalStep: 0, update: 0 },
    };
    try {
      const out = join(root, 'own');
      await expect(exportPolicy(network, { ...description, actorCritic: { ...description.actorCritic, observationSize: 4 } }, out)).rejects.toThrow(
        /description\.actorCritic does not describe the network: observationSize 4, the network has 3/,
      );
      expect(existsSync(out)).toBe(false);
      const policy = await exportPolicy(network, description, out);
      expect(policy).toMatchObject({ format: 'ppo-policy', version: 2, observation: { clip: 2 } });
      const loaded = await loadPolicyFolder(out);
      const observations = Float32Array.from({ length: 30 }, (_, k) => 3 * Math.cos(k));
      const clipped = observations.map((x) => Math.min(2, Math.max(-2, x)));
      expect(Array.from(loaded.predict(observations, 10))).toEqual(Array.from(network.act(clipped, 10, new Rng(0), { deterministic: true }).actions));
      loaded.dispose();
    } finally {
      network.dispose();
    }
  });

  it('writes what the standard formats can express, with a notice for the rest', async () => {
    const base = {
      envOptions: {}, clipAction: true,
      observation: { normalization: null, clip: null },
      source: { checkpoint: '', globalStep: 0, update: 0 },
    };
    const multi = new ActorCritic({ observationSize: 2, actionSpace: { type: 'multi-discrete', nvec: [2, 3] }, hiddenSizes: [4], seed: 1 });
    const mixed = new ActorCritic({ observationSize: 2, actionSpace: { type: 'box', shape: [2], low: [-1, null], high: [1, null] }, hiddenSizes: [4], seed: 1 });
    try {
      for (const [name, network, files] of [
        ['multi', multi, [POLICY_FILE, expect.stringMatching(/^weights-/), MANIFEST_FILE]],
        ['mixed', mixed, [POLICY_FILE, ONNX_FILE, expect.stringMatching(/^weights-/), MANIFEST_FILE]],
      ] as const) {
        const notices: string[] = [];
        const out = join(root, name);
        await exportPolicy(
          network,
          { ...base, env: name, actorCritic: { observationSize: 2, actionSpace: network.actionSpace, torso: 'mlp', hiddenSizes: [4], activation: 'tanh', shared: false } },
          out,
          { onNotice: (message) => notices.push(message) },
        );
        expect(readdirSync(out).sort()).toEqual(files);
        expect(notices).toEqual([
          name === 'multi'
            ? "export: no LayersModel or ONNX file: this policy cannot be exported as a LayersModel or ONNX: action space 'multi-discrete' (discrete and box are supported)"
            : expect.stringMatching(/^export: no LayersModel: a LayersModel clips box actions only when all their bounds are finite/),
        ]);
        (await loadPolicyFolder(out)).dispose();
      }
    } finally {
      multi.dispose();
      mixed.dispose();
    }
  });
});
