import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { loadPolicy, selectBackend } from '@ppo/nets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPolicy } from './export-run';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import { describePolicy, policyFiles } from './policy-files';
import { PPO } from './ppo';

const root = mkdtempSync(join(tmpdir(), 'ppo-policy-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('policyFiles', () => {
  let ppo: PPO;
  beforeAll(async () => {
    await selectBackend('cpu');
    ppo = await PPO.create({
      preset: 'mujoco',
      config: { env: 'Pendulum-v1', totalSteps: 64, numSteps: 32, numMinibatches: 2, updateEpochs: 1, seed: 3, hiddenSizes: [8] },
    });
    await ppo.train();
  });
  afterAll(async () => {
    await ppo.close();
  });

  it('gives the files exportPolicy writes, byte for byte, each listed with its SHA-256 in policy.json', async () => {
    const description = describePolicy(ppo);
    const before = tf.memory().numTensors;
    const { policy, files } = await policyFiles(ppo.actorCritic, description);
    expect(tf.memory().numTensors).toBe(before);
    const out = join(root, 'pendulum');
    await exportPolicy(ppo.actorCritic, description, out);
    expect([...files.keys()]).toEqual(readdirSync(out).sort());
    for (const [name, bytes] of files) expect(Buffer.from(bytes).equals(readFileSync(join(out, name))), name).toBe(true);
    const written = JSON.parse(new TextDecoder().decode(files.get(POLICY_FILE))) as ExportedPolicy;
    expect(written).toEqual(policy);
    const others = [...files.keys()].filter((name) => name !== POLICY_FILE);
    expect(Object.keys(policy.files ?? {})).toEqual(others);
    for (const name of others) expect(policy.files?.[name]).toBe(createHash('sha256').update(files.get(name) as Uint8Array).digest('hex'));
  });

  it('describes the trainer: env, network, observation statistics and clipping, counters', () => {
    const description = describePolicy(ppo);
    const { meta } = ppo.checkpoint();
    expect(description).toMatchObject({
      env: 'Pendulum-v1',
      clipAction: true,
      actorCritic: { observationSize: 3, hiddenSizes: [8], shared: false, actionSpace: ppo.actorCritic.actionSpace },
      observation: { normalization: meta.normalization.observation, clip: 10 },
      source: { checkpoint: '', globalStep: 64, update: 2 },
    });
    expect(describePolicy(ppo, { checkpoint: 'final', globalStep: 1, update: 1 }).source).toEqual({ checkpoint: 'final', globalStep: 1, update: 1 });
  });

  it('loads back with loadPolicy from memory and acts as the network does', async () => {
    const { files } = await policyFiles(ppo.actorCritic, describePolicy(ppo));
    const loaded = await loadPolicy((name) => {
      const bytes = files.get(name);
      return bytes === undefined ? Promise.reject(new Error(`no ${name}`)) : Promise.resolve(bytes);
    });
    try {
      const observations = Float32Array.from({ length: 30 }, (_, k) => 2 * Math.sin(k));
      const expected = ppo.actorCritic.act(loaded.prepare(observations), 10, new Rng(0), { deterministic: true }).actions.map((a) => Math.min(2, Math.max(-2, a)));
      expect(Array.from(loaded.predict(observations, 10))).toEqual(Array.from(expected));
    } finally {
      loaded.dispose();
    }
  });
});
