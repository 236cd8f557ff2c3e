import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RolloutBuffer } from '@ppo/buffers';
import { ClipPpoObjective, Adam } from '@ppo/core';
import { SyncVectorEnv } from '@ppo/envs';
import { ActorCritic, selectBackend } from '@ppo/nets';
import { Rng } from '@ppo/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from './callbacks';
import { main } from './cli-main';
import { collectRollout } from './collect-rollout';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import { PPO } from './ppo';
import { ppoUpdate } from './ppo-update';
import { latestCheckpointDir, readCheckpoint, RUN_LAYOUT } from './run-files';
import { runTraining } from './runner';
import { captureIo } from './test-cli-io';

const root = mkdtempSync(join(tmpdir(), 'ppo-mask-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const N = 3;
const T = 16;
const SLOTS = 8;

function setup() {
  const env = SyncVectorEnv.fromId('CardPick-v0', N);
  const policy = new ActorCritic({ observationSize: SLOTS, actionSpace: { type: 'discrete', n: SLOTS }, seed: 4 });
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: SLOTS, actionSize: 1, actionType: 'int32', actionMaskSize: SLOTS });
  const first = env.reset({ seed: 9 });
  return { env, policy, buffer, observations: Float32Array.from(first.observations), actionMasks: Uint8Array.from(first.actionMasks ?? []) };
}

