import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RolloutBuffer } from '@ppo/buffers';
import { selectBackend } from '@ppo/nets';
import { ConfigError, type PPOConfig } from './config';
import { MemoryLogger } from './loggers';
import { NonFiniteError, PPO } from './ppo';
import { MemorySink } from './test-memory-sink';
import { badRewardEnv, CounterEnv, recordingBoxEnv } from './test-envs';

/** The trainer's rollout buffer (private: read here to check what training stored). */
function bufferOf(ppo: PPO): RolloutBuffer {
  return (ppo as unknown as { buffer: RolloutBuffer }).buffer;
}

/** Metrics of each update (the records that carry `charts/update`). */
function updates(logger: MemoryLogger): Record<string, number>[] {
  return logger.records.filter((r) => r.metrics['charts/update'] !== undefined).map((r) => r.metrics);
}

const SMALL: Partial<PPOConfig> = { seed: 4, numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 2 };

describe('PPO details', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('stores the raw sampled action while the env receives it clipped to the Box', async () => {
    const received: number[] = [];
    const ppo = await PPO.create({ config: { ...SMALL, env: 'record', numEnvs: 1, numMinibatches: 1, totalSteps: 16, clipAction: true }, makeEnv: () => recordingBoxEnv(received) });
    let stored: number[] = [];
    await ppo.train({ callbacks: [{ onRolloutEnd: () => void (stored = Array.from(bufferOf(ppo).actions)) }] });
    await ppo.close();
    expect(stored).toHaveLength(16);
    expect(received).toHaveLength(16);
    // std 1 against bounds of +-0.01: most samples lie outside them.
    expect(stored.filter((a) => Math.abs(a) > 0.011).length).toBeGreaterThan(8);
    const bound = Math.fround(0.01);
    stored.forEach((a, k) => expect(received[k]).toBe(Math.min(bound, Math.max(-bound, a))));
  });

  it('bootstraps a truncated step from the value of its final observation', async () => {
    const gamma = 0.9;
    const lambda = 0.8;
    const ppo = await PPO.create({
      config: { ...SMALL, env: 'counter', numEnvs: 1, numSteps: 8, numMinibatches: 1, totalSteps: 8, gamma, gaeLambda: lambda },
      makeEnv: () => new CounterEnv(5),
    });
    const snapshots: { obs: number[]; values: number[]; advantages: number[]; returns: number[]; truncated: number[] }[] = [];
    let vFinal = 0;
    let vLast = 0;
    await ppo.train({
      callbacks: [{
        onRolloutEnd: () => {
          const b = bufferOf(ppo);
          snapshots.push({ obs: Array.from(b.observations), values: Array.from(b.values), advantages: Array.from(b.advantages), returns: Array.from(b.returns), truncated: Array.from(b.truncated) });
          // Before optimisation the network is the one that collected the rollout.
          vFinal = ppo.actorCritic.predictValues(new Float32Array([0.5, 1]), 1)[0];
          vLast = ppo.actorCritic.predictValues(new Float32Array([0.3, 0]), 1)[0];
        },
      }],
    });
    await ppo.close();
    expect(snapshots).toHaveLength(1);
    const s = snapshots[0];
    // Steps 0-4 are the first episode (observations k/10), truncated at step 4; steps 5-7 the next.
    expect(s.obs.filter((_, k) => k % 2 === 0)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0, 0.1, 0.2].map(Math.fround));
    expect(s.truncated).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    const next = (t: number) => (t === 4 ? vFinal : t === 7 ? vLast : s.values[t + 1]);
    const expected = new Array<number>(8);
    let a = 0;
    for (let t = 7; t >= 0; t--) {
      const delta = 1 + gamma * next(t) - s.values[t];
      a = delta + gamma * lambda * (t === 4 ? 0 : 1) * a;
      expected[t] = a;
    }
    for (let t = 0; t < 8; t++) {
      expect(s.advantages[t]).toBeCloseTo(expected[t], 5);
      expect(s.returns[t]).toBeCloseTo(expected[t] + s.values[t], 5);
    }
    // The test can tell V(final observation) from V(next episode's first observation) = V([0, 0]).
    expect(Math.abs(gamma * (vFinal - s.values[5]))).toBeGreaterThan(1e-3);
  });

  it('anneals charts/learning_rate as CleanRL: lr * (1 - (update - 1) / numUpdates)', async () => {
    const logger = new MemoryLogger();
    const ppo = await PPO.create({ config: { ...SMALL, env: 'CartPole-v1', totalSteps: 32 * 5, learningRate: 3e-3 } });
    await ppo.train({ loggers: [logger] });
    await ppo.close();
    const rates = updates(logger).map((m) => m['charts/learning_rate']);
    expect(rates).toHaveLength(5);
    rates.forEach((lr, k) => expect(lr).toBeCloseTo(3e-3 * (1 - k / 5), 15));
  });

  it('keeps the tensor count flat per update on the continuous and PPO-KL paths, and logs grad_norm', async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    const logger = new MemoryLogger();
    const ppo = await PPO.create({
      preset: 'mujoco',
      config: { ...SMALL, env: 'Pendulum-v1', totalSteps: 32 * 4, numMinibatches: 4, loss: 'kl', maxGradNorm: 0.5 },
    });
    await ppo.train({ loggers: [logger], callbacks: [{ onUpdateEnd: () => void counts.push(tf.memory().numTensors) }] });
    await ppo.close();
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(start);
    for (const m of updates(logger)) {
      expect(m['charts/grad_norm']).toBeGreaterThan(0);
      expect(Number.isFinite(m['losses/approx_kl_after_update'])).toBe(true);
    }
  });

  it('PPO-KL adapts beta to the KL of the updated policy against the rollout, over the whole batch', async () => {
    const target = 0.002;
    const logger = new MemoryLogger();
    const ppo = await PPO.create({ config: { ...SMALL, env: 'CartPole-v1', totalSteps: 32 * 5, loss: 'kl', klTarget: target, klBetaInit: 0.5, learningRate: 3e-3, annealLr: false } });
    const independent: number[] = [];
    await ppo.train({
      loggers: [logger],
      callbacks: [{
        onUpdateEnd: () => {
          // k3 = mean((r - 1) - log r) of the updated policy against the stored log-probs, in float64.
          const b = bufferOf(ppo);
          const count = b.logProbs.length;
          const logProbs = tf.tidy(() => {
            const obs = tf.tensor2d(b.observations, [count, 4]);
            return ppo.actorCritic.evaluate(obs, tf.tensor1d(b.actions as Int32Array, 'int32')).logProbs.dataSync();
          });
          let sum = 0;
          for (let k = 0; k < count; k++) {
            const lr = logProbs[k] - b.logProbs[k];
            sum += Math.expm1(lr) - lr;
          }
          independent.push(sum / count);
        },
      }],
    });
    await ppo.close();
    const ms = updates(logger);
    expect(ms).toHaveLength(5);
    let beta = 0.5;
    ms.forEach((m, k) => {
      const kl = m['losses/approx_kl_after_update'];
      expect(kl).toBeGreaterThan(0);
      expect(Math.abs(kl - independent[k])).toBeLessThan(1e-6 + 1e-4 * independent[k]);
      beta = kl > target * 1.5 ? beta * 2 : kl < target / 1.5 ? beta / 2 : beta;
      expect(m['charts/kl_beta']).toBe(beta);
    });
    expect(new Set(ms.map((m) => m['charts/kl_beta'])).size).toBeGreaterThan(1);
  });

  it('PPO-KL doubles beta every update when the target is tiny', async () => {
    const logger = new MemoryLogger();
    const ppo = await PPO.create({ config: { ...SMALL, env: 'CartPole-v1', totalSteps: 32 * 3, loss: 'kl', klTarget: 1e-12, klBetaInit: 1 } });
    await ppo.train({ loggers: [logger] });
    await ppo.close();
    expect(updates(logger).map((m) => m['charts/kl_beta'])).toEqual([2, 4, 8]);
  });

  it.each([
    ['+Infinity with clipReward on and normalizeReward off', Number.POSITIVE_INFINITY, { clipReward: 10, normalizeReward: false }, 'Infinity'],
    ['NaN with reward normalization on', Number.NaN, { clipReward: 10, normalizeReward: true }, 'NaN'],
  ] as const)('stops on a raw reward of %s, after the last good checkpoint', async (_name, reward, switches, shown) => {
    const sink = new MemorySink();
    // Env 1 turns bad on its 20th step: global step 40, in update 3 (16 global steps per update).
    const ppo = await PPO.create({
      config: { ...SMALL, env: 'bad-reward', numSteps: 8, totalSteps: 16 * 6, checkpointEvery: 1, ...switches },
      makeEnv: (i) => badRewardEnv(reward, i === 1 ? 20 : 1e9),
    });
    let error: unknown;
    try {
      await ppo.train({ checkpoints: sink });
    } catch (e) {
      error = e;
    }
    // The bad value was stopped before the reward normalizer saw it (JSON shows NaN as null).
    expect(JSON.stringify(ppo.checkpoint().meta.normalization.reward ?? {})).not.toContain('null');
    await ppo.close();
    expect(error).toBeInstanceOf(NonFiniteError);
    const e = error as NonFiniteError;
    expect([e.quantity, e.envIndex, e.globalStep]).toEqual(['reward', 1, 40]);
    expect(e.message).toBe(`non-finite reward in env 1 at step 40: reward is ${shown}`);
    expect(sink.checkpoints.map((c) => c.meta.counters.update)).toEqual([0, 1, 2]);
  });

  it('evaluate() cuts an endless episode at maxSteps and validates its options', async () => {
    const ppo = await PPO.create({ config: { ...SMALL, env: 'endless', totalSteps: 32 }, makeEnv: () => new CounterEnv(null) });
    const result = await ppo.evaluate({ episodes: 2, maxSteps: 25 });
    expect(result).toMatchObject({ episodes: 2, returns: [25, 25], lengths: [25, 25], cutAtMaxSteps: 2, mean: 25, std: 0 });
    await expect(ppo.evaluate({ maxSteps: 0 })).rejects.toThrow('maxSteps must be a positive integer, got 0');
    await expect(ppo.evaluate({ seed: -1 })).rejects.toThrow('seed must be an integer in [0, 4294967295], got -1');
    await expect(ppo.evaluate({ seed: 1.5 })).rejects.toThrow('seed must be an integer in [0, 4294967295], got 1.5');
    await ppo.close();
    const finite = await PPO.create({ config: { ...SMALL, env: 'counter', totalSteps: 32 }, makeEnv: () => new CounterEnv(7) });
    expect(await finite.evaluate({ episodes: 3, maxSteps: 100 })).toMatchObject({ returns: [7, 7, 7], lengths: [7, 7, 7], cutAtMaxSteps: 0 });
    await finite.close();
  });

  it("rejects torso 'nature-cnn' on a non-image observation space, naming torso and the shape", async () => {
    let error: unknown;
    try {
      await PPO.create({ config: { ...SMALL, env: 'CartPole-v1', totalSteps: 32, torso: 'nature-cnn' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('torso');
    expect((error as ConfigError).message).toBe(
      "config.torso: 'nature-cnn' needs a Box observation space of shape [height, width, channels], the env has shape [4]",
    );
  });
});
