/**
 * The fused update of the MinAtar network (a shared one-convolution torso, `HostConvActorCritic`)
 * against the general path (tfjs autodiff): one full update, exact resume, which path runs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { RolloutBuffer } from '@ppo/buffers';
import { Adam, ClipPpoObjective } from '@ppo/core';
import { ActorCritic, HostConvActorCritic, selectBackend } from '@ppo/nets';
import { Rng } from '@ppo/utils';
import type { PPOConfig } from './config';
import { fusedUpdate } from './fused-update';
import { MemoryLogger } from './loggers';
import { PPO } from './ppo';
import { ppoUpdate, type PpoUpdateOptions } from './ppo-update';
import { ImageEnv } from './test-envs';

const T = 16;
const N = 4;
const SHAPE: [number, number, number] = [10, 10, 4];
const D = 400;

function makePolicy(): ActorCritic {
  return new ActorCritic({ observationSize: D, observationShape: SHAPE, torso: 'nature-cnn', shared: true, actionSpace: { type: 'discrete', n: 6 }, seed: 11 });
}

/** A rollout acted by `policy` on random 0/1 grids (MinAtar's), with random advantages and returns. */
function rollout(policy: ActorCritic, seed: number): RolloutBuffer {
  const rng = new Rng(seed);
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: D, actionSize: 1, actionType: 'int32' });
  for (let t = 0; t < T; t++) {
    const observations = Float32Array.from({ length: N * D }, () => (rng.nextFloat() < 0.15 ? 1 : 0));
    const out = policy.act(observations, N, rng);
    buffer.add({ observations, actions: out.actions, logProbs: out.logProbs, values: out.values, rewards: [1, 0, 1, 0], terminated: [0, 0, 0, 0], truncated: [0, 0, 0, 0] });
  }
  buffer.bootstrapNextValues([0, 0, 0, 0]);
  for (let k = 0; k < T * N; k++) {
    buffer.advantages[k] = rng.normal(0, 1);
    buffer.returns[k] = buffer.values[k] + rng.normal(0, 0.5);
  }
  return buffer;
}

/** The minatar preset's update: 3 epochs of 4 minibatches, clip 0.1, c1 1, c2 0.01. */
function update(policy: ActorCritic, optimizer: Adam, buffer: RolloutBuffer, extra: Partial<PpoUpdateOptions> = {}): Record<string, number> {
  return ppoUpdate({
    policy,
    buffer,
    objective: new ClipPpoObjective({ clipRange: 0.1, vfCoef: 1, entCoef: 0.01 }),
    optimizer,
    rng: new Rng(3),
    epochs: 3,
    numMinibatches: 4,
    learningRate: 2.5e-4,
    maxGradNorm: 0.5,
    context: { progress: 0 },
    ...extra,
  });
}

function flatWeights(policy: ActorCritic): Float32Array[] {
  return policy.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
}

function distance(a: Float32Array[], b: Float32Array[]): number {
  let s = 0;
  a.forEach((x, k) => x.forEach((v, i) => (s += (v - b[k][i]) ** 2)));
  return Math.sqrt(s);
}

describe.each(['cpu', 'wasm'] as const)('the fused update of the MinAtar network on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('one full update agrees with the general path (tfjs autodiff): metrics, then weights', () => {
    const fast = makePolicy();
    const general = makePolicy();
    const start = flatWeights(fast);
    const buffer = rollout(fast, 5);
    const fastAdam = new Adam(fast.trainableVariables);
    const generalAdam = new Adam(general.trainableVariables);
    const before = tf.memory().numTensors;
    const a = update(fast, fastAdam, buffer);
    // The fused path leaves no tensors behind (its commit replaces each variable's value).
    expect(tf.memory().numTensors).toBe(before);
    const b = update(general, generalAdam, buffer, { fused: false });
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const name of Object.keys(b)) {
      expect(Math.abs(a[name] - b[name]), name).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[name])));
    }
    // 12 Adam steps: the two runs differ by float32 rounding, far less than the update moved.
    const moved = distance(flatWeights(general), start);
    expect(moved).toBeGreaterThan(1e-3);
    expect(distance(flatWeights(fast), flatWeights(general))).toBeLessThan(1e-3 * moved);
    expect(fastAdam.step).toBe(12);
    for (const x of [fastAdam, generalAdam, fast, general]) x.dispose();
  });

  it('the next rollout is acted on the host by the updated weights (first minibatch ratio 1)', () => {
    const policy = makePolicy();
    const adam = new Adam(policy.trainableVariables);
    update(policy, adam, rollout(policy, 6));
    const first = update(policy, adam, rollout(policy, 7), { epochs: 1, numMinibatches: 1 });
    expect(first.approxKl).toBeLessThan(1e-9);
    expect(first.clipFraction).toBe(0);
    adam.dispose();
    policy.dispose();
  });

  it('resumes exactly: weights and Adam moments restored into new objects continue bitwise', () => {
    const straight = makePolicy();
    const buffers = [rollout(straight, 1), rollout(straight, 2)];
    const adam = new Adam(straight.trainableVariables);
    update(straight, adam, buffers[0]);
    const saved = { weights: straight.getWeights(), adam: adam.getState() };
    update(straight, adam, buffers[1]);

    const resumed = makePolicy();
    resumed.setWeights(saved.weights);
    const resumedAdam = new Adam(resumed.trainableVariables);
    resumedAdam.setState(saved.adam);
    update(resumed, resumedAdam, buffers[1]);
    expect(flatWeights(resumed)).toEqual(flatWeights(straight));
    expect(resumedAdam.getState()).toEqual(adam.getState());
    for (const x of [adam, resumedAdam, straight, resumed]) x.dispose();
  });
});