describe('masked rollouts and updates', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('collectRollout samples only allowed cards and stores the mask each action was sampled under', async () => {
    const { env, policy, buffer, observations, actionMasks } = setup();
    // The same rollout stepped by hand: the masks the env gave before each step.
    const expected: number[] = [];
    const witness = SyncVectorEnv.fromId('CardPick-v0', N);
    let current = Uint8Array.from(witness.reset({ seed: 9 }).actionMasks ?? []);
    const counters = { globalStep: 0, episodes: 0 };
    await collectRollout({ env, policy, buffer, rng: new Rng(1), observations, actionMasks, counters });
    for (let t = 0; t < T; t++) {
      expected.push(...current);
      current = Uint8Array.from(witness.step(buffer.actions.subarray(t * N, (t + 1) * N)).actionMasks ?? []);
    }
    expect(Array.from(buffer.actionMasks ?? [])).toEqual(expected);
    for (let k = 0; k < T * N; k++) expect(expected[k * SLOTS + buffer.actions[k]]).toBe(1);
    // No forbidden card was played: every reward is a card's value.
    expect(Math.min(...buffer.rewards)).toBeGreaterThan(0);
    // The caller's masks hold those of the observations after the last step.
    expect(Array.from(actionMasks)).toEqual(Array.from(current));
    policy.dispose();
    env.close();
    witness.close();
  });

  it('collectRollout refuses masks for a buffer without actionMaskSize, and a masked buffer without masks', async () => {
    const { env, policy, buffer, observations, actionMasks } = setup();
    const plain = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: SLOTS, actionSize: 1, actionType: 'int32' });
    const counters = { globalStep: 0, episodes: 0 };
    await expect(collectRollout({ env, policy, buffer: plain, rng: new Rng(1), observations, actionMasks, counters })).rejects.toThrow(/actionMasks must be left out/);
    await expect(collectRollout({ env, policy, buffer, rng: new Rng(1), observations, counters })).rejects.toThrow(/actionMasks must hold numEnvs \* actionMaskSize = 24 flags, got none/);
    policy.dispose();
    env.close();
  });

  it('the update scores the stored actions under their masks: the first ratio is exactly 1', async () => {
    const { env, policy, buffer, observations, actionMasks } = setup();
    await collectRollout({ env, policy, buffer, rng: new Rng(1), observations, actionMasks, counters: { globalStep: 0, episodes: 0 } });
    buffer.advantages.fill(1);
    buffer.returns.fill(1);
    const start = tf.memory().numTensors;
    const optimizer = new Adam(policy.trainableVariables);
    const metrics = ppoUpdate({
      policy, buffer, objective: new ClipPpoObjective(), optimizer, rng: new Rng(2),
      epochs: 1, numMinibatches: 1, learningRate: 0, maxGradNorm: 0.5, context: { progress: 0 },
    });
    expect(Math.abs(metrics.approxKl)).toBeLessThan(1e-6);
    expect(metrics.clipFraction).toBe(0);
    // The same actions scored without their masks have other log-probabilities (the check above can fail).
    const unmasked = tf.tidy(() => {
      const obs = tf.tensor2d(buffer.observations, [T * N, SLOTS]);
      return Array.from(policy.evaluate(obs, tf.tensor1d(buffer.actions, 'int32')).logProbs.dataSync());
    });
    const gap = unmasked.reduce((m, lp, k) => Math.max(m, Math.abs(lp - buffer.logProbs[k])), 0);
    expect(gap).toBeGreaterThan(0.3);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(start);
    policy.dispose();
    env.close();
  });

  it('PPO trains and evaluates with masks: an untrained deterministic policy never plays a forbidden card', async () => {
    const ppo = await PPO.create({ config: { env: 'CardPick-v0', seed: 1, numEnvs: 2, numSteps: 16, totalSteps: 64, numMinibatches: 2, updateEpochs: 1 } });
    try {
      expect(ppo.actionMaskSize).toBe(SLOTS);
      await ppo.train();
      const result = await ppo.evaluate({ episodes: 5 });
      expect(result.lengths).toEqual([16, 16, 16, 16, 16]);
      expect(result.min).toBeGreaterThan(0);
    } finally {
      await ppo.close();
    }
  });

  it('a masked run killed after a checkpoint and resumed ends bitwise equal to an uninterrupted one', async () => {
    const config = { env: 'CardPick-v0', seed: 3, numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 2, totalSteps: 64 * 4, checkpointEvery: 1, backend: 'cpu' as const };
    const full = join(root, 'full');
    await runTraining({ out: full, config, console: false, handleSignals: false, plot: false });
    const broken = join(root, 'broken');
    const crash: Callback = {
      onRolloutEnd: (context) => {
        if (context.update === 2) throw new Error('simulated kill');
      },
    };
    await expect(runTraining({ out: broken, config, console: false, handleSignals: false, callbacks: [crash], plot: false })).rejects.toThrow('simulated kill');
    expect(readCheckpoint(latestCheckpointDir(broken) as string).meta.counters.update).toBe(2);
    await runTraining({ out: broken, resume: true, console: false, handleSignals: false, plot: false });
    const a = readCheckpoint(join(full, RUN_LAYOUT.final));
    const b = readCheckpoint(join(broken, RUN_LAYOUT.final));
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(b.meta.rngs).toEqual(a.meta.rngs);
    expect(b.meta.counters).toEqual(a.meta.counters);
  });

  it('ppo eval plays allowed cards only; ppo export records the mask size, and the rebuilt policy honours the mask', async () => {
    const run = join(root, 'export-run');
    const tiny = ['--env', 'CardPick-v0', '--total-steps', '64', '--num-envs', '2', '--num-steps', '16', '--num-minibatches', '2', '--update-epochs', '1', '--seed', '5', '--backend', 'cpu', '--quiet'];
    expect(await main(['train', ...tiny, '--out', run], captureIo().io)).toBe(0);
    const evaluation = captureIo();
    expect(await main(['eval', run, '--episodes', '4', '--json'], evaluation.io)).toBe(0);
    // Every game runs its 16 rounds: no forbidden card ended one.
    expect(JSON.parse(evaluation.out.join(''))).toMatchObject({ episodes: 4, meanLength: 16 });
    expect(await main(['export', run], captureIo().io)).toBe(0);
    const spec = JSON.parse(readFileSync(join(run, 'export', POLICY_FILE), 'utf8')) as ExportedPolicy;
    expect(spec.actionMask).toEqual({ size: SLOTS });
    const policy = new ActorCritic({ ...spec.actorCritic, seed: 0 });
    try {
      const observation = Float32Array.from({ length: SLOTS }, (_, k) => (k + 1) / 9);
      for (let allowed = 0; allowed < SLOTS; allowed++) {
        const actionMask = new Uint8Array(SLOTS);
        actionMask[allowed] = 1;
        expect(policy.act(observation, 1, new Rng(0), { deterministic: true, actionMask }).actions[0]).toBe(allowed);
      }
    } finally {
      policy.dispose();
    }
  });
});