describe('PPO on the MinAtar network, fused and general', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('learn the same up to rounding: the same episodes, losses within 1e-3, no leaked tensors', async () => {
    const config: Partial<PPOConfig> = {
      env: 'image-test', seed: 2, numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 3, totalSteps: 128 * 6,
      torso: 'nature-cnn', sharedTorso: true, clipCoef: 0.1, vfCoef: 1, learningRate: 1e-3,
    };
    const run = async (fused: boolean) => {
      const start = tf.memory().numTensors;
      const logger = new MemoryLogger();
      const ppo = await PPO.create({ config, makeEnv: () => new ImageEnv() });
      await ppo.train({ loggers: [logger], fused });
      await ppo.close();
      expect(tf.memory().numTensors).toBe(start);
      const returns = logger.records.filter((r) => r.metrics['charts/episodic_return'] !== undefined).map((r) => r.metrics['charts/episodic_return']);
      const updates = logger.records.filter((r) => r.metrics['losses/value_loss'] !== undefined).map((r) => r.metrics);
      return { returns, updates };
    };
    const fused = await run(true);
    const general = await run(false);
    expect(fused.updates).toHaveLength(6);
    // The task is learnable: the last episodes score more than the first (16 steps, reward 1 per right choice).
    expect(fused.returns.slice(-4).reduce((a, b) => a + b)).toBeGreaterThan(fused.returns.slice(0, 4).reduce((a, b) => a + b));
    expect(fused.returns).toEqual(general.returns);
    fused.updates.forEach((m, u) => {
      for (const name of ['losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac']) {
        expect(Math.abs(m[name] - general.updates[u][name]), `update ${u}: ${name}`).toBeLessThanOrEqual(1e-3 * Math.max(1e-2, Math.abs(general.updates[u][name])));
      }
    });
  });
});

describe('which MinAtar networks take the fused path', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('the shared MinAtar torso does; fused: false forces the general path', () => {
    const policy = makePolicy();
    const adam = new Adam(policy.trainableVariables);
    expect(fusedUpdate(policy, new ClipPpoObjective(), adam)).not.toBeNull();
    const separate = new ActorCritic({ observationSize: D, observationShape: SHAPE, torso: 'nature-cnn', shared: false, actionSpace: { type: 'discrete', n: 6 }, seed: 1 });
    expect(fusedUpdate(separate, new ClipPpoObjective(), new Adam(separate.trainableVariables))).toBeNull();
    const buffer = rollout(policy, 4);
    const standard = new ClipPpoObjective();
    // Spied on the class: a spy on the instance would replace its compute, which the fused path refuses.
    const computed = vi.spyOn(ClipPpoObjective.prototype, 'compute');
    const evaluated = vi.spyOn(HostConvActorCritic.prototype, 'evaluate');
    update(policy, adam, buffer, { objective: standard });
    expect(computed).not.toHaveBeenCalled();
    expect(evaluated).toHaveBeenCalledTimes(12);
    update(policy, adam, buffer, { objective: standard, fused: false });
    expect(computed).toHaveBeenCalledTimes(12);
    expect(evaluated).toHaveBeenCalledTimes(12);
    evaluated.mockRestore();
    computed.mockRestore();
    for (const x of [adam, policy, separate]) x.dispose();
  });
});
